"""Whose export a file is: a second WordPress site, this site's own export, members-only posts,
deleted Disqus threads and comments whose date cannot be read (real public files, trimmed)."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from articles.models import Article
from comments.importers.services import import_file
from comments.models import Comment
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status


def test_a_second_wordpress_site_whose_ids_also_start_at_1_is_imported_too(files):
    # Both files (WordPress's own importer fixtures) hold a comment with id 1.
    import_file(files / "wordpress-slashes.xml")
    report = import_file(files / "wordpress-slashes-otherblog.xml")

    assert report.imported_total == 1
    assert report.already_present == 0
    assert set(Comment.objects.values_list("article__slug", "source_id")) == {
        ("hello-world", "localhost#1"),
        ("other-blog-post", "other.example#1"),
    }
    again = import_file(files / "wordpress-slashes-otherblog.xml")
    assert (again.imported_total, again.already_present) == (0, 1)


def export_of_this_site(tmp_path):
    path = tmp_path / "export.xml"
    call_command("export_wxr", "-o", str(path), stderr=io.StringIO())
    return path


def test_importing_this_sites_own_export_back_adds_nothing(tmp_path, settings, files):
    settings.SITE_URL = "https://news.example.org"
    article = make_article(slug="own-thread")
    top = make_comment(article)
    make_comment(article, parent=top, status=Status.PENDING)
    import_file(files / "wordpress-slashes.xml")  # an imported comment is exported by its pk
    before = Comment.objects.count()

    report = import_file(export_of_this_site(tmp_path))

    assert report.imported_total == 0
    assert report.already_present == before == 3
    assert Comment.objects.count() == before
    assert report.articles_created == 0


def test_this_sites_export_restored_into_an_empty_database_comes_back_once(tmp_path, settings):
    settings.SITE_URL = "https://news.example.org"
    article = make_article(slug="own-thread")
    top = make_comment(article, body="Top")
    make_comment(article, parent=top, body="Reply")
    path = export_of_this_site(tmp_path)
    Comment.objects.all().delete()
    Article.objects.all().delete()

    assert import_file(path).imported_total == 2
    assert import_file(path).imported_total == 0
    reply = Comment.objects.get(body="Reply")
    assert reply.parent.body == "Top"
    assert Comment.objects.count() == 2


def test_a_comment_id_of_this_site_on_another_article_is_not_taken_as_present(tmp_path, settings):
    settings.SITE_URL = "https://news.example.org"
    first = make_article(slug="first")
    kept = make_comment(first, body="Kept")
    path = export_of_this_site(tmp_path)
    Comment.objects.all().delete()
    other = make_article(slug="other")
    make_comment(other, pk=kept.pk, body="Another article's comment, with the same id")

    report = import_file(path)

    assert report.imported_total == 1
    assert Comment.objects.get(body="Kept").article == first


def test_a_restored_comment_holding_another_comments_old_id_does_not_hide_it(tmp_path, settings):
    settings.SITE_URL = "https://news.example.org"
    article = make_article(slug="own-thread")
    first, second = make_comment(article, body="First"), make_comment(article, body="Second")
    path = export_of_this_site(tmp_path)
    Comment.objects.all().delete()
    # A restore gave "First" the id "Second" had: it is known by its source, not by that id.
    make_comment(
        article,
        pk=second.pk,
        body="First",
        source_system="wordpress",
        source_id=f"news.example.org#{first.pk}",
    )

    report = import_file(path)

    assert (report.imported_total, report.already_present) == (1, 1)
    assert sorted(article.comments.values_list("body", flat=True)) == ["First", "Second"]


def test_password_protected_posts_become_no_article_and_their_comments_go_nowhere(files):
    report = import_file(files / "wordpress-password-post.xml")

    assert list(Article.objects.values_list("slug", flat=True)) == ["hello-world"]
    assert not Article.objects.filter(body__contains="MEMBERS ONLY").exists()
    assert report.skipped["password-protected posts"] == 2
    assert report.skipped["comments of password-protected posts"] == 1
    assert report.imported_total == 1
    assert "password-protected posts: 2" in report.as_text()


@pytest.fixture
def radio_t():
    """The articles the two threads of the remark42 Disqus fixture link to."""
    return (
        make_article(
            slug="podcast-229-old",
            source_url="http://radio-t.umputun.com/2011/03/229_8880.html",
            published_at=datetime(2011, 3, 7, tzinfo=UTC),
        ),
        make_article(
            slug="podcast-229",
            source_url="https://radio-t.com/p/2011/03/05/podcast-229/",
            published_at=datetime(2011, 3, 5, tzinfo=UTC),
        ),
    )


def test_the_comments_of_a_deleted_disqus_thread_are_imported_removed(files, radio_t):
    _live, deleted = radio_t
    report = import_file(files / "disqus-deleted-thread.xml")

    statuses = dict(deleted.comments.values_list("source_id", "status"))
    assert statuses == {
        "radiot#299619020": Status.REMOVED,
        "radiot#299744309": Status.REMOVED,
        "radiot#299986073": Status.SPAM,
        "radiot#x299986073": Status.REMOVED,
    }
    assert report.notes["comments of deleted threads, imported removed"] == 3
    assert not deleted.comments.public().exists()


def test_an_unreadable_disqus_date_takes_the_articles_date_and_is_counted(files, radio_t):
    _live, deleted = radio_t
    report = import_file(files / "disqus-deleted-thread.xml")

    unreadable = Comment.objects.get(source_id="radiot#x299986073")  # 2011-x09-30T22:48:43Z
    assert unreadable.created_at == deleted.published_at
    assert report.notes["dates missing or unreadable (given the article's date)"] == 1
    assert "dates missing or unreadable (given the article's date): 1" in report.as_text()


def test_a_wordpress_comment_without_a_date_takes_its_articles_date_and_is_counted(tmp_path):
    text = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        "<item><title>Old</title><wp:post_id>1</wp:post_id><wp:post_name>old</wp:post_name>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        "<wp:post_date_gmt>2015-06-01 10:00:00</wp:post_date_gmt>"
        "<wp:comment><wp:comment_id>1</wp:comment_id>"
        "<wp:comment_content>No date at all</wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved></wp:comment>"
        "</item></channel></rss>"
    )
    path = tmp_path / "export.xml"
    path.write_text(text)
    report = import_file(path)

    assert Comment.objects.get().created_at == datetime(2015, 6, 1, 10, tzinfo=UTC)
    assert report.notes["dates missing or unreadable (given the article's date)"] == 1
