"""A commenter without an account sees, downloads, anonymises or deletes what we keep.

They prove they own the address with a link mailed to it: it works once, for an hour, and the
request page answers the same whether or not the address is known.
"""

import base64
import json
import re
from datetime import UTC, datetime, timedelta
from io import StringIO
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import models
from django.test import Client, override_settings

from comments.models import Comment, ModerationLog, ModeratorMail, Report, Subscriber
from comments.moderation import services
from comments.posting.forms import issue_timestamp
from comments.privacy import services as privacy
from tests.conftest import email_traces, make_article, make_comment

pytestmark = pytest.mark.django_db

WALTER = "Walter.Private@Example.com"
RITA = "rita.secret@example.org"
T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
ANSWER = (
    "If we have comments or subscriptions under that address, we have sent a link to it. "
    "It works for 1 hour."
)


# Helpers -----------------------------------------------------------------------------------


TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.JSONField,
    models.GenericIPAddressField,
)


def stored_traces(email: str) -> list[str]:
    """Every text value in the comment tables that holds the address or a hash of it."""
    found = []
    traces = [trace.lower() for trace in email_traces(email)]
    for model in (Comment, Subscriber, ModeratorMail, ModerationLog):
        fields = [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        for row in model.objects.all():
            for field in fields:
                value = getattr(row, field.attname)
                text = json.dumps(value) if isinstance(value, list | dict) else str(value or "")
                found += [f"{model.__name__}.{field.name}" for t in traces if t in text.lower()]
    return found


def without_csrf(html: str) -> str:
    """A page with its per-response CSRF token values blanked, for comparing two answers."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def ask_for_link(client: Client, email: str, **extra):
    return client.post("/privacy/my-data/", {"email": email}, **extra)


def answered_as_always(response) -> bool:
    """The request page's one answer: known, unknown or rate-limited address alike."""
    return response.status_code == 200 and ANSWER in response.content.decode()


def link_path(message) -> str:
    """The data-access link in the mail, site-relative: its path and query (the token)."""
    match = re.search(r"https?://[^\s/]+/privacy/my-data/link/\?token=\S+", message.body)
    assert match, "the mail holds a data-access link"
    parts = urlsplit(match.group(0))
    return f"{parts.path}?{parts.query}"


def link_token(path_: str) -> str:
    (token,) = parse_qs(urlsplit(path_).query)["token"]
    return token


def open_data_pages(client: Client, email: str) -> str:
    """Do what a commenter does: ask for a link, read the mail, open it, press the button.

    Returns the link's path.
    """
    sent_before = len(mail.outbox)
    assert answered_as_always(ask_for_link(client, email))
    assert len(mail.outbox) == sent_before + 1
    path_ = link_path(mail.outbox[-1])
    assert client.get(path_).status_code == 200
    response = client.post(path_)
    assert response.status_code == 302
    assert response["Location"] == "/privacy/my-data/comments/"
    return path_


@pytest.fixture
def walter_posts(client, django_capture_on_commit_callbacks):
    """Walter comments through the real form, asks for replies and saves his details."""

    def post(article, text="My wife has MS; massage helps her sleep."):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/articles/{article.slug}/comments/",
                {
                    "comment": text,
                    "name": "Walter",
                    "email": WALTER,
                    "url": "https://walter.example.net",
                    "notify_replies": "on",
                    "save_details": "on",
                    "issued": issue_timestamp(),
                },
                REMOTE_ADDR="203.0.113.7",
                HTTP_USER_AGENT="WalterBrowser/1.0",
            )
        assert response.status_code == 302
        return Comment.objects.latest("pk")

    return post


# The whole journey -------------------------------------------------------------------------


