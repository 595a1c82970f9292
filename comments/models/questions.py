"""Q&A mode ("Ask the experts"): who may answer, and the questions still waiting.

A question is a top-level comment on an article in Q&A mode (``Article.qa_mode``). It is held
when posted (reason "question for the experts"); an expert's or moderator's answer
(``moderation.answers``) publishes it and sets ``Comment.answered_at``. Until then readers
never see it; the asker sees it as awaiting moderation, as any held comment.
"""

from django.contrib.auth import get_user_model

from .comment import Comment
from .staff import staff_public_name

ANSWER_PERMISSION = "comments.can_answer"
EXPERTS_GROUP = "Experts"
# How many experts the article page names, and how many waiting questions staff see there.
NAMED_EXPERTS = 5
WAITING_SHOWN = 20


def may_answer(user) -> bool:
    """True for a signed-in, active expert (``comments.can_answer``) or moderator."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.has_perm(ANSWER_PERMISSION) or user.has_perm("comments.can_moderate"))
    )


def is_question(comment: Comment) -> bool:
    """A top-level comment on an article in Q&A mode."""
    return comment.parent_id is None and bool(comment.article.qa_mode)


def waiting_questions(article) -> list[Comment]:
    """The article's held questions nobody has answered yet, oldest first (one query).

    Only for staff who ``may_answer``: readers never see held comments.
    """
    if not article.qa_mode:
        return []
    return list(
        Comment.objects.filter(
            article=article,
            parent__isnull=True,
            status=Comment.Status.PENDING,
            answered_at__isnull=True,
        ).order_by("created_at", "pk")[:WAITING_SHOWN]
    )


def expert_names() -> list[str]:
    """The public names of the active experts (``staff_public_name``), at most a few.

    A query for the group's members, then one per named expert (``NAMED_EXPERTS`` at most),
    whatever the thread's size.
    """
    users = (
        get_user_model()
        ._default_manager.filter(is_active=True, groups__name=EXPERTS_GROUP)
        .order_by("pk")
        .distinct()[:NAMED_EXPERTS]
    )
    return [staff_public_name(user) for user in users]
