import math
import re
import time

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout
from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import MaxLengthValidator, URLValidator
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..identity import clean_display_name, impersonates_staff
from ..models import Report
from ..sanitize import UNUSABLE_CHARACTERS, allowed_tags_text

# Controls (but tab and newline), noncharacters such as U+FFFF, lone surrogates: never
# meaningful in a comment, and no feed could hold them (sanitize.UNUSABLE_CHARACTERS).
CONTROL_CHARACTERS = UNUSABLE_CHARACTERS
# A one-line field (name, email, website) has no use for line breaks either: in a name
# or an email they are what a mail-header injection looks like.
LINE_CONTROL_CHARACTERS = re.compile(f"{UNUSABLE_CHARACTERS.pattern}|[\n\r]")
TEXT_FIELDS = ("comment", "name", "email", "url")
TIMESTAMP_SALT = "comments.form.issued"


_issued: tuple[int, str] = (0, "")


def issue_timestamp() -> str:
    """A signed "this form was shown at" value for the form's hidden field.

    Whole seconds, rounded up (so a form never looks older than it is): the value is the same
    for every page served in one second, and signed once per second per process, not once
    per reader (signing is a third of the cost of serving a kept article page).
    """
    global _issued
    second = math.ceil(time.time())
    if _issued[0] != second:
        _issued = (second, signing.dumps(float(second), salt=TIMESTAMP_SALT))
    return _issued[1]


def trim(value: str) -> str:
    """``value`` without white space or U+FEFF (ZERO WIDTH NO-BREAK SPACE, the byte order mark a
    paste can bring) at either end: what JavaScript's ``String.prototype.trim`` removes, so the
    server counts as ``static/js/comment_count.js`` does. ``str.strip()`` keeps U+FEFF.
    Linear in the length of ``value``."""
    start, end = 0, len(value)
    while start < end and (value[start].isspace() or value[start] == "\ufeff"):
        start += 1
    while end > start and (value[end - 1].isspace() or value[end - 1] == "\ufeff"):
        end -= 1
    return value[start:end]


class CommentTextField(forms.CharField):
    """The comment's text, trimmed as the live count trims it (``trim``), then counted."""

    def to_python(self, value):
        return trim(super().to_python(value))


def strip_control_characters(value: str, *, multiline: bool = True) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return (CONTROL_CHARACTERS if multiline else LINE_CONTROL_CHARACTERS).sub("", value)


class WebsiteField(forms.URLField):
    """A web address: http or https only (no javascript:, data:, ftp: ...)."""

    message = _("Enter a website address that starts with http:// or https://.")
    default_error_messages = {"invalid": message}
    default_validators = [URLValidator(schemes=["http", "https"], message=message)]


def describe_comment_field(field) -> None:
    """Tell the commenter the rules of the text, under the box: the length limit
    (``COMMENTS_MAX_LENGTH``) and the markup they may use (the sanitizer's allowlist,
    ``sanitize.allowed_tags_text``). The box's ``aria-describedby`` names this help (and the
    error, when there is one), as Django sets it."""
    limit = settings.COMMENTS_MAX_LENGTH
    field.help_text = format_html(
        "{} {} {}",
        ngettext("Up to %(limit)d character.", "Up to %(limit)d characters.", limit)
        % {"limit": limit},
        gettext("You can use these HTML tags:"),
        allowed_tags_text(),
    )


def character_count() -> HTML:
    """Under the comment box, for ``static/js/comment_count.js``: a live "12 of N characters"
    (N is ``COMMENTS_MAX_LENGTH``), counted as the form counts (code points, after dropping
    control characters and trimming white space and U+FEFF, ``trim``) and read out politely
    after a pause. Hidden, and empty, without JavaScript: the help text states the limit."""
    return HTML(
        format_html(
            '<p id="id_comment_count" class="form-text comment-count" data-limit="{}" hidden>'
            '<span class="comment-count-text"></span>'
            '<span class="visually-hidden comment-count-status" aria-live="polite"></span></p>',
            settings.COMMENTS_MAX_LENGTH,
        )
    )


