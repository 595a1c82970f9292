from django.core.management.base import BaseCommand

from comments.follow_mail import send_follow_digests


class Command(BaseCommand):
    help = (
        "Mail each reader who follows articles the comments published since their last "
        "digest (at most one mail a day per address). Run it hourly from cron."
    )

    def handle(self, *args, **options):
        sent = send_follow_digests()
        self.stdout.write(f"Sent {sent} digest{'s' if sent != 1 else ''}.")
