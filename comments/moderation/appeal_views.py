"""Appeals: the commenter's form behind the mailed link, and the moderators' appeals queue.

The public page (``appeals:appeal``, ``/comments/appeal/?token=…``) needs no account: the
signed link is the proof. Opening it (GET) shows the removed comment, why it was removed and
the form, and changes nothing (mail scanners open every link); only the form's POST files the
appeal. Answers are private and uncached; a bad link gets a page that says what is wrong.

The queue (``moderation:appeals``) lists open appeals, oldest first, for ``can_moderate``;
the moderator who removed a comment sees its appeal but cannot decide it.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .. import signed_links
from ..models import Appeal
from ..sanitize import UNUSABLE_CHARACTERS
from . import appeals
from .views import moderator_required

APPEAL_MAX_LENGTH = 5000
PAGE_SIZE = 25


class AppealForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Why should we look at it again?"),
        max_length=APPEAL_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        help_text=gettext_lazy("Plain text; a moderator who did not remove it will read it."),
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if UNUSABLE_CHARACTERS.search(text):
            raise forms.ValidationError(
                _("The text contains invisible control characters; please remove them.")
            )
        return text


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("uphold", "uphold"), ("reject", "reject")])
    note = forms.CharField(required=False, max_length=2000)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def appeal(request):
    """GET: the removed comment, the reason and the form (or the appeal's state). POST: file."""
    token = signed_links.token_from(request)
    try:
        comment = appeals.appeal_link_comment(token)
    except signed_links.InvalidLink as error:
        context = {
            "invalid": error.reason,
            "valid_days": signed_links.APPEAL.max_age.days,
            # What they wrote comes back, to keep or send another way.
            "typed": request.POST.get("text", "")[: APPEAL_MAX_LENGTH * 2],
        }
        return render(request, "appeals/appeal.html", context, status=400)
    form = AppealForm(request.POST if request.method == "POST" else None)
    refused = ""
    if request.method == "POST" and form.is_valid():
        try:
            appeals.appeal_file(comment=comment, text=form.cleaned_data["text"])
        except appeals.AppealRefused as error:
            refused = error.message
        else:
            messages.success(request, _("Your appeal was received. We will mail you the outcome."))
            return redirect(signed_links.location("appeals:appeal", token))
    context = {
        "token": token,
        "comment": comment,
        "removal": appeals.last_removal(comment),
        "filed": appeals.appeal_for_removal(comment),
        "form": form,
        "refused": refused,
    }
    return render(request, "appeals/appeal.html", context, status=409 if refused else 200)


@moderator_required
def queue(request):
    """Open appeals, oldest first; ``?status=decided`` lists the decided ones, newest first."""
    decided = request.GET.get("status") == "decided"
    rows = Appeal.objects.select_related("comment", "comment__article", "decided_by")
    rows = rows.decided().order_by("-decided_at", "-pk") if decided else rows.open()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = []
    for item in page.object_list:
        removal = appeals.last_removal(item.comment)
        may_decide = appeals.may_decide(item, request.user, removal)
        items.append({"appeal": item, "removal": removal, "may_decide": may_decide})
    return render(
        request,
        "moderation/appeals/queue.html",
        {"page_obj": page, "items": items, "decided": decided},
    )


@require_POST
@moderator_required
def decide(request, pk):
    appeal_row = get_object_or_404(Appeal, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to uphold or reject the appeal."))
        return redirect("moderation:appeals")
    uphold = form.cleaned_data["decision"] == "uphold"
    try:
        appeals.appeal_decide(
            appeal=appeal_row, moderator=request.user, uphold=uphold, note=form.cleaned_data["note"]
        )
    except appeals.AppealRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Appeal upheld: the comment is restored and its author told.")
            if uphold
            else _("Appeal rejected: the removal stands; its author is told."),
        )
    return redirect("moderation:appeals")
