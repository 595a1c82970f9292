"""The pages behind the links in reply-notification mail: confirm, unsubscribe, subscribe again.

They never print the subscriber's address: at most a masked form (``w•••@example.com``), so a
link forwarded or shared does not hand out the address. Every answer is private and uncached.

The token comes in the query string (the mailed link) or the form body (the buttons), never in
the path, so access logs and Django's request warnings never record it (``signed_links``).
Opening a link (GET, or HEAD, which answers the same) changes nothing: mail scanners and link
previews open every link.
"""

from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .. import mail, signed_links
from ..identity import mask_email
from ..models import Subscriber
from ..signed_links import InvalidLink
from . import services

# RFC 8058: the body of the POST a mail client sends for its "Unsubscribe" button.
ONE_CLICK_FIELD, ONE_CLICK_VALUE = "List-Unsubscribe", "One-Click"


def _page(request, template: str, subscriber: Subscriber | None = None, status=200, **context):
    if subscriber is not None:
        context["masked_email"] = mask_email(subscriber.email)
    return render(request, f"subscriptions/{template}", context, status=status)


def _lifetime(kind: signed_links.Kind) -> str:
    """How long links of ``kind`` work, in words ("7 days", "2 years")."""
    days = kind.max_age.days
    if days % 365 == 0:
        return ngettext("%(n)d year", "%(n)d years", days // 365) % {"n": days // 365}
    return mail.duration_text(kind.max_age.total_seconds())


def _invalid_link(request, error: InvalidLink, kind: signed_links.Kind):
    return _page(
        request,
        "invalid_link.html",
        status=400,
        expired=error.expired,
        unsubscribe=kind is signed_links.UNSUBSCRIBE,
        lifetime=_lifetime(kind),
    )


def _is_one_click(request) -> bool:
    return request.method == "POST" and request.POST.get(ONE_CLICK_FIELD) == ONE_CLICK_VALUE


def _unsubscribed(request, subscriber: Subscriber, token: str):
    subscriber = services.subscriber_unsubscribe(subscriber=subscriber)
    return _page(request, "unsubscribed.html", subscriber, token=token)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request):
    """GET shows a "Confirm" button; only its POST confirms, so link scanners confirm nothing."""
    token = signed_links.token_from(request)
    try:
        subscriber = services.subscriber_from_link(signed_links.CONFIRM, token)
    except InvalidLink as error:
        return _invalid_link(request, error, signed_links.CONFIRM)
    if request.method == "POST":
        subscriber = services.subscriber_confirm(subscriber=subscriber)
        return _page(request, "confirmed.html", subscriber, topics=subscriber.mail_topics())
    # The page names what "Confirm" starts: reply notifications, followed articles, or both.
    topics = subscriber.confirmation_topics()
    return _page(
        request, "confirm.html", subscriber, token=token, already_active=not topics, topics=topics
    )


# Mail clients send RFC 8058's one-click POST (body "List-Unsubscribe=One-Click", the token in
# the List-Unsubscribe URL's query string) from outside the site, with no cookie and no CSRF
# token, so CSRF protection cannot apply here. That is safe because the signed token is the
# authorisation, and the only thing this view can do is stop mail. The page's own button sends
# the same one-click body (and the token as a field), so it needs no CSRF cookie either. Nothing
# else is exempt: "Subscribe again" is a CSRF-protected form.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request):
    """GET (the link opened) shows an "Unsubscribe" button and changes nothing; a one-click POST
    (that button, or the mail client's) unsubscribes. A POST without the one-click body is 400."""
    token = signed_links.token_from(request)
    try:
        subscriber = services.subscriber_from_link(signed_links.UNSUBSCRIBE, token)
    except InvalidLink as error:
        return _invalid_link(request, error, signed_links.UNSUBSCRIBE)
    if request.method == "POST":
        if not _is_one_click(request):
            return _invalid_link(request, InvalidLink(), signed_links.UNSUBSCRIBE)
        return _unsubscribed(request, subscriber, token)
    if subscriber.unsubscribed_at is not None:
        return _page(request, "unsubscribed.html", subscriber, token=token)
    return _page(
        request,
        "unsubscribe.html",
        subscriber,
        token=token,
        topics=subscriber.mail_topics(),
        one_click_field=ONE_CLICK_FIELD,
        one_click_value=ONE_CLICK_VALUE,
    )


@never_cache
@require_POST
def resubscribe(request):
    """ "Subscribe again" after unsubscribing: a new confirmation mail (at most one a day)."""
    try:
        subscriber = services.subscriber_from_link(
            signed_links.UNSUBSCRIBE, signed_links.token_from(request)
        )
    except InvalidLink as error:
        return _invalid_link(request, error, signed_links.UNSUBSCRIBE)
    state = services.subscriber_resubscribe(subscriber=subscriber)
    return _page(request, "resubscribe.html", subscriber, state=state)


# Links mailed before tokens left the path ------------------------------------------------
# They keep working: the answer is a redirect to the same address with the token in the query
# string (302 for a GET; 307 for a POST, which keeps it a POST, body and CSRF token included).
# It never checks the token, so it never answers 4xx, and Django's request warnings (logged for
# 4xx and 5xx) never hold the old path; the access log records it once, the price of old mail.


@never_cache
def moved(request, token: str, url_name: str):
    """Redirect an old path-style link (any method) to ``url_name`` with the token in the query."""
    keep_method = request.method not in ("GET", "HEAD")
    return redirect(signed_links.location(url_name, token), preserve_request=keep_method)


@csrf_exempt
@never_cache
def moved_unsubscribe(request, token: str):
    """An old unsubscribe link: its RFC 8058 POST acts here, since a mail client need not follow
    a redirect; anything else is redirected like every other old link."""
    if _is_one_click(request):
        try:
            subscriber = services.subscriber_from_link(signed_links.UNSUBSCRIBE, token)
        except InvalidLink:
            pass  # the new address answers it: no 400 logged with the token in the path
        else:
            return _unsubscribed(request, subscriber, token)
    return moved(request, token, "subscriptions:unsubscribe")
