"""A reader's pages: posting a comment, its permalink, reporting one, the form's token."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from articles.models import Article

from ..identity import client_ip, forget_author, remember_author
from ..models import Comment, remember_own_comment
from ..ratelimit import RateLimited
from . import services
from .forms import CommentForm, ReportForm
from .section import TEMPLATE, comment_location, page_context


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
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
                user=request.user,
                notify_replies=data["notify_replies"],
                honeypot=data["reference"],
                seconds_to_submit=form.seconds_to_submit,
            )
        except ValidationError as error:
            _add_errors(form, error)
        except RateLimited as limited:
            # A small page, not the whole thread: under a flood this answer must stay cheap.
            response = render(
                request,
                "comments/slow_down.html",
                {"article": article, "form": form, "retry_after": limited.retry_after},
                status=429,
            )
            response["Retry-After"] = str(limited.retry_after)
            return response
        else:
            if comment.awaiting_moderation:
                remember_own_comment(request, comment.pk)
            response = redirect(comment_location(request, comment) or article.get_absolute_url())
            if data["save_details"]:
                remember_author(response, name=data["name"], email=data["email"], url=data["url"])
            else:
                forget_author(response)
            return response
    return render(request, TEMPLATE, page_context(request, article, form))


def _add_errors(form, error: ValidationError) -> None:
    """Show the service's objections on the form; a bad reply target becomes a new comment."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, field_errors in error.message_dict.items():
        if field == "parent":
            form.data["parent"] = ""
            form.cleaned_data["parent"] = None
            field = None
        form.add_error(field, field_errors)


@never_cache
def form_token(request):
    """The CSRF token for a form, fetched by the page's script when a reader starts to write.

    Article pages carry no CSRF token and set no cookie for people who only read; the cookie
    is set here, the moment someone begins a comment. Without JavaScript, the first post is
    answered by the CSRF page, which gives the comment back with a token to post it again.
    """
    return JsonResponse({"token": get_token(request)})


def comment_permalink(request, pk):
    """A comment's lasting address: redirects to the page of the thread that shows it now."""
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    location = None
    if comment.article.is_published:
        location = comment_location(request, comment)
    if location is None:
        raise Http404("No such comment is shown.")
    return redirect(location)


def comment_report(request, pk):
    """A reader reports a public comment: a reason from a short list and optional details."""
    comment = get_object_or_404(
        Comment.objects.public()
        .select_related("article")
        .filter(article__in=Article.objects.published()),
        pk=pk,
    )
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.session.session_key:
            request.session.save()
        try:
            services.comment_report(
                comment=comment,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                reporter=f"session:{request.session.session_key}",
            )
        except services.AlreadyReported:
            messages.info(request, _("You have already reported this comment. Thank you."))
        else:
            messages.success(request, _("Thank you. A moderator will look at this comment."))
        return redirect(comment.get_absolute_url())
    return render(request, "comments/report.html", {"comment": comment, "form": form})
