"""``manage.py import_comments``: the report, the exit status, and trust in imported authors."""

import io

import pytest
from django.core.management import CommandError, call_command

from comments.identity import commenter_key
from comments.models import Comment
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_comments", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_prints_the_report(files):
    out = run(files / "wxr-1.2.xml")

    assert "Articles created: 2, matched: 0" in out
    assert "Comments imported: 8" in out
    assert "pingback: 1" in out
    assert "https://blog.example.org/about/" in out


def test_a_file_read_whole_exits_zero_even_with_threads_it_could_not_place(files):
    out = run(files / "disqus.xml", "--comments-only")

    assert "Threads not placed (no matching article): 3" in out
    assert not Comment.objects.exists()


def test_a_dry_run_says_so_and_writes_nothing(files):
    out = run(files / "wxr-1.2.xml", "--dry-run")

    assert out.startswith("Dry run: nothing was written.")
    assert not Comment.objects.exists()


def test_an_unreadable_file_is_a_command_error(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("<rss><channel>")

    with pytest.raises(CommandError, match="not well-formed"):
        run(path)


def test_a_mapping_file_is_read(files, tmp_path):
    about = make_article(slug="about-us")
    mapping = tmp_path / "map.csv"
    mapping.write_text(
        "old,new\nhttps://blog.example.org/about,https://news.example/articles/about-us/\n"
    )

    run(files / "wxr-1.2.xml", "--map", mapping)

    assert about.comments.count() == 1


def test_an_unreadable_mapping_file_is_a_command_error(files, tmp_path):
    with pytest.raises(CommandError, match="mapping file"):
        run(files / "wxr-1.2.xml", "--map", tmp_path / "missing.csv")


def proven_post(post, article, email):
    return post(article, email=email, commenter_keys=(commenter_key(email),))


@pytest.mark.parametrize(
    ("flag", "expected"), [((), "pending"), (("--trust-approved",), "approved")]
)
def test_imported_authors_are_returning_commenters_only_when_trusted(
    files, post, flag, expected, settings
):
    settings.COMMENTS_MODERATION = "auto"
    run(files / "wxr-1.2.xml", *flag)
    article = make_article()

    comment = proven_post(post, article, "ann@example.com")

    assert comment.status == expected
