from django.core.management.base import BaseCommand

from comments.signed_links import purge_used


class Command(BaseCommand):
    help = (
        "Forget single-use links (data access) that were used and have since expired: they "
        "no longer verify, so nothing is lost. Run it daily."
    )

    def handle(self, *args, **options):
        deleted = purge_used()
        self.stdout.write(f"Forgot {deleted} expired used link{'s' if deleted != 1 else ''}.")
