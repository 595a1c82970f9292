from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.views.defaults import bad_request as django_bad_request


def csrf_failure(request, reason=""):
    """A friendly page for a missing or stale CSRF token that gives back what was typed.

    When the rejected request was a comment, the form is shown again, filled with what the
    commenter sent and carrying a fresh token, so one click posts it.
    """
    from comments.posting.forms import CommentForm

    form = None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if request.method == "POST" and match and match.view_name == "comments:post":
        form = CommentForm(initial=CommentForm.initial_from_data(request.POST))
    return render(
        request,
        "403_csrf.html",
        {"form": form, "form_action": request.path},
        status=403,
    )


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page declares; send them the site's icon."""
    return redirect(static("favicon.svg"), permanent=True)


def bad_request(request, exception):
    """400, or 413 with its own explanation when the request body was too large."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        return render(request, "413.html", status=413)
    return django_bad_request(request, exception)
