"""Every feed is XML a strict parser reads, whatever text was typed or stored.

XML 1.0 cannot hold most C0 controls, lone surrogates, U+FFFE or U+FFFF; a feed holding one
answers 200 and no reader can parse it. The form refuses them (and noncharacters) with a
message, the sanitizer and the name cleaning drop them, and the feed writer drops them last.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from comments.models import Comment
from comments.posting.forms import issue_timestamp
from comments.sanitize import xml_text
from comments.xml_feeds import XmlTextAtomFeed, XmlTextRssFeed
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db

FEEDS = ["comments/feed/", "comments/feed/atom/"]
ATOM = "{http://www.w3.org/2005/Atom}"
# One of each kind: C0 control, noncharacters of the BMP and of other planes, the last code
# point, a Cf that XML allows (kept in text).
UNUSABLE = ["\x0b", "\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\U0010ffff"]
any_text = st.text(st.characters(), max_size=40)  # the whole code-point range


def parse_feed(client, article, feed):
    response = client.get(f"/articles/{article.slug}/{feed}")
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 (our feed); raises if not well-formed


def lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# The form ----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["comment", "name", "email", "url"])
@pytest.mark.parametrize("bad", UNUSABLE)
def test_a_field_with_a_noncharacter_is_refused_with_a_message_and_the_rest_kept(
    client, article, comment_data, field, bad
):
    data = {**comment_data, "url": "https://walter.example.org/"}
    typed = data[field]
    data[field] = typed[:3] + bad + typed[3:]

    response = client.post(f"/articles/{article.slug}/comments/", data)

    html = response.content.decode()
    message = re.search(rf'id="error_1_id_{field}"[^>]*>\s*<strong>(.*?)</strong>', html, re.S)
    assert message, "the field says what was wrong"
    assert "cannot be shown" in message.group(1)
    assert typed.replace("&", "&amp;") in html, "the rest of what was typed is given back"
    assert not Comment.objects.exists()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=any_text.filter(str.strip), name=any_text.filter(str.strip))
@example(body="x \uffff y", name="Ann \ufffe")
def test_whatever_the_form_accepts_its_feeds_are_well_formed(settings, article, body, name):
    settings.COMMENTS_MODERATION = "post"
    # What a browser sends: UTF-8, so a lone surrogate arrives as U+FFFD.
    sent = {
        key: value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        for key, value in {"comment": body, "name": name}.items()
    }
    data = {**sent, "email": "ann@example.com", "url": "", "issued": issue_timestamp()}
    Client().post(f"/articles/{article.slug}/comments/", data)
    Comment.objects.update(status=Comment.Status.APPROVED)

    for feed in FEEDS:
        parse_feed(Client(), article, feed)


# Rows stored before the form refused them, and the writer as the last guard ----------------


@pytest.mark.parametrize("feed", FEEDS)
def test_a_comment_stored_with_a_noncharacter_leaves_the_feed_well_formed(client, article, feed):
    comment = make_comment(article, author_name="Ann", body="x")
    Comment.objects.filter(pk=comment.pk).update(
        author_name="Ann \ufffe\x0b", body_html="<p>x \uffff y</p>"
    )

    root = parse_feed(client, article, feed)

    text = "".join(root.itertext())
    assert "Ann  on “Massage and MS”" in text, "the name without U+FFFE and the control"
    assert "<p>x  y</p>" in text, "the rest of the text is kept"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=any_text, body=any_text, title=any_text)
def test_comment_feeds_are_well_formed_for_any_stored_text(client, article, name, body, title):
    # SQLite stores UTF-8 only: a lone surrogate cannot be stored, nor NUL in PostgreSQL's text
    # (the writer test below has both).
    name, body, title = (
        text.encode("utf-8", "surrogatepass").decode("utf-8", "replace").replace("\x00", "")
        for text in (name, body, title)
    )
    comment = make_comment(article, body="x")
    Comment.objects.filter(pk=comment.pk).update(author_name=name, body_html=body)
    type(article).objects.filter(pk=article.pk).update(title=title)

    for feed in FEEDS:
        parse_feed(client, article, feed)


@settings(max_examples=300, deadline=None)
@given(
    title=any_text,
    description=any_text,
    author=any_text,
    category=any_text,
    feed_type=st.sampled_from([XmlTextRssFeed, XmlTextAtomFeed]),
)
@example(
    title="x \uffff y",
    description="\ud800\x00",
    author="\U0010ffff",
    category="\ufdd0",
    feed_type=XmlTextRssFeed,
)
def test_the_feed_writer_writes_well_formed_xml_for_any_code_point(
    title, description, author, category, feed_type
):
    feed = feed_type(title=title, link="https://news.example.org/", description=description)
    feed.add_item(
        title=title,
        link="https://news.example.org/1/",
        description=description,
        author_name=author,
        categories=[category],
    )

    root = ET.fromstring(feed.writeString("utf-8"))  # noqa: S314 (our own feed)

    if feed_type is XmlTextRssFeed:
        item_title = root.find("channel/item/title").text or ""
    else:
        item_title = root.find(f"{ATOM}entry/{ATOM}title").text or ""
    assert item_title == lines(xml_text(title)), "only the unusable code points are dropped"
