"""Every comment model and QuerySet: the read rules live here and nowhere else."""

from .comment import Comment, text_fingerprint
from .follows import ArticleFollow
from .imports import EXPORT_PERMISSION, IMPORT_PERMISSION, ImportRun
from .links import UsedLink
from .mail import ModeratorMail, Subscriber
from .queries import CommentQuerySet
from .questions import (
    ANSWER_PERMISSION,
    EXPERTS_GROUP,
    expert_names,
    is_question,
    may_answer,
    waiting_questions,
)
from .rate_counts import RateCount
from .readers import (
    forget_own_comments,
    is_moderator,
    own_comment_ids,
    remember_own_comment,
)
from .reasons import Appeal, RemovalReason
from .records import Ban, KeywordRule, ModerationLog, Report
from .staff import StaffProfile, staff_public_name
from .thread_counts import ThreadCount
from .votes import HelpfulVote

__all__ = [
    "ANSWER_PERMISSION",
    "EXPERTS_GROUP",
    "EXPORT_PERMISSION",
    "IMPORT_PERMISSION",
    "Appeal",
    "ArticleFollow",
    "Ban",
    "Comment",
    "CommentQuerySet",
    "HelpfulVote",
    "ImportRun",
    "KeywordRule",
    "ModerationLog",
    "ModeratorMail",
    "RateCount",
    "RemovalReason",
    "Report",
    "StaffProfile",
    "Subscriber",
    "ThreadCount",
    "UsedLink",
    "expert_names",
    "forget_own_comments",
    "is_moderator",
    "is_question",
    "may_answer",
    "own_comment_ids",
    "remember_own_comment",
    "staff_public_name",
    "text_fingerprint",
    "waiting_questions",
]