class CommentForm(forms.Form):
    """The "Leave a Comment" form: what a commenter types, validated field by field.

    Rules that need the database (is the article open, is the parent comment answerable)
    belong to the posting service, which reports them back onto this form.
    """

    comment = CommentTextField(
        label=_("Comment"),
        error_messages={"required": _("Please write your comment.")},
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
    )
    name = forms.CharField(
        label=_("Name"),
        error_messages={"required": _("Please enter the name to show with your comment.")},
        max_length=settings.COMMENTS_NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        error_messages={
            "required": _("Please enter your email address. It will not be published."),
        },
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
    notify_replies = forms.BooleanField(
        label=_("Notify me of replies by email"),
        required=False,
        help_text=_("The first time, we send a mail to confirm it is your address."),
    )
    follow_article = forms.BooleanField(
        label=_("Notify me of new comments on this article"),
        required=False,
        help_text=_("At most one mail a day; first we send a mail to confirm it."),
    )
    save_details = forms.BooleanField(
        label=_("Save my name, email, and website in this browser for the next time I comment."),
        required=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    issued = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people by CSS and from screen readers by aria-hidden; bots
    # that fill in every field fill this one too.
    reference = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "comment",
            character_count(),
            "name",
            "email",
            "url",
            Div(Field("reference"), css_class="hp-field", aria_hidden="true"),
            "notify_replies",
            "follow_article",
            "save_details",
            "parent",
            "issued",
        )
        if not self.is_bound:
            self.initial.setdefault("issued", issue_timestamp())
        self.seconds_to_submit: float | None = None
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
        describe_comment_field(self.fields["comment"])
        self._had_control_characters = set()
        if self.is_bound:
            # Show the text again without the invisible characters, and say why it was not
            # posted; everything else the commenter typed is kept as it was.
            data = self.data.copy()
            for name in TEXT_FIELDS:
                value = data.get(name)
                if value is None:
                    continue
                multiline = name == "comment"
                cleaned = strip_control_characters(value, multiline=multiline)
                if cleaned != value.replace("\r\n", "\n").replace("\r", "\n"):
                    self._had_control_characters.add(name)
                data[name] = cleaned
            self.data = data

    def clean_name(self):
        name = clean_display_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Please enter the name to show with your comment."))
        if impersonates_staff(name):
            raise forms.ValidationError(
                _("Please choose another name: this one is kept for the site's staff.")
            )
        return name

    def clean_issued(self):
        """How long the page was open; a missing, forged or stale form must be sent again."""
        try:
            issued = float(
                signing.loads(
                    self.cleaned_data["issued"],
                    salt=TIMESTAMP_SALT,
                    max_age=settings.COMMENTS_FORM_MAX_AGE_HOURS * 3600,
                )
            )
        except (signing.BadSignature, TypeError, ValueError):
            # Not tied to the hidden field (nobody could see it there): shown above the form,
            # which is sent again with a fresh timestamp.
            self.data["issued"] = issue_timestamp()
            self.add_error(
                None,
                forms.ValidationError(
                    _(
                        "This page was open for too long, or the form did not come from our "
                        "site. Your text is kept: please check it and post again."
                    ),
                    code="stale",
                ),
            )
            return ""
        self.seconds_to_submit = max(0.0, time.time() - issued)
        return self.cleaned_data["issued"]

    def clean(self):
        cleaned_data = super().clean()
        for name in self._had_control_characters:
            self.add_error(
                name,
                _(
                    "This field contained invisible control characters or characters that "
                    "cannot be shown (Unicode noncharacters such as U+FFFF). We removed "
                    "them; please check the text and post again."
                ),
            )
        return cleaned_data

    @staticmethod
    def initial_from_data(data) -> dict:
        """What a commenter sent, as initial values for a fresh form."""
        return {
            name: strip_control_characters(data.get(name, ""), multiline=name == "comment")
            for name in (*TEXT_FIELDS, "parent")
            if data.get(name)
        }


class FollowForm(forms.Form):
    """ "Notify me of new comments on this article": an email address, nothing else."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages={
            "required": _("Please enter the email address to send new comments to."),
            "invalid": _("Please enter a valid email address, like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this comment?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything else a moderator should know? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
