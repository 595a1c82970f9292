import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..identity import canonical_ip, clean_display_name, normalize_email
from ..sanitize import sanitize_comment
from .queries import CommentQuerySet


def text_fingerprint(body: str) -> str:
    """The same for two texts that differ only in case and spacing (for duplicate checks)."""
    normalized = " ".join(body.casefold().split())
    return hashlib.sha256(normalized.encode()).hexdigest()[:32]


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        REMOVED = "removed", _("Removed")

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="comments"
    )
    # Indexed for replies only (``comment_reply_parent_idx``): an index that also held every
    # top-level comment under NULL let SQLite's planner read all of them, site-wide, for
    # "parent IS NULL" (its statistics count NULL as one key of a few rows).
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        db_index=False,
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
    # The top-level comment of this one's conversation (None for a top-level comment), so a
    # page of the thread finds what it shows without walking it: kept with ``parent`` by
    # ``save`` and, after moves, erasures and imports, by ``lifecycle.recompute_depths``.
    # Deleting a comment deletes its replies through ``parent``; SET_NULL here never deletes
    # a reply that was moved out from under it first (an erasure keeps others' replies).
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
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
    # A default rather than auto_now_add, so an imported comment keeps its original date.
    created_at = models.DateTimeField(
        _("posted at"), default=timezone.now, editable=False, db_index=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the commenter changed their text (``posting.editing``): readers see "(edited)".
    edited_at = models.DateTimeField(
        _("edited by its author at"), null=True, blank=True, editable=False
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    # Where an imported comment came from (``comments.importers``); blank for posted ones.
    source_system = models.CharField(
        _("imported from"),
        max_length=20,
        blank=True,
        default="",
        editable=False,
        choices=[("wordpress", "WordPress"), ("disqus", "Disqus")],
    )
    source_id = models.CharField(
        _("ID in the source"), max_length=100, blank=True, default="", editable=False
    )
    # An imported reply whose parent the import has not found yet (the file broke off before
    # it, or does not hold it): the parent's ``source_id``, so that a rerun can link it.
    source_parent_id = models.CharField(max_length=100, blank=True, default="", editable=False)
    makes_author_known = models.BooleanField(
        default=True,
        editable=False,
        help_text=_(
            "Once public, this comment makes its email a returning commenter's. Imported "
            "comments do only if the import trusted them: an import proves nothing about who "
            "typed the address."
        ),
    )
    by_moderator = models.BooleanField(
        _("posted as moderator"), default=False, help_text=_("Shown with a Moderator badge.")
    )
    notify_replies = models.BooleanField(
        _("notify of replies"),
        default=False,
        help_text=_("The commenter asked to hear of replies."),
    )
    # Readers' "Helpful" votes (``HelpfulVote``), kept here so sorting and showing need no count.
    helpful_count = models.PositiveIntegerField(_("helpful votes"), default=0, editable=False)
    picked_at = models.DateTimeField(
        _("editors' pick since"), null=True, blank=True, editable=False
    )
    # Q&A mode (``models.questions``): when an expert first answered this question, and
    # whether this comment is such an answer (shown with an Expert badge).
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    by_expert = models.BooleanField(
        _("posted as expert"), default=False, help_text=_("Shown with an Expert badge.")
    )
    # When its oldest open report was made; null while it has none. Kept by
    # ``CommentQuerySet.refresh_reported_at`` wherever reports are made or resolved, so the
    # reported tab is an index range of the reported comments, not a search of every comment.
    reported_at = models.DateTimeField(_("reported since"), null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["author_email"]),
            models.Index(fields=["text_fingerprint", "created_at"]),
            models.Index(fields=["article", "parent", "status", "created_at"]),
            models.Index(
                fields=["article", "-helpful_count", "created_at"], name="comment_helpful_idx"
            ),
            models.Index(
                fields=["article", "-picked_at"],
                condition=Q(picked_at__isnull=False),
                name="comment_picked_idx",
            ),
            # A page of a thread: its top-level comments counted and ordered, and the replies
            # that make placeholders, read from the indexes alone (``posting.threads``).
            models.Index(
                fields=["article", "created_at", "id", "status", "answered_at", "helpful_count"],
                condition=Q(parent__isnull=True),
                name="comment_top_level_idx",
            ),
            models.Index(
                fields=["article", "root", "status", "id"],
                condition=Q(root__isnull=False),
                name="comment_conversation_idx",
            ),
            models.Index(
                fields=["parent"],
                condition=Q(parent__isnull=False),
                name="comment_reply_parent_idx",
            ),
            # The top-level comments a plain reader does not see, in id order: the ones a
            # page looks for placeholders among (``posting.threads.placeholder_roots``), read
            # without the visible ones around them (59 -> 20 ms at 200,000 comments), with
            # what the filters on them read (a moderator's statuses, ``sorting``'s order).
            models.Index(
                fields=["article", "id", "status", "created_at", "answered_at", "helpful_count"],
                condition=Q(parent__isnull=True) & ~Q(status="approved"),
                name="comment_hidden_top_idx",
            ),
            models.Index(
                fields=["reported_at", "id"],
                condition=Q(reported_at__isnull=False),
                name="comment_reported_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "spam", "removed"]),
                name="comment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="comment_not_its_own_parent"
            ),
            models.UniqueConstraint(
                fields=["source_system", "source_id"],
                condition=~Q(source_id=""),
                name="comment_unique_source",
            ),
        ]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [
            ("can_moderate", _("Can moderate comments")),
            ("can_answer", _("Can answer readers' questions as an expert")),
        ]

    def __str__(self):
        return f"Comment #{self.pk} by {self.author_name} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "author_name" in update_fields:
            self.author_name = clean_display_name(self.author_name)
        if update_fields is None or "author_email" in update_fields:
            self.author_email = normalize_email(self.author_email)
        if update_fields is None or "ip_address" in update_fields:
            self.ip_address = canonical_ip(self.ip_address)
        if update_fields is None or "body" in update_fields:
            if getattr(self, "_derived_from", None) != self.body:
                self.set_body(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html", "text_fingerprint"}
        if update_fields is None or "parent" in update_fields:
            self.place_under(self.parent)
            if update_fields is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "depth", "root"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The comment's permalink: it leads to whichever page of the thread shows it."""
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    def place_under(self, parent: "Comment | None") -> None:
        """Make this comment a reply to ``parent`` (None: a top-level comment), with the depth
        and conversation root that follow from it. No query when ``parent`` is loaded; for
        rows written without ``save`` (``bulk_create``). Replies below it are not changed:
        ``lifecycle.recompute_depths`` does that after a move."""
        self.parent = parent
        self.depth = parent.depth + 1 if parent is not None else 0
        self.root_id = (parent.root_id or parent.pk) if parent is not None else None

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # What is stored was sanitized when it was written (resanitize_comments redoes it).
        if "body" in instance.__dict__:
            instance._derived_from = instance.body
        return instance

    def clean(self):
        super().clean()
        if self.parent_id is not None and self.article_id is not None:
            parent = self.parent
            if parent.article_id != self.article_id:
                raise ValidationError(
                    {"parent": _("A reply must be on the same article as the comment it answers.")}
                )
            if self.pk is not None and self._is_ancestor_of(parent):
                raise ValidationError(
                    {"parent": _("A comment cannot be moved under one of its own replies.")}
                )
            levels = parent.depth + 2 + (self._reply_levels() if self.pk is not None else 0)
            if levels > settings.COMMENTS_MAX_DEPTH:
                raise ValidationError(
                    {
                        "parent": _(
                            "Threads nest %(max)d levels at most; under that comment this "
                            "conversation would need %(needed)d."
                        )
                        % {"max": settings.COMMENTS_MAX_DEPTH, "needed": levels}
                    }
                )

    def set_body(self, body: str, *, body_html: str | None = None) -> None:
        """Set the text and what derives from it: sanitized HTML and the text's fingerprint.

        ``body_html`` is ``sanitize_comment(body)`` when the caller has it already (the
        posting service sanitizes once for the checks), so a write sanitizes once.
        """
        self.body = body
        self.body_html = sanitize_comment(body) if body_html is None else body_html
        self.text_fingerprint = text_fingerprint(body)
        self._derived_from = body

    def hold_reason_list(self) -> list[tuple[str, str]]:
        """Why this comment was held or sent to spam, as moderators read it: (the text, the
        check's verdict or "") for each recorded reason. The text is the reason's message, or
        its code when it has none (a reason recorded by an import, say)."""
        return [
            (str(reason.get("message") or reason.get("code") or ""), reason.get("verdict", ""))
            for reason in self.hold_reasons or []
            if isinstance(reason, dict)
        ]

    def reply_parent(self) -> "Comment":
        """Where a reply to this comment goes: under it, or beside it at the deepest level.

        Threads nest ``COMMENTS_MAX_DEPTH`` levels at most; a reply to a comment at the last
        level joins that comment's level (``in_reply_to`` still names this comment).
        """
        parent = self
        while parent.depth + 1 >= settings.COMMENTS_MAX_DEPTH and parent.parent_id:
            parent = parent.parent
        return parent

    def _reply_levels(self) -> int:
        """How many levels of replies hang under this comment (0 for none)."""
        levels, level = 0, [self.pk]
        while level := list(
            Comment.objects.filter(parent_id__in=level).values_list("pk", flat=True)
        ):
            levels += 1
        return levels

    def _is_ancestor_of(self, other: "Comment") -> bool:
        node = other
        while node is not None:
            if node.pk == self.pk:
                return True
            node = node.parent
        return False

    @property
    def anchor(self) -> str:
        return f"#comment-{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def awaiting_moderation(self) -> bool:
        return self.status == self.Status.PENDING
