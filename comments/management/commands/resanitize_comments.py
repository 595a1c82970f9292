from django.core.management.base import BaseCommand

from comments.models import Comment
from comments.sanitize import sanitize_comment

BATCH_SIZE = 500


class Command(BaseCommand):
    help = (
        "Sanitize every stored comment again with the current policy "
        "(run after the allowlist in comments/sanitize.py changes)."
    )

    def handle(self, *args, **options):
        changed = 0
        batch = []
        for comment in Comment.objects.only("pk", "body", "body_html").iterator(BATCH_SIZE):
            body_html = sanitize_comment(comment.body)
            if body_html != comment.body_html:
                comment.body_html = body_html
                batch.append(comment)
            if len(batch) >= BATCH_SIZE:
                changed += Comment.objects.bulk_update(batch, ["body_html"])
                batch.clear()
        if batch:
            changed += Comment.objects.bulk_update(batch, ["body_html"])
        self.stdout.write(f"Re-sanitized {changed} comment{'s' if changed != 1 else ''}.")
