"""The "Helpful" button: a POST form that works without JavaScript, and a JSON answer for it.

Without JavaScript the vote answers with a redirect (PRG) to the comment in the reader's
thread, with a notice, which makes that next page the reader's own (``page_cache.is_personal``)
and so shows the count as it is now. ``static/js/helpful.js`` sends the same form with
``Accept: application/json`` and gets ``{"count": int, "voted": bool, "message": str}`` to
update the page in place; "you voted" is never part of the shared page.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from articles.models import Article

from ..identity import client_ip
from ..models import Comment
from ..ratelimit import RateLimited
from . import votes
from .section import comment_location
from .sorting import SORTS
from .views import csrf_by_account


@csrf_by_account
@require_POST
def comment_helpful(request, pk):
    """Count the reader's "Helpful" vote on a public comment (404 for any other comment).

    Answers 200 (JSON) or a redirect to the comment for a vote counted or one this browser or
    network had cast already, and 429 (JSON, else a redirect with the wait in the notice) when
    the network votes too often.
    """
    wants_json = "application/json" in request.headers.get("Accept", "")
    comment = (
        Comment.objects.public()
        .select_related("article")
        .filter(article__in=Article.objects.published(), pk=pk)
        .first()
    )
    if comment is None:
        if not wants_json:
            raise Http404
        # The script reads the message and stays on the page (an HTML 404 would make it
        # send the form the plain way, off the article and away from any text being typed).
        message = _("This comment can no longer be voted on.")
        return JsonResponse({"count": 0, "voted": False, "message": message}, status=404)
    voter, new_voter = votes.voter_id(request)
    status, voted, retry_after = 200, True, 0
    try:
        count = votes.comment_vote_helpful(
            comment=comment, voter=voter, ip_address=client_ip(request)
        )
        message = _("Thank you: you found this comment helpful.")
    except votes.AlreadyVoted:
        count = votes.helpful_count(comment)
        message = _("You have already marked this comment helpful.")
    except votes.NotVotable:
        count, voted = 0, False
        message = _("This comment can no longer be voted on.")
        status = 404
    except RateLimited as limited:
        count, voted, status = votes.helpful_count(comment), False, 429
        retry_after = limited.retry_after
        minutes = -(-retry_after // 60)
        message = _("Too many votes from your network. Please try again in %(minutes)d min.") % {
            "minutes": minutes
        }

    response: HttpResponse
    if wants_json:
        response = JsonResponse({"count": count, "voted": voted, "message": message}, status=status)
    else:
        level = messages.SUCCESS if status == 200 else messages.WARNING
        messages.add_message(request, level, message)
        sort = request.POST.get("sort")
        location = comment_location(request, comment, sort=sort if sort in SORTS else None)
        response = redirect(location or f"{comment.article.get_absolute_url()}#comments")
    if retry_after:
        response["Retry-After"] = str(retry_after)
    if new_voter and voted:
        votes.remember_voter(response, voter)
    return response