def test_commenter_sees_downloads_and_anonymises_everything_stored_under_their_email(
    client, walter_posts
):
    article = make_article(title="Massage and MS")
    held = walter_posts(article)
    assert held.status == Comment.Status.PENDING  # a first comment is held
    published = make_comment(
        article,
        author_email=WALTER.lower(),
        author_name="Walter",
        body="Published words.",
        ip_address="203.0.113.8",
        user_agent="WalterBrowser/2.0",
    )
    spam = make_comment(article, author_email=WALTER, body="Spammy words.", status="spam")
    removed = make_comment(article, author_email=WALTER, body="Removed words.", status="removed")
    # A moderator banned and then noted the address; the ban names it in the log and reasons.
    services.commenter_ban(
        kind="email", value=WALTER, reason="tested the filter", moderator=None, comment=spam
    )
    spam.hold_reasons = [{"code": "banned", "message": f"banned email {WALTER.lower()}: test"}]
    spam.save(update_fields=["hold_reasons"])
    ModeratorMail.objects.create(email=WALTER.lower(), last_sent_at=T0)
    others = make_comment(article, author_email=RITA, body="Rita's own words.")
    Report.objects.create(comment=published, reason="other", reporter_key="k" * 64)
    assert Subscriber.objects.filter(email=WALTER.lower()).exists()
    mail.outbox.clear()

    # Asking for the link, from another browser than the one he commented from.
    reader = Client()
    response = ask_for_link(reader, WALTER)
    assert answered_as_always(response)
    assert WALTER.lower() not in response.content.decode().lower()
    (message,) = mail.outbox
    assert message.to == [WALTER.lower()]
    assert "works once, for 1 hour" in message.body
    path_ = link_path(message)
    token = link_token(path_)
    payload = base64.urlsafe_b64decode(token.split(":")[0] + "==").decode(errors="replace")
    for trace in email_traces(WALTER):
        assert trace.lower() not in (path_ + payload).lower()

    # Opening it shows a button; pressing it opens his data.
    page = reader.get(path_)
    assert page.status_code == 200
    assert "Show my comments and data" in page.content.decode()
    assert reader.post(path_)["Location"] == "/privacy/my-data/comments/"

    listing = reader.get("/privacy/my-data/comments/").content.decode()
    for comment, label in [
        (held, "awaiting moderation"),
        (published, "published"),
        (spam, "spam"),
        (removed, "removed"),
    ]:
        assert re.search(rf">{label}</span>\s*on\s*<a[^>]*>Massage and MS</a>", listing)
        assert comment.body.replace("'", "&#x27;") in listing
    assert "Rita&#x27;s own words." not in listing
    assert "w•••@example.com" in listing
    assert WALTER.lower() not in listing.lower()

    # The download holds every stored field of every comment, and the subscription.
    download = reader.post("/privacy/my-data/export/")
    assert download["Content-Type"] == "application/json"
    assert download["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(download.content)
    assert data["email"] == WALTER.lower()
    by_id = {item["id"]: item for item in data["comments"]}
    assert set(by_id) == {held.pk, published.pk, spam.pk, removed.pk}
    exported_held = by_id[held.pk]
    assert exported_held["status"] == "pending"
    assert exported_held["author_name"] == "Walter"
    assert exported_held["author_email"] == WALTER.lower()  # stored normalised
    assert exported_held["author_url"] == "https://walter.example.net"
    assert exported_held["ip_address"] == "203.0.113.7"
    assert exported_held["user_agent"] == "WalterBrowser/1.0"
    assert exported_held["notify_replies"] is True
    assert exported_held["created_at"] == held.created_at.isoformat()
    assert exported_held["article"] == {
        "title": "Massage and MS",
        "url": f"http://127.0.0.1:8000/articles/{article.slug}/",
    }
    assert exported_held["body"] == held.body
    assert exported_held["body_html"] == held.body_html
    assert exported_held["hold_reasons"] == held.hold_reasons
    assert by_id[published.pk]["url"].endswith(f"/comments/{published.pk}/")
    assert by_id[spam.pk]["moderation_history"][0]["action"] == "ban"
    every_field = {f.name for f in Comment._meta.concrete_fields}
    renamed = {
        "id": "id",
        "parent": "shown_under",
        "user": "posted_from_staff_account",
        "by_moderator": "posted_as_moderator",
    }
    assert {renamed.get(name, name) for name in every_field} <= set(exported_held)
    assert data["reply_subscription"]["email"] == WALTER.lower()
    assert data["reply_subscription"]["confirmation_sent_at"]
    assert data["moderator_mail"]["email"] == WALTER.lower()
    assert data["reports_made"] == []
    assert "keyed hash of your browser session" in data["reports_made_note"]

    # Anonymising: a confirmation page first, then the real thing.
    confirm = reader.post("/privacy/my-data/erase/", {"action": "anonymise"})
    assert "I understand this cannot be undone" in confirm.content.decode()
    assert Comment.objects.filter(author_email__iexact=WALTER).count() == 4
    done = reader.post(
        "/privacy/my-data/erase/",
        {"action": "anonymise", "step": "confirm", "understand": "on"},
    )
    assert done["Location"] == "/privacy/my-data/done/"
    assert "4 comments were anonymised" in reader.get("/privacy/my-data/done/").content.decode()

    # The words stay, signed Anonymous; nothing anywhere still leads to the address.
    for comment in (held, published, spam, removed):
        before = comment.body_html
        comment.refresh_from_db()
        assert comment.author_name == "Anonymous"
        assert (comment.author_email, comment.author_url, comment.user_agent) == ("", "", "")
        assert comment.ip_address is None
        assert comment.body_html == before
    assert stored_traces(WALTER) == []
    others.refresh_from_db()
    assert others.author_email == RITA
    audit = ModerationLog.objects.filter(comment=None, action="edit").get()
    assert audit.note.startswith("Data-rights anonymisation: 4 comments anonymised")
    assert "request by magic link" in audit.note

    # The link and the session's access are both over.
    assert reader.post(path_).status_code == 400
    assert reader.get("/privacy/my-data/comments/").status_code == 403
    assert reader.post("/privacy/my-data/export/").status_code == 403


def test_deleting_keeps_other_peoples_replies_moved_up_the_thread(client):
    article = make_article()
    top = make_comment(article, author_email=RITA, body="Top by Rita.")
    walter_reply = make_comment(article, parent=top, author_email=WALTER, body="Walter 1.")
    rita_answer = make_comment(article, parent=walter_reply, author_email=RITA, body="Rita 2.")
    walter_again = make_comment(article, parent=rita_answer, author_email=WALTER, body="W 3.")
    rita_last = make_comment(article, parent=walter_again, author_email=RITA, body="Rita 4.")
    walter_top = make_comment(article, author_email=WALTER, body="Walter's own thread.")
    stranger = make_comment(article, parent=walter_top, author_email="s@example.org")
    Subscriber.objects.create(email=WALTER.lower())

    open_data_pages(client, WALTER)
    confirm = client.post("/privacy/my-data/erase/", {"action": "delete"}).content.decode()
    assert "Your 3 comments are deleted" in confirm
    assert "3 replies by other people stay, moved up the thread" in confirm
    client.post(
        "/privacy/my-data/erase/", {"action": "delete", "step": "confirm", "understand": "on"}
    )

    assert not Comment.objects.filter(pk__in=[walter_reply.pk, walter_again.pk, walter_top.pk])
    assert not Subscriber.objects.exists()
    tree = {c.pk: (c.parent_id, c.depth) for c in Comment.objects.all()}
    assert tree == {
        top.pk: (None, 0),
        rita_answer.pk: (top.pk, 1),
        rita_last.pk: (rita_answer.pk, 2),
        stranger.pk: (None, 0),
    }
    html = client.get(article.get_absolute_url()).content.decode()
    for survivor in ("Top by Rita.", "Rita 2.", "Rita 4."):
        assert survivor in html
    assert "Walter 1." not in html
    assert stored_traces(WALTER) == []
    audit = ModerationLog.objects.get(comment=None, action="remove")
    assert audit.note.startswith("Data-rights erasure: 3 comments deleted; 3 replies by others")


def test_done_page_removes_the_saved_details_cookie_from_this_browser(walter_posts, client):
    walter_posts(make_article())
    assert client.cookies["comment_author"].value

    open_data_pages(client, WALTER)
    client.post("/privacy/my-data/erase/", {"action": "delete"})
    client.post(
        "/privacy/my-data/erase/", {"action": "delete", "step": "confirm", "understand": "on"}
    )
    response = client.get("/privacy/my-data/done/")

    assert "1 comment was deleted" in response.content.decode()
    assert "removed your saved name, email and website" in response.content.decode()
    assert response.cookies["comment_author"]["max-age"] == 0


# Asking for the link -----------------------------------------------------------------------


def test_unknown_email_gets_the_identical_answer_and_no_mail():
    make_comment(make_article(), author_email=WALTER)

    known = ask_for_link(Client(), WALTER)
    unknown = ask_for_link(Client(), "nobody.here@example.com")

    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known.content.decode()) == without_csrf(unknown.content.decode())
    assert ANSWER in unknown.content.decode()
    assert [message.to for message in mail.outbox] == [[WALTER.lower()]]


