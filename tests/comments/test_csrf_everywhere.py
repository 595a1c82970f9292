"""Every form that changes something refuses a POST without a CSRF token, and changes nothing.

Each row of the table sets up a browser that may use the form (a signed-in moderator, a
commenter holding a data link, a subscriber holding a mailed link...) with a CSRF cookie, as a
forged cross-site form would find it. The POST without the token must answer 403 and leave the
database and the mail as they were; the same POST with the token must go through, so the row
proves the form really is one that changes something.

The one-click unsubscribe link is left out on purpose: RFC 8058 mail clients post it without a
cookie or token, so it is exempt by design. So is the comment form of a reader without an
account: it is checked by origin instead (tests/comments/posting/test_form_without_javascript.py);
the same form sent by a signed-in moderator is a row here.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Ban, Comment, ModerationLog, Report, Subscriber
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db

Status = Comment.Status
WALTER = "walter.private@example.com"


@dataclass
class Prepared:
    client: Client
    url: str
    data: dict
    # Something the POST would change besides the database and the mail (a session's access).
    witness: Callable[[], object] = lambda: None
    # Export only reads: the token is still required, but there is nothing to change.
    changes: bool = True


@dataclass
class World:
    article: object
    moderator: object
    superuser: object
    comment_data: dict
    on_commit: Callable


def csrf_client(user=None) -> Client:
    """A browser that enforces CSRF and already holds a CSRF cookie (and a login if given)."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    token(client)
    assert client.cookies["csrftoken"].value
    return client


def token(client: Client) -> str:
    """The token a page of this site would carry for this browser (the data-request form's)."""
    page = client.get(reverse("privacy:request")).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def post_with_token(client: Client, url: str, data: dict | None = None):
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token(client)})


def mailed_link(path: str, to: str) -> tuple[str, str]:
    """The path and the token of the last link to ``path`` mailed to ``to``."""
    for message in reversed(mail.outbox):
        if message.to == [to]:
            match = re.search(rf"https?://[^\s/]+{re.escape(path)}\?token=\S+", message.body)
            if match:
                parts = urlsplit(match.group(0))
                (token_,) = parse_qs(parts.query)["token"]
                return parts.path, token_
    raise AssertionError(f"no mail to {to} with a link to {path}")


def database_state() -> tuple:
    """What any of these forms could change: comments, the log, bans, reports, subscribers."""
    return (
        sorted(
            Comment.objects.values_list(
                "pk", "status", "body", "author_name", "author_email", "author_url"
            )
        ),
        sorted(ModerationLog.objects.values_list("pk", "action", "comment_id")),
        sorted(Ban.objects.values_list("pk", "kind", "value", "lifted_at")),
        sorted(Report.objects.values_list("pk", "comment_id", "resolved_at")),
        sorted(
            Subscriber.objects.values_list(
                "pk", "email", "confirmed_at", "unsubscribed_at", "confirmation_sent_at"
            )
        ),
        len(mail.outbox),
    )


# The rows ----------------------------------------------------------------------------------


def moderation_approve(world: World) -> Prepared:
    held = make_comment(world.article, status=Status.PENDING)
    return Prepared(
        csrf_client(world.moderator),
        reverse("moderation:act"),
        {"row_action": f"approve:{held.pk}"},
    )


def moderation_bulk_approve(world: World) -> Prepared:
    held = [make_comment(world.article, status=Status.PENDING) for _ in range(2)]
    return Prepared(
        csrf_client(world.moderator),
        reverse("moderation:act"),
        {"bulk_action": "approve", "selected": [c.pk for c in held]},
    )


def moderation_edit(world: World) -> Prepared:
    comment = make_comment(world.article, body="The text as the commenter wrote it.")
    return Prepared(
        csrf_client(world.moderator),
        reverse("moderation:edit", kwargs={"pk": comment.pk}),
        {"body": "A text the commenter never wrote."},
    )


def moderator_reply(world: World) -> Prepared:
    comment = make_comment(world.article)
    return Prepared(
        csrf_client(world.moderator),
        reverse("moderation:reply", kwargs={"pk": comment.pk}),
        {"body": "Please see your doctor about this."},
    )


