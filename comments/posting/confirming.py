"""A commenter's "confirm it's you" link used: the one service behind
``commenters.commenter_confirm``."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from .. import lifecycle, signed_links
from ..identity import KNOWN_EMAIL_NEW_BROWSER
from ..models import Comment, ModerationLog

Status = Comment.Status


@dataclass(frozen=True, slots=True)
class Confirmation:
    """A used "confirm it's you" link: the address (normalised) and what it published."""

    email: str
    published: list[Comment]


@transaction.atomic
def commenter_confirm(*, token: str) -> Confirmation:
    """Use a "confirm it's you" link (``signed_links.COMMENTER``) and publish the one comment
    it names, if it is held only as from a new browser.

    Whoever presses the button reads the address's mail, but saw only that comment on the
    page: another comment held under the address may be someone else's, typed with this
    address, so it stays for the moderators (and so does one held for any other reason as
    well). The change is logged as the site's own approval (no moderator); the link is used
    up in the same transaction. Raises ``signed_links.InvalidLink`` for a link altered,
    expired, used, or whose comment is gone.
    """
    target = signed_links.redeem(signed_links.COMMENTER, token)
    email = target.email
    held = (
        Comment.objects.by_author(email)
        .filter(status=Status.PENDING, pk=target.comment_id)
        .for_writing()
    )
    confirmed = []
    for comment in held:
        codes = [reason.get("code") for reason in comment.hold_reasons if isinstance(reason, dict)]
        if codes != [KNOWN_EMAIL_NEW_BROWSER]:
            continue
        comment.status = Status.APPROVED
        comment.save(update_fields=["status", "updated_at"])
        lifecycle.log(
            comment,
            moderator=None,
            action=ModerationLog.Action.APPROVE,
            from_status=Status.PENDING,
            to_status=Status.APPROVED,
            note=_("the commenter confirmed it was them"),
        )
        lifecycle.status_changed(comment, previous=Status.PENDING)
        confirmed.append(comment)
    return Confirmation(email=email, published=confirmed)