def test_subscriber_without_comments_gets_a_link_too():
    Subscriber.objects.create(email="only.subscribed@example.com")

    open_data_pages(Client(), "Only.Subscribed@example.com")


def test_the_answer_never_repeats_the_typed_address(client):
    response = ask_for_link(client, "someone.else@example.com")

    assert "someone.else" not in response.content.decode()


def test_repeated_requests_for_one_address_stop_mailing_but_answer_the_same():
    make_comment(make_article(), author_email=WALTER)
    answers = [
        ask_for_link(Client(), WALTER, REMOTE_ADDR=f"198.51.100.{n}").content.decode()
        for n in range(5)
    ]

    assert len(mail.outbox) == 3  # three a day per address
    assert {without_csrf(answer) for answer in answers} == {without_csrf(answers[0])}
    assert ANSWER in answers[-1]


def test_one_ip_cannot_mail_many_addresses():
    article = make_article()
    for n in range(7):
        make_comment(article, author_email=f"person{n}@example.com")
    client = Client()

    answers = [ask_for_link(client, f"person{n}@example.com") for n in range(7)]

    assert len(mail.outbox) == 5  # five an hour per IP address
    assert all(answered_as_always(answer) for answer in answers)


def test_the_request_form_is_csrf_protected():
    response = ask_for_link(Client(enforce_csrf_checks=True), WALTER)

    assert response.status_code == 403
    assert not mail.outbox


