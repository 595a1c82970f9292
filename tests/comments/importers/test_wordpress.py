"""Importing a WordPress export: articles, comments, statuses, threads, and doing it twice."""

import gzip
import zipfile
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.db.models import Q

from articles.models import Article
from comments.importers.services import import_file
from comments.models import Comment, ModerationLog
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
Status = Comment.Status


def by_source(source_id: str) -> Comment:
    """The comment of id ``source_id`` in the file (stored as ``"<site>#<id>"``)."""
    return Comment.objects.get(
        Q(source_id=source_id) | Q(source_id__endswith=f"#{source_id}"), source_system="wordpress"
    )


def test_a_published_post_becomes_an_article_with_its_comments(files):
    report = import_file(files / "wxr-1.2.xml")

    article = Article.objects.get(slug="sleep-and-the-heart")
    assert article.title == "Sleep and the heart"
    assert article.is_published
    assert article.published_at == datetime(2024, 4, 1, 8, tzinfo=UTC)
    assert article.source_url == "https://blog.example.org/2024/04/sleep-and-the-heart/"
    assert '<a href="https://example.org/study">the study</a>' in article.body_html
    assert Article.objects.get(slug="closed").comments_open is False
    assert report.articles_created == 2
    assert not Article.objects.filter(title="A draft").exists()
    assert article.comments.count() == 8


def test_statuses_follow_wordpress(files):
    report = import_file(files / "wxr-1.2.xml")

    assert by_source("101").status == Status.APPROVED
    assert by_source("102").status == Status.PENDING
    assert by_source("104").status == Status.SPAM
    assert by_source("105").status == Status.REMOVED
    assert report.imported == {"approved": 5, "pending": 1, "spam": 1, "removed": 1}


def test_pingbacks_trackbacks_and_duplicate_ids_are_skipped_and_counted(files):
    report = import_file(files / "wxr-1.2.xml")

    assert report.skipped["pingback"] == 1
    assert report.skipped["trackback"] == 1
    assert report.skipped["duplicate id in the file"] == 1
    assert not Comment.objects.filter(author_name__in=["Other Blog", "Tracker"]).exists()
    assert by_source("101").author_name == "Ann"


def test_comments_keep_author_date_and_text_with_wordpress_newlines(files):
    import_file(files / "wxr-1.2.xml")

    ann = by_source("101")
    assert ann.author_email == "ann@example.com"
    assert ann.author_url == "https://ann.example.net/"
    assert ann.ip_address == "198.51.100.7"
    assert ann.created_at == datetime(2024, 4, 2, 9, tzinfo=UTC)
    assert ann.body_html == (
        "<p>First line<br>second line</p>"
        "<p>New paragraph with <strong>bold</strong> &amp; more.</p>"
    )
    assert ann.text_fingerprint


def test_a_missing_email_stays_empty_and_a_local_date_is_taken_as_utc(files):
    report = import_file(files / "wxr-1.2.xml")

    bob = by_source("102")
    assert bob.author_email == ""
    assert bob.created_at == datetime(2024, 4, 2, 12, tzinfo=UTC)
    assert report.notes["dates without time zone (taken as UTC)"] == 1


def test_scripts_in_comment_text_never_reach_the_page(files):
    import_file(files / "wxr-1.2.xml")

    assert "script" not in by_source("102").body_html
    assert "alert" not in by_source("102").body_html


def test_replies_find_their_parent_even_when_listed_before_it(files):
    import_file(files / "wxr-1.2.xml")

    ann, bob, carl = by_source("101"), by_source("102"), by_source("103")
    assert bob.parent == ann and bob.depth == 1
    assert carl.parent == bob and carl.in_reply_to == bob and carl.depth == 2


def test_a_reply_whose_parent_is_missing_becomes_top_level_and_is_counted(files):
    report = import_file(files / "wxr-1.2.xml")

    assert by_source("106").parent is None
    assert report.orphans_reparented == 1


