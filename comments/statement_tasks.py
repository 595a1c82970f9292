"""The mail a commenter gets about a decision on their comment (EU Digital Services Act).

Art. 17, the statement of reasons: when a comment is removed, its author, if they left an
email, hears which comment (an excerpt of their own text), which rule, what led to it (reader
reports, the automatic checks, or a moderator's review), whether a person or the site decided,
and how to appeal (a signed link, ``signed_links.APPEAL``). Art. 20: the outcome of an appeal.

Spam gets no statement (Art. 17 leaves out deceptive high-volume commercial content, and a
spammer's address is often someone else's). A comment hidden after reader reports gets none
either: hiding is a hold until a moderator decides, not the decision; if they remove it, that
removal's statement says it followed reader reports. Nothing about anyone else is in these
mails: no reporter, no reports' words, no moderator's name, no other comment.

Tasks take ids and decide again when they run (see ``tasks``): a comment restored meanwhile
gets no statement.
"""

from datetime import timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from . import mail, signed_links
from .identity import KNOWN_EMAIL_NEW_BROWSER
from .models import Appeal, Comment, ModerationLog

EXCERPT_CHARACTERS = 300
# A moderator may undo a removal for some minutes (moderation/undo.py, UNDO_MINUTES). Where
# the task backend can defer (the database worker in production), the statement waits that
# long, so an undone removal mails nothing; the immediate backend sends at once.
STATEMENT_DELAY = timedelta(minutes=10)
# Hold reasons that say who posted, not what was posted: not a finding of the checks.
POLICY_HOLDS = frozenset({"pre_moderation", "first_comment", KNOWN_EMAIL_NEW_BROWSER})

Status = Comment.Status
Action = ModerationLog.Action


def detection(comment: Comment) -> str:
    """What brought the comment to the decision, in words for the commenter."""
    codes = {r.get("code") for r in comment.hold_reasons if isinstance(r, dict)}
    if "reported" in codes:
        return _("Readers reported it to us.")
    if codes - POLICY_HOLDS:
        return _("Our automatic checks flagged it for review.")
    return _("Our moderators found it while reviewing comments.")


def appeal_url(comment: Comment) -> str:
    """The absolute appeal link for this comment; it works for ``signed_links.APPEAL.max_age``."""
    kind = signed_links.APPEAL
    return signed_links.url(
        kind, signed_links.make(kind, email=comment.author_email, comment_id=comment.pk)
    )


def _excerpt(comment: Comment) -> str:
    return Truncator(mail.one_line(comment.body)).chars(EXCERPT_CHARACTERS)


def queue_statement(log_pk: int) -> None:
    """Queue the statement for the removal logged as ``log_pk`` (call on commit)."""
    task_ = send_statement_of_reasons
    if task_.get_backend().supports_defer:
        task_ = task_.using(run_after=timezone.now() + STATEMENT_DELAY)
    task_.enqueue(log_pk)


@task
def send_statement_of_reasons(log_pk: int) -> bool:
    """Mail the statement of reasons for the removal logged as ``log_pk``; True if sent.

    Sent only while the comment is still removed by that very decision (not restored, not
    removed again since), to an author who left an email, once per decision; the mail is
    logged as ``statement`` (no moderator).
    """
    with transaction.atomic():
        row = (
            ModerationLog.objects.select_related("reason", "comment", "comment__article")
            .filter(pk=log_pk, action=Action.REMOVE)
            .first()
        )
        comment = row.comment if row is not None else None
        if comment is None or comment.status != Status.REMOVED or not comment.author_email:
            return False
        later = ModerationLog.objects.filter(comment=comment, pk__gt=row.pk)
        if later.filter(action__in=[Action.REMOVE, Action.STATEMENT]).exists():
            return False
        reason = row.reason
        mail.send(
            to=comment.author_email,
            subject=_("Your comment on “%(title)s” was removed") % {"title": comment.article.title},
            template="emails/statement_of_reasons.txt",
            context={
                "article_title": comment.article.title,
                "posted_at": comment.created_at,
                "removed_at": row.created_at,
                "excerpt": _excerpt(comment),
                "reason": reason,
                # The note is mailed only when it was written for the commenter (the reason
                # picker labels it so); other removals' notes are moderators' own words.
                "note": row.note if reason is not None else "",
                "detection": detection(comment),
                "automated": row.automated,
                "appeal_url": appeal_url(comment),
                "appeal_days": signed_links.APPEAL.max_age.days,
            },
        )
        ModerationLog.objects.create(
            comment=comment,
            # No from/to status: restoring reads the last row that set the status.
            action=Action.STATEMENT,
            note=_("statement of reasons mailed to the author (%(rule)s)")
            % {"rule": reason.rule if reason else _("no rule named")},
            reason=reason,
        )
    return True


@task
def send_appeal_outcome(appeal_pk: int) -> bool:
    """Mail the commenter the decision on their appeal; True if sent (they left an email)."""
    appeal = (
        Appeal.objects.select_related("comment", "comment__article").filter(pk=appeal_pk).first()
    )
    if appeal is None or appeal.is_open or not appeal.comment.author_email:
        return False
    comment = appeal.comment
    upheld = appeal.status == Appeal.Status.UPHELD
    mail.send(
        to=comment.author_email,
        subject=(
            _("Your appeal was upheld: your comment on “%(title)s” is restored")
            if upheld
            else _("Your appeal about your comment on “%(title)s” was rejected")
        )
        % {"title": comment.article.title},
        template="emails/appeal_outcome.txt",
        context={
            "upheld": upheld,
            "article_title": comment.article.title,
            "excerpt": _excerpt(comment),
            "appealed_at": appeal.created_at,
            "decided_at": appeal.decided_at or timezone.now(),
            "note": appeal.decision_note,
            "comment_url": mail.site_url(comment.get_absolute_url()) if comment.is_public else "",
            "held_again": upheld and comment.status == Status.PENDING,
        },
    )
    return True