def test_a_malformed_address_is_explained_next_to_the_field(client):
    response = ask_for_link(client, "not-an-address")

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert ANSWER not in response.content.decode()


# The link ----------------------------------------------------------------------------------


def test_link_expires_after_an_hour():
    make_comment(make_article(), author_email=WALTER)
    client = Client()
    with time_machine.travel(T0, tick=False):
        ask_for_link(client, WALTER)
        path_ = link_path(mail.outbox[-1])

    with time_machine.travel(T0 + timedelta(minutes=61), tick=False):
        opened = client.get(path_)
        pressed = client.post(path_)

    assert opened.status_code == pressed.status_code == 400
    assert "This link has expired" in opened.content.decode()
    assert client.get("/privacy/my-data/comments/").status_code == 403


def test_link_still_works_just_before_the_hour_is_up():
    make_comment(make_article(), author_email=WALTER)
    client = Client()
    with time_machine.travel(T0, tick=False):
        ask_for_link(client, WALTER)
        path_ = link_path(mail.outbox[-1])

    with time_machine.travel(T0 + timedelta(minutes=59), tick=False):
        assert client.post(path_).status_code == 302


def test_link_works_only_once_even_from_another_browser():
    make_comment(make_article(), author_email=WALTER)
    path_ = open_data_pages(Client(), WALTER)

    other = Client()
    again = other.post(path_)

    assert again.status_code == 400
    assert "This link has been used already" in again.content.decode()
    assert other.get(path_).status_code == 400
    assert other.get("/privacy/my-data/comments/").status_code == 403