def test_a_cycle_of_parents_is_broken_and_counted(files):
    report = import_file(files / "wxr-1.2.xml")

    loop = [by_source("109"), by_source("110")]
    assert sorted(c.parent_id is None for c in loop) == [False, True]
    assert report.cycles_broken == 1


def test_comments_on_a_page_no_article_matches_are_listed_not_imported(files):
    report = import_file(files / "wxr-1.2.xml")

    assert report.unplaced == ["https://blog.example.org/about/"]
    assert report.unplaced_comments == 1
    assert not Comment.objects.filter(source_id="120").exists()


def test_importing_twice_adds_nothing(files):
    first = import_file(files / "wxr-1.2.xml")
    count = Comment.objects.count()
    versions = list(Article.objects.values_list("thread_version", flat=True))

    second = import_file(files / "wxr-1.2.xml")

    assert Comment.objects.count() == count
    assert Article.objects.count() == 2
    assert second.imported_total == 0
    assert second.already_present == first.imported_total
    assert second.articles_matched == 2 and second.articles_created == 0
    assert list(Article.objects.values_list("thread_version", flat=True)) == versions


def test_a_dry_run_writes_nothing_but_reports_what_would_happen(files):
    report = import_file(files / "wxr-1.2.xml", dry_run=True)

    assert report.dry_run
    assert report.imported_total == 8
    assert report.articles_created == 2
    assert not Comment.objects.exists()
    assert not Article.objects.exists()


def test_an_import_mails_no_one_and_logs_no_moderation(files, mailoutbox):
    import_file(files / "wxr-1.2.xml")

    assert mail.outbox == []
    assert not ModerationLog.objects.exists()


def test_comments_attach_to_an_existing_article_with_the_same_slug(files):
    existing = make_article(slug="sleep-and-the-heart", title="Ours")

    report = import_file(files / "wxr-1.2.xml")

    assert report.articles_matched == 1
    assert existing.comments.count() == 8
    existing.refresh_from_db()
    assert existing.title == "Ours"
    assert existing.thread_version > 0


def test_comments_only_creates_no_article_and_lists_what_it_could_not_place(files):
    existing = make_article(
        slug="our-sleep", source_url="http://WWW.blog.example.org/2024/04/sleep-and-the-heart"
    )

    report = import_file(files / "wxr-1.2.xml", comments_only=True)

    assert Article.objects.count() == 1
    assert existing.comments.count() == 8
    assert report.unplaced == ["https://blog.example.org/about/"]


def test_a_mapping_file_places_a_thread(files):
    about = make_article(slug="about-us")

    import_file(files / "wxr-1.2.xml", url_map={"https://blog.example.org/about/": "about-us"})

    assert about.comments.get().body == "On a page, not a post"


@pytest.mark.parametrize("name", ["wxr-1.0.xml", "wxr-1.1-https.xml"])
def test_older_versions_and_the_https_namespace_are_read(files, name):
    report = import_file(files / name)

    assert report.articles_created == 1
    assert report.imported_total == 1


def test_a_latin_1_export_keeps_its_accents(files):
    import_file(files / "wxr-1.0.xml")

    comment = Comment.objects.get()
    assert comment.author_name == "Renée"
    assert comment.body == "Très bon."
    assert comment.author_url == ""  # "http://" is no website
    assert Article.objects.get().title == "Café au lait"


def test_wordpress_html_in_a_comment_becomes_text_as_typed(files):
    import_file(files / "wxr-1.1-https.xml")

    comment = Comment.objects.get()
    assert comment.body == (
        "Hi, this is a comment.\nTo delete a comment, view the post's comments."
    )
    assert comment.author_email == ""


@pytest.mark.parametrize("packing", ["gz", "zip"])
def test_gzip_and_zip_exports_are_read(files, tmp_path, packing):
    source = (files / "wxr-1.2.xml").read_bytes()
    if packing == "gz":
        path = tmp_path / "export.xml.gz"
        path.write_bytes(gzip.compress(source))
    else:
        path = tmp_path / "export.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "not this one")
            archive.writestr("blog.wordpress.2024-05-01.xml", source)

    report = import_file(path)

    assert report.imported_total == 8
