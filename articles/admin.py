from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from comments.models import Comment, ThreadCount

from .models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "comments_open", "approved_comments"]
    list_filter = ["status", "comments_open", "moderation", "qa_mode", "published_at"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    # "N articles" without counting them all again on every page of the list.
    show_full_result_count = False
    # Rendering the rows is most of the page: 100 took 100 to 145 ms on a 2-core machine.
    list_per_page = 50
    filter_horizontal = ["related"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "byline", "summary", "body"]}),
        ("Publishing", {"fields": ["status", "published_at", "related"]}),
        ("Comments", {"fields": ["comments_open", "moderation", "qa_mode"]}),
    ]

    def get_queryset(self, request):
        # Each row's count from the counts the database keeps (ThreadCount), not a count of
        # its comments: an article of 200,000 comments costs what one of 10 does.
        return (
            super()
            .get_queryset(request)
            .defer("body", "body_html", "summary")
            .annotate(approved_count=ThreadCount.public_subquery())
        )

    @admin.display(description="approved comments", ordering="approved_count")
    def approved_comments(self, article):
        # The comment list has no article filter listing every article: this link narrows it.
        url = reverse("admin:comments_comment_changelist")
        return format_html(
            '<a href="{}?article__id__exact={}" title="All comments on this article">{}</a>',
            url,
            article.pk,
            article.approved_count,
        )

    def get_deleted_objects(self, objs, request):
        """Deleting an article takes its comments with it, which the owner is shown and may do.

        Comments cannot be deleted one by one in the admin (moderators remove them, with a
        log row); the whole thread going with its article is the owner's decision.
        """
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(str(Comment._meta.verbose_name))
        return deleted, counts, perms_needed, protected
