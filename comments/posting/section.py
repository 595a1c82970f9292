"""The comment section under an article: what a reader sees and the form they fill in.

``page_context`` is the one context of the article page (the article, its related links and
this section); the article view and the posting view's error page both render ``TEMPLATE``
with it, so neither needs the other.

A page of the thread exists or is not found: ``?cpage=`` is a plain page number the thread
has, and ``?sort=`` one of ``sorting.SORTS``, or the answer is 404 (nothing is rendered, and
no shared page is kept, for it).
"""

import re

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.utils.text import Truncator

from ..identity import remembered_author
from ..models import (
    Comment,
    expert_names,
    is_moderator,
    may_answer,
    own_comment_ids,
    waiting_questions,
)
from ..plain_text import plain_text
from .editing import mark_own_edit_windows
from .forms import CommentForm, FollowForm
from .positions import page_of
from .sorting import default_sort, sort_from, sort_links, thread_query
from .threads import ThreadPaginator

TEMPLATE = "articles/article_detail.html"
# How many editors' picks the strip above the thread shows (the newest picks).
PICKS_SHOWN = 5

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
    """The article's thread in the site's pages and the order ``?sort=`` names, as
    ``request``'s reader sees it (three queries). Raises Http404 for an unknown ``?sort=``."""
    return ThreadPaginator(
        article, request, per_page=settings.COMMENTS_PER_PAGE, sort=sort_from(request)
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
    paginator = paginator or thread_paginator(article, request)
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise Http404("No such page of comments.") from None
    # "Edit" and "Delete" on this browser's own comments (never in a shared page: a browser
    # with an own-comments cookie is never given it).
    mark_own_edit_windows(
        (entry.comment for entry in page.thread.entries if not entry.placeholder),
        own_comment_ids=own_comment_ids(request),
    )
    sort = paginator.sort

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
        "sort": sort,
        "sort_links": sort_links(sort),
        # This page's own query string, which the reply links and "Cancel reply" keep.
        "thread_query": thread_query(sort=sort, page=number),
        # The first and last pages and those around this one; "…" (None) stands for the rest.
        "page_links": [
            (n, thread_query(sort=sort, page=n)) if n != Paginator.ELLIPSIS else (None, "")
            for n in Paginator(range(page.num_pages), 1).get_elided_page_range(
                number, on_each_side=2, on_ends=1
            )
        ],
        "previous_query": thread_query(sort=sort, page=number - 1),
        "next_query": thread_query(sort=sort, page=number + 1),
        "editors_picks": editors_picks(article),
        "comment_form": form,
        "follow_form": FollowForm(),
        # Q&A mode: who answers (shared page), and for staff who may answer, the questions
        # still waiting (their page is their own: a session is never given the shared page).
        "experts": expert_names() if article.qa_mode else [],
        "waiting_questions": (
            waiting_questions(article) if may_answer(getattr(request, "user", None)) else []
        ),
        "reply_to": reply_to,
        # A moderator's page (never the shared one): held comments in place, and actions.
        "moderating": is_moderator(request),
        "comments_open": article.accepts_comments(),
        "max_depth": settings.COMMENTS_MAX_DEPTH,
    }


def editors_picks(article) -> list[Comment]:
    """The article's public editors' picks, newest pick first, ``PICKS_SHOWN`` at most
    (one query)."""
    picks = list(
        Comment.objects.public()
        .for_article(article)
        .picked()
        .only("pk", "author_name", "body_html", "picked_at", "article_id")[:PICKS_SHOWN]
    )
    for pick in picks:
        # Plain text (the template escapes it): what readers see, without the markup.
        pick.excerpt = Truncator(plain_text(pick.body_html)).words(30)
    return picks


def _reply_target(article, raw_id) -> Comment | None:
    """The public comment of this article that the form answers, if the id names one."""
    try:
        pk = int(raw_id)
    except (TypeError, ValueError):
        return None
    return Comment.objects.answerable_on(article).filter(pk=pk).first()


def comment_location(
    request, comment: Comment, *, sort: str | None = None, just_posted: bool = False
) -> str | None:
    """Where a comment is shown: its article's page of the thread in ``sort``'s order (the
    default order if None), and its anchor. None if ``request``'s reader may not see it.
    ``just_posted``: the comment this request has just saved (``positions.page_of``)."""
    sort = sort or default_sort()
    number = page_of(
        comment,
        request,
        per_page=settings.COMMENTS_PER_PAGE,
        sort=sort,
        just_posted=just_posted,
    )
    if number is None:
        return None
    query = thread_query(sort=sort, page=number)
    return f"{comment.article.get_absolute_url()}{query}{comment.anchor}"
