from datetime import timedelta

from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments import site_settings

from . import page_generation
from .markup import render_editorial


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles readers may see: published, and not scheduled for later."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def thread_changed(self, article_ids, *, slugs=None) -> int:
        """Raise ``thread_version`` of these articles: their shared pages are stale now.

        Call inside the transaction that changed what readers see, so no process can serve the
        old page once that change has committed. ``slugs``: the same articles' slugs when the
        caller has them (saves the query that reads them). Returns how many articles were
        marked.
        """
        ids = {pk for pk in article_ids if pk}
        if not ids:
            return 0
        if slugs is None:
            page_generation.forget_articles(ids)
        else:
            page_generation.forget(slugs)
        return self.filter(pk__in=ids).update(thread_version=F("thread_version") + 1)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Moderation(models.TextChoices):
        INHERIT = "inherit", _("Use the site's setting")
        AUTO = "auto", _("Hold comments from first-time commenters")
        PRE = "pre", _("Hold every comment for review")
        POST = "post", _("Publish comments at once unless a check holds them")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    byline = models.CharField(_("byline"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(
        _("body"), help_text=_("Plain text (blank lines separate paragraphs) or HTML.")
    )
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    comments_open = models.BooleanField(_("comments open"), default=True)
    moderation = models.CharField(
        _("comment moderation"),
        max_length=10,
        choices=Moderation.choices,
        default=Moderation.INHERIT,
    )
    qa_mode = models.BooleanField(
        _("Q&A mode (ask the experts)"),
        default=False,
        help_text=_(
            "Readers' top-level comments are questions: held until an expert or moderator "
            "answers them; answered questions come first."
        ),
    )
    thread_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text=_("Goes up whenever readers would see the comment thread change."),
    )
    source_url = models.URLField(
        _("source link"),
        max_length=500,
        blank=True,
        db_index=True,
        help_text=_("Where an imported article lived before (its WordPress or Disqus link)."),
    )
    related = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="+",
        verbose_name=_("related articles"),
        help_text=_('Shown under the article as "More" links.'),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at"])]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_editorial(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def moderation_mode(self) -> str:
        """The mode that applies to this article's new comments: auto, pre or post."""
        if self.moderation == self.Moderation.INHERIT:
            return site_settings.moderation_mode()
        return self.moderation

    def published_related(self) -> list["Article"]:
        """The related articles ("More" links) readers may open."""
        return [article for article in self.related.all() if article.is_published]

    def accepts_comments(self) -> bool:
        """Open for comments: published, not closed by hand, not past the closing age."""
        if not (self.is_published and self.comments_open):
            return False
        days = site_settings.close_after_days()
        return not days or timezone.now() - self.published_at < timedelta(days=days)
