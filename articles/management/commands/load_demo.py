"""``manage.py load_demo``: the demo articles and their comment, into an empty site only."""

import json
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from comments.models import Comment

CONTENT = Path(__file__).resolve().parents[2] / "demo" / "content.json"


class Command(BaseCommand):
    help = (
        "Load the demo articles and their comment into a site that has no article yet. "
        "A site with any article (drafts included) is left as it is, so an article the owner "
        "deleted is never made again."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        existing = Article.objects.count()
        if existing:
            self.stdout.write(
                f"The site has {existing} article{'s' if existing != 1 else ''}: the demo "
                "was not loaded (it loads only into a site without articles)."
            )
            return
        data = json.loads(CONTENT.read_text(encoding="utf-8"))
        now = timezone.now()
        by_slug = {}
        for item in data["articles"]:
            article = Article.objects.create(
                slug=item["slug"],
                title=item["title"],
                byline=item["byline"],
                summary=item["summary"],
                body=item["body"],
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(days=item["days_ago"]),
            )
            for comment in item["comments"]:
                posted = Comment.objects.create(
                    article=article,
                    author_name=comment["author_name"],
                    author_email=comment["author_email"],
                    body=comment["body"],
                    status=Comment.Status.APPROVED,
                )
                Comment.objects.filter(pk=posted.pk).update(
                    created_at=now - timedelta(hours=comment["hours_ago"])
                )
            by_slug[item["slug"]] = (article, item["related"])
        for article, related_slugs in by_slug.values():
            article.related.set(Article.objects.filter(slug__in=related_slugs))
        self.stdout.write(f"Demo content loaded ({len(by_slug)} articles).")
