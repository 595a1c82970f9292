import hashlib
import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .sanitize import sanitize_comment

OWN_COMMENTS_SESSION_KEY = "own_comment_ids"


def text_fingerprint(body: str) -> str:
    """The same for two texts that differ only in case and spacing (for duplicate checks)."""
    normalized = " ".join(body.casefold().split())
    return hashlib.sha256(normalized.encode()).hexdigest()[:32]


class CommentQuerySet(models.QuerySet):
    def public(self):
        """Comments any reader may see."""
        return self.filter(status=Comment.Status.APPROVED)

    def for_article(self, article):
        return self.filter(article=article)

    def visible_to(self, request):
        """Public comments, plus the requester's own comments still awaiting moderation.

        "Own" means posted from this browser session; nobody else ever sees a held comment.
        """
        own_ids = own_comment_ids(request)
        visible = Q(status=Comment.Status.APPROVED)
        if own_ids:
            visible |= Q(pk__in=own_ids, status=Comment.Status.PENDING)
        return self.filter(visible)

    def thread_order(self):
        return self.order_by("created_at", "pk")

    def by_author(self, email: str):
        return self.filter(author_email__iexact=email)

    def reported(self):
        """Comments with reader reports no moderator has dealt with yet."""
        # Both conditions in one filter() so they apply to the same report row; resolved_at
        # alone would also match comments that have no report at all (outer join).
        return self.filter(reports__isnull=False, reports__resolved_at__isnull=True).distinct()


def own_comment_ids(request) -> list[int]:
    """IDs of the comments this browser session posted (only read if a session exists)."""
    session = getattr(request, "session", None)
    if session is None:
        return []
    # No session cookie and nothing stored yet in this request: don't touch the session store.
    if not request.COOKIES.get(settings.SESSION_COOKIE_NAME) and not session.modified:
        return []
    return [int(pk) for pk in session.get(OWN_COMMENTS_SESSION_KEY, [])]


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        REMOVED = "removed", _("Removed")

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    in_reply_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The comment this one answers. Usually the parent; at the deepest level of a "
            "thread a reply is shown beside the comment it answers, under that one's parent."
        ),
    )
    depth = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text=_("0 for a top-level comment.")
    )
    author_name = models.CharField(_("name"), max_length=100)
    author_email = models.EmailField(_("email"), help_text=_("Private: never shown in public."))
    author_url = models.URLField(_("website"), blank=True, max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        help_text=_("Set only when a signed-in staff member posted the comment."),
    )
    body = models.TextField(_("comment"), help_text=_("As the commenter typed it."))
    body_html = models.TextField(editable=False, default="")
    text_fingerprint = models.CharField(max_length=32, editable=False, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    hold_reasons = models.JSONField(_("why it was held"), default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    by_moderator = models.BooleanField(
        _("posted as moderator"), default=False, help_text=_("Shown with a Moderator badge.")
    )
    notify_replies = models.BooleanField(
        _("notify of replies"),
        default=False,
        help_text=_("The commenter asked to hear of replies."),
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["author_email"]),
            models.Index(fields=["text_fingerprint", "created_at"]),
            models.Index(fields=["article", "parent", "status", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "spam", "removed"]),
                name="comment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="comment_not_its_own_parent"
            ),
        ]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("can_moderate", _("Can moderate comments"))]

    def __str__(self):
        return f"Comment #{self.pk} by {self.author_name} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html = sanitize_comment(self.body)
            self.text_fingerprint = text_fingerprint(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html", "text_fingerprint"}
        if update_fields is None:
            self.depth = self.parent.depth + 1 if self.parent_id else 0
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The comment's permalink: it leads to whichever page of the thread shows it."""
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def anchor(self) -> str:
        return f"#comment-{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def awaiting_moderation(self) -> bool:
        return self.status == self.Status.PENDING


class ModerationLog(models.Model):
    """One row for every moderation act: who, what, which comment, from and to, when."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("approved")
        SPAM = "spam", _("marked as spam")
        REMOVE = "remove", _("removed")
        RESTORE = "restore", _("restored")
        EDIT = "edit", _("edited")
        REPLY = "reply", _("replied as moderator")
        HIDE = "hide", _("hidden after reader reports")
        DISMISS = "dismiss", _("dismissed the reports")
        BAN = "ban", _("banned")
        LIFT_BAN = "lift_ban", _("lifted a ban")

    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="log"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the site acted by itself (reader reports)."),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_status = models.CharField(max_length=10, choices=Comment.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Comment.Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")

    def __str__(self):
        who = self.moderator or _("the site")
        return f"{who} {self.get_action_display()} #{self.comment_id}"


class BanQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )

    def matching(self, *, email: str = "", ip_address: str | None = None) -> list["Ban"]:
        """The active bans that cover this email or IP address (networks included)."""
        return [ban for ban in self.active() if ban.applies_to(email=email, ip_address=ip_address)]


class Ban(models.Model):
    """A banned email, IP address or network: its new comments go straight to spam."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("email")
        IP = "ip", _("IP address")
        NETWORK = "network", _("network")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.CharField(
        _("value"),
        max_length=254,
        help_text=_("An email, an IP address, or a network in CIDR form."),
    )
    reason = models.CharField(_("reason"), max_length=500)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "value"])]
        verbose_name = _("ban")
        verbose_name_plural = _("bans")

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"

    def clean(self):
        self.value = self.value.strip()
        try:
            if self.kind == self.Kind.EMAIL:
                self.value = self.value.lower()
                validate_email(self.value)
            elif self.kind == self.Kind.IP:
                self.value = str(ipaddress.ip_address(self.value))
            else:
                self.value = str(ipaddress.ip_network(self.value, strict=False))
        except (ValueError, ValidationError):
            raise ValidationError(
                {"value": _("Enter a valid %(kind)s.") % {"kind": self.get_kind_display()}}
            ) from None

    def applies_to(self, *, email: str = "", ip_address: str | None = None) -> bool:
        if self.kind == self.Kind.EMAIL:
            return bool(email) and self.value == email.strip().lower()
        return bool(ip_address) and self.covers(ip_address)

    def covers(self, ip_address: str) -> bool:
        try:
            address = ipaddress.ip_address(ip_address)
            if self.kind == self.Kind.IP:
                return address == ipaddress.ip_address(self.value)
            return address in ipaddress.ip_network(self.value, strict=False)
        except ValueError:
            return False

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


