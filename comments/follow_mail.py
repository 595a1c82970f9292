"""Mail for readers who follow an article: the confirmation (double opt-in) and the digest.

A follow (``models.ArticleFollow``) is asked for from the comment form ("Notify me of new
comments on this article") or the small form under the thread (email only). Nothing is sent
for it until the address confirms it through the ``signed_links.CONFIRM`` link (the page of
reply notifications, ``subscriptions``), and nothing after the address unsubscribes
(``signed_links.UNSUBSCRIBE``, RFC 8058 one click, the same link as reply mail).

The digest lists the comments published on the followed articles since the address's last
digest, at most one mail a day per address. There is no scheduler in the site: run
``manage.py send_follow_digests`` from cron (hourly, see the README), which calls
``send_follow_digests``. Mail never holds another commenter's email, only their public name.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import ngettext

from . import mail, signed_links, tasks
from .identity import normalize_email
from .models import ArticleFollow, Comment, ModerationLog, Subscriber
from .plain_text import text_excerpt

DIGEST_INTERVAL = timedelta(hours=24)
# Comments listed per article in one digest (the rest are counted, with the article's link).
DIGEST_PER_ARTICLE = 10
EXCERPT_CHARACTERS = 200

Status = Comment.Status


@task
def request_follow(comment_pk: int) -> bool:
    """The author of this comment asked to follow its article; True if a confirmation was sent.

    Like reply notifications: nothing is stored or sent for a comment that went to spam or
    was removed (a spammer must not make the site mail a stranger).
    """
    comment = Comment.objects.filter(pk=comment_pk).first()
    if comment is None or comment.status in (Status.SPAM, Status.REMOVED):
        return False
    email = normalize_email(comment.author_email)
    if not email:
        return False
    subscriber, _created = Subscriber.objects.get_or_create(email=email)
    ArticleFollow.objects.get_or_create(subscriber=subscriber, article_id=comment.article_id)
    return tasks.confirmation_mail(subscriber.pk)


# The digest --------------------------------------------------------------------------------


def due_subscribers(*, now=None):
    """Active addresses with a confirmed follow whose last digest is a day old or more."""
    now = now or timezone.now()
    return (
        Subscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        .filter(Exists(ArticleFollow.objects.confirmed().filter(subscriber=OuterRef("pk"))))
        .filter(Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lte=now - DIGEST_INTERVAL))
        .order_by("pk")
    )


def send_follow_digests(*, now=None) -> int:
    """Send every digest that is due; returns how many mails were sent.

    Each address gets at most one digest per ``DIGEST_INTERVAL`` (24 hours), listing the
    comments published on its confirmed follows since its previous digest (or since it
    confirmed the follow); an address with nothing new gets no mail. Safe to run as often as
    you like, from any number of processes at once (each address is locked while its digest
    is sent and recorded).
    """
    now = now or timezone.now()
    sent = 0
    for pk in due_subscribers(now=now).values_list("pk", flat=True):
        sent += _send_digest(pk, now=now)
    return sent


def _published_since(article_id: int, since, until):
    """Public comments of the article posted, or approved, in (since, until]."""
    approved = ModerationLog.objects.filter(
        comment=OuterRef("pk"),
        to_status=Status.APPROVED,
        created_at__gt=since,
        created_at__lte=until,
    )
    return (
        Comment.objects.public()
        .filter(article_id=article_id, created_at__lte=until)
        .filter(Q(created_at__gt=since) | Exists(approved))
        .order_by("created_at", "pk")
    )


def _send_digest(subscriber_pk: int, *, now) -> bool:
    with transaction.atomic():
        subscriber = due_subscribers(now=now).select_for_update().filter(pk=subscriber_pk).first()
        if subscriber is None:  # sent meanwhile by another run, or unsubscribed
            return False
        articles = []
        follows = subscriber.follows.confirmed().select_related("article").order_by("pk")
        for follow in follows:
            if not follow.article.is_published:
                continue
            since = max(follow.confirmed_at, subscriber.digest_sent_at or follow.confirmed_at)
            new = _published_since(follow.article_id, since, now).exclude(
                author_email=subscriber.email
            )
            total = new.count()
            if total:
                articles.append(
                    _article_item(follow.article, list(new[:DIGEST_PER_ARTICLE]), total)
                )
        if not articles:
            return False
        _send_digest_mail(subscriber, articles)
        subscriber.digest_sent_at = now
        subscriber.save(update_fields=["digest_sent_at"])
    return True


def _article_item(article, comments: list[Comment], total: int) -> dict:
    return {
        "title": article.title,
        "url": mail.site_url(f"{article.get_absolute_url()}#comments"),
        "total": total,
        "more": total - len(comments),
        # The public name only: a commenter's email is never in anyone else's mail.
        "comments": [
            {
                "author_name": mail.isolated(comment.author_name),
                # What readers saw (the sanitized HTML's text), not the markup typed.
                "excerpt": text_excerpt(comment.body_html, EXCERPT_CHARACTERS),
                "url": mail.site_url(comment.get_absolute_url()),
            }
            for comment in comments
        ],
    }


def _send_digest_mail(subscriber: Subscriber, articles: list[dict]) -> None:
    total = sum(item["total"] for item in articles)
    if len(articles) == 1:
        subject = ngettext(
            "%(count)d new comment on “%(title)s”",
            "%(count)d new comments on “%(title)s”",
            total,
        ) % {"count": total, "title": articles[0]["title"]}
    else:
        subject = ngettext(
            "%(count)d new comment on articles you follow",
            "%(count)d new comments on articles you follow",
            total,
        ) % {"count": total}
    unsubscribe = tasks.unsubscribe_url(subscriber)
    mail.send(
        to=subscriber.email,
        subject=subject,
        template="emails/follow_digest.txt",
        context={
            "articles": articles,
            "unsubscribe_url": unsubscribe,
            "unsubscribe_valid_until": timezone.now() + signed_links.UNSUBSCRIBE.max_age,
        },
        headers=mail.unsubscribe_headers(unsubscribe),
    )
