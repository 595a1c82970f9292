"""The moderation and thread settings a site owner may change while the site runs.

Every read of these settings goes through the functions here, so where they are stored
(environment defaults today, the admin's settings page when it exists) is decided in one place.
Each returns a plain value; none raises.
"""

from django.conf import settings


def edit_minutes() -> int:
    """How many minutes after posting a commenter may edit or delete their comment (0: never)."""
    return int(getattr(settings, "COMMENTS_EDIT_MINUTES", 15))


def sort_default() -> str:
    """The thread's order when the reader picks none: "oldest", "newest" or "helpful"."""
    return getattr(settings, "COMMENTS_SORT_DEFAULT", "oldest")
