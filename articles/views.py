from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.vary import vary_on_cookie
from django.views.generic import ListView

from comments.models import Comment
from comments.section import comment_section

from .models import Article


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return (
            Article.objects.published()
            .annotate(
                public_comment_count=Count(
                    "comments", filter=Q(comments__status=Comment.Status.APPROVED)
                )
            )
            .order_by("-published_at", "-pk")
        )


def render_article(request, article: Article, *, comment_form=None, status: int = 200):
    """The article page: the article, its related links and disclaimer, then the comments."""
    context = {
        "article": article,
        "related_articles": [a for a in article.related.all() if a.is_published],
        **comment_section(request, article, form=comment_form),
    }
    return render(request, "articles/article_detail.html", context, status=status)


@vary_on_cookie
def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    return render_article(request, article)
