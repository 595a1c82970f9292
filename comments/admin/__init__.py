"""The Django admin for comments: ModelAdmins that act through the services, the dashboard,
and data requests by post. ``admin.autodiscover`` imports this package, which registers them."""

from . import (  # noqa: F401 (registers the ModelAdmins)
    comments,
    imports,
    reasons,
    records,
    site_settings,
    staff,
)
