"""The "confirm it's you" page, behind the link mailed when a known address posts from a new
browser.

Opening the link (GET) shows what it is about and a button, and changes nothing: mail scanners
and link previews open every link. Only the button's POST acts: it uses the link up, publishes
the address's comments held only as from a new browser (``confirming.commenter_confirm``) and
gives this browser the address's commenter key, so its next comments appear at once. The
address is shown only masked; every answer is private and uncached.
"""

from django.shortcuts import render
from django.utils.text import Truncator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import signed_links
from ..identity import (
    commenter_key,
    commenter_keys,
    mask_email,
    remember_commenter,
    with_commenter_key,
)
from ..models import Comment
from ..signed_links import InvalidLink
from . import confirming

TEMPLATE = "comments/commenter_confirm.html"
EXCERPT_CHARACTERS = 300


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def commenter_confirm(request):
    """GET: the held comment and a "Yes, it was me" button. POST: confirm (see the module)."""
    token = signed_links.token_from(request)
    kind = signed_links.COMMENTER
    try:
        if request.method == "POST":
            confirmation = confirming.commenter_confirm(token=token)
        else:
            found = signed_links.target(kind, token)
    except InvalidLink as error:
        return _invalid(request, error)
    if request.method != "POST":  # GET or HEAD (mail scanners): the page, nothing confirmed
        comment = Comment.objects.select_related("article").filter(pk=found.comment_id).first()
        if comment is None:  # erased since the link was checked
            return _invalid(request, InvalidLink())
        context = {
            "token": token,
            "masked_email": mask_email(found.email),
            "article": comment.article,
            "excerpt": Truncator(" ".join(comment.body.split())).chars(EXCERPT_CHARACTERS),
        }
        return render(request, TEMPLATE, context)
    context = {
        "done": True,
        "masked_email": mask_email(confirmation.email),
        "published": confirmation.published,
    }
    response = render(request, TEMPLATE, context)
    key = commenter_key(confirmation.email)
    remember_commenter(response, with_commenter_key(commenter_keys(request), key))
    return response


def _invalid(request, error: InvalidLink):
    context = {"invalid": error.reason, "valid_days": signed_links.COMMENTER.max_age.days}
    return render(request, TEMPLATE, context, status=400)
