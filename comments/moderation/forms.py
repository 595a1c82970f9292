"""The forms moderators fill in: edit a comment, reply as moderator, ban."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Ban


class CommentTextField(forms.CharField):
    """Comment text as moderators write it: required, within the site's length limit."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6}))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if len(value) > settings.COMMENTS_MAX_LENGTH:
            raise forms.ValidationError(
                _("The text is %(length)d characters long; the limit is %(limit)d.")
                % {"length": len(value), "limit": settings.COMMENTS_MAX_LENGTH}
            )


class EditForm(forms.Form):
    body = CommentTextField(label=_("Text"))


class ModeratorReplyForm(forms.Form):
    body = CommentTextField(label=_("Reply as moderator"))


class BanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Ban"), choices=Ban.Kind.choices)
    value = forms.CharField(
        label=_("Email, IP address or network"),
        max_length=254,
        help_text=_("A network in CIDR form, such as 203.0.113.0/24."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)
    expires_at = forms.DateTimeField(
        label=_("Until"),
        required=False,
        help_text=_("Leave empty for a ban without end."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    remove_comments = forms.BooleanField(
        label=_("Also remove this email's comments"), required=False
    )

    @classmethod
    def for_comment(cls, comment) -> "BanForm":
        """A ban of this comment's author's email, ready to fill in."""
        return cls(initial={"kind": Ban.Kind.EMAIL, "value": comment.author_email})

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at and expires_at <= timezone.now():
            raise forms.ValidationError(_("The end of a ban must be in the future."))
        return expires_at
