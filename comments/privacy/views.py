"""The privacy page and the data-rights pages of commenters without accounts.

``/privacy/my-data/`` mails a link to an address and answers the same whether or not anything
is stored under it (and whether or not a rate limit stopped the mail). The link, once used,
gives this browser session ``privacy.ACCESS_MAX_AGE`` of access to the address's data: a list
of the comments, a JSON download, and anonymisation or deletion. These pages show the address
only masked, and only to the session that opened the link. Every answer is private and
uncached.
"""

from datetime import UTC, datetime
from functools import partial

from django import forms
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import mail, signed_links
from ..identity import client_ip, forget_author, mask_email, normalize_email
from ..models import Comment, Subscriber
from ..signed_links import InvalidLink
from . import services as privacy
from .after_response import render_then

ACCESS_SESSION_KEY = "privacy_data_access"
PENDING_ERASURE_SESSION_KEY = "privacy_pending_erasure"
DONE_SESSION_KEY = "privacy_done"

ANONYMISE = "anonymise"
DELETE = "delete"
ERASURE_CHOICES = [
    (ANONYMISE, _("Anonymise my comments (keep the text)")),
    (DELETE, _("Delete my comments")),
]

STATUS_LABELS = {
    Comment.Status.APPROVED: _("published"),
    Comment.Status.PENDING: _("awaiting moderation"),
    Comment.Status.SPAM: _("spam"),
    Comment.Status.REMOVED: _("removed"),
}


class DataRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("The address you gave when you commented or subscribed to replies."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ErasureConfirmForm(forms.Form):
    action = forms.ChoiceField(choices=ERASURE_CHOICES, widget=forms.HiddenInput)
    understand = forms.BooleanField(
        label=_("I understand this cannot be undone"),
        error_messages={"required": _("Tick the box to confirm.")},
    )


# Helpers -----------------------------------------------------------------------------------


def site_cookies() -> list[dict]:
    """Every cookie the site can set: name, purpose, lifetime and when, from the settings."""
    session_age = None if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else settings.SESSION_COOKIE_AGE
    return [
        {
            "name": settings.CSRF_COOKIE_NAME,
            "purpose": _(
                "Protects forms against cross-site request forgery: it proves that a form was "
                "sent from this site and not from another site in your browser."
            ),
            "lifetime": mail.duration_text(settings.CSRF_COOKIE_AGE),
            "when": _(
                "When you open the report form, the data-request form, a page from a link we "
                "mailed you, or the login page. Reading articles and posting a comment do "
                "not set it: a comment is checked by where your browser says it came from."
            ),
        },
        {
            "name": settings.SESSION_COOKIE_NAME,
            "purpose": _(
                "Remembers this browser: so that you can see your own comment while it awaits "
                "moderation, so that you report a comment only once, to keep a moderator logged "
                "in, and to give you access to your data after you open a link we mailed you."
            ),
            "lifetime": mail.duration_text(session_age),
            "when": _(
                "Only after you post a comment that is held for moderation, report a comment, "
                "log in, or open a data-access link."
            ),
        },
        {
            "name": settings.COMMENTS_AUTHOR_COOKIE,
            "purpose": _(
                "Fills in your name, email and website the next time you comment. It is signed "
                "(it cannot be altered) and HttpOnly (scripts cannot read it)."
            ),
            "lifetime": mail.duration_text(settings.COMMENTS_AUTHOR_COOKIE_MAX_AGE),
            "when": _(
                "Only if you tick “Save my name, email, and website in this browser for the "
                "next time I comment.” Posting without the tick removes it."
            ),
        },
        {
            "name": settings.COMMENTS_COMMENTER_COOKIE,
            "purpose": _(
                "Shows that this browser posted as your email address before, so your next "
                "comments from it are published at once; from any other browser a comment "
                "under your address waits for you to confirm it by email, or for a moderator. "
                "It holds keyed hashes, not your address; it is signed and HttpOnly."
            ),
            "lifetime": mail.duration_text(settings.COMMENTS_AUTHOR_COOKIE_MAX_AGE),
            "when": _(
                "When you post a comment, and when you press “Yes, it was me” on the page of "
                "a confirmation link we mailed you. Each post starts its lifetime again."
            ),
        },
        {
            "name": CookieStorage.cookie_name,
            "purpose": _("Carries a one-time notice (such as “Thank you for your report”)."),
            "lifetime": _("until the notice is shown (at most until you close your browser)"),
            "when": _("After an action that shows a notice on the next page."),
        },
    ]


def _access_email(request) -> str | None:
    """The address this session may see the data of, or None (never had, or it expired)."""
    access = request.session.get(ACCESS_SESSION_KEY)
    if not isinstance(access, dict):
        return None
    if float(access.get("until", 0)) <= timezone.now().timestamp():
        _end_access(request)
        return None
    return access.get("email") or None


def _end_access(request) -> None:
    request.session.pop(ACCESS_SESSION_KEY, None)
    request.session.pop(PENDING_ERASURE_SESSION_KEY, None)


def _access_ended(request):
    return render(request, "privacy/access_ended.html", status=403)


def _link_lifetime() -> str:
    return mail.duration_text(privacy.LINK_MAX_AGE.total_seconds())


# Pages -------------------------------------------------------------------------------------


@require_safe
def policy(request):
    """What is stored about commenters, why, for how long, who sees it; every cookie."""
    return render(
        request,
        "privacy/policy.html",
        {
            "cookies": site_cookies(),
            "akismet_enabled": bool(getattr(settings, "AKISMET_API_KEY", "")),
            "ip_retention_days": privacy.ip_retention_days(),
            "link_lifetime": _link_lifetime(),
            "access_lifetime": mail.duration_text(privacy.ACCESS_MAX_AGE.total_seconds()),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def data_request(request):
    """Ask for a data-access link by email.

    The answer to a valid POST is the same page with the same words whatever happened: mail
    queued, nothing stored under the address (the task then sends nothing), or rate-limited
    (nothing queued). So the page cannot be used to learn whether an address commented here.

    Nor by its timing: until the answer has been sent, the request does the same work for
    every address (validate the form, render the page). The rate limits, the lookup and the
    mail run after that, from the response's ``close()`` (``after_response``), whatever the
    task backend; ``bench/privacy_timing.py`` measures it.
    """
    form = DataRequestForm(request.POST or None)
    requested = None
    if request.method == "POST" and form.is_valid():
        requested = partial(
            privacy.data_access_requested,
            email=form.cleaned_data["email"],
            ip_address=client_ip(request),
        )
        form = DataRequestForm()
    return render_then(
        request,
        "privacy/request.html",
        {"form": form, "answered": requested is not None, "link_lifetime": _link_lifetime()},
        then=requested,
    )


def _invalid_link(request, error: InvalidLink):
    return render(
        request,
        "privacy/invalid_link.html",
        {"reason": error.reason, "link_lifetime": _link_lifetime()},
        status=400,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def data_link(request):
    """The link from the mail. GET shows a button; its POST uses the link up and opens access.

    A GET changes nothing, so mail scanners that open links do not use them up. The token comes
    in the query string (the link) or the form body (the button), never in the path, so no log
    records it (``signed_links``).
    """
    token = signed_links.token_from(request)
    try:
        if request.method == "POST":
            email = privacy.data_access_redeem(token)
        else:
            privacy.data_access_check(token)
    except InvalidLink as error:
        return _invalid_link(request, error)
    if request.method != "POST":  # GET or HEAD (mail scanners): the button, nothing used up
        return render(request, "privacy/link.html", {"token": token})
    # A new session key, as at a login: access must not pass to a key known before.
    request.session.cycle_key()
    request.session.pop(PENDING_ERASURE_SESSION_KEY, None)
    request.session[ACCESS_SESSION_KEY] = {
        "email": email,
        "until": (timezone.now() + privacy.ACCESS_MAX_AGE).timestamp(),
    }
    return redirect("privacy:mine")


@never_cache
def data_link_moved(request, token):
    """A link mailed before tokens left the path: redirected, any method, to the new address.

    302 for a GET; 307 for a POST, which keeps it a POST (body and CSRF token included). The
    token is not checked here, so this never answers 4xx and Django's request warnings never
    log the old path.
    """
    keep_method = request.method not in ("GET", "HEAD")
    return redirect(signed_links.location("privacy:link", token), preserve_request=keep_method)


@never_cache
@require_safe
def my_data(request):
    """Every comment under the address, with its article, date, status and text."""
    email = _access_email(request)
    if email is None:
        return _access_ended(request)
    comments = (
        Comment.objects.by_author(email).select_related("article").order_by("-created_at", "-pk")
    )
    rows = [{"comment": c, "status_label": STATUS_LABELS.get(c.status, c.status)} for c in comments]
    return render(
        request,
        "privacy/my_data.html",
        {
            "masked_email": mask_email(email),
            "rows": rows,
            "subscriber": Subscriber.objects.filter(email=normalize_email(email)).first(),
            "choices": ERASURE_CHOICES,
            "access_until": datetime.fromtimestamp(
                float(request.session[ACCESS_SESSION_KEY]["until"]), tz=UTC
            ),
        },
    )


@never_cache
@require_POST
def export(request):
    """Everything stored under the address, as a JSON file to download."""
    email = _access_email(request)
    if email is None:
        return _access_ended(request)
    response = JsonResponse(
        privacy.commenter_export(email=email),
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
    filename = f"{settings.SITE_NAME}-my-data-{timezone.localdate().isoformat()}.json"
    safe_name = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in filename).lower()
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    return response


@never_cache
@require_POST
def erase(request):
    """Anonymise or delete, confirmed twice.

    The first POST (a choice) shows what will happen, with an "I understand" box; only a
    second POST of the same choice with the box ticked does it. Then this session's access
    ends and the done page says what was done.
    """
    email = _access_email(request)
    if email is None:
        return _access_ended(request)
    action = request.POST.get("action")
    if action not in dict(ERASURE_CHOICES):
        return redirect("privacy:mine")
    form = ErasureConfirmForm(initial={"action": action})
    if request.POST.get("step") == "confirm":
        form = ErasureConfirmForm(request.POST)
        pending = request.session.get(PENDING_ERASURE_SESSION_KEY)
        if pending == action and form.is_valid():
            return _carry_out(request, email=email, action=action)
    request.session[PENDING_ERASURE_SESSION_KEY] = action
    comments = Comment.objects.by_author(email)
    return render(
        request,
        "privacy/confirm_erasure.html",
        {
            "form": form,
            "action": action,
            "action_label": dict(ERASURE_CHOICES)[action],
            "comment_count": comments.count(),
            "replies_by_others": Comment.objects.filter(parent__in=comments)
            .exclude(pk__in=comments)
            .count(),
            "has_subscription": Subscriber.objects.filter(email=normalize_email(email)).exists(),
        },
    )


def _carry_out(request, *, email: str, action: str):
    actor = "request by magic link"
    if action == ANONYMISE:
        count = privacy.commenter_anonymise(email=email, actor_description=actor)
    else:
        count = privacy.commenter_erase(email=email, actor_description=actor)
    _end_access(request)
    request.session[DONE_SESSION_KEY] = {"action": action, "count": count}
    return redirect("privacy:done")


@never_cache
@require_safe
def done(request):
    """What was done; also removes the "save my details" cookie from this browser."""
    result = request.session.pop(DONE_SESSION_KEY, None)
    if not isinstance(result, dict):
        return redirect("privacy:request")
    had_cookie = settings.COMMENTS_AUTHOR_COOKIE in request.COOKIES
    response = render(
        request,
        "privacy/done.html",
        {
            "anonymised": result.get("action") == ANONYMISE,
            "count": int(result.get("count", 0)),
            "forgot_cookie": had_cookie,
        },
    )
    if had_cookie:
        forget_author(response)
    return response
