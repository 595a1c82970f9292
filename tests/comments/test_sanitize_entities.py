"""What is typed as text shows as typed: an entity typed in a comment is text, decoded once.

A commenter explaining HTML types ``write &amp;lt; here`` and must read exactly that, not
``write < here``; ``AT&amp;amp;T`` must not become ``AT&T``. Checked on every surface that
shows the text: the thread, the moderation queue, the feed, the reply mail.
"""

import xml.etree.ElementTree as ET

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from comments.models import Subscriber
from comments.sanitize import sanitize_comment
from comments.templatetags.moderation import inert_links
from tests.comments.test_sanitize import text_of
from tests.conftest import make_comment

TYPED = ["write &amp;lt; here", "AT&amp;amp;T", "a &lt; b &gt; c", "&#60;b&#62; &#x3C;", "&quot;"]

# Text made of letters, spaces, "&", ";", "#", digits and the entity names amp, lt, gt, quot.
entity_like = st.lists(
    st.one_of(
        st.sampled_from(["&", ";", "#", " ", "amp", "lt", "gt", "quot", "x", "X"]),
        st.text("abcXYZ0123456789", min_size=1, max_size=3),
    ),
    max_size=30,
).map("".join)


@pytest.mark.parametrize("typed", TYPED)
def test_a_typed_entity_shows_as_typed(typed):
    assert text_of(sanitize_comment(typed)) == typed


@given(typed=entity_like.filter(str.strip))
@example(typed="write &amp;lt; here")
@example(typed="AT&amp;amp;T")
@example(typed="&amp;amp;amp;")
def test_any_text_of_entities_shows_as_typed_in_the_thread_and_the_queue(typed):
    stored = sanitize_comment(typed)

    assert text_of(stored).strip() == typed.strip(), "the thread"
    assert text_of(inert_links(stored)).strip() == typed.strip(), "the moderation queue"


def test_a_typed_entity_inside_formatting_and_links_shows_as_typed():
    output = sanitize_comment('<b>AT&amp;amp;T</b> <a href="https://example.org/">&lt;b&gt;</a>')

    assert text_of(output) == "AT&amp;amp;T &lt;b&gt;"


def test_an_ampersand_in_a_bare_address_stays_one_ampersand_in_the_link():
    output = sanitize_comment("see https://example.org/?a=1&b=2&amp;c=3 now")

    assert 'href="https://example.org/?a=1&amp;b=2&amp;amp;c=3"' in output, "decoded once"
    assert text_of(output) == "see https://example.org/?a=1&b=2&amp;c=3 now"


def test_an_entity_in_a_typed_link_address_keeps_its_html_meaning():
    output = sanitize_comment('<a href="https://example.org/?a=1&amp;b=2">x</a>')

    assert 'href="https://example.org/?a=1&amp;b=2"' in output


@pytest.mark.django_db
def test_the_page_the_queue_the_feed_and_the_reply_mail_show_the_text_as_typed(
    client, article, moderator, post, approve, settings
):
    settings.SITE_URL = "https://news.example.org"
    typed = "write &amp;lt; here, AT&amp;amp;T"
    parent = make_comment(article, body="Question", notify_replies=True)
    Subscriber.objects.create(email=parent.author_email, confirmed_at=timezone.now())
    reply = post(article, body=typed, parent_id=parent.pk, email="rita@example.com", name="R")
    approve(reply)

    page = client.get(article.get_absolute_url()).content.decode()
    assert typed in text_of(page)
    staff = Client()
    staff.force_login(moderator)
    queue = staff.get("/moderation/?status=approved").content.decode()
    assert typed in text_of(queue)
    response = client.get(f"/articles/{article.slug}/comments/feed/")
    feed = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    description = feed.find("channel/item/description").text
    assert text_of(description) == typed
    assert typed in mail.outbox[-1].body
