"""``{% thread_entries %}``: the comments of the page of a thread in the context, rendered
with Jinja2 (``jinja_templates/comments/thread.html``, ``config/jinja2.py``).

The loop over a page's comments is most of an article page's render: with Django's template
language about 0.8 ms a comment, with Jinja2 about two thirds of that (85 comments: 69 ->
44 ms), for the same bytes. What the loop reads comes from the section's context
(``posting.section.comment_section``). On a moderator's page each comment also gets the
registry's actions (``PageModeration``, ``jinja_templates/comments/moderator_actions.html``).
"""

from django import template
from django.template import engines
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.safestring import mark_safe

from ..models import Comment, RemovalReason
from ..moderation import actions

register = template.Library()

THREAD_TEMPLATE = "comments/thread.html"
REASON_PICKER = "moderation/includes/reason_picker.html"
# What the loop reads from the section's context (``comment_section``).
_NAMES = ("thread", "thread_query", "sort", "comments_open", "max_depth", "moderating")
# Stands for a picker's id prefix while it is rendered once for the page (as a formset's
# ``empty_form`` does).
_PREFIX = "__prefix__"


@register.simple_tag(takes_context=True)
def thread_entries(context) -> str:
    """The page's comments as HTML (a safe string); nothing for a page without comments."""
    user = context.get("user")
    values = {name: context.get(name) for name in _NAMES}
    values["signed_in"] = bool(getattr(user, "is_authenticated", False))
    if values["moderating"]:
        values["moderation"] = PageModeration(context)
    if values["signed_in"] and (request := context.get("request")) is not None:
        # The CSRF field made once for the page's forms (only a signed-in reader's page has
        # any: a reader's page sets no CSRF cookie). Given the request, Jinja2's backend makes
        # it lazily, and every form would mask a new token (32 random characters each, about
        # a fifth of a moderator's page's render).
        values["csrf_input"] = csrf_input(request)
    html = engines["jinja2"].get_template(THREAD_TEMPLATE).render(values)
    # Every value in it was escaped as Django's templates escape it (config/jinja2.py).
    return mark_safe(html)  # noqa: S308


class PageModeration:
    """A moderator's controls on one page of a thread, for the thread's template: made once
    a page from the section's context, read once a comment. No query per comment: the
    removal reasons are read once, when the first comment offers a removal."""

    def __init__(self, context):
        self._context = context
        article = context.get("article")
        # The page of the thread in its order (``thread_query``): an act comes back to it.
        self.here = (article.get_absolute_url() if article is not None else "/") + (
            context.get("thread_query") or ""
        )
        self.act_url = reverse("moderation:act")
        self._picker: str | None = None

    def for_comment(self, comment: Comment) -> dict:
        """The actions offered for ``comment`` (``actions.for_comment``), where an act
        returns to (``next``: its place in this page) and why a held comment is held."""
        offered = actions.for_comment(comment)
        held = comment.status == Comment.Status.PENDING
        return {
            "actions": offered,
            "next": f"{self.here}{comment.anchor}",
            "held": held,
            "held_reasons": [text for text, _verdict in comment.hold_reason_list()] if held else [],
            "asks_reason": any(action.asks_reason for action in offered),
        }

    def reason_picker(self, prefix: str) -> str:
        """The removal-reason picker (``moderation/includes/reason_picker.html``) with its
        ids under ``prefix``: rendered once a page, with the site's active reasons (one
        query), and given each comment's prefix."""
        if self._picker is None:
            picker = self._context.template.engine.get_template(REASON_PICKER)
            reasons = list(RemovalReason.objects.active())
            with self._context.push(prefix=_PREFIX, removal_reasons=reasons):
                self._picker = picker.render(self._context)
        return mark_safe(self._picker.replace(_PREFIX, prefix))  # noqa: S308 (rendered above)
