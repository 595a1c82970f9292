"""The comment section under an article: what a reader sees and the form they fill in.

``page_context`` is the one context of the article page (the article, its related links and
this section); the article view and the posting view's error page both render ``TEMPLATE``
with it, so neither needs the other.

A page of the thread exists or is not found: ``?cpage=`` is a plain page number the thread
has, or the answer is 404 (nothing is rendered, and no shared page is kept, for it).
"""

import re

from django.conf import settings
from django.core.paginator import EmptyPage
from django.http import Http404

from ..identity import remembered_author
from ..models import Comment
from .forms import CommentForm
from .threads import ThreadPaginator, page_of

TEMPLATE = "articles/article_detail.html"

# The page numbers the site writes in its links: ASCII digits, no sign, space or leading zero.
# Nine digits are more pages than any thread has; a longer number is not a page either.
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")


def page_number(request) -> int:
    """The page of the thread ``?cpage=`` names: 1 without it (the article's own address).

    Raises Http404 for any other spelling ("0", "-1", "+2", "02", " 2", "abc", "", other
    scripts' digits): one page has one address, so no two addresses share a rendering.
    """
    value = request.GET.get("cpage")
    if value is None:
        return 1
    if not PAGE_NUMBER.fullmatch(value):
        raise Http404("No such page of comments.")
    return int(value)


def thread_paginator(article, request) -> ThreadPaginator:
    """The article's thread in the site's pages, as ``request``'s reader sees it (one query)."""
    return ThreadPaginator(
        article,
        request,
        per_page=settings.COMMENTS_PER_PAGE,
        newest_first=settings.COMMENTS_NEWEST_FIRST,
    )


def page_context(
    request, article, form: CommentForm | None = None, *, paginator: ThreadPaginator | None = None
) -> dict:
    """The article page's whole context: the article, its related links, the comments.

    Raises Http404 if ``?cpage=`` names no page of the thread (see ``comment_section``).
    """
    return {
        "article": article,
        "related_articles": article.published_related(),
        **comment_section(request, article, form=form, paginator=paginator),
    }


def comment_section(
    request, article, form: CommentForm | None = None, *, paginator: ThreadPaginator | None = None
) -> dict:
    """Template context for an article's comment section.

    Shows one page of the thread (``?cpage=``) in a constant number of queries, or raises
    Http404 if the thread has no such page. ``paginator`` is this reader's
    ``thread_paginator``, when the caller has made it already (it saves the query). ``form``
    is a bound form being shown again with its errors; otherwise a fresh form is made, filled
    from the "save my details" cookie and pointed at the comment named by ``?replytocom=``.
    """
    number = page_number(request)
    try:
        page = (paginator or thread_paginator(article, request)).page(number)
    except EmptyPage:
        raise Http404("No such page of comments.") from None

    if form is None:
        initial = remembered_author(request)
        if initial:
            initial["save_details"] = True
        reply_to = _reply_target(article, request.GET.get("replytocom"))
        if reply_to is not None:
            initial["parent"] = reply_to.pk
        form = CommentForm(initial=initial)
    else:
        parent_id = form.cleaned_data.get("parent") if hasattr(form, "cleaned_data") else None
        reply_to = _reply_target(article, parent_id)

    return {
        "thread": page.thread,
        "thread_page": page,
        "comment_form": form,
        "reply_to": reply_to,
        "comments_open": article.accepts_comments(),
        "max_depth": settings.COMMENTS_MAX_DEPTH,
    }


def _reply_target(article, raw_id) -> Comment | None:
    """The public comment of this article that the form answers, if the id names one."""
    try:
        pk = int(raw_id)
    except (TypeError, ValueError):
        return None
    return Comment.objects.answerable_on(article).filter(pk=pk).first()


def comment_location(request, comment: Comment) -> str | None:
    """Where a comment is shown: its article's page of the thread, and its anchor."""
    number = page_of(
        comment,
        request,
        per_page=settings.COMMENTS_PER_PAGE,
        newest_first=settings.COMMENTS_NEWEST_FIRST,
    )
    if number is None:
        return None
    query = f"?cpage={number}" if number > 1 else ""
    return f"{comment.article.get_absolute_url()}{query}{comment.anchor}"
