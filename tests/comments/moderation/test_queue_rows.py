"""What commenters and reporters typed reads in the queue exactly as they typed it, escaped,
whatever it holds (markup, quotes, Hebrew, emoji): the author's name, email and website, a
reader's report, a held comment's reason and the comment it replies to, on the queue's rows
and on a comment's details page (both rendered by ``jinja_templates/moderation/row.html``)."""

from html.parser import HTMLParser

import pytest
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment
from comments.posting.checks import hold_reason
from tests.conftest import make_comment, make_report

pytestmark = pytest.mark.django_db


class Elements(HTMLParser):
    """Every start tag of a page, with its attributes."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, tuple(attrs)))


TOKENS = [*"<>&\"'/= ab", "שלום", "💆", "<script>", " onerror=x", "<b>", "&amp;"]
typed = (
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12)
    .map("".join)
    .filter(lambda text: text.strip() == text and text)
)


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=typed, note=typed, reason=typed, parent_name=typed)
def test_what_people_typed_reads_as_typed_in_the_queue(
    mod_client, article, name, note, reason, parent_name
):
    parent = make_comment(article, author_name=parent_name)
    comment = make_comment(
        article,
        parent=parent,
        author_name=name,
        author_url=f"https://example.com/{name}",
        status=Comment.Status.PENDING,
        hold_reasons=[hold_reason("moderation_keyword", reason)],
    )
    make_report(comment, reason="spam", note=note, reporter_key="k")
    parent.refresh_from_db()  # names are stored as the site shows them (spaces collapsed)
    comment.refresh_from_db()
    name, parent_name = comment.author_name, parent.author_name

    pages = [
        mod_client.get("/moderation/?status=pending").content.decode(),
        mod_client.get(f"/moderation/comment/{comment.pk}/").content.decode(),
    ]

    for page in pages:
        for value in (name, note, reason, parent_name, comment.author_url):
            assert escape(value) in page
        # The markup typed (<script>, <b>, onerror=) made no element or attribute.
        elements = Elements()
        elements.feed(page)
        assert ("script", ()) not in elements.seen and ("b", ()) not in elements.seen
        assert not any(name == "onerror" for _tag, attrs in elements.seen for name, _v in attrs)
    Comment.objects.filter(article=article).delete()
