"""The comment section under an article: what a reader sees and the form they fill in."""

from django.conf import settings
from django.core import signing

from .forms import CommentForm
from .models import Comment
from .threads import build_thread

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


def comment_section(request, article, form: CommentForm | None = None) -> dict:
    """Template context for an article's comment section.

    Fetches the whole visible thread in one query. ``form`` is a bound form being shown again
    with its errors; otherwise a fresh form is made, filled from the "save my details" cookie
    and pointed at the comment named by ``?replytocom=``.
    """
    comments = list(Comment.objects.for_article(article).visible_to(request).thread_order())
    thread = build_thread(comments)
    shown = {entry.comment.pk: entry.comment for entry in thread.entries}

    if form is None:
        initial = remembered_author(request)
        if initial:
            initial["save_details"] = True
        reply_to = _reply_target(request.GET.get("replytocom"), shown)
        if reply_to is not None:
            initial["parent"] = reply_to.pk
        form = CommentForm(initial=initial)
    else:
        parent_id = form.cleaned_data.get("parent") if hasattr(form, "cleaned_data") else None
        reply_to = shown.get(parent_id)

    return {
        "thread": thread,
        "comment_form": form,
        "reply_to": reply_to,
        "comments_open": article.accepts_comments(),
        "max_depth": settings.COMMENTS_MAX_DEPTH,
    }


def _reply_target(raw_id, shown: dict) -> Comment | None:
    try:
        comment = shown.get(int(raw_id))
    except (TypeError, ValueError):
        return None
    if comment is None or comment.status != Comment.Status.APPROVED:
        return None
    return comment
