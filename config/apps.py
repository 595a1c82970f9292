from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class SiteConfig(AppConfig):
    """The project package as an app: it holds no models, only the project's system checks
    (``checks.py``), so they load with the project whatever admin or apps it installs."""

    name = "config"
    verbose_name = "Site"

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)


class AdminConfig(DjangoAdminConfig):
    default_site = "config.admin.AdminSite"
