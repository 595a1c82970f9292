"""The moderators' workspace at /moderation/, used as a moderator would."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from comments.models import Ban, Comment, ModerationLog
from comments.posting import services as posting
from comments.posting.forms import issue_timestamp
from tests.conftest import make_article, make_comment, make_report

pytestmark = pytest.mark.django_db
Status = Comment.Status


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("maya", "maya@example.com", "pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def held(article):
    return make_comment(
        article,
        author_name="Casino King",
        author_email="king@spam.example",
        body="Visit https://spam.example now",
        status=Status.PENDING,
        ip_address="203.0.113.66",
        hold_reasons=[{"code": "links", "message": "1 link", "verdict": "hold"}],
    )


def staff_urls(comment, ban):
    get = [
        "/moderation/",
        "/moderation/?status=spam",
        f"/moderation/comment/{comment.pk}/",
        "/moderation/bans/",
        "/moderation/log/",
    ]
    post = [
        "/moderation/act/",
        f"/moderation/comment/{comment.pk}/edit/",
        f"/moderation/comment/{comment.pk}/reply/",
        f"/moderation/comment/{comment.pk}/ban/",
        f"/moderation/comment/{comment.pk}/remove-all/",
        "/moderation/bans/new/",
        f"/moderation/bans/{ban.pk}/lift/",
    ]
    return [("get", url) for url in get] + [("post", url) for url in post]


def test_permission_matrix_of_every_moderation_url(
    client, mod_client, django_user_model, held, moderator
):
    ban = Ban.objects.create(kind="email", value="x@example.com", reason="r")
    staff = django_user_model.objects.create_user("sam", "sam@example.com", "pw", is_staff=True)
    staff_client = Client()
    staff_client.force_login(staff)

    for method, url in staff_urls(held, ban):
        anonymous = getattr(client, method)(url)
        assert anonymous.status_code == 302, url
        assert anonymous["Location"].startswith("/accounts/login/?next="), url
        assert getattr(staff_client, method)(url).status_code == 403, url
        if method == "get":
            assert mod_client.get(url).status_code == 200, url
    held.refresh_from_db()
    assert held.status == Status.PENDING  # nothing the refused requests sent changed it


def test_login_page_takes_a_moderator_to_the_queue(moderator):
    client = Client()
    response = client.post("/accounts/login/", {"username": "maya", "password": "pw"})

    assert response.status_code == 302
    assert response["Location"] == "/moderation/"


def test_queue_shows_each_held_comment_with_its_reasons_and_details(mod_client, held):
    html = mod_client.get("/moderation/").content.decode()

    assert "Casino King" in html
    assert "king@spam.example" in html  # moderators see the email
    assert "203.0.113.66" in html
    assert "Why it is held:" in html and "<li>1 link</li>" in html
    assert held.article.title in html
    assert 'Pending <span class="badge text-bg-light">1</span>' in html


def test_links_in_the_queue_are_shown_but_not_clickable(mod_client, held):
    html = mod_client.get("/moderation/").content.decode()
    body = html[html.index('class="queue-body') :]
    body = body[: body.index("</div>")]

    assert "<a " not in body
    assert "[https://spam.example]" in body


def test_queue_shows_the_authors_history(mod_client, article, held):
    make_comment(article, author_email="KING@spam.example", status=Status.SPAM)
    make_comment(article, author_email="king@spam.example", status=Status.SPAM)
    make_comment(article, author_email="king@spam.example", status=Status.APPROVED)

    html = mod_client.get("/moderation/").content.decode()

    assert "1 approved</a>" in html and "2 spam</a>" in html and "0 removed</a>" in html


def test_queue_tabs_count_each_status_and_reports(mod_client, article, held):
    make_comment(article, status=Status.SPAM)
    reported = make_comment(article)
    make_report(reported, reason="abuse")

    html = mod_client.get("/moderation/?status=reported").content.decode()

    for label, count in [("Pending", 1), ("Reported", 1), ("Spam", 1), ("Approved", 1)]:
        assert f'{label} <span class="badge text-bg-light">{count}</span>' in html
    assert "Reported from 1 network (1 report, the first " in html
    assert "Abusive or harassing" in html


def test_queue_filters_by_article_author_and_ip_and_orders(mod_client, held):
    other = make_article(title="Another story")
    make_comment(other, author_name="Olga", status=Status.PENDING, ip_address="192.0.2.1")

    by_article = mod_client.get(f"/moderation/?article={other.pk}").content.decode()
    by_email = mod_client.get("/moderation/?author=KING@spam.example").content.decode()
    by_ip = mod_client.get("/moderation/?author=192.0.2.1").content.decode()
    oldest = mod_client.get("/moderation/?order=oldest").content.decode()

    assert "Olga" in by_article and "Casino King" not in by_article
    assert "Casino King" in by_email and "Olga" not in by_email
    assert "Olga" in by_ip and "Casino King" not in by_ip
    assert oldest.index("Casino King") < oldest.index("Olga")


def test_row_button_approves_and_the_comment_appears_to_readers(mod_client, held, moderator):
    response = mod_client.post("/moderation/act/", {"row_action": f"approve:{held.pk}"})

    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Status.APPROVED
    assert "Visit" in Client().get(held.article.get_absolute_url()).content.decode()
    entry = ModerationLog.objects.get()
    assert (entry.moderator, entry.action, entry.from_status, entry.to_status) == (
        moderator, "approve", "pending", "approved",
    )  # fmt: skip
    assert "1 comment approved." in mod_client.get("/moderation/").content.decode()


@pytest.mark.parametrize(("action", "status"), [("spam", Status.SPAM), ("remove", Status.REMOVED)])
def test_bulk_action_changes_every_selected_comment_and_logs_each(
    mod_client, article, action, status
):
    comments = [make_comment(article, status=Status.PENDING) for _ in range(3)]
    untouched = make_comment(article, status=Status.PENDING)

    mod_client.post(
        "/moderation/act/",
        {"bulk_action": action, "selected": [c.pk for c in comments]},
    )

    assert set(Comment.objects.filter(status=status)) == set(comments)
    assert Comment.objects.get(pk=untouched.pk).status == Status.PENDING
    assert ModerationLog.objects.filter(action=action).count() == 3


def test_bulk_action_without_a_selection_says_so(mod_client, held):
    response = mod_client.post("/moderation/act/", {"bulk_action": "approve"}, follow=True)

    assert "Select at least one comment." in response.content.decode()


def test_restore_returns_a_comment_to_where_it_was(mod_client, article):
    comment = make_comment(article)
    mod_client.post("/moderation/act/", {"row_action": f"remove:{comment.pk}"})
    mod_client.post("/moderation/act/", {"row_action": f"restore:{comment.pk}"})

    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert list(ModerationLog.objects.values_list("action", flat=True)) == ["restore", "remove"]


def test_remove_all_by_this_author(mod_client, article, held):
    make_comment(article, author_email="King@Spam.example")
    keeper = make_comment(article, author_email="someone@example.com")

    mod_client.post(f"/moderation/comment/{held.pk}/remove-all/")

    assert Comment.objects.exclude(pk=keeper.pk).filter(status=Status.REMOVED).count() == 2
    assert Comment.objects.get(pk=keeper.pk).status == Status.APPROVED


def test_ban_from_a_comment_sends_the_authors_new_comments_to_spam(
    mod_client, client, settings, held
):
    settings.COMMENTS_MODERATION = "post"
    mod_client.post(
        f"/moderation/comment/{held.pk}/ban/",
        {"kind": "email", "value": "king@spam.example", "reason": "casino spam"},
    )
    client.post(
        f"/articles/{held.article.slug}/comments/",
        {
            "comment": "again",
            "name": "K",
            "email": "king@spam.example",
            "issued": issue_timestamp(),
        },
    )

    assert Ban.objects.get().reason == "casino spam"
    assert Comment.objects.latest("pk").status == Status.SPAM
    assert ModerationLog.objects.filter(action="ban", comment=held).exists()


def test_ban_with_an_expiry_in_the_past_is_refused(mod_client, held):
    response = mod_client.post(
        f"/moderation/comment/{held.pk}/ban/",
        {"kind": "ip", "value": "203.0.113.66", "reason": "x", "expires_at": "2001-01-01T00:00"},
        follow=True,
    )

    assert "The end of a ban must be in the future." in response.content.decode()
    assert not Ban.objects.exists()


def test_network_ban_and_lift_from_the_bans_page(mod_client):
    mod_client.post(
        "/moderation/bans/new/", {"kind": "network", "value": "198.51.100.7/24", "reason": "bots"}
    )
    ban = Ban.objects.get()
    assert ban.value == "198.51.100.0/24"

    mod_client.post(f"/moderation/bans/{ban.pk}/lift/")

    ban.refresh_from_db()
    assert not ban.is_active
    assert "lifted" in mod_client.get("/moderation/bans/").content.decode()


def test_reply_as_moderator_is_published_with_a_badge_and_approves_the_parent(
    mod_client, held, moderator
):
    mod_client.post(f"/moderation/comment/{held.pk}/reply/", {"body": "Please keep it on topic."})

    reply = Comment.objects.get(by_moderator=True)
    held.refresh_from_db()
    assert (reply.parent, reply.status, reply.user) == (held, Status.APPROVED, moderator)
    assert held.status == Status.APPROVED
    html = Client().get(held.article.get_absolute_url()).content.decode()
    assert "Please keep it on topic." in html
    assert "moderator-badge" in html and ">Moderator</span>" in html


def test_edit_resanitizes_and_keeps_the_old_text_in_the_log(mod_client, held):
    mod_client.post(
        f"/moderation/comment/{held.pk}/edit/", {"body": "Edited <script>x()</script> text"}
    )

    held.refresh_from_db()
    assert held.body == "Edited <script>x()</script> text"
    assert "<script>" not in held.body_html
    entry = ModerationLog.objects.get(action="edit")
    assert "Visit https://spam.example now" in entry.note


def test_log_page_lists_every_action_and_filters_by_action(mod_client, held, moderator):
    mod_client.post("/moderation/act/", {"row_action": f"spam:{held.pk}"})
    mod_client.post("/moderation/act/", {"row_action": f"restore:{held.pk}"})

    every = mod_client.get("/moderation/log/").content.decode()
    spam_only = mod_client.get("/moderation/log/?action=spam").content.decode()

    assert "marked as spam" in every and "restored" in every and "maya" in every
    assert "marked as spam" in spam_only and "<td>restored</td>" not in spam_only


def test_queue_lists_its_keyboard_shortcuts_and_works_as_plain_forms(mod_client, held):
    html = mod_client.get("/moderation/").content.decode()

    assert "Keyboard shortcuts" in html
    for key in ("j", "k", "a", "s", "r", "x"):
        assert f"<kbd>{key}</kbd>" in html
    assert f'name="row_action" value="approve:{held.pk}"' in html
    assert 'action="/moderation/act/"' in html


def test_unsafe_next_is_ignored_after_an_action(mod_client, held):
    response = mod_client.post(
        "/moderation/act/",
        {"row_action": f"approve:{held.pk}", "next": "https://evil.example/"},
    )

    assert response["Location"] == "/moderation/"


def test_queue_query_count_does_not_grow_with_the_page(
    mod_client, article, django_assert_max_num_queries
):
    for n in range(30):
        make_comment(article, author_email=f"p{n}@example.com", status=Status.PENDING)

    with django_assert_max_num_queries(15):
        assert mod_client.get("/moderation/").status_code == 200


def test_dismissing_reports_keeps_the_comment_and_brings_back_a_hidden_one(
    mod_client, settings, article
):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    comment = make_comment(article, body="Contested but fine")

    for reader, ip in (("a", "198.51.100.7"), ("b", "203.0.113.9")):
        posting.comment_report(
            comment=comment, reason="abuse", note="", reporter=reader, ip_address=ip
        )
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING
    html = mod_client.get("/moderation/?status=reported").content.decode()
    assert f'value="dismiss:{comment.pk}"' in html

    response = mod_client.post("/moderation/act/", {"row_action": f"dismiss:{comment.pk}"})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert not Comment.objects.with_open_reports().exists()
    actions = ModerationLog.objects.filter(comment=comment).values_list("action", flat=True)
    assert list(actions[:2]) == ["approve", "dismiss"]
    assert "Contested but fine" in Client().get(article.get_absolute_url()).content.decode()


def bulk_bar(client, status) -> list[str]:
    html = client.get("/moderation/", {"status": status}).content.decode()
    return re.findall(r'name="bulk_action" value="(\w+)"', html)


def test_the_bulk_bar_offers_only_what_applies_to_the_tabs_comments(mod_client, article):
    make_comment(article, status=Status.PENDING)
    make_comment(article, status=Status.SPAM)
    make_comment(article, status=Status.APPROVED)

    assert bulk_bar(mod_client, "pending") == ["approve", "spam", "remove"]
    assert bulk_bar(mod_client, "spam") == ["approve", "remove", "restore"]
    assert bulk_bar(mod_client, "approved") == ["spam", "remove", "pick"]
