"""Every change of a site setting (the admin's settings page, ``comments.site_settings``) is
a moderation log row, and readers and every process see the new value.

``record_change`` answers django-constance's ``config_updated`` signal (connected in
``CommentsConfig.ready``), so a change by any path is logged: the admin's page names the user
with ``changes_by``; ``manage.py constance set`` is logged as the site's.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from .. import site_settings
from ..models import ModerationLog

_acting_user: ContextVar = ContextVar("site_settings_acting_user", default=None)


@contextmanager
def changes_by(user):
    """Log the setting changes made inside the block as ``user``'s."""
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def record_change(sender, key: str, old_value, new_value, **kwargs) -> None:
    """Log ``key``'s change ("name: old -> new") and drop the kept values everywhere.

    ``old_value`` is None the first time a setting is changed: the log then names the
    environment's value, which was in force. The shared article page needs no bump: its
    identity (``articles.page_cache``) names the settings readers see.
    """
    from constance import settings as constance_settings

    site_settings.forget()
    # Also after the commit: a reader in between may have kept the old values again.
    transaction.on_commit(site_settings.forget)
    name = key.removeprefix(constance_settings.DATABASE_PREFIX)
    if old_value is None:
        old_value = site_settings.environment_default(name)
    if name not in site_settings.NAMES or old_value == new_value:
        return
    user = _acting_user.get()
    ModerationLog.objects.create(
        action=ModerationLog.Action.SETTING,
        moderator=user if user is not None and user.is_authenticated else None,
        note=f"{name}: {old_value} -> {new_value}",
    )
