from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from constance.signals import config_updated

        from .moderation.site_settings_log import record_change

        # Every change of a site setting is logged, whichever way it is made.
        config_updated.connect(record_change, dispatch_uid="comments.site_settings_log")