class KeywordRule(models.Model):
    """A word or phrase that holds a comment for review, or sends it straight to spam.

    Matched case-insensitively against the text, name, email, website, IP and user agent.
    """

    class Action(models.TextChoices):
        HOLD = "hold", _("hold for moderation")
        SPAM = "spam", _("send to spam (disallowed)")

    phrase = models.CharField(_("word or phrase"), max_length=200)
    action = models.CharField(_("what happens"), max_length=10, choices=Action.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "phrase"]
        constraints = [
            models.UniqueConstraint(fields=["phrase", "action"], name="keyword_rule_unique")
        ]
        verbose_name = _("keyword rule")
        verbose_name_plural = _("keyword rules")

    def __str__(self):
        return f"{self.phrase} ({self.get_action_display()})"


class Report(models.Model):
    """A reader's report of a comment: once per comment per reader."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Abusive or harassing")
        MISINFORMATION = "misinformation", _("Harmful medical misinformation")
        PRIVACY = "privacy", _("Shares someone's private information")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Something else")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("details"), max_length=500, blank=True)
    reporter_key = models.CharField(
        max_length=64, help_text=_("A keyed hash that tells readers apart; not reversible.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter_key"], name="one_report_per_reader"
            )
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return f"{self.get_reason_display()} on #{self.comment_id}"


class Subscriber(models.Model):
    """An email that asked to hear of replies. Nothing is sent to it until it confirms.

    Double opt-in: the first request sends one confirmation mail; only a confirmed, not
    unsubscribed address gets reply notifications, so the form cannot mail strangers.
    """

    email = models.EmailField(_("email"), unique=True, help_text=_("Stored in lower case."))
    created_at = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reply subscriber")
        verbose_name_plural = _("reply subscribers")

    def __str__(self):
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class ModeratorMail(models.Model):
    """When a moderator address last heard of held comments (at most one mail a minute)."""

    email = models.EmailField(unique=True)
    last_sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("moderator mail")
        verbose_name_plural = _("moderator mails")

    def __str__(self):
        return f"{self.email} at {self.last_sent_at:%Y-%m-%d %H:%M}"
