import re

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition
from django.views.decorators.vary import vary_on_cookie
from django.views.generic import ListView

from comments.models import ThreadCount
from comments.posting.forms import CommentForm, issue_timestamp
from comments.posting.section import TEMPLATE, page_context

from . import page_cache
from .models import Article


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        # No annotation here: the paginator's COUNT(*) would then group every comment.
        return Article.objects.published().order_by("-published_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = context["articles"]
        # The counts the database keeps (ThreadCount), for this page's articles only.
        counts = ThreadCount.public(article.pk for article in articles)
        for article in articles:
            article.public_comment_count = counts.get(article.pk, 0)
        return context


# Stand-in for the one per-request value in a shared page (the form's signed timestamp); no
# reader could type it. The page holds no CSRF token: readers' comments are checked by origin
# (comments.posting.views.csrf_by_account), so reading sets no cookie and posting needs none.
ISSUED_SLOT = "\x1bform-issued\x1b"
SLOTS = re.compile(f"({re.escape(ISSUED_SLOT)})".encode())


def render_article(request, article: Article, *, comment_form=None, status: int = 200):
    """The article page: the article, its related links and disclaimer, then the comments.

    A plain reader's page (no session, own comments, saved details, messages or reply target)
    comes from the shared cache when it can; everyone else's is rendered for them alone.
    """
    if comment_form is None and page_cache.is_shared(request):
        return _shared_article_page(request, article)
    named = getattr(request, "page_identity", None)  # its paginator, if it needed one
    paginator = named.paginator if named else None
    context = page_context(request, article, comment_form, paginator=paginator)
    return render(request, TEMPLATE, context, status=status)


def _shared_article_page(request, article):
    # The ETag step named the page already (and answered 404 for a page the thread lacks).
    page = getattr(request, "page_identity", None) or page_cache.identity(request, article)
    parts = page_cache.get(page)
    if parts is None:
        form = CommentForm(initial={"issued": ISSUED_SLOT})
        context = page_context(request, article, form, paginator=page.paginator)
        html = render_to_string(TEMPLATE, context, request).encode()
        # Kept as bytes cut at the slots (odd items): filling them is one join, no re-encoding.
        parts = SLOTS.split(html)
        page_cache.put(page, parts, num_pages=context["thread_page"].num_pages)
    response = HttpResponse(fill_slots(parts))
    # The same bytes for every plain reader this minute: the fast path may keep them.
    response.shared_page_parts = parts
    return response


def fill_slots(parts: list[bytes]) -> bytes:
    """The page from its parts: each slot (the odd items) filled for this request."""
    values = {ISSUED_SLOT.encode(): issue_timestamp()} if len(parts) > 1 else {}
    return b"".join(values[part].encode() if i % 2 else part for i, part in enumerate(parts))


def article_etag(request, slug) -> str | None:
    """A validator for readers without a personal page (``page_cache.identity``'s ETag).

    Signed-in staff, commenters whose browser proves comments of its own (held, or still
    editable) and readers with a notice to see always get a fresh page. A ``?cpage=`` the
    thread does not have is a 404 here already.
    """
    if page_cache.is_personal(request):
        return None
    # The view reuses this lookup: one query serves both.
    article = request.article = Article.objects.published().filter(slug=slug).first()
    if article is None:
        return None
    page = request.page_identity = page_cache.identity(request, article)
    return page.etag


@vary_on_cookie
@cache_control(private=True, no_cache=True)
@condition(etag_func=article_etag)
def article_detail(request, slug):
    article = getattr(request, "article", None) or get_object_or_404(
        Article.objects.published(), slug=slug
    )
    return render_article(request, article)
