"""A reader's pages: posting a comment, its permalink, reporting one."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from modern_csrf.decorators import csrf_protect as origin_protect

from articles.models import Article

from ..identity import (
    client_ip,
    commenter_keys,
    forget_author,
    remember_author,
    remember_commenter,
    with_commenter_key,
)
from ..models import Comment, own_comment_ids
from ..ratelimit import RateLimited
from . import editing, services
from .forms import CommentForm, ReportForm
from .section import TEMPLATE, comment_location, page_context
from .sorting import sort_from

# Shown after a post with "Notify me of replies by email" ticked.
NOTIFY_NOTICE = gettext_lazy(
    "Check your inbox: we have sent a link to confirm reply notifications, unless this "
    "address has confirmed them already."
)
# Shown after asking to follow an article (from the comment form or the form under the thread).
FOLLOW_NOTICE = gettext_lazy(
    "Check your inbox: unless this address follows this article already, we have sent a "
    "link to confirm it (at most one mail a day)."
)


def csrf_by_account(view):
    """Django's cookie-and-token check for signed-in users, an origin check for everyone else.

    A commenter without an account posts from a page every reader shares, which holds no
    per-reader token and sets no cookie, so their first post has no token to send (without
    JavaScript, from a text browser, from any plain HTTP client). For them ``modern_csrf``
    decides from what the browser says about where the form came from: ``Sec-Fetch-Site``
    same-origin or none is accepted; any other value, or an ``Origin`` without it, only when
    that origin is this site or in ``CSRF_TRUSTED_ORIGINS``; a request with neither header
    is no browser's cross-site form (current browsers send them) and is accepted.

    Signed-in users (staff) keep Django's check: their pages are rendered for them with a
    token, and a forged post in their name would carry a moderator's account. Either refusal
    is answered by ``settings.CSRF_FAILURE_VIEW`` with status 403. The returned view is
    ``csrf_exempt``, so the global ``CsrfViewMiddleware`` leaves the decision to it.
    """
    by_token = csrf_protect(view)
    by_origin = origin_protect(view)

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.user.is_authenticated:
            return by_token(request, *args, **kwargs)
        return by_origin(request, *args, **kwargs)

    return csrf_exempt(checked)


@csrf_by_account
@require_POST
def comment_post(request, slug):
    """Post a comment (or a reply) and redirect to its permalink; on error, show the form again.

    A form error renders the article page again with everything the commenter typed kept and
    each error next to its field. The commenter-key cookie is set on every post, known address
    or not (``services.comment_post`` says which key), so the answer has one shape; the
    own-comments cookie when the comment is held or may still be edited
    (``editing.remember_proof``).
    Posting reads and writes no session.
    """
    article = get_object_or_404(Article.objects.published(), slug=slug)
    form = CommentForm(data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        keys = commenter_keys(request)
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
                follow_article=data["follow_article"],
                honeypot=data["reference"],
                seconds_to_submit=form.seconds_to_submit,
                own_comment_ids=own_comment_ids(request),
                commenter_keys=keys,
            )
        except ValidationError as error:
            _add_errors(form, error)
        except RateLimited as limited:
            # A small page, not the whole thread: under a flood this answer must stay cheap.
            # A reply says whom it answers, if readers can see that comment (one query).
            reply_to = (
                Comment.objects.answerable_on(article).filter(pk=data["parent"]).first()
                if data["parent"]
                else None
            )
            response = render(
                request,
                "comments/slow_down.html",
                {
                    "article": article,
                    "form": form,
                    "retry_after": limited.retry_after,
                    "reply_to": reply_to,
                },
                status=429,
            )
            response["Retry-After"] = str(limited.retry_after)
            return response
        else:
            if data["notify_replies"]:
                # The same words whether or not the address has confirmed already (or gets
                # nothing, as spam): the page must not tell who is subscribed.
                messages.info(request, NOTIFY_NOTICE)
            if data["follow_article"]:
                messages.info(request, FOLLOW_NOTICE)
            response = HttpResponseRedirect(article.get_absolute_url())
            # Before the comment's place is found: the page it is on counts this browser's own
            # held comments, this one among them (visible_q reads them from the request).
            editing.remember_proof(request, response, comment)
            location = comment_location(request, comment, just_posted=True)
            if location is not None:
                response["Location"] = iri_to_uri(location)
            if data["save_details"]:
                remember_author(response, name=data["name"], email=data["email"], url=data["url"])
            else:
                forget_author(response)
            if comment.commenter_key is not None:
                remember_commenter(response, with_commenter_key(keys, comment.commenter_key))
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


def comment_permalink(request, pk):
    """A comment's lasting address: redirects to the page of the thread that shows it now, in
    the order ``?sort=`` names (the default without it; 404 for an order the site lacks)."""
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    location = None
    if comment.article.is_published:
        location = comment_location(request, comment, sort=sort_from(request))
    if location is None:
        raise Http404("No such comment is shown.")
    return redirect(location)


def comment_report(request, pk):
    """A reader reports a public comment: a reason from a short list and optional details.

    A sent report (or a repeat from the same browser) returns the reader to the article page
    with a notice: to the comment's place in the thread while it is still shown, else to the
    comments, since the report may just have hidden it. Too many reports from the reader's
    network answer 429 with the form kept and nothing sent.
    """
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
                ip_address=client_ip(request),
            )
        except services.AlreadyReported:
            messages.info(
                request,
                _("You have already reported this comment. Thank you: a moderator will see it."),
            )
        except RateLimited as limited:
            minutes = -(-limited.retry_after // 60)
            context = {"comment": comment, "form": form, "retry_minutes": minutes}
            response = render(request, "comments/report.html", context, status=429)
            response["Retry-After"] = str(limited.retry_after)
            return response
        else:
            messages.success(request, _("Thank you. A moderator will look at this comment."))
        location = comment_location(request, comment)
        return redirect(location or f"{comment.article.get_absolute_url()}#comments")
    return render(request, "comments/report.html", {"comment": comment, "form": form})
