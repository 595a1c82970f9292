"""``{% thread_entries %}``: the comments of the page of a thread in the context, rendered
with Jinja2 (``jinja_templates/comments/thread.html``, ``config/jinja2.py``).

The loop over a page's comments is most of an article page's render: with Django's template
language about 0.6 ms a comment, with Jinja2 less than half that, for the same bytes. What
the loop reads comes from the section's context (``posting.section.comment_section``); a
moderator's actions under each comment are still the Django inclusion tag
``page_moderation.moderator_actions``, rendered in this context.
"""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

from . import page_moderation

register = template.Library()

THREAD_TEMPLATE = "comments/thread.html"
# What the loop reads from the section's context (``comment_section``).
_NAMES = ("thread", "thread_query", "sort", "comments_open", "max_depth", "moderating")


@register.simple_tag(takes_context=True)
def thread_entries(context) -> str:
    """The page's comments as HTML (a safe string); nothing for a page without comments."""
    request = context.get("request")
    user = context.get("user")
    values = {name: context.get(name) for name in _NAMES}
    values["signed_in"] = bool(getattr(user, "is_authenticated", False))
    if values["moderating"]:
        values["moderator_actions"] = _moderator_actions(context)
    html = engines["jinja2"].get_template(THREAD_TEMPLATE).render(values, request)
    # Every value in it was escaped as Django's templates escape it (config/jinja2.py).
    return mark_safe(html)  # noqa: S308


def _moderator_actions(context):
    """``moderator_actions(comment)`` for the template: the inclusion tag's HTML, rendered in
    the section's context as ``{% moderator_actions comment %}`` renders it."""
    actions = context.template.engine.get_template("comments/includes/moderator_actions.html")

    def render(comment) -> str:
        with context.push(page_moderation.moderator_actions(context, comment)):
            return actions.render(context)

    return render
