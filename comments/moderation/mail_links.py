"""Approve, spam or remove a held comment from the moderators' mail.

The held-comment mail carries one signed link per comment and action
(``signed_links.MODERATE``: naming the comment, the action and the moderator, single-use,
expiring). Opening a link changes nothing: it shows the comment and a button (mail scanners
open every link). Only the button's POST acts, once, through the registry's service, logged as
the moderator the link was made for, who must still hold ``comments.can_moderate`` then. The
link is the proof: no sign-in is needed. The Remove page asks for the rule broken and a note
to the commenter, as the queue does (``forms.removal_choice``), for the statement of reasons.
"""

from django.db import transaction
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import signed_links
from ..models import Comment, RemovalReason
from ..signed_links import InvalidLink
from . import actions
from .forms import removal_choice

TEMPLATE = "moderation/from_mail.html"
Status = Comment.Status


def _page(request, state: str, *, status: int = 200, **context):
    return render(request, TEMPLATE, {"state": state, **context}, status=status)


def _comment(pk: int) -> Comment:
    return Comment.objects.select_related("article").get(pk=pk)


def _decided(request, comment: Comment):
    """The comment is no longer held: say what became of it, and by whom."""
    decision = comment.log.exclude(to_status="").select_related("moderator").first()
    return _page(request, "decided", comment=comment, decision=decision)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def from_mail(request):
    """GET: the comment and a confirming button. POST: take the action, once.

    Answers 400 for a link that was altered, has expired or was used; 403 when the link's
    moderator can no longer moderate; says so when the comment is no longer held.
    """
    kind = signed_links.MODERATE
    token = signed_links.token_from(request)
    try:
        found = signed_links.target(kind, token)
    except InvalidLink as error:
        return _page(request, "invalid", status=400, reason=error.reason, kind=kind)
    action = actions.get(found.action)
    if action is None or found.action not in signed_links.MAIL_ACTIONS:
        return _page(request, "invalid", status=400, reason=InvalidLink.INVALID, kind=kind)
    moderator = found.user
    if not moderator.has_perm(signed_links.MODERATE_PERMISSION):
        return _page(request, "refused", status=403)
    comment = _comment(found.comment_id)
    if comment.status != Status.PENDING:
        return _decided(request, comment)
    if request.method != "POST":
        reasons = RemovalReason.objects.active() if action.asks_reason else ()
        return _page(
            request, "confirm", comment=comment, action=action, token=token, removal_reasons=reasons
        )
    extra = removal_choice(request.POST) if action.asks_reason else {}
    try:
        signed_links.redeem(kind, token)
    except InvalidLink as error:
        return _page(request, "invalid", status=400, reason=error.reason, kind=kind)
    with transaction.atomic():
        # Locked, so a decision made meanwhile (another moderator, another link) stands.
        comment = Comment.objects.filter(pk=comment.pk).for_writing().get()
        if comment.status != Status.PENDING:
            decided = True
        else:
            decided = False
            action.service(comments=[comment.pk], moderator=moderator, **extra)
    comment = _comment(comment.pk)
    if decided:
        return _decided(request, comment)
    return _page(request, "done", comment=comment, moderator=moderator, done=action.done_message(1))
