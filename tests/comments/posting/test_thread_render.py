"""A page's comments are written as Django's templates write them, whichever engine renders
the loop (``{% thread_entries %}``, Jinja2): escaped the same way, dates in the site's time
zone, the comment's HTML as sanitized, and a moderator's actions under each comment."""

import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils.html import escape

from tests.conftest import make_comment

pytestmark = pytest.mark.django_db

NAME = """O'Brien "Bo" <b>&</b>"""


def comment_item(html: str, comment) -> str:
    start = html.index(f'<li id="comment-{comment.pk}"')
    return html[start : html.index("</article>", start)]


def test_names_and_text_are_escaped_as_django_escapes_them(client, article):
    comment = make_comment(article, author_name=NAME, body="Use <b>heat</b> & rest.")

    item = comment_item(client.get(article.get_absolute_url()).text, comment)

    # Django's escaping (&#x27; and &quot;), in the text and in every attribute.
    assert f"<bdi>{escape(NAME)}</bdi>" in item
    assert f'data-author="{escape(NAME)}"' in item
    assert f'aria-label="Reply to {escape(NAME)}"' in item
    assert "O&#x27;Brien &quot;Bo&quot; &lt;b&gt;&amp;&lt;/b&gt;" in item
    # The sanitized comment as stored: its markup is markup, not escaped again.
    assert comment.body_html in item
    assert "<b>heat</b> &amp; rest." in item


@pytest.mark.parametrize(
    ("zone", "shown", "stamp"),
    [
        ("UTC", "March 4, 2030 at 11:30 p.m.", "2030-03-04T23:30:00+00:00"),
        ("Asia/Jerusalem", "March 5, 2030 at 1:30 a.m.", "2030-03-05T01:30:00+02:00"),
        ("America/New_York", "March 4, 2030 at 6:30 p.m.", "2030-03-04T18:30:00-05:00"),
    ],
)
def test_a_comment_is_dated_in_the_sites_time_zone(client, article, zone, shown, stamp):
    comment = make_comment(article, created_at=datetime(2030, 3, 4, 23, 30, tzinfo=UTC))

    with override_settings(TIME_ZONE=zone):
        item = comment_item(client.get(article.get_absolute_url()).text, comment)

    assert f'<time datetime="{stamp}">' in item
    assert f"· {shown}</span>" in item


def test_the_comments_own_addresses_and_anchor(client, article):
    comment = make_comment(article)

    item = comment_item(client.get(article.get_absolute_url()).text, comment)

    assert f'href="/comments/{comment.pk}/report/"' in item
    assert f'action="/comments/{comment.pk}/helpful/"' in item
    assert f'href="#comment-{comment.pk}"' in item
    assert re.search(rf'<li id="comment-{comment.pk}" class="comment depth-0">', item)


def test_a_moderator_sees_the_actions_under_every_comment(client, article, django_user_model):
    moderator = django_user_model.objects.create_user("maya", "maya@example.com", "pw")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    held = make_comment(article, status="pending", hold_reasons=[{"message": "first comment"}])
    shown = make_comment(article)
    client.force_login(moderator)

    html = client.get(article.get_absolute_url()).text

    assert "Held</span>: first comment" in comment_item(html, held)
    for comment in (held, shown):
        item = comment_item(html, comment)
        assert 'name="csrfmiddlewaretoken"' in item
        assert f'value="approve:{comment.pk}"' in item or f'value="remove:{comment.pk}"' in item


def test_a_moderators_page_has_one_csrf_token_that_works_in_every_form(
    client, article, django_user_model
):
    """The token is masked once for the page's comments, not once a form (each masking is
    32 random characters), and an action taken with it goes through."""
    moderator = django_user_model.objects.create_user("maya", "maya@example.com", "pw")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    comments = [make_comment(article, status="pending") for _ in range(3)]
    client.force_login(moderator)
    client.handler.enforce_csrf_checks = True

    html = client.get(article.get_absolute_url()).text
    items = "".join(comment_item(html, comment) for comment in comments)
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', items))
    acted = client.post(
        "/moderation/act/",
        {
            "csrfmiddlewaretoken": tokens.pop() if len(tokens) == 1 else "",
            "row_action": f"approve:{comments[-1].pk}",
            "next": article.get_absolute_url(),
        },
    )

    assert not tokens
    assert acted.status_code == 302
    comments[-1].refresh_from_db()
    assert comments[-1].status == "approved"
