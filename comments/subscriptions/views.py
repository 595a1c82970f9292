"""The pages behind the links in reply-notification mail: confirm, unsubscribe, subscribe again.

They never print the subscriber's address: at most a masked form (``w•••@example.com``), so a
link forwarded or shared does not hand out the address. Every answer is private and uncached.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .. import signed_links
from ..identity import mask_email
from ..models import Subscriber
from ..signed_links import InvalidLink
from . import services


def _page(request, template: str, subscriber: Subscriber | None = None, status=200, **context):
    if subscriber is not None:
        context["masked_email"] = mask_email(subscriber.email)
    return render(request, f"subscriptions/{template}", context, status=status)


def _invalid_link(request, error: InvalidLink):
    return _page(
        request,
        "invalid_link.html",
        status=400,
        expired=error.expired,
        valid_days=signed_links.CONFIRM.max_age.days,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows a "Confirm" button; only its POST confirms, so link scanners confirm nothing."""
    try:
        subscriber = services.subscriber_from_link(signed_links.CONFIRM, token)
    except InvalidLink as error:
        return _invalid_link(request, error)
    if request.method == "POST":
        subscriber = services.subscriber_confirm(subscriber=subscriber)
        return _page(request, "confirmed.html", subscriber)
    return _page(
        request, "confirm.html", subscriber, token=token, already_active=subscriber.is_active
    )


# Mail clients send RFC 8058's one-click POST (body "List-Unsubscribe=One-Click") from outside
# the site, with no cookie and no CSRF token, so CSRF protection cannot apply here. That is safe
# because the signed token in the URL is the authorisation, and the only thing this view can do
# is stop mail. Nothing else is exempt: "Subscribe again" posts to ``resubscribe`` with a token.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Unsubscribe at once, from a GET (the link in the mail) or a one-click POST."""
    try:
        subscriber = services.subscriber_from_link(signed_links.UNSUBSCRIBE, token)
    except InvalidLink as error:
        return _invalid_link(request, error)
    if request.method == "POST" and request.POST.get("List-Unsubscribe") != "One-Click":
        return _invalid_link(request, InvalidLink())
    subscriber = services.subscriber_unsubscribe(subscriber=subscriber)
    return _page(request, "unsubscribed.html", subscriber, token=token)


@never_cache
@require_POST
def resubscribe(request, token):
    """ "Subscribe again" after unsubscribing: a new confirmation mail (at most one a day)."""
    try:
        subscriber = services.subscriber_from_link(signed_links.UNSUBSCRIBE, token)
    except InvalidLink as error:
        return _invalid_link(request, error)
    state = services.subscriber_resubscribe(subscriber=subscriber)
    return _page(request, "resubscribe.html", subscriber, state=state)
