from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from constance.signals import config_updated
        from django.db.models.signals import post_migrate, pre_migrate

        from .models import thread_counts
        from .moderation.site_settings_log import record_change

        # Every change of a site setting is logged, whichever way it is made.
        config_updated.connect(record_change, dispatch_uid="comments.site_settings_log")
        # SQLite rebuilds a table to alter it: the thread counts' triggers stand aside.
        pre_migrate.connect(
            thread_counts.before_migrate, sender=self, dispatch_uid="comments.counts_off"
        )
        post_migrate.connect(
            thread_counts.after_migrate, sender=self, dispatch_uid="comments.counts_on"
        )
