"""Every comment model and QuerySet: the read rules live here and nowhere else."""

from .comment import (
    OWN_COMMENTS_SESSION_KEY,
    Comment,
    CommentQuerySet,
    own_comment_ids,
    public_comment_count,
    remember_own_comment,
    text_fingerprint,
)
from .mail import ModeratorMail, Subscriber
from .records import Ban, KeywordRule, ModerationLog, Report

__all__ = [
    "OWN_COMMENTS_SESSION_KEY",
    "Ban",
    "Comment",
    "CommentQuerySet",
    "KeywordRule",
    "ModerationLog",
    "ModeratorMail",
    "Report",
    "Subscriber",
    "own_comment_ids",
    "public_comment_count",
    "remember_own_comment",
    "text_fingerprint",
]