def ban_from_a_comment(world: World) -> Prepared:
    comment = make_comment(world.article, author_email="innocent@example.com")
    return Prepared(
        csrf_client(world.moderator),
        reverse("moderation:ban", kwargs={"pk": comment.pk}),
        {
            "kind": "email",
            "value": "innocent@example.com",
            "reason": "forged",
            "remove_comments": "on",
        },
    )


def ban_from_the_bans_page(world: World) -> Prepared:
    return Prepared(
        csrf_client(world.moderator),
        reverse("moderation:ban-create"),
        {"kind": "network", "value": "198.51.100.0/24", "reason": "forged"},
    )


def lift_a_ban(world: World) -> Prepared:
    ban = Ban.objects.create(kind=Ban.Kind.IP, value="203.0.113.66", reason="spam run")
    return Prepared(
        csrf_client(world.moderator), reverse("moderation:ban-lift", kwargs={"pk": ban.pk}), {}
    )


def remove_all_by_author(world: World) -> Prepared:
    comments = [make_comment(world.article, author_email=WALTER) for _ in range(2)]
    return Prepared(
        csrf_client(world.moderator),
        reverse("moderation:remove-all", kwargs={"pk": comments[0].pk}),
        {},
    )


def _with_data_access(world: World) -> Client:
    """Walter's browser after he asked for his data link, opened it and pressed the button."""
    make_comment(world.article, author_email=WALTER, body="Walter's stored comment.")
    client = csrf_client()
    assert post_with_token(client, reverse("privacy:request"), {"email": WALTER}).status_code == 200
    path, token_ = mailed_link("/privacy/my-data/link/", WALTER)
    response = post_with_token(client, path, {"token": token_})
    assert response.status_code == 302
    assert client.get(reverse("privacy:mine")).status_code == 200
    return client


def privacy_erase(world: World) -> Prepared:
    client = _with_data_access(world)
    # The first step (the choice) is answered with the "are you sure" page.
    assert (
        post_with_token(client, reverse("privacy:erase"), {"action": "delete"}).status_code == 200
    )
    return Prepared(
        client,
        reverse("privacy:erase"),
        {"action": "delete", "step": "confirm", "understand": "on"},
    )


def privacy_export(world: World) -> Prepared:
    return Prepared(_with_data_access(world), reverse("privacy:export"), {}, changes=False)


def data_request_form(world: World) -> Prepared:
    make_comment(world.article, author_email=WALTER)
    return Prepared(csrf_client(), reverse("privacy:request"), {"email": WALTER})


def data_link_button(world: World) -> Prepared:
    make_comment(world.article, author_email=WALTER)
    Client().post(reverse("privacy:request"), {"email": WALTER})
    client = csrf_client()
    path, token_ = mailed_link("/privacy/my-data/link/", WALTER)
    return Prepared(
        client,
        path,
        {"token": token_},
        witness=lambda: client.get(reverse("privacy:mine")).status_code,
    )


def _subscribed(world: World) -> None:
    """Walter posts a comment and ticks "Notify me of replies"; the confirmation mail comes."""
    with world.on_commit(execute=True):
        response = Client().post(
            reverse("comments:post", kwargs={"slug": world.article.slug}),
            {**world.comment_data, "email": WALTER, "notify_replies": "on"},
        )
    assert response.status_code == 302
    assert Subscriber.objects.filter(email=WALTER).exists()


def subscription_confirm(world: World) -> Prepared:
    _subscribed(world)
    path, token_ = mailed_link("/subscriptions/confirm/", WALTER)
    return Prepared(csrf_client(), path, {"token": token_})


def subscription_resubscribe(world: World) -> Prepared:
    _subscribed(world)
    path, token_ = mailed_link("/subscriptions/unsubscribe/", WALTER)
    one_click = {"token": token_, "List-Unsubscribe": "One-Click"}
    assert Client().post(path, one_click).status_code == 200
    # Long enough ago that subscribing again may send a new confirmation mail.
    Subscriber.objects.filter(email=WALTER).update(
        confirmation_sent_at=timezone.now() - timedelta(days=3)
    )
    return Prepared(csrf_client(), reverse("subscriptions:resubscribe"), {"token": token_})


