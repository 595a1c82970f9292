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
from .cookies import site_cookies

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
