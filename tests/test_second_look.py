"""What a second look as a new user found: each fixed as a kind, each shown here."""

import pytest
from django.test import override_settings
from django.urls import reverse

from articles.models import Article
from comments.models import Comment
from comments.sanitize import sanitize_comment
from config.checks import check_mail_identity
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("mark", ["\u060c", "\u061b", "\u061f", "\u06d4", "\u2026"])
def test_arabic_and_urdu_punctuation_after_an_address_stays_text(mark):
    html = sanitize_comment(f"راجع https://ar.example/page{mark} ثم")

    assert 'href="https://ar.example/page"' in html
    assert f"</a>{mark}" in html


def test_an_owner_can_delete_an_article_with_its_comments(admin_client, article):
    make_comment(article)

    response = admin_client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Comment.objects.exists()


def test_a_moderators_edit_refuses_characters_no_feed_can_hold(admin_client, article):
    comment = make_comment(article, body="Clean words")

    admin_client.post(reverse("moderation:edit", args=[comment.pk]), {"body": "Bad \x01 \uffff"})
    admin_client.post(reverse("moderation:reply", args=[comment.pk]), {"body": "Re \ufffe"})

    comment.refresh_from_db()
    assert comment.body == "Clean words"
    assert Comment.objects.count() == 1


@override_settings(SESSION_COOKIE_SECURE=False)
def test_saved_details_and_the_commenter_key_work_over_plain_http_when_sessions_do(
    client, article, comment_data
):
    response = client.post(
        reverse("comments:post", kwargs={"slug": article.slug}),
        {**comment_data, "save_details": "on"},
    )

    for name in ("comment_author", "commenter_key"):
        assert not response.cookies[name]["secure"], name


@pytest.mark.parametrize(
    ("sender", "site_url"),
    [
        ("root@127.0.0.1", "https://news.example.org"),
        ("me@localhost.localdomain", "https://news.example.org"),
        ("news@news.example.org", "http://news.example.org"),
        ("news@news.example.org", "https://intranet.local"),
    ],
)
def test_production_warns_of_mail_and_links_that_cannot_reach_anyone(sender, site_url):
    with override_settings(
        DEBUG=False, LOCAL_HTTP=False, DEFAULT_FROM_EMAIL=sender, SITE_URL=site_url
    ):
        assert check_mail_identity(None)