def moderator_comment(world: World) -> Prepared:
    """A signed-in moderator's comment under an article: Django's token, not the origin."""
    return Prepared(
        csrf_client(world.moderator),
        reverse("comments:post", kwargs={"slug": world.article.slug}),
        {**world.comment_data, "comment": "Posted in the moderator's name."},
    )


def comment_report(world: World) -> Prepared:
    comment = make_comment(world.article)
    return Prepared(
        csrf_client(),
        reverse("comments:report", kwargs={"pk": comment.pk}),
        {"reason": "misinformation", "note": "forged"},
    )


def admin_change_form(world: World) -> Prepared:
    comment = make_comment(world.article, status=Status.PENDING)
    return Prepared(
        csrf_client(world.moderator),
        reverse("admin:comments_comment_change", args=[comment.pk]),
        {
            "article": comment.article_id,
            "parent": "",
            "status": Status.SPAM,
            "body": "Changed in the admin.",
            "author_name": comment.author_name,
            "author_email": comment.author_email,
            "author_url": "",
            "user": "",
            "ip_address": "",
            "user_agent": "",
            "_save": "Save",
        },
    )


def admin_list_action(world: World) -> Prepared:
    held = make_comment(world.article, status=Status.PENDING)
    return Prepared(
        csrf_client(world.moderator),
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [held.pk], "index": 0},
    )


def admin_action_on_a_comments_page(world: World) -> Prepared:
    held = make_comment(world.article, status=Status.PENDING)
    return Prepared(
        csrf_client(world.moderator),
        reverse("admin:comments_comment_change", args=[held.pk]),
        {"CHANGE_FORM-action": "approve", "_selected_action": [held.pk], "index": 0},
    )


def admin_data_request(world: World) -> Prepared:
    make_comment(world.article, author_email=WALTER)
    return Prepared(
        csrf_client(world.superuser),
        reverse("admin:comments_comment_data_request"),
        {
            "email": WALTER,
            "action": "erase",
            "reference": "letter of 3 May",
            "confirm": "on",
        },
    )


ROWS = [
    moderation_approve,
    moderation_bulk_approve,
    moderation_edit,
    moderator_reply,
    ban_from_a_comment,
    ban_from_the_bans_page,
    lift_a_ban,
    remove_all_by_author,
    privacy_erase,
    privacy_export,
    data_request_form,
    data_link_button,
    subscription_confirm,
    subscription_resubscribe,
    moderator_comment,
    comment_report,
    admin_change_form,
    admin_list_action,
    admin_action_on_a_comments_page,
    admin_data_request,
]


@pytest.fixture
def world(article, comment_data, django_user_model, django_capture_on_commit_callbacks):
    moderator = django_user_model.objects.create_user(
        "mia", "mia.mod@example.com", "pw-mia-123456", is_staff=True
    )
    moderator.groups.add(Group.objects.get(name="Moderators"))
    superuser = django_user_model.objects.create_superuser(
        "root", "root@example.com", "pw-root-123456"
    )
    return World(
        article=article,
        moderator=moderator,
        superuser=superuser,
        comment_data=comment_data,
        on_commit=django_capture_on_commit_callbacks,
    )


@pytest.mark.parametrize("prepare", ROWS, ids=lambda row: row.__name__)
def test_a_forged_post_without_a_csrf_token_is_refused_and_changes_nothing(world, prepare):
    prepared = prepare(world)
    before = (database_state(), prepared.witness())

    with world.on_commit(execute=True):
        refused = prepared.client.post(prepared.url, prepared.data)

    assert refused.status_code == 403
    assert (database_state(), prepared.witness()) == before

    # The same browser, sending the token its page would have carried, gets through.
    with world.on_commit(execute=True):
        accepted = post_with_token(prepared.client, prepared.url, prepared.data)

    assert accepted.status_code in (200, 302)
    if prepared.changes:
        assert (database_state(), prepared.witness()) != before
