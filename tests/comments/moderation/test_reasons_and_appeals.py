"""Statements of reasons and appeals (EU Digital Services Act, Art. 17 and 20), as the
commenter, a mail scanner and two moderators meet them."""

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client

from comments import signed_links
from comments.models import Appeal, Comment, ModerationLog, RemovalReason
from comments.moderation import services
from comments.posting import services as posting
from comments.privacy import services as privacy
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status
Action = ModerationLog.Action


@pytest.fixture
def second_moderator(django_user_model):
    user = django_user_model.objects.create_user("omar", "omar.mod@example.com", "pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reason():
    return RemovalReason.objects.get(title="Medical misinformation that could cause harm")


@pytest.fixture
def comment(article):
    return make_comment(
        article,
        author_name="Walter",
        author_email="walter.private@example.com",
        body="Stop taking your insulin, cinnamon cures diabetes.",
    )


@pytest.fixture
def remove(django_capture_on_commit_callbacks, moderator):
    def remove(comment, *, by=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            services.comments_remove(comments=[comment.pk], moderator=by or moderator, **kwargs)
        comment.refresh_from_db()

    return remove


def appeal_link(message) -> str:
    return re.search(r"http\S+/comments/appeal/\?token=\S+", message.body).group(0)


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


# The starter list ----------------------------------------------------------------------------


def test_the_site_starts_with_removal_reasons_for_a_health_news_site_and_no_spam_reason():
    titles = list(RemovalReason.objects.active().values_list("title", flat=True))
    assert "Personal attack or harassment" in titles
    assert "Medical misinformation that could cause harm" in titles
    assert "Personal data of others" in titles
    assert not any("spam" in title.lower() for title in titles)
    assert all(r.rule and r.explanation for r in RemovalReason.objects.all())


# Statement of reasons ------------------------------------------------------------------------


def test_removing_with_a_reason_mails_the_author_which_rule_and_how_to_appeal(
    comment, reason, remove
):
    remove(comment, reason=reason.pk, note="Please cite a source next time.")

    assert comment.status == Status.REMOVED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["walter.private@example.com"]
    assert "removed" in message.subject
    assert "Stop taking your insulin" in message.body  # which comment
    assert reason.rule in message.body and reason.explanation[:40] in message.body
    assert "Please cite a source next time." in message.body
    assert "A moderator (a person) decided." in message.body
    assert "Our moderators found it while reviewing comments." in message.body
    assert "/comments/appeal/?token=" in message.body
    row = ModerationLog.objects.get(comment=comment, action=Action.REMOVE)
    assert row.reason == reason and not row.automated
    assert ModerationLog.objects.filter(comment=comment, action=Action.STATEMENT).count() == 1


def test_the_queue_remove_button_takes_its_rows_reason_and_the_note(
    comment, reason, moderator, django_capture_on_commit_callbacks
):
    other = RemovalReason.objects.get(title="Off topic")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(moderator).post(
            "/moderation/act/",
            {
                "row_action": f"remove:{comment.pk}",
                f"reason-{comment.pk}": str(reason.pk),
                "reason": str(other.pk),
                "reason_note": "  Harmful advice.  ",
                "next": "/moderation/",
            },
        )
    assert response.status_code == 302
    row = ModerationLog.objects.get(comment=comment, action=Action.REMOVE)
    assert row.reason == reason and row.note == "Harmful advice."
    assert reason.rule in mail.outbox[0].body


def test_bulk_remove_uses_the_shared_reason_for_every_selected_comment(
    article, reason, moderator, django_capture_on_commit_callbacks
):
    first, second = make_comment(article), make_comment(article)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(moderator).post(
            "/moderation/act/",
            {"bulk_action": "remove", "selected": [first.pk, second.pk], "reason": reason.pk},
        )
    rows = ModerationLog.objects.filter(action=Action.REMOVE)
    assert {row.reason_id for row in rows} == {reason.pk} and rows.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.author_email, second.author_email])


def test_the_queue_and_the_comment_page_offer_the_reason_picker(comment, moderator):
    client = client_for(moderator)
    queue = client.get("/moderation/?status=approved").content.decode()
    assert f'name="reason-{comment.pk}"' in queue and 'name="reason"' in queue
    assert "Medical misinformation that could cause harm" in queue
    page = client.get(f"/moderation/comment/{comment.pk}/").content.decode()
    assert 'name="reason"' in page and 'name="reason_note"' in page
    assert '<label class="form-label small mb-0" for="detail-reason">' in page


