"""The Django admin for comments: ModelAdmins that act through the services, the dashboard,
and data requests by post. ``admin.autodiscover`` imports this package, which registers them."""

from . import comments, records, staff  # noqa: F401 (registers the ModelAdmins)
