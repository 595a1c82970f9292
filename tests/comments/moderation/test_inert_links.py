"""Links in a comment are shown in the moderation queue but cannot be clicked, however the
commenter wrote the <a> tag."""

import html
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from hypothesis import example, given
from hypothesis import strategies as st

from comments.models import Comment
from comments.sanitize import sanitize_comment
from comments.templatetags.moderation import inert_links
from tests.conftest import make_comment

A_TAG = re.compile(r"<a[\s/>]", re.IGNORECASE)


class _Text(HTMLParser):
    """The visible text of some HTML, and the text and href of each link in it."""

    def __init__(self, html_text):
        super().__init__(convert_charrefs=True)
        self.text, self.links, self._open = [], [], []
        self.feed(html_text)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open.append([dict(attrs).get("href") or "", ""])

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            self.links.append(tuple(self._open.pop()))

    def handle_data(self, data):
        self.text.append(data)
        for link in self._open:
            link[1] += data


def visible_text(html_text):
    return " ".join("".join(_Text(html_text).text).split())


# Hypothesis: random comments with links written every way a commenter might -------------

_words = st.text(alphabet=st.sampled_from("abcxyz <>&\"'=/é✓\n"), min_size=0, max_size=12).filter(
    lambda text: "<" not in text or ">" not in text
)
_urls = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}.example/{path}",
    st.sampled_from(["http", "https", "HTTPS"]),
    st.text(alphabet="abcdefgh", min_size=1, max_size=8),
    st.text(alphabet="abc?&=<>\"'#%", max_size=10),
)


@st.composite
def _link(draw):
    href = html.escape(draw(_urls))
    quote = draw(st.sampled_from(['"', "'"]))
    attrs = [f"href={quote}{href}{quote}"]
    if draw(st.booleans()):
        attrs.append(f'title="{html.escape(draw(_words))}"')
    attrs = draw(st.permutations(attrs))
    tag = draw(st.sampled_from(["a", "A"]))
    inner = draw(st.one_of(_words, _words.map(lambda w: f"<b>{html.escape(w)}</b>")))
    return f"<{tag} {' '.join(attrs)}>{inner}</{tag}>"


_pieces = st.one_of(
    _words,
    _link(),
    _urls,  # bare URLs: linkified by the sanitizer
    st.sampled_from(["<b>", "</b>", "<em>x</em>", "<p>", "<script>1</script>", "\n\n", "<q>"]),
)
comments = st.lists(_pieces, max_size=8).map("".join)


@given(comments)
@example('<a title="Cheap pills" href="https://spam.example/buy">click here</a>')
@example("<a title='x' href='https://a.example/'>one</a> and <a href=\"http://b.example\">two</a>")
def test_no_link_in_the_queue_is_clickable_and_each_keeps_its_text_and_url(typed):
    stored = sanitize_comment(typed)
    links = _Text(stored).links

    shown = inert_links(stored)

    assert not A_TAG.search(shown)
    text = visible_text(shown)
    for href, link_text in links:
        assert " ".join(link_text.split()) in text
        assert f"[{href}]" in text


def test_a_link_with_a_title_before_its_href_is_shown_with_its_address():
    stored = sanitize_comment('<a title="Cheap pills" href="https://spam.example/buy">here</a>')
    assert stored.index("title=") < stored.index("href=")  # how the sanitizer writes it

    shown = inert_links(stored)

    assert "<a" not in shown
    assert visible_text(shown) == "here [https://spam.example/buy]"


def test_markup_the_sanitizer_did_not_write_is_shown_as_text():
    shown = inert_links('<p><a href="https://x.example">x<img src=x onerror=alert(1)></a></p>')

    assert "<img" not in shown and "&lt;img" in shown


def test_an_element_left_open_is_closed_inside_the_comment():
    assert inert_links("<p><b>bold <a href='https://x.example'>x").endswith("</b></p>")


# The queue page ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_queue_shows_a_titled_link_without_making_it_clickable(
    client, article, django_user_model
):
    user = django_user_model.objects.create_user("maya", "maya@example.com", "pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    make_comment(
        article,
        body='Look: <a title="Cheap pills" href="https://spam.example/buy">great offer</a>',
        status=Comment.Status.PENDING,
    )

    page = client.get("/moderation/").content.decode()

    assert 'href="https://spam.example/buy"' not in page
    assert "[https://spam.example/buy]" in page
    assert "great offer" in page
