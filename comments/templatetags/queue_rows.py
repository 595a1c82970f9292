"""``{% queue_rows %}`` and ``{% queue_row row %}``: the moderation queue's comments, as
moderators read them, rendered with Jinja2 (``jinja_templates/moderation/``,
``config/jinja2.py``).

The rows are most of a queue page's render: 50 comments with their reasons, reports,
history and actions took about 60% of the reported tab's 120 ms at a million comments with
Django's template language. The queue's rows and a comment's details page share the one
row (``moderation/row.html``).
"""

from django import template
from django.template import engines
from django.urls import reverse
from django.utils.safestring import mark_safe

from ..models import Comment, Report
from .moderation import reason_options

register = template.Library()


def _render(name: str, values: dict) -> str:
    html = engines["jinja2"].get_template(name).render({**values, "labels": _labels()})
    # Every value in it was escaped as Django's templates escape it (config/jinja2.py).
    return mark_safe(html)  # noqa: S308


def _labels() -> dict[str, dict[str, str]]:
    """The names of the statuses and report reasons in the current language, made once a
    page: ``get_status_display()`` builds its field's choices again on every call (29 us;
    two a row, about 3 ms a page)."""
    return {
        "status": {value: str(label) for value, label in Comment.Status.choices},
        "reason": {value: str(label) for value, label in Report.Reason.choices},
    }


@register.simple_tag(takes_context=True)
def queue_rows(context) -> str:
    """The ``<ol>`` of the page's rows (``rows``, from ``queues.rows``), each with its
    actions; a removal-reason picker on the rows that offer a removal, when the site has
    reasons (``removal_reasons``)."""
    reasons = context.get("removal_reasons")
    return _render(
        "moderation/queue_rows.html",
        {
            "rows": context.get("rows"),
            "filters": context.get("filters"),
            "queue_url": reverse("moderation:queue"),
            "reason_options": reason_options(reasons) if reasons else "",
        },
    )


@register.simple_tag(takes_context=True)
def queue_row(context, row) -> str:
    """One row's comment, its standing, reports and author history (no actions)."""
    return _render(
        "moderation/queue_row.html",
        {"row": row, "filters": context.get("filters"), "queue_url": reverse("moderation:queue")},
    )