def test_opening_the_link_without_pressing_the_button_does_not_use_it_up():
    make_comment(make_article(), author_email=WALTER)
    ask_for_link(Client(), WALTER)
    path_ = link_path(mail.outbox[-1])

    Client().get(path_)  # a mail scanner following the link

    assert Client().post(path_).status_code == 302


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.split(":")[0],
        lambda token: "not-a-token",
        lambda token: "x" * 5000,
    ],
    ids=["changed-signature", "no-signature", "garbage", "very-long"],
)
def test_tampered_link_gets_a_clear_page_not_an_error(tamper):
    make_comment(make_article(), author_email=WALTER)
    ask_for_link(Client(), WALTER)
    token = link_token(link_path(mail.outbox[-1]))
    client = Client()

    response = client.get("/privacy/my-data/link/?" + urlencode({"token": tamper(token)}))

    assert response.status_code == 400
    assert "The link is incomplete, has been changed" in response.content.decode()
    assert client.post("/privacy/my-data/link/", {"token": tamper(token)}).status_code == 400


def test_a_valid_link_for_a_comment_that_changed_hands_does_not_open_anything():
    comment = make_comment(make_article(), author_email=WALTER)
    ask_for_link(Client(), WALTER)
    path_ = link_path(mail.outbox[-1])
    Comment.objects.filter(pk=comment.pk).update(author_email="new.owner@example.com")

    assert Client().post(path_).status_code == 400


def test_data_access_from_a_link_ends_after_an_hour():
    make_comment(make_article(), author_email=WALTER)
    client = Client()
    with time_machine.travel(T0, tick=False):
        open_data_pages(client, WALTER)
        assert client.get("/privacy/my-data/comments/").status_code == 200

    with time_machine.travel(T0 + timedelta(minutes=61), tick=False):
        assert client.get("/privacy/my-data/comments/").status_code == 403


def test_data_pages_need_the_link_first(client):
    make_comment(make_article(), author_email=WALTER)

    assert client.get("/privacy/my-data/comments/").status_code == 403
    assert client.post("/privacy/my-data/export/").status_code == 403
    assert client.post("/privacy/my-data/erase/", {"action": "delete"}).status_code == 403
    assert Comment.objects.count() == 1


# Erasure needs two confirmations -----------------------------------------------------------


def test_erasure_needs_the_choice_then_the_ticked_box(client):
    comment = make_comment(make_article(), author_email=WALTER, author_name="Walter")
    open_data_pages(client, WALTER)

    first = client.post("/privacy/my-data/erase/", {"action": "delete"})
    unticked = client.post("/privacy/my-data/erase/", {"action": "delete", "step": "confirm"})

    assert first.status_code == unticked.status_code == 200
    assert "Tick the box to confirm." in unticked.content.decode()
    assert Comment.objects.filter(pk=comment.pk).exists()

    client.post(
        "/privacy/my-data/erase/", {"action": "delete", "step": "confirm", "understand": "on"}
    )
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_a_second_step_without_the_first_only_asks_again(client):
    comment = make_comment(make_article(), author_email=WALTER)
    open_data_pages(client, WALTER)

    response = client.post(
        "/privacy/my-data/erase/", {"action": "delete", "step": "confirm", "understand": "on"}
    )

    assert "I understand this cannot be undone" in response.content.decode()
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_confirming_a_different_choice_than_the_one_shown_only_asks_again(client):
    comment = make_comment(make_article(), author_email=WALTER, author_name="Walter")
    open_data_pages(client, WALTER)

    client.post("/privacy/my-data/erase/", {"action": "anonymise"})
    client.post(
        "/privacy/my-data/erase/", {"action": "delete", "step": "confirm", "understand": "on"}
    )

    comment.refresh_from_db()
    assert comment.author_name == "Walter"


# The services, as the admin will call them -------------------------------------------------


def test_services_refuse_a_blank_address_that_would_match_anonymised_comments():
    make_comment(make_article(), author_email="", author_name="Anonymous")

    for service in (privacy.commenter_anonymise, privacy.commenter_erase):
        with pytest.raises(ValueError):
            service(email="  ", actor_description="admin")
    assert Comment.objects.count() == 1


