from django.core.management.base import BaseCommand

from comments.privacy.services import ip_retention_days, purge_request_data


class Command(BaseCommand):
    help = (
        "Clear the IP address and user agent of comments older than COMMENTS_IP_RETENTION_DAYS "
        "(default 30). Run it daily."
    )

    def handle(self, *args, **options):
        days = ip_retention_days()
        cleared = purge_request_data(older_than_days=days)
        self.stdout.write(
            f"Cleared the IP address and user agent of {cleared} "
            f"comment{'s' if cleared != 1 else ''} older than {days} day{'s' if days != 1 else ''}."
        )
