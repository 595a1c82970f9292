"""A commenter's data request that arrived by post or phone, handled in the admin."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..privacy import services as privacy


class DataRequestForm(forms.Form):
    """A commenter's data request that arrived by post or phone, handled by a site admin."""

    EXPORT, ANONYMISE, ERASE = "export", "anonymise", "erase"

    email = forms.EmailField(label=_("The commenter's email"))
    action = forms.ChoiceField(
        label=_("What they asked for"),
        widget=forms.RadioSelect,
        choices=[
            (EXPORT, _("A copy of everything stored (JSON download)")),
            (
                ANONYMISE,
                _("Anonymise their comments (name, email, website, IP cleared; text kept)"),
            ),
            (ERASE, _("Delete their comments (replies by others move up the thread)")),
        ],
    )
    reference = forms.CharField(
        label=_("Where the request came from"),
        max_length=200,
        help_text=_('For the log, without the address: "letter of 3 May", "phone call".'),
    )
    confirm = forms.BooleanField(
        label=_("I have checked that the request comes from this address's owner."),
        required=True,
    )


def data_request_view(model_admin, request):
    """Export, anonymise or erase everything stored under an email, for a site admin.

    A request that came by post or phone; the services are the data-rights pages' own
    (``privacy/services.py``). Superusers and holders of ``comments.delete_comment`` only.
    """
    if not (request.user.is_superuser or request.user.has_perm("comments.delete_comment")):
        raise PermissionDenied
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        action = form.cleaned_data["action"]
        actor = f"{request.user.get_username()} in the admin ({form.cleaned_data['reference']})"
        if action == DataRequestForm.EXPORT:
            response = JsonResponse(
                privacy.commenter_export(email=email), json_dumps_params={"indent": 2}
            )
            response["Content-Disposition"] = 'attachment; filename="commenter-data.json"'
            return response
        service = (
            privacy.commenter_anonymise
            if action == DataRequestForm.ANONYMISE
            else privacy.commenter_erase
        )
        count = service(email=email, actor_description=actor, moderator=request.user)
        model_admin.message_user(
            request,
            ngettext(
                "Done: %(count)d comment %(done)s.", "Done: %(count)d comments %(done)s.", count
            )
            % {
                "count": count,
                "done": _("anonymised") if action == DataRequestForm.ANONYMISE else _("deleted"),
            },
            messages.SUCCESS,
        )
        return redirect("admin:comments_comment_changelist")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("A commenter's data request"),
        "form": form,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/comments/data_request.html", context)
