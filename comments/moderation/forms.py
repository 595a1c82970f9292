"""The forms moderators fill in: edit a comment, reply as moderator, ban, a removal's reason."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..identity import canonical_ip, rate_limit_identity, report_network
from ..models import Ban, RemovalReason
from ..sanitize import UNUSABLE_CHARACTERS


class CommentTextField(forms.CharField):
    """Comment text as moderators write it: required, within the site's length limit."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6}))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if UNUSABLE_CHARACTERS.search(value):
            raise forms.ValidationError(
                _(
                    "The text contains invisible control characters or code points no feed can "
                    "hold; please remove them."
                )
            )
        if len(value) > settings.COMMENTS_MAX_LENGTH:
            raise forms.ValidationError(
                _("The text is %(length)d characters long; the limit is %(limit)d.")
                % {"length": len(value), "limit": settings.COMMENTS_MAX_LENGTH}
            )


class EditForm(forms.Form):
    body = CommentTextField(label=_("Text"))


class ModeratorReplyForm(forms.Form):
    body = CommentTextField(label=_("Reply as moderator"))


def ban_targets(comment) -> dict[str, str]:
    """What a ban from this comment can name: ``{kind: value}`` in ``Ban.Kind`` order.

    The author's email (unless anonymised), the comment's IP address and its network unless
    the IP was purged: for IPv4 the /24 reports count (``identity.report_network``), for IPv6
    the /64 one subscriber holds, as posting limits count it
    (``identity.rate_limit_identity``). ``{}`` when the comment names no one.
    """
    targets = {}
    if comment.author_email:
        targets[Ban.Kind.EMAIL] = comment.author_email
    if ip := canonical_ip(comment.ip_address):
        targets[Ban.Kind.IP] = ip
        targets[Ban.Kind.NETWORK] = rate_limit_identity(ip) if ":" in ip else report_network(ip)
    return targets


class BanForm(forms.Form):
    """A ban: of any email, IP or network (the bans page), or of one comment's (``comment``).

    Bound to a comment, the form asks only which of the comment's own email, IP address or
    network to ban (``ban_targets``), as radio buttons each naming its value; the value is
    taken from the comment, never from the request, so no script is needed to fill it in.
    ``cleaned_data`` has ``kind`` and ``value`` either way.
    """

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

    def __init__(self, *args, comment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = ban_targets(comment) if comment is not None else None
        if self.targets is None:
            return
        labels = {
            Ban.Kind.EMAIL: _("Email %(value)s"),
            Ban.Kind.IP: _("IP address %(value)s"),
            Ban.Kind.NETWORK: _("Network %(value)s"),
        }
        self.fields["kind"] = forms.ChoiceField(
            label=_("What to ban"),
            choices=[(kind, labels[kind] % {"value": v}) for kind, v in self.targets.items()],
            widget=forms.RadioSelect,
            help_text=_(
                "The network is the comment's IPv4 /24 or IPv6 /64; ban any other address or "
                "network on the Bans page."
            )
            if Ban.Kind.NETWORK in self.targets
            else _("This comment's IP address was cleared; only its email can be banned."),
        )
        del self.fields["value"]
        if Ban.Kind.EMAIL in self.targets:
            self.fields["remove_comments"].label = _(
                "Also remove this email's comments (email bans only)"
            )
        else:
            del self.fields["remove_comments"]

    @classmethod
    def for_comment(cls, comment) -> "BanForm":
        """A ban of this comment's author: their email chosen, else the comment's IP address."""
        form = cls(comment=comment)
        if form.targets:
            form.initial["kind"] = next(iter(form.targets))
        return form

    @property
    def has_targets(self) -> bool:
        """False for a comment form with nothing to ban (anonymised and IP purged)."""
        return self.targets is None or bool(self.targets)

    def clean(self):
        data = super().clean()
        if self.targets is not None:
            if kind := data.get("kind"):
                data["value"] = self.targets[kind]
            data.setdefault("remove_comments", False)
        return data

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at and expires_at <= timezone.now():
            raise forms.ValidationError(_("The end of a ban must be in the future."))
        return expires_at


NOTE_MAX_LENGTH = 1000
# An id longer than this overflows the database's integer (a 64-bit one holds 18 nines).
ID_MAX_DIGITS = 18


def parse_id(text) -> int | None:
    """The id a form or a query names ("12"), else None.

    ASCII digits only, and not too many: ``"²".isdigit()`` is true but ``int("²")`` fails,
    and a 30-digit number overflows the database's integer.
    """
    text = (text or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= ID_MAX_DIGITS:
        return int(text)
    return None


def removal_choice(data, pk: int | str | None = None) -> dict:
    """``{"reason": RemovalReason | None, "note": str}`` for a removal posted from the queue
    or the comment page, as ``comments_remove`` takes them.

    A row's button (``pk``) reads that row's picker ``reason-<pk>`` when it names a reason,
    else the shared picker ``reason`` (the bulk bar, the comment page); the note to the
    commenter is ``reason_note``, cut to ``NOTE_MAX_LENGTH``. An unknown or switched-off
    reason counts as none: the statement then cites the comment policy in general.
    """
    chosen = (data.get(f"reason-{pk}", "") if pk is not None else "") or data.get("reason", "")
    reason = None
    if (reason_id := parse_id(chosen)) is not None:
        reason = RemovalReason.objects.active().filter(pk=reason_id).first()
    note = " ".join(data.get("reason_note", "").split())[:NOTE_MAX_LENGTH]
    return {"reason": reason, "note": note}
