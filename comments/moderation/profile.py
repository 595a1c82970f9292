"""A moderator's own public name: the page at /moderation/profile/ and its form.

Replies are shown under ``staff_public_name(user)``; here a moderator sees it and sets it.
Site admins can set anyone's in the admin (Staff profiles). Both go through
``services.staff_profile_set_name``.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import StaffProfile, staff_public_name
from ..models.staff import DISPLAY_NAME_MAX_LENGTH
from . import services
from .views import moderator_required


class StaffProfileForm(forms.Form):
    display_name = forms.CharField(
        label=gettext_lazy("Public name"),
        max_length=DISPLAY_NAME_MAX_LENGTH,
        required=False,
        help_text=StaffProfile._meta.get_field("display_name").help_text,
    )


@moderator_required
def staff_profile(request):
    """GET: the name replies appear under, and the form. POST: set it, then go back."""
    profile = StaffProfile.objects.filter(user=request.user).first()
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    form = StaffProfileForm(
        request.POST or None, initial={"display_name": profile.display_name if profile else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_profile_set_name(
                user=request.user,
                display_name=form.cleaned_data["display_name"],
                changed_by=request.user,
            )
        except ValidationError as error:
            for message in error.message_dict.get("display_name", error.messages):
                form.add_error("display_name", message)
        else:
            messages.success(
                request,
                _("Your replies will appear as “%(name)s”.")
                % {"name": staff_public_name(request.user)},
            )
            return redirect(next_url or "moderation:profile")
    return render(
        request,
        "moderation/profile.html",
        {"form": form, "public_name": staff_public_name(request.user), "next": next_url},
    )
