from constance.apps import ConstanceConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The project package as an app: it holds no models, only the project's system checks
    (``checks.py``) and what each new database connection is set to (``database.py``), so
    they load with the project whatever admin or apps it installs."""

    name = "config"
    verbose_name = "Site"

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401  (registers the checks)
        from .database import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="site-db-settings")


class AdminConfig(DjangoAdminConfig):
    default_site = "config.admin.AdminSite"


class SiteSettingsConfig(ConstanceConfig):
    """django-constance, shown in the admin as the site's settings page."""

    verbose_name = _("Site settings")
