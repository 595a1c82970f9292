"""Writes to comments. Views, the admin, commands and tasks all go through these functions."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from articles.models import Article

from .models import Comment


@dataclass(frozen=True, slots=True)
class Decision:
    status: str
    reasons: list[dict]


def _decide_status(*, article: Article, author_email: str) -> Decision:
    """Which status a new comment starts in, and why it was held if it was."""
    mode = article.moderation_mode
    if mode == "pre":
        return Decision(
            Comment.Status.PENDING,
            [{"code": "pre_moderation", "message": _("every comment here is reviewed first")}],
        )
    if mode == "auto":
        known = Comment.objects.filter(
            author_email__iexact=author_email, status=Comment.Status.APPROVED
        ).exists()
        if not known:
            return Decision(
                Comment.Status.PENDING,
                [{"code": "first_comment", "message": _("first comment from this email")}],
            )
    return Decision(Comment.Status.APPROVED, [])


def _answerable_parent(*, article: Article, parent_id: int | None) -> Comment | None:
    """The comment being replied to, or a ValidationError saying why it can't be."""
    if parent_id is None:
        return None
    parent = (
        Comment.objects.select_for_update()
        .filter(pk=parent_id, article=article, status=Comment.Status.APPROVED)
        .first()
    )
    if parent is None:
        raise ValidationError(
            {
                "parent": _(
                    "The comment you are replying to is not available. "
                    "Your text is kept below: you can post it as a new comment."
                )
            }
        )
    return parent


@transaction.atomic
def comment_post(
    *,
    article: Article,
    body: str,
    author_name: str,
    author_email: str,
    author_url: str = "",
    parent_id: int | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
    user=None,
) -> Comment:
    """Post a comment and return it, approved or held.

    Raises ValidationError (with field keys) when the article is closed or the reply target
    cannot be answered. A reply that would nest deeper than ``COMMENTS_MAX_DEPTH`` levels joins its
    parent's level instead.
    """
    if not article.accepts_comments():
        raise ValidationError(_("Comments are closed on this article."))
    parent = _answerable_parent(article=article, parent_id=parent_id)
    while parent is not None and parent.depth + 1 >= settings.COMMENTS_MAX_DEPTH:
        parent = parent.parent
    decision = _decide_status(article=article, author_email=author_email)
    return Comment.objects.create(
        article=article,
        parent=parent,
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        body=body,
        status=decision.status,
        hold_reasons=decision.reasons,
        ip_address=ip_address,
        user_agent=user_agent[:500],
        user=user if user is not None and user.is_authenticated and user.is_staff else None,
    )