def test_spam_gets_no_statement(comment, moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.comments_mark_spam(comments=[comment.pk], moderator=moderator)
    assert mail.outbox == []
    assert not ModerationLog.objects.filter(action=Action.STATEMENT).exists()


def test_a_comment_without_an_email_gets_no_statement(article, reason, remove):
    anonymous = make_comment(article, author_email="", author_name="Anonymous")
    remove(anonymous, reason=reason)
    assert anonymous.status == Status.REMOVED
    assert mail.outbox == []


def test_a_removal_without_a_moderator_is_marked_automated_in_the_statement(
    comment, reason, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.comments_remove(comments=[comment.pk], moderator=None, reason=reason)
    assert "Our automatic systems decided, without a person." in mail.outbox[0].body
    assert ModerationLog.objects.get(action=Action.REMOVE).automated


def test_the_statement_names_nobody_else(
    article, reason, moderator, django_capture_on_commit_callbacks
):
    parent = make_comment(
        article, author_name="Greta Other", author_email="greta.other@example.com", body="Hi."
    )
    reply = make_comment(
        article,
        parent=parent,
        author_name="Walter",
        author_email="walter.private@example.com",
        body="You are wrong.",
    )
    for n in range(3):
        posting.comment_report(
            comment=reply,
            reason="abuse",
            note="Reporter Rita, rita@example.org",
            reporter=f"browser-{n}",
            ip_address=f"198.51.{n}.7",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.comments_remove(comments=[reply.pk], moderator=moderator, reason=reason)
    (message,) = mail.outbox
    text = message.subject + message.body + str(message.message())
    assert message.to == ["walter.private@example.com"] and not message.cc and not message.bcc
    for other in ("Greta", "greta.other", "Rita", "rita@example.org", "maya", "Maya.Mod"):
        assert other not in text
    assert "Readers reported it to us." in message.body


def test_hiding_after_reader_reports_sends_no_statement(comment, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 1
    posting.comment_report(
        comment=comment, reason="abuse", note="", reporter="b", ip_address="198.51.100.1"
    )
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert mail.outbox == []
    assert ModerationLog.objects.get(action=Action.HIDE).automated


def test_a_comment_restored_before_the_mail_goes_gets_no_statement(comment, reason, moderator):
    services.comments_remove(comments=[comment.pk], moderator=moderator, reason=reason)
    services.comments_restore(comments=[comment.pk], moderator=moderator)
    row = ModerationLog.objects.get(action=Action.REMOVE)
    from comments import statement_tasks

    assert statement_tasks.send_statement_of_reasons.call(row.pk) is False
    assert mail.outbox == []


# The appeal link ------------------------------------------------------------------------------


@pytest.fixture
def removed(comment, reason, remove):
    remove(comment, reason=reason)
    return comment


@pytest.fixture
def link(removed) -> str:
    return path_of(appeal_link(mail.outbox[0]))


def test_opening_the_appeal_link_shows_the_comment_and_the_form_and_changes_nothing(removed, link):
    log_rows = ModerationLog.objects.count()
    response = Client().get(link)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Stop taking your insulin" in page and "Send appeal" in page
    assert "Medical misinformation that could cause harm" in page
    assert "walter.private@example.com" not in page
    assert (
        "no-cache" in response.headers["Cache-Control"]
        or "max-age=0" in response.headers["Cache-Control"]
    )
    assert Appeal.objects.count() == 0 and ModerationLog.objects.count() == log_rows


def test_a_forged_appeal_link_is_refused_clearly(removed, link):
    response = Client().get(link[:-3] + "xyz")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    response = Client().post("/comments/appeal/", {"token": "forged", "text": "Let me back"})
    assert response.status_code == 400 and Appeal.objects.count() == 0


def test_an_expired_appeal_link_says_it_expired(removed, link, monkeypatch):
    later = time.time() + signed_links.APPEAL.max_age.total_seconds() + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = Client().get(link)
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_an_appeal_sent_with_an_expired_link_gives_the_text_back(removed, link, monkeypatch):
    later = time.time() + signed_links.APPEAL.max_age.total_seconds() + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    text = "I was quoting <the study> & its authors."

    response = Client().post("/comments/appeal/", {"token": token_of(link), "text": text})

    page = response.content.decode()
    assert response.status_code == 400 and "expired" in page
    assert "I was quoting &lt;the study&gt; &amp; its authors." in page  # escaped, kept
    assert Appeal.objects.count() == 0


def test_an_appeal_link_for_another_comment_id_does_not_work(article, removed, link):
    other = make_comment(article, author_email="someone.else@example.com", status=Status.REMOVED)
    token = signed_links.make(signed_links.APPEAL, email=removed.author_email, comment_id=other.pk)
    response = Client().get(signed_links.location("appeals:appeal", token))
    assert response.status_code == 400


def test_filing_an_appeal_records_it_logs_it_and_shows_its_state(removed, link):
    token = token_of(link)
    response = Client().post(
        "/comments/appeal/", {"token": token, "text": "It was a joke."}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your appeal was received" in page and "waiting for a decision" in page
    appeal = Appeal.objects.get()
    assert appeal.comment == removed and appeal.text == "It was a joke." and appeal.is_open
    assert ModerationLog.objects.filter(comment=removed, action=Action.APPEAL).count() == 1


def test_an_appeal_is_filed_once(removed, link):
    token = token_of(link)
    Client().post("/comments/appeal/", {"token": token, "text": "First."})
    response = Client().post("/comments/appeal/", {"token": token, "text": "Second."})
    assert response.status_code == 409
    assert "already appealed" in response.content.decode()
    assert Appeal.objects.count() == 1


def test_an_empty_or_unusable_appeal_keeps_what_was_typed(removed, link):
    token = token_of(link)
    response = Client().post("/comments/appeal/", {"token": token, "text": "Mine\x07 text"})
    page = response.content.decode()
    assert response.status_code == 200 and "control characters" in page
    assert "Mine\x07 text" in page or "Mine&#x7; text" in page or "Mine\x07" in page
    assert Appeal.objects.count() == 0
    response = Client().post("/comments/appeal/", {"token": token, "text": "  "})
    assert "This field is required." in response.content.decode()


# Deciding -----------------------------------------------------------------------------------


@pytest.fixture
def appeal(removed):
    from comments.moderation import appeals

    return appeals.appeal_file(comment=removed, text="It was a joke.")


def test_the_removing_moderator_cannot_decide_the_appeal(appeal, moderator):
    client = client_for(moderator)
    page = client.get("/moderation/appeals/").content.decode()
    assert "You removed this comment" in page and 'value="uphold"' not in page
    response = client.post(
        f"/moderation/appeals/{appeal.pk}/decide/", {"decision": "uphold"}, follow=True
    )
    assert "another moderator must decide" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.is_open


def test_another_moderator_upholds_the_comment_comes_back_and_the_author_hears(
    appeal, second_moderator, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    client = client_for(second_moderator)
    assert 'value="uphold"' in client.get("/moderation/appeals/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/moderation/appeals/{appeal.pk}/decide/",
            {"decision": "uphold", "note": "On reflection it was satire."},
        )
    appeal.refresh_from_db()
    appeal.comment.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD and appeal.decided_by == second_moderator
    assert appeal.comment.status == Status.APPROVED  # where it was before the removal
    (message,) = mail.outbox
    assert message.to == ["walter.private@example.com"] and "upheld" in message.subject
    assert "On reflection it was satire." in message.body
    assert "/comments/" in message.body  # the link to the restored comment
    actions = set(
        ModerationLog.objects.filter(comment=appeal.comment).values_list("action", flat=True)
    )
    assert {Action.RESTORE, Action.APPEAL_UPHELD} <= actions


def test_rejecting_keeps_the_removal_and_tells_the_author(
    appeal, second_moderator, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(second_moderator).post(
            f"/moderation/appeals/{appeal.pk}/decide/", {"decision": "reject", "note": "No."}
        )
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REJECTED
    assert Comment.objects.get(pk=appeal.comment_id).status == Status.REMOVED
    assert "rejected" in mail.outbox[0].subject and "dispute settlement" in mail.outbox[0].body
    assert ModerationLog.objects.filter(action=Action.APPEAL_REJECTED).count() == 1
    # Decided: the same removal cannot be appealed again.
    from comments.moderation import appeals

    with pytest.raises(appeals.AppealRefused):
        appeals.appeal_file(comment=appeal.comment, text="Again.")


def test_an_appeal_is_decided_once(appeal, second_moderator):
    client = client_for(second_moderator)
    client.post(f"/moderation/appeals/{appeal.pk}/decide/", {"decision": "reject"})
    response = client.post(
        f"/moderation/appeals/{appeal.pk}/decide/", {"decision": "uphold"}, follow=True
    )
    assert "decided already" in response.content.decode()
    assert Comment.objects.get(pk=appeal.comment_id).status == Status.REMOVED


# Who may open what -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/moderation/appeals/"),
        ("get", "/moderation/appeals/?status=decided"),
        ("post", "/moderation/appeals/{pk}/decide/"),
    ],
)
def test_permission_matrix_of_the_appeals_queue(
    method, url, appeal, second_moderator, django_user_model
):
    url = url.format(pk=appeal.pk)
    data = {"decision": "reject"} if method == "post" else None
    anonymous = getattr(Client(), method)(url, data)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    staff = django_user_model.objects.create_user("stan", "stan@example.com", "pw", is_staff=True)
    assert getattr(client_for(staff), method)(url, data).status_code == 403
    allowed = getattr(client_for(second_moderator), method)(url, data)
    assert allowed.status_code == (200 if method == "get" else 302)


def test_the_public_appeal_page_needs_no_account_but_a_link(removed, link):
    assert Client().get(link).status_code == 200
    assert Client().get("/comments/appeal/").status_code == 400


# Privacy -------------------------------------------------------------------------------------


def test_appeals_are_in_the_data_export_and_go_with_an_erasure(appeal):
    data = privacy.commenter_export(email="walter.private@example.com")
    (exported,) = data["comments"][0]["appeals"]
    assert exported["text"] == "It was a joke." and exported["status"] == "open"
    privacy.commenter_erase(email="walter.private@example.com", actor_description="test")
    assert Appeal.objects.count() == 0
