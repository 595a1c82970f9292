"""Readers report a comment they think breaks the rules."""

import pytest
from django.test import Client

from comments.models import Comment, Report
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db


def report_url(comment):
    return f"/comments/{comment.pk}/report/"


def test_every_public_comment_has_a_report_link(client, article):
    comment = make_comment(article)

    assert report_url(comment) in client.get(article.get_absolute_url()).content.decode()


def test_report_form_offers_a_short_list_of_reasons(client, article):
    html = client.get(report_url(make_comment(article, body="Rude words"))).content.decode()

    assert "Rude words" in html
    for reason in ("Spam or advertising", "Abusive or harassing", "Harmful medical misinformation"):
        assert reason in html


def test_reader_reports_a_comment_and_is_thanked(client, article):
    comment = make_comment(article)

    response = client.post(
        report_url(comment), {"reason": "misinformation", "note": "says to stop meds"}, follow=True
    )

    report = Report.objects.get()
    assert (report.comment, report.reason, report.note) == (
        comment, "misinformation", "says to stop meds",
    )  # fmt: skip
    assert response.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
    assert "A moderator will look at this comment." in response.content.decode()


def test_the_same_reader_cannot_report_twice(client, article):
    comment = make_comment(article)
    client.post(report_url(comment), {"reason": "spam"})

    response = client.post(report_url(comment), {"reason": "abuse"}, follow=True)

    assert Report.objects.count() == 1
    assert "You have already reported this comment." in response.content.decode()


def test_readers_on_three_networks_hide_a_comment_until_a_moderator_decides(settings, article):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    comment = make_comment(article, body="Contested claim")

    for ip in ("198.51.100.7", "203.0.113.9", "192.0.2.44"):
        Client(REMOTE_ADDR=ip).post(report_url(comment), {"reason": "misinformation"})

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING
    assert "Contested claim" not in Client().get(article.get_absolute_url()).content.decode()


def test_missing_reason_is_explained_and_the_note_kept(client, article):
    response = client.post(report_url(make_comment(article)), {"note": "my note"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html
    assert "my note" in html
    assert not Report.objects.exists()


@pytest.mark.parametrize("status", ["pending", "spam", "removed"])
def test_only_public_comments_can_be_reported(client, article, status):
    comment = make_comment(article, status=status)

    assert client.get(report_url(comment)).status_code == 404
    assert client.post(report_url(comment), {"reason": "spam"}).status_code == 404
