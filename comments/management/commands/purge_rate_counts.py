import time

from django.core.management.base import BaseCommand

from comments.models import RateCount


class Command(BaseCommand):
    help = (
        "Forget rate-limit counts whose window has ended: counting starts again from nothing "
        "there anyway, so no limit changes. Run it daily."
    )

    def handle(self, *args, **options):
        deleted, _detail = RateCount.objects.ended(now=time.time()).delete()
        self.stdout.write(f"Forgot {deleted} ended rate-limit count{'s' if deleted != 1 else ''}.")
