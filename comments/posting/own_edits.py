"""The commenter's own "Edit" and "Delete" pages (``editing`` holds the rules).

Both pages are rendered for one browser and never cached. GET shows the form (the text to
edit, or a confirmation) and changes nothing; POST acts, protected by Django's CSRF token
(these pages are rendered for their reader, so they carry one), then redirects (PRG).
A comment this reader cannot see is a 404; one they see but may not change (another
browser's, or after the window) a 403 page that says why and gives back any text they typed.
"""

from crispy_forms.layout import Layout
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from articles.models import Article

from ..identity import client_ip
from ..models import Comment, own_comment_ids
from ..ratelimit import RateLimited
from . import editing
from .forms import CommentForm, character_count
from .section import comment_location


class CommentEditForm(CommentForm):
    """The comment form's text field alone, with its rules (length, characters, help)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"comment": self.fields["comment"]}
        self.helper.layout = Layout("comment", character_count())


def _comment(request, pk) -> Comment:
    """The comment, if this reader may see it (public, or their own held one); else 404."""
    visible = Comment.objects.visible_to(request).filter(article__in=Article.objects.published())
    return get_object_or_404(visible.select_related("article"), pk=pk)


def _refused(request, comment, reason: str, *, text: str = ""):
    context = {"comment": comment, "reason": reason, "text": text}
    return render(request, "comments/own_edit_refused.html", context, status=403)


def _back_to(request, comment) -> str:
    return comment_location(request, comment) or f"{comment.article.get_absolute_url()}#comments"


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    """GET: the text to edit and the time left. POST: save it and go back to the comment."""
    comment = _comment(request, pk)
    own = own_comment_ids(request)
    typed = request.POST.get("comment", "") if request.method == "POST" else ""
    if reason := editing.refusal(comment, own_comment_ids=own):
        return _refused(request, comment, reason, text=typed)
    status, retry_after = 200, None
    if request.method == "POST":
        form = CommentEditForm(data=request.POST)
        if form.is_valid():
            try:
                comment = editing.comment_edit_own(
                    comment=comment,
                    body=form.cleaned_data["comment"],
                    own_comment_ids=own,
                    ip_address=client_ip(request),
                    user_agent=request.headers.get("User-Agent", ""),
                )
            except editing.ChangeRefused as refused:
                return _refused(request, comment, refused.reason, text=typed)
            except ValidationError as error:
                form.add_error(None, error.messages)
            except RateLimited as limited:
                form.add_error(None, _slow_down(limited))
                status, retry_after = 429, limited.retry_after
            else:
                _tell_outcome(request, comment)
                response = redirect(_back_to(request, comment))
                if comment.awaiting_moderation:
                    # Held again: its author sees it while it waits, past the edit window.
                    editing.remember_proof(request, response, comment)
                return response
    else:
        form = CommentEditForm(initial={"comment": comment.body})
    deadline = editing.edit_deadline(comment)
    context = {
        "comment": comment,
        "form": form,
        "edit_until": deadline,
        "minutes_left": editing.minutes_left(deadline),
    }
    response = render(request, "comments/own_edit.html", context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def comment_delete(request, pk):
    """GET: "Delete your comment?" and a button. POST: remove it and go back to the thread."""
    comment = _comment(request, pk)
    own = own_comment_ids(request)
    if reason := editing.refusal(comment, own_comment_ids=own):
        return _refused(request, comment, reason)
    error, retry_after = None, None
    if request.method == "POST":
        try:
            comment = editing.comment_delete_own(
                comment=comment, own_comment_ids=own, ip_address=client_ip(request)
            )
        except editing.ChangeRefused as refused:
            return _refused(request, comment, refused.reason)
        except RateLimited as limited:
            error, retry_after = _slow_down(limited), limited.retry_after
        else:
            messages.success(request, _("Your comment was deleted."))
            return redirect(f"{comment.article.get_absolute_url()}#comments")
    deadline = editing.edit_deadline(comment)
    context = {
        "comment": comment,
        "error": error,
        "has_replies": comment.replies.public().exists(),
        "minutes_left": editing.minutes_left(deadline),
    }
    response = render(
        request, "comments/own_delete.html", context, status=200 if retry_after is None else 429
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _slow_down(limited: RateLimited) -> str:
    minutes = -(-limited.retry_after // 60)
    return _(
        "You have changed your comments many times in the last hour. Please try again in "
        "%(minutes)d minutes."
    ) % {"minutes": minutes}


def _tell_outcome(request, comment: Comment) -> None:
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, _("Your comment was updated."))
    elif comment.status == Comment.Status.PENDING:
        messages.info(
            request,
            _("Your edited comment is awaiting moderation: only you can see it until then."),
        )
    # Spam: the same silence as a new comment sent to spam.
