from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .sanitize import sanitize_comment

OWN_COMMENTS_SESSION_KEY = "own_comment_ids"


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


def own_comment_ids(request) -> list[int]:
    """IDs of the comments this browser session posted (only read if a session exists)."""
    session = getattr(request, "session", None)
    if session is None or not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
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
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    hold_reasons = models.JSONField(_("why it was held"), default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["author_email"]),
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

    def __str__(self):
        return f"{self.author_name} on {self.article_id} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        self.body_html = sanitize_comment(self.body)
        self.depth = self.parent.depth + 1 if self.parent_id else 0
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.article.slug}) + self.anchor

    @property
    def anchor(self) -> str:
        return f"#comment-{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def awaiting_moderation(self) -> bool:
        return self.status == self.Status.PENDING
