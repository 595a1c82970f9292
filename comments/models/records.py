"""Moderation records: the log of every act, bans, keyword rules and readers' reports."""

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..identity import canonical_ip, normalize_email
from .comment import Comment


class ModerationLog(models.Model):
    """One row for every moderation act: who, what, which comment, from and to, when."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("approved")
        SPAM = "spam", _("marked as spam")
        REMOVE = "remove", _("removed")
        RESTORE = "restore", _("restored")
        EDIT = "edit", _("edited")
        MOVE = "move", _("moved in the thread")
        CHANGE = "change", _("changed details")
        REPLY = "reply", _("replied as moderator")
        HIDE = "hide", _("hidden after reader reports")
        DISMISS = "dismiss", _("dismissed the reports")
        BAN = "ban", _("banned")
        LIFT_BAN = "lift_ban", _("lifted a ban")
        SELF_EDIT = "self_edit", _("edited by its author")
        SELF_DELETE = "self_delete", _("deleted by its author")
        PICK = "pick", _("made an editors' pick")
        UNPICK = "unpick", _("no longer an editors' pick")
        ANSWER = "answer", _("answered as expert")
        UNDO = "undo", _("undid a decision")
        STATEMENT = "statement", _("sent a statement of reasons")
        APPEAL = "appeal", _("appealed by its author")
        APPEAL_UPHELD = "appeal_upheld", _("appeal upheld: decision reversed")
        APPEAL_REJECTED = "appeal_rejected", _("appeal rejected: decision stands")
        SETTING = "setting", _("changed a site setting")

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
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=10, choices=Comment.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Comment.Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # The ground a removal cites (the statement of reasons mails it); PROTECT: a reason once
    # used is switched off, not deleted, so the log and the transparency numbers keep it.
    reason = models.ForeignKey(
        "comments.RemovalReason",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("removal reason"),
    )
    # Stored, not derived from ``moderator`` being empty: deleting a moderator's account
    # empties ``moderator`` but does not make their decisions automated.
    automated = models.BooleanField(
        _("automated"), default=False, help_text=_("The site decided by itself (no person).")
    )
    # Set on a comment's first decision only (approve, spam, remove, hide): seconds from its
    # posting to that decision, for the median time to decision (comments/admin/transparency).
    decision_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["action", "created_at"], name="log_action_when")]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")

    def __str__(self):
        who = self.moderator or _("the site")
        return f"{who} {self.get_action_display()} #{self.comment_id}"


class BanQuerySet(models.QuerySet):
    def active(self, now=None):
        """Bans in force: not lifted, and without an end or ending after ``now``."""
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )

    def expired(self, now=None):
        """Bans that ended by themselves (not lifted by a moderator)."""
        return self.filter(lifted_at__isnull=True, expires_at__lte=now or timezone.now())

    def lifted(self):
        return self.filter(lifted_at__isnull=False)

    def for_email(self, email: str):
        """Bans on this address (compared in its normalised form)."""
        return self.filter(kind=Ban.Kind.EMAIL, value=normalize_email(email))

    def matching(self, *, email: str = "", ip_address: str | None = None) -> list["Ban"]:
        """The active bans that cover this email or IP address (networks included).

        One query that reads the bans on exactly this address and this IP (stored normalised,
        ``Ban.clean``; the ``(kind, value)`` index) and every network ban, each checked with
        ``Ban.applies_to``: the cost of a post does not grow with the list of banned
        addresses, only with the (short) list of banned networks.
        """
        email = normalize_email(email) if email else ""
        ip = canonical_ip(ip_address)
        candidates = Q(kind=Ban.Kind.EMAIL, value=email) if email else Q(pk__in=[])
        if ip is not None:
            candidates |= Q(kind=Ban.Kind.IP, value=ip) | Q(kind=Ban.Kind.NETWORK)
        return [
            ban
            for ban in self.active().filter(candidates)
            if ban.applies_to(email=email, ip_address=ip)
        ]


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
                self.value = normalize_email(self.value)
                validate_email(self.value)
            elif self.kind == self.Kind.IP:
                self.value = canonical_ip(self.value) or str(ipaddress.ip_address(self.value))
            else:
                self.value = str(ipaddress.ip_network(self.value, strict=False))
        except (ValueError, ValidationError):
            raise ValidationError(
                {"value": _("Enter a valid %(kind)s.") % {"kind": self.get_kind_display()}}
            ) from None

    def applies_to(self, *, email: str = "", ip_address: str | None = None) -> bool:
        if self.kind == self.Kind.EMAIL:
            return bool(email) and self.value == normalize_email(email)
        return bool(ip_address) and self.covers(ip_address)

    def covers(self, ip_address: str) -> bool:
        canonical = canonical_ip(ip_address)
        if canonical is None:
            return False
        if self.kind == self.Kind.IP:
            return canonical == canonical_ip(self.value)
        try:
            return ipaddress.ip_address(canonical) in ipaddress.ip_network(self.value, strict=False)
        except ValueError:
            return False

    @property
    def is_active(self) -> bool:
        return self.state == "active"

    @property
    def state(self) -> str:
        """ "active", "expired" or "lifted": the same rule as the QuerySet's methods."""
        if self.lifted_at is not None:
            return "lifted"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"


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


class ReportQuerySet(models.QuerySet):
    def open(self):
        """Reports no moderator has resolved yet."""
        return self.filter(resolved_at__isnull=True)

    def resolved(self):
        return self.filter(resolved_at__isnull=False)

    def new_source_count(self) -> int:
        """How many sources (networks) among these open reports a moderator has not heard.

        Used on one comment's reports (``comment.reports.new_source_count()``). Each network
        counts once however many browsers it reports from, and a network that reported
        before a moderator's decision (its reports resolved) does not count again. Reports
        without a recorded network count together as one source.
        """
        heard = self.resolved().values("source_key")
        return self.open().exclude(source_key__in=heard).values("source_key").distinct().count()


class Report(models.Model):
    """A reader's report of a comment: once per comment per browser (``reporter_key``).

    Towards hiding a comment, reports count by network (``source_key``), not by browser.
    """

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
    source_key = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text=_(
            "A keyed hash of the reporter's network (IPv4 /24, IPv6 /64); not reversible. "
            "Empty for reports made before networks were recorded."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

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
