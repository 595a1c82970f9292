from django.apps import AppConfig


class XtdbenchConfig(AppConfig):
    name = "xtdbench"
    default_auto_field = "django.db.models.BigAutoField"
