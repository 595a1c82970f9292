"""The admin's settings page (django-constance): which settings, their fields and groups.

``config(**defaults)`` gives ``CONSTANCE_CONFIG`` with the environment's values as defaults
(the names are the settings' own, ``COMMENTS_*``); ``FIELDS`` and ``FIELDSETS`` are
``CONSTANCE_ADDITIONAL_FIELDS`` and ``CONSTANCE_CONFIG_FIELDSETS``.
"""

FIELDS = {
    "moderation_mode": [
        "django.forms.ChoiceField",
        {
            "widget": "django.forms.Select",
            "choices": [
                ("auto", "auto: hold first-time commenters and doubtful comments"),
                ("pre", "pre: hold every comment"),
                ("post", "post: publish every comment the checks pass"),
            ],
        },
    ],
    "sort_order": [
        "django.forms.ChoiceField",
        {
            "widget": "django.forms.Select",
            "choices": [
                ("oldest", "oldest first"),
                ("newest", "newest first"),
                ("helpful", "most helpful first"),
            ],
        },
    ],
    "count": ["django.forms.IntegerField", {"min_value": 0, "widget": "django.forms.NumberInput"}],
    "email_list": ["comments.site_settings.EmailListField", {}],
}
FIELDSETS = (
    (
        "Moderation",
        (
            "COMMENTS_MODERATION",
            "COMMENTS_HOLD_LINKS",
            "COMMENTS_REPORT_THRESHOLD",
            "COMMENTS_MODERATOR_EMAILS",
        ),
    ),
    ("Threads", ("COMMENTS_CLOSE_AFTER_DAYS", "COMMENTS_EDIT_MINUTES", "COMMENTS_SORT_DEFAULT")),
)


def config(**defaults) -> dict:
    """``CONSTANCE_CONFIG``: each setting's default, help text and field."""
    return {
        "COMMENTS_MODERATION": (
            defaults["COMMENTS_MODERATION"],
            "Moderation mode of every article that does not set its own.",
            "moderation_mode",
        ),
        "COMMENTS_HOLD_LINKS": (
            defaults["COMMENTS_HOLD_LINKS"],
            "Hold a comment with this many links or more (0: never).",
            "count",
        ),
        "COMMENTS_REPORT_THRESHOLD": (
            defaults["COMMENTS_REPORT_THRESHOLD"],
            "Reports from this many networks hide an approved comment until a decision (0: never).",
            "count",
        ),
        "COMMENTS_CLOSE_AFTER_DAYS": (
            defaults["COMMENTS_CLOSE_AFTER_DAYS"],
            "Close an article's comments this many days after publication (0: never).",
            "count",
        ),
        "COMMENTS_EDIT_MINUTES": (
            defaults["COMMENTS_EDIT_MINUTES"],
            "Minutes a commenter may edit or delete their own comment (0: never).",
            "count",
        ),
        "COMMENTS_SORT_DEFAULT": (
            defaults["COMMENTS_SORT_DEFAULT"],
            "The order of a thread when the reader picks none.",
            "sort_order",
        ),
        "COMMENTS_MODERATOR_EMAILS": (
            defaults["COMMENTS_MODERATOR_EMAILS"],
            "Who hears of held comments besides the Moderators group (addresses, comma-separated).",
            "email_list",
        ),
    }