def test_audit_note_never_names_the_address_even_if_the_caller_does(django_user_model):
    admin = django_user_model.objects.create_user("ada", "ada@example.com", "pw")
    make_comment(make_article(), author_email=WALTER)

    privacy.commenter_erase(
        email=WALTER, actor_description=f"admin ada, asked by {WALTER}", moderator=admin
    )

    entry = ModerationLog.objects.get()
    assert entry.moderator == admin
    assert entry.comment is None
    assert WALTER.lower() not in entry.note.lower()
    assert "admin ada" in entry.note


def test_erasure_drops_the_old_text_a_moderator_edit_kept_in_the_log(django_user_model):
    moderator = django_user_model.objects.create_user("maya", "maya@example.com", "pw")
    comment = make_comment(make_article(), author_email=WALTER, body="My diagnosis story.")
    services.comment_edit(comment=comment, moderator=moderator, body="Edited.")

    privacy.commenter_erase(email=WALTER, actor_description="admin")

    assert not ModerationLog.objects.filter(note__contains="My diagnosis story.").exists()


def test_export_of_an_unknown_address_is_empty_but_explains_reports():
    data = privacy.commenter_export(email="nobody@example.com")

    assert data["comments"] == []
    assert data["reply_subscription"] is None
    assert data["reports_made_note"]


# Retention ---------------------------------------------------------------------------------


def test_purge_command_clears_ip_and_user_agent_only_after_the_retention_period():
    article = make_article()
    with time_machine.travel(T0 - timedelta(days=31), tick=False):
        old = make_comment(article, ip_address="203.0.113.1", user_agent="Old/1.0")
    with time_machine.travel(T0 - timedelta(days=29), tick=False):
        recent = make_comment(article, ip_address="203.0.113.2", user_agent="New/1.0")

    out = StringIO()
    with time_machine.travel(T0, tick=False):
        call_command("purge_ip_addresses", stdout=out)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (recent.ip_address, recent.user_agent) == ("203.0.113.2", "New/1.0")
    assert old.body and old.author_email  # nothing else is touched
    assert "Cleared the IP address and user agent of 1 comment older than 30 days." in (
        out.getvalue()
    )


@override_settings(COMMENTS_IP_RETENTION_DAYS=7)
def test_retention_period_comes_from_settings():
    with time_machine.travel(T0 - timedelta(days=8), tick=False):
        comment = make_comment(make_article(), ip_address="203.0.113.1")

    with time_machine.travel(T0, tick=False):
        call_command("purge_ip_addresses", stdout=StringIO())

    comment.refresh_from_db()
    assert comment.ip_address is None


# The privacy page --------------------------------------------------------------------------


@override_settings(SESSION_COOKIE_AGE=3 * 24 * 3600, COMMENTS_IP_RETENTION_DAYS=14)
def test_privacy_page_lists_every_cookie_with_its_lifetime_from_the_settings(client):
    html = client.get("/privacy/").content.decode()

    for name in (
        "csrftoken",
        "sessionid",
        "comments_own",
        "comment_author",
        "commenter_key",
        "comment_voter",
        "messages",
    ):
        assert f"<code>{name}</code>" in html
    assert "3 days" in html  # the session cookie
    assert "365 days" in html  # the saved-details cookie
    assert "14 days, then it is cleared." in html
    assert 'href="/privacy/my-data/"' in html
    assert "Gravatar" in html


@pytest.mark.parametrize("key", ["", "akismet-key"])
def test_privacy_page_says_what_goes_to_akismet_only_when_it_is_used(client, settings, key):
    settings.AKISMET_API_KEY = key

    html = client.get("/privacy/").content.decode()

    assert ("sent to Akismet" in html) is bool(key)


def test_privacy_page_sets_no_cookie(client):
    response = client.get("/privacy/")

    assert response.status_code == 200
    assert not response.cookies
