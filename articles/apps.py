from constance import settings as constance_settings
from constance.signals import config_updated
from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from . import page_generation
        from .models import Article

        # An edited, renamed or deleted article's kept pages are never served again.
        pre_save.connect(page_generation.article_changing, sender=Article)
        post_save.connect(page_generation.article_changed, sender=Article)
        post_delete.connect(page_generation.article_changed, sender=Article)
        # A changed site setting that every page shows (comments.site_settings) ends them all.
        config_updated.connect(setting_changed, dispatch_uid="articles.pages")


def setting_changed(sender, key: str, **kwargs) -> None:
    """django-constance's ``config_updated``: a site setting readers see on every article page
    (``comments.site_settings.SEEN_BY_READERS``: the default order, the closing age) makes
    every kept page stale."""
    from comments import site_settings

    from . import page_generation

    if key.removeprefix(constance_settings.DATABASE_PREFIX) in site_settings.SEEN_BY_READERS:
        page_generation.forget_all()
