"""The comment section under an article: what a reader sees and the form they fill in."""

from django.conf import settings
from django.core import signing

from .forms import CommentForm
from .models import Comment
from .threads import page_of, thread_page

AUTHOR_COOKIE_SALT = "comments.author"


def remembered_author(request) -> dict:
    """Name, email and website saved by the "save my details" cookie, if the reader opted in."""
    saved = request.COOKIES.get(settings.COMMENTS_AUTHOR_COOKIE)
    if not saved:
        return {}
    try:
        data = signing.loads(
            saved, salt=AUTHOR_COOKIE_SALT, max_age=settings.COMMENTS_AUTHOR_COOKIE_MAX_AGE
        )
    except (signing.BadSignature, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: str(data[key]) for key in ("name", "email", "url") if data.get(key)}


def remember_author(response, *, name: str, email: str, url: str) -> None:
    """Set the opt-in "save my details" cookie: signed, HttpOnly, with a stated lifetime."""
    response.set_cookie(
        settings.COMMENTS_AUTHOR_COOKIE,
        signing.dumps({"name": name, "email": email, "url": url}, salt=AUTHOR_COOKIE_SALT),
        max_age=settings.COMMENTS_AUTHOR_COOKIE_MAX_AGE,
        httponly=True,
        secure=not settings.DEBUG,
        samesite="Lax",
    )


def forget_author(response) -> None:
    response.delete_cookie(settings.COMMENTS_AUTHOR_COOKIE, samesite="Lax")


def page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("cpage", 1)))
    except (TypeError, ValueError):
        return 1


def visible_thread(request, article):
    return Comment.objects.for_article(article).visible_to(request).thread_order()


def comment_section(request, article, form: CommentForm | None = None) -> dict:
    """Template context for an article's comment section.

    Shows one page of the thread (``?cpage=``) in a constant number of queries. ``form`` is a
    bound form being shown again with its errors; otherwise a fresh form is made, filled from
    the "save my details" cookie and pointed at the comment named by ``?replytocom=``.
    """
    page = thread_page(
        visible_thread(request, article),
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
    return Comment.objects.public().filter(article=article, pk=pk).first()


def comment_location(request, comment: Comment) -> str | None:
    """Where a comment is shown: its article's page of the thread, and its anchor."""
    number = page_of(
        comment.pk,
        visible_thread(request, comment.article),
        per_page=settings.COMMENTS_PER_PAGE,
        newest_first=settings.COMMENTS_NEWEST_FIRST,
    )
    if number is None:
        return None
    query = f"?cpage={number}" if number > 1 else ""
    return f"{comment.article.get_absolute_url()}{query}{comment.anchor}"
