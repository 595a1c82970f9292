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
from .links import UsedLink
from .mail import ModeratorMail, Subscriber
from .records import Ban, KeywordRule, ModerationLog, Report
from .staff import StaffProfile, staff_public_name

__all__ = [
    "OWN_COMMENTS_SESSION_KEY",
    "Ban",
    "Comment",
    "CommentQuerySet",
    "KeywordRule",
    "ModerationLog",
    "ModeratorMail",
    "Report",
    "StaffProfile",
    "Subscriber",
    "UsedLink",
    "own_comment_ids",
    "public_comment_count",
    "remember_own_comment",
    "staff_public_name",
    "text_fingerprint",
]
