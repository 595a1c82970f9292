"""The comment section under an article: what a reader sees and the form they fill in.

``page_context`` is the one context of the article page (the article, its related links and
this section); the article view and the posting view's error page both render ``TEMPLATE``
with it, so neither needs the other.
"""

from django.conf import settings

from ..identity import remembered_author
from ..models import Comment
from .forms import CommentForm
from .threads import page_of, thread_page

TEMPLATE = "articles/article_detail.html"


def page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("cpage", 1)))
    except (TypeError, ValueError):
        return 1


def page_context(request, article, form: CommentForm | None = None) -> dict:
    """The article page's whole context: the article, its related links, the comments."""
    return {
        "article": article,
        "related_articles": article.published_related(),
        **comment_section(request, article, form=form),
    }


def comment_section(request, article, form: CommentForm | None = None) -> dict:
    """Template context for an article's comment section.

    Shows one page of the thread (``?cpage=``) in a constant number of queries. ``form`` is a
    bound form being shown again with its errors; otherwise a fresh form is made, filled from
    the "save my details" cookie and pointed at the comment named by ``?replytocom=``.
    """
    page = thread_page(
        article,
        request,
        number=page_number(request),
        per_page=settings.COMMENTS_PER_PAGE,
        newest_first=settings.COMMENTS_NEWEST_FIRST,
    )

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
