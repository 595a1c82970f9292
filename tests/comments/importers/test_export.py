"""The WXR export, read back by an independent parser (the standard library's ElementTree)."""

import io
from datetime import UTC, datetime

import defusedxml.ElementTree as ET
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from comments.importers.export import NAMESPACES, wxr_chunks
from comments.models import Comment
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db

WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DSQ = "{http://www.disqus.com/}"
Status = Comment.Status


def export_tree():
    return ET.fromstring(b"".join(wxr_chunks()))


def items_by_slug(root) -> dict:
    return {item.findtext(f"{WP}post_name"): item for item in root.iter("item")}


def comments_by_id(item) -> dict:
    return {int(c.findtext(f"{WP}comment_id")): c for c in item.findall(f"{WP}comment")}


def at(comment: Comment, when: datetime) -> Comment:
    Comment.objects.filter(pk=comment.pk).update(created_at=when)
    comment.refresh_from_db()
    return comment


def test_the_export_is_wxr_1_2_with_wordpress_and_disqus_namespaces(article, settings):
    settings.SITE_URL = "https://news.example.org"
    data = b"".join(wxr_chunks())
    root = ET.fromstring(data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    for prefix, uri in NAMESPACES.items():
        assert f'xmlns:{prefix}="{uri}"'.encode() in data
    channel = root.find("channel")
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    assert channel.findtext(f"{WP}base_site_url") == "https://news.example.org"


def test_each_published_article_is_a_post_item_and_drafts_stay_out(settings):
    settings.SITE_URL = "https://news.example.org"
    open_article = make_article(
        title="Salt & <sodium>", slug="salt", body="Less salt.", byline="Dr. Lee"
    )
    closed = make_article(slug="closed", comments_open=False)
    make_article(slug="draft", status=Article.Status.DRAFT)

    items = items_by_slug(export_tree())

    assert set(items) == {"salt", "closed"}
    item = items["salt"]
    assert item.findtext("title") == "Salt & <sodium>"
    assert item.findtext("link") == "https://news.example.org/articles/salt/"
    assert item.findtext(f"{WP}post_id") == str(open_article.pk)
    assert item.findtext(f"{WP}post_type") == "post"
    assert item.findtext(f"{WP}status") == "publish"
    assert item.findtext(f"{WP}comment_status") == "open"
    assert items["closed"].findtext(f"{WP}comment_status") == "closed"
    assert item.findtext(f"{DSQ}thread_identifier") == "salt"
    assert "Less salt." in item.findtext(f"{CONTENT}encoded")
    assert item.findtext(f"{WP}post_date_gmt") == open_article.published_at.astimezone(
        UTC
    ).strftime("%Y-%m-%d %H:%M:%S")
    assert closed.pk != open_article.pk


def test_every_comment_keeps_its_fields_status_and_parent(article):
    when = datetime(2024, 3, 5, 14, 30, 15, tzinfo=UTC)
    top = at(
        make_comment(
            article,
            author_name="Ana",
            author_email="Ana@Example.com",
            author_url="https://ana.example/",
            ip_address="203.0.113.9",
            body="First line\nsecond <b>bold</b>",
        ),
        when,
    )
    reply = make_comment(article, parent=top, status=Status.PENDING, body="A reply")
    spam = make_comment(article, status=Status.SPAM)
    removed = make_comment(article, status=Status.REMOVED)
    anonymised = make_comment(article, author_email="", ip_address=None)

    exported = comments_by_id(items_by_slug(export_tree())[article.slug])

    assert set(exported) == {top.pk, reply.pk, spam.pk, removed.pk, anonymised.pk}
    first = exported[top.pk]
    assert first.findtext(f"{WP}comment_author") == "Ana"
    assert first.findtext(f"{WP}comment_author_email") == "ana@example.com"
    assert first.findtext(f"{WP}comment_author_url") == "https://ana.example/"
    assert first.findtext(f"{WP}comment_author_IP") == "203.0.113.9"
    assert first.findtext(f"{WP}comment_date_gmt") == "2024-03-05 14:30:15"
    assert first.findtext(f"{WP}comment_date")  # site time
    assert first.findtext(f"{WP}comment_content") == top.body_html
    assert "<b>bold</b>" in first.findtext(f"{WP}comment_content")
    assert first.findtext(f"{WP}comment_type") == "comment"
    assert first.findtext(f"{WP}comment_parent") == "0"
    assert exported[reply.pk].findtext(f"{WP}comment_parent") == str(top.pk)
    statuses = {pk: c.findtext(f"{WP}comment_approved") for pk, c in exported.items()}
    assert statuses == {
        top.pk: "1",
        reply.pk: "0",
        spam.pk: "spam",
        removed.pk: "trash",
        anonymised.pk: "1",
    }
    assert exported[anonymised.pk].findtext(f"{WP}comment_author_email") == ""
    assert exported[anonymised.pk].findtext(f"{WP}comment_author_IP") == ""


def test_comments_come_after_their_parents_in_each_item(article):
    top = make_comment(article)
    reply = make_comment(article, parent=top)
    make_comment(article, parent=reply)
    ids = [int(c.findtext(f"{WP}comment_id")) for c in export_tree().iter(f"{WP}comment")]
    parents = [int(c.findtext(f"{WP}comment_parent")) for c in export_tree().iter(f"{WP}comment")]
    for position, parent in enumerate(parents):
        assert parent == 0 or parent in ids[:position]


def test_comments_of_several_articles_land_in_their_own_items():
    first, second = make_article(slug="first"), make_article(slug="second")
    on_second = [make_comment(second) for _ in range(3)]
    on_first = [make_comment(first) for _ in range(2)]
    items = items_by_slug(export_tree())
    assert set(comments_by_id(items["first"])) == {c.pk for c in on_first}
    assert set(comments_by_id(items["second"])) == {c.pk for c in on_second}


def test_the_export_reads_the_same_few_queries_at_any_size(article):
    make_comment(article)
    with CaptureQueriesContext(connection) as small:
        export_tree()
    for _ in range(40):
        make_comment(make_article())
    with CaptureQueriesContext(connection) as large:
        export_tree()
    assert len(large) == len(small)


def hostile(max_pieces: int):
    """Text with CDATA ends, characters XML 1.0 forbids, right-to-left text and emoji."""
    piece = st.one_of(
        st.characters(codec="utf-8"),  # every code point but lone surrogates
        st.sampled_from(["]]>", "]]", "<![CDATA[", "\x00", "\x0b", "\ufffe", "\uffff", "&"]),
        st.sampled_from(["\u202e", "\u200f", "مرحبا", "שלום", "😷", "👩🏽\u200d⚕️", "\r\n"]),
    )
    return st.lists(piece, max_size=max_pieces).map("".join)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=hostile(40), name=hostile(10), title=hostile(20))
