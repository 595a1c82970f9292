from django.contrib.auth import views as auth_views
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.views.defaults import bad_request as django_bad_request
from modern_csrf.middleware import REASON_BAD_SEC_FETCH_SITE


def csrf_failure(request, reason=""):
    """A friendly 403 for a refused form (CSRF) that gives back what was typed.

    Two refusals end here: Django's (a signed-in user's form without its cookie or token, or
    with a stale one) and ``modern_csrf``'s (a comment sent from another site: its
    ``Sec-Fetch-Site`` or ``Origin`` names a site that is not this one). The page says which.
    When the refused request was a comment, the form is shown again, filled with what was
    sent (and, for a signed-in user, a fresh token), so one click from this page posts it.
    """
    from comments.posting.forms import CommentForm

    form, kept_text = None, ""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if request.method == "POST" and match and match.view_name == "comments:post":
        form = CommentForm(initial=CommentForm.initial_from_data(request.POST))
    elif request.method == "POST" and match and match.view_name == "comments:edit":
        # A commenter's edit of their own comment: its page has the token; give the text back.
        kept_text = CommentForm.initial_from_data(request.POST).get("comment", "")
    context = {
        "form": form,
        "kept_text": kept_text,
        "form_action": request.path,
        "cross_site": _cross_site(reason),
    }
    return render(request, "403_csrf.html", context, status=403)


def _cross_site(reason: str) -> bool:
    """Whether a CSRF refusal was about where the form came from (not a missing cookie)."""
    prefixes = ("Origin checking failed", "Referer checking failed")
    return reason == REASON_BAD_SEC_FETCH_SITE or reason.startswith(prefixes)


class LogoutView(auth_views.LogoutView):
    """Django's logout, which also drops the own-comments cookie: the next person at this
    browser sees none of the held comments posted from it (``comments.models.readers``)."""

    def post(self, request, *args, **kwargs):
        from comments.models import forget_own_comments

        response = super().post(request, *args, **kwargs)
        forget_own_comments(response)
        return response


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page declares; send them the site's icon."""
    return redirect(static("favicon.svg"), permanent=True)


def bad_request(request, exception):
    """400, or 413 with its own explanation when the request body was too large."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        return render(request, "413.html", status=413)
    return django_bad_request(request, exception)
