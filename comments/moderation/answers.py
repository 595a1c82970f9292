"""Ask the experts: an expert (``comments.can_answer``) or a moderator answers a question.

A question is a top-level comment on an article in Q&A mode (``models.questions``). Answering
it is replying to it: the answer is published at once with an Expert badge under the staff
member's public name (``staff_public_name``, never the username), the question is published
too (if it was held) and marked answered (``Comment.answered_at``), which brings it to the top
of the thread. The answer is logged as ``ModerationLog.Action.ANSWER``; the question's
approval, if any, as an approval "by answering".

Experts who are not moderators answer from the article page (the questions waiting are shown
to them there); moderators also from the moderation comment page.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import lifecycle
from ..identity import normalize_email
from ..models import Comment, ModerationLog, is_question, may_answer, staff_public_name
from .forms import CommentTextField
from .services import comments_approve

Status = Comment.Status


class AnswerForm(forms.Form):
    body = CommentTextField(label=gettext_lazy("Your answer"))


@transaction.atomic
def question_answer(*, question: Comment, expert, body: str) -> Comment:
    """Publish ``expert``'s answer to ``question`` and return it; publishes the question too.

    Raises PermissionDenied unless ``expert`` may answer (``models.may_answer``), and
    ValidationError for a comment that is not a question (not top-level, or its article is
    not in Q&A mode) or that is spam or removed (Restore brings it back first).
    """
    if not may_answer(expert):
        raise PermissionDenied
    question = Comment.objects.filter(pk=question.pk).for_writing().select_related("article").get()
    if not is_question(question):
        raise ValidationError(_("Only a question (a top-level comment in Q&A mode) is answered."))
    if question.status in (Status.SPAM, Status.REMOVED):
        raise ValidationError(
            _("This question is %(status)s: restore it before answering it.")
            % {"status": question.get_status_display().lower()}
        )
    if question.status != Status.APPROVED:
        comments_approve(comments=[question], moderator=expert, note=_("approved by answering"))
    if question.answered_at is None:
        Comment.objects.filter(pk=question.pk).update(answered_at=timezone.now())
    answer = Comment(
        article=question.article,
        parent=question,
        in_reply_to=question,
        author_name=staff_public_name(expert),
        author_email=normalize_email(expert.email or ""),
        status=Status.APPROVED,
        user=expert,
        by_expert=True,
    )
    answer.set_body(body)
    answer.save()
    lifecycle.log(
        answer, moderator=expert, action=ModerationLog.Action.ANSWER, to_status=Status.APPROVED
    )
    # Raises the thread version (the answer and the question's new place) and mails the
    # asker if they asked to hear of replies.
    lifecycle.status_changed(answer, previous=None)
    return answer


def _back(request, question: Comment):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(question.article.get_absolute_url() + "#comments")


@require_POST
@login_required
def answer(request, pk):
    """Answer a question (the form on the article page or the moderation comment page).

    Anonymous users go to the login page; signed-in users who may not answer get 403.
    """
    if not may_answer(request.user):
        raise PermissionDenied
    question = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("body", [_("Write an answer first.")])))
        return _back(request, question)
    try:
        reply = question_answer(
            question=question, expert=request.user, body=form.cleaned_data["body"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request, question)
    messages.success(request, _("Your answer is published."))
    return redirect(reply.get_absolute_url())
