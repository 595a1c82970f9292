"""Files an import must refuse or survive: hostile XML, broken XML, wrong encodings, any text."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from comments.importers.services import import_file
from comments.importers.sources import ImportFileError
from comments.importers.text import comment_text
from comments.models import Comment
from comments.sanitize import sanitize_comment

pytestmark = pytest.mark.django_db

WXR_HEAD = (
    '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
)


def item(post_id: int, *comments: str) -> str:
    return (
        f"<item><title>Post {post_id}</title><link>https://b.example/{post_id}/</link>"
        f"<wp:post_id>{post_id}</wp:post_id><wp:post_name>post-{post_id}</wp:post_name>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        "<wp:post_date_gmt>2024-01-01 10:00:00</wp:post_date_gmt>" + "".join(comments) + "</item>"
    )


def comment(comment_id: int, text: str = "Hello") -> str:
    return (
        f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
        "<wp:comment_author>A</wp:comment_author>"
        "<wp:comment_date_gmt>2024-01-02 10:00:00</wp:comment_date_gmt>"
        f"<wp:comment_content><![CDATA[{text}]]></wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved>"
        "<wp:comment_parent>0</wp:comment_parent></wp:comment>"
    )


def write(tmp_path, text: str | bytes, name="export.xml"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_entity_expansion_is_refused_and_nothing_is_imported(tmp_path):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        + WXR_HEAD
        + item(1, comment(1, "&c;"))
        + "</channel></rss>"
    )
    with pytest.raises(ImportFileError, match="entities"):
        import_file(write(tmp_path, bomb))
    assert not Comment.objects.exists()


def test_external_entities_are_refused(tmp_path):
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + WXR_HEAD
        + item(1, comment(1, "&x;"))
        + "</channel></rss>"
    )
    with pytest.raises(ImportFileError):
        import_file(write(tmp_path, xxe))
    assert not Comment.objects.exists()


def test_a_file_cut_off_keeps_the_threads_before_and_none_of_the_one_it_stopped_in(tmp_path):
    broken = WXR_HEAD + item(1, comment(1)) + item(2, comment(2))[:-40]

    with pytest.raises(ImportFileError, match="line 1") as caught:
        import_file(write(tmp_path, broken))

    assert list(Article.objects.values_list("slug", flat=True)) == ["post-1"]
    assert list(Comment.objects.values_list("source_id", flat=True)) == ["1"]
    assert caught.value.report.imported_total == 1
    # The rerun of a fixed file takes up where it stopped.
    report = import_file(
        write(tmp_path, WXR_HEAD + item(1, comment(1)) + item(2, comment(2)) + "</channel></rss>")
    )
    assert report.already_present == 1 and report.imported_total == 1


def test_a_file_in_another_encoding_than_declared_is_a_clear_error(tmp_path):
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        + WXR_HEAD
        + item(1, comment(1, "Très"))
        + "</channel></rss>"
    )
    with pytest.raises(ImportFileError, match="encoding"):
        import_file(write(tmp_path, text.encode("latin-1")))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not well-formed|no XML"),
        (b"\x00\x01\x02 not xml", "not well-formed"),
        (b"<html><body>hi</body></html>", "root element is <html>"),
        (b'<rss version="2.0"><channel><item><title>x</title></item></channel></rss>', "RSS feed"),
        (b"PK\x03\x04broken zip", "not a readable zip file"),
        (b"\x1f\x8b broken gzip", "not a readable gzip file"),
    ],
)
def test_unreadable_files_say_why(tmp_path, content, message):
    with pytest.raises(ImportFileError, match=message):
        import_file(write(tmp_path, content))


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(ImportFileError, match="cannot be read"):
        import_file(tmp_path / "nope.xml")


def test_a_thread_without_id_and_comments_without_ids_are_counted(tmp_path):
    text = (
        WXR_HEAD
        + item(1, comment(1).replace("<wp:comment_id>1</wp:comment_id>", ""))
        + "</channel></rss>"
    )
    report = import_file(write(tmp_path, text))
    assert report.skipped["comment without an id"] == 1


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_any_comment_text_survives_the_way_into_a_safe_page(text):
    for newlines_break in (True, False):
        body = comment_text(text, newlines_break=newlines_break)
        html = sanitize_comment(body)
        assert "<script" not in html.lower()
        assert sanitize_comment(body) == html


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=200))
def test_any_text_in_an_export_imports_without_an_error(tmp_path_factory, text):
    cdata = text.replace("]]>", "]] >")
    xml_safe = "".join(
        ch for ch in cdata if ch in "\t\n" or (ord(ch) >= 0x20 and ch not in "\ufffe\uffff")
    )
    path = tmp_path_factory.mktemp("x") / "export.xml"
    path.write_text(WXR_HEAD + item(1, comment(1, xml_safe)) + "</channel></rss>", encoding="utf-8")
    report = import_file(path, dry_run=True)
    assert report.imported_total + report.skipped["empty text"] == 1
