import re

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator, URLValidator
from django.utils.translation import gettext_lazy as _

# C0 controls (except tab and newline), DEL and C1 controls: never meaningful in a comment.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
TEXT_FIELDS = ("comment", "name", "email", "url")


def strip_control_characters(value: str) -> str:
    return CONTROL_CHARACTERS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


class WebsiteField(forms.URLField):
    """A web address: http or https only (no javascript:, data:, ftp: ...)."""

    message = _("Enter a website address that starts with http:// or https://.")
    default_error_messages = {"invalid": message}
    default_validators = [URLValidator(schemes=["http", "https"], message=message)]


class CommentForm(forms.Form):
    """The "Leave a Comment" form: what a commenter types, validated field by field.

    Rules that need the database (is the article open, is the parent comment answerable)
    belong to the posting service, which reports them back onto this form.
    """

    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=settings.COMMENTS_NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    url = WebsiteField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    save_details = forms.BooleanField(
        label=_("Save my name, email, and website in this browser for the next time I comment."),
        required=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No maxlength attribute on the textarea: a browser would silently cut a long paste.
        self.fields["comment"].validators.append(
            MaxLengthValidator(
                settings.COMMENTS_MAX_LENGTH,
                message=_(
                    "Your comment is %(show_value)d characters long; the limit is "
                    "%(limit_value)d. Please shorten it."
                ),
            )
        )
        self._had_control_characters = set()
        if self.is_bound:
            # Show the text again without the invisible characters, and say why it was not
            # posted; everything else the commenter typed is kept as it was.
            data = self.data.copy()
            for name in TEXT_FIELDS:
                value = data.get(name)
                if value is None:
                    continue
                cleaned = strip_control_characters(value)
                if CONTROL_CHARACTERS.search(value.replace("\r", "")):
                    self._had_control_characters.add(name)
                data[name] = cleaned
            self.data = data

    def clean(self):
        cleaned_data = super().clean()
        for name in self._had_control_characters:
            self.add_error(
                name,
                _(
                    "This field contained invisible control characters. We removed them; "
                    "please check the text and post again."
                ),
            )
        return cleaned_data

    @staticmethod
    def initial_from_data(data) -> dict:
        """What a commenter sent, as initial values for a fresh form."""
        return {
            name: strip_control_characters(data.get(name, ""))
            for name in (*TEXT_FIELDS, "parent")
            if data.get(name)
        }
