from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from articles.models import Article
from articles.views import render_article

from . import services
from .forms import CommentForm
from .models import OWN_COMMENTS_SESSION_KEY
from .section import forget_author, remember_author

OWN_COMMENTS_KEPT = 50


@require_POST
def comment_post(request, slug):
    """Post a comment (or a reply) and redirect to its permalink; on error, show the form again.

    A form error renders the article page again with everything the commenter typed kept and
    each error next to its field.
    """
    article = get_object_or_404(Article.objects.published(), slug=slug)
    form = CommentForm(data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            comment = services.comment_post(
                article=article,
                body=data["comment"],
                author_name=data["name"],
                author_email=data["email"],
                author_url=data["url"],
                parent_id=data["parent"],
                ip_address=request.META.get("REMOTE_ADDR") or None,
                user_agent=request.headers.get("User-Agent", ""),
                user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if comment.awaiting_moderation:
                _remember_own_comment(request, comment.pk)
            response = redirect(comment.get_absolute_url())
            if data["save_details"]:
                remember_author(response, name=data["name"], email=data["email"], url=data["url"])
            else:
                forget_author(response)
            return response
    return render_article(request, article, comment_form=form)


def _add_errors(form, error: ValidationError) -> None:
    """Show the service's objections on the form; a bad reply target becomes a new comment."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        if field == "parent":
            form.data["parent"] = ""
            form.cleaned_data["parent"] = None
            field = None
        form.add_error(field, messages)


def _remember_own_comment(request, pk: int) -> None:
    """Let this browser see its own held comment, marked as awaiting moderation."""
    ids = [*request.session.get(OWN_COMMENTS_SESSION_KEY, []), pk]
    request.session[OWN_COMMENTS_SESSION_KEY] = ids[-OWN_COMMENTS_KEPT:]