def test_hostile_text_still_yields_well_formed_xml(article, body, name, title):
    comment = make_comment(article)
    if connection.vendor == "postgresql":  # its text columns cannot hold NUL at all
        body, name, title = (value.replace("\x00", "") for value in (body, name, title))
    # Stored as is, bypassing the form and the sanitizer: the export is the last guard.
    Comment.objects.filter(pk=comment.pk).update(
        body_html=body, author_name=name, author_url=name, author_email=name
    )
    Article.objects.filter(pk=article.pk).update(title=title, summary=body, body_html=body)

    root = export_tree()  # raises ParseError if not well-formed

    exported = comments_by_id(items_by_slug(root)[article.slug])[comment.pk]
    content = exported.findtext(f"{WP}comment_content")
    # What XML can hold arrives whole, "]]>" and right-to-left marks included.
    assert "]]>" not in body or "]]>" in content
    for kept in ("\u202e", "😷", "مرحبا"):
        assert (kept in body) == (kept in content)


def test_export_wxr_writes_the_file_or_standard_output(article, tmp_path):
    make_comment(article, body="Hello from the command")
    target = tmp_path / "site.xml"
    call_command("export_wxr", "-o", str(target), stderr=io.StringIO())
    from_file = ET.parse(target).getroot()
    out = io.StringIO()
    call_command("export_wxr", stdout=out, stderr=io.StringIO())
    from_stdout = ET.fromstring(out.getvalue().encode())
    for root in (from_file, from_stdout):
        (comment,) = root.iter(f"{WP}comment")
        assert "Hello from the command" in comment.findtext(f"{WP}comment_content")


def test_export_then_import_into_an_empty_site_gives_the_same_threads(tmp_path):
    services = pytest.importorskip("comments.importers.services")
    first = make_article(slug="first-thread", title="First thread")
    second = make_article(slug="second-thread", comments_open=False)
    top = at(
        make_comment(first, body="Top\n\nwith a <b>bold</b> word & <script>x</script>"),
        datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    reply = make_comment(first, parent=top, status=Status.PENDING, ip_address="198.51.100.7")
    make_comment(first, parent=reply, status=Status.SPAM)
    make_comment(second, status=Status.REMOVED, author_url="https://example.org/me")
    make_comment(second, author_name="Ayşe 😷 مرحبا")

    def snapshot():
        for comment in Comment.objects.select_related("article", "in_reply_to", "parent"):
            answers = comment.in_reply_to or comment.parent
            yield {
                "article": (
                    comment.article.slug,
                    comment.article.title,
                    comment.article.comments_open,
                ),
                "answers": answers and (answers.author_name, answers.body_html),
                "fields": (
                    comment.author_name,
                    comment.author_email,
                    comment.author_url,
                    comment.ip_address,
                    comment.status,
                    comment.body_html,
                    comment.created_at.replace(microsecond=0),
                ),
            }

    before = sorted(snapshot(), key=repr)
    path = tmp_path / "export.xml"
    call_command("export_wxr", "-o", str(path), stderr=io.StringIO())
    Comment.objects.all().delete()
    Article.objects.all().delete()

    report = services.import_file(path)
    assert report.imported_total == 5
    assert sorted(snapshot(), key=repr) == before
    again = services.import_file(path)
    assert again.imported_total == 0
    assert Comment.objects.count() == 5
