"""Moderators' controls on the article page: the registry's actions under each comment.

Rendered only when the section's context says ``moderating`` (``models.is_moderator``): such a
page belongs to a signed-in moderator and is never the shared, cached one. No tag here runs a
query per comment, so the page's query count stays constant with the thread's size.
"""

from django import template

from ..models import Comment, RemovalReason
from ..moderation import actions

register = template.Library()

_REASONS_KEY = "page_moderation.removal_reasons"


def _removal_reasons(context) -> list:
    """The removal reasons offered, read once per rendering of the page."""
    cache = context.render_context
    if _REASONS_KEY not in cache:
        cache[_REASONS_KEY] = list(RemovalReason.objects.active())
    return cache[_REASONS_KEY]


@register.inclusion_tag("comments/includes/moderator_actions.html", takes_context=True)
def moderator_actions(context, comment: Comment) -> dict:
    """The actions offered for ``comment`` (``actions.for_comment``) as small POST forms to
    ``moderation:act``, returning to the comment's place in the thread; links to edit, reply
    and ban on the comment's moderation page; why a held comment is held."""
    offered = actions.for_comment(comment)
    article = context.get("article")
    # The page of the thread in its order (``thread_query``): the act comes back to it.
    here = (article.get_absolute_url() if article is not None else "/") + context.get(
        "thread_query", ""
    )
    held = comment.status == Comment.Status.PENDING
    return {
        "comment": comment,
        "actions": offered,
        "next": f"{here}{comment.anchor}",
        "held_reasons": [
            str(reason.get("message") or reason.get("code") or "")
            for reason in comment.hold_reasons
            if isinstance(reason, dict)
        ]
        if held
        else [],
        "held": held,
        "removal_reasons": (
            _removal_reasons(context) if any(a.asks_reason for a in offered) else []
        ),
    }
