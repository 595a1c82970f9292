"""Threads are written in batches: the same threads whatever the batch, in few queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from comments.importers import disqus, services
from comments.importers.services import import_file
from comments.importers.sources import ImportFileError
from comments.models import Comment
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

WXR_HEAD = (
    '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
)


def item(slug: str, post_id: int, comments: list[tuple[int, int]], empty=()) -> str:
    """A published post with comments ``(id, parent id or 0)``; those in ``empty`` blank."""
    return (
        f"<item><title>{slug}</title><link>https://b.example/{slug}/</link>"
        f"<wp:post_id>{post_id}</wp:post_id><wp:post_name>{slug}</wp:post_name>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        "<wp:post_date_gmt>2024-01-01 10:00:00</wp:post_date_gmt>"
        + "".join(
            f"<wp:comment><wp:comment_id>{pk}</wp:comment_id>"
            f"<wp:comment_author>Reader {pk}</wp:comment_author>"
            f"<wp:comment_author_email>r{pk % 7}@example.org</wp:comment_author_email>"
            f"<wp:comment_date_gmt>2024-01-02 10:{pk % 60:02}:00</wp:comment_date_gmt>"
            f"<wp:comment_content>{'' if pk in empty else f'Comment {pk % 5}'}"
            "</wp:comment_content>"
            f"<wp:comment_approved>{'1' if pk % 4 else 'spam'}</wp:comment_approved>"
            f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
            for pk, parent in comments
        )
        + "</item>"
    )


def export(tmp_path, *items: str):
    path = tmp_path / "export.xml"
    path.write_text(WXR_HEAD + "".join(items) + "</channel></rss>", encoding="utf-8")
    return path


def threads() -> set[tuple]:
    """Every stored comment as its thread shows it, by source ids."""
    source = dict(Comment.objects.values_list("pk", "source_id"))
    return {
        (
            c.article.slug,
            c.source_id,
            source.get(c.parent_id),
            source.get(c.in_reply_to_id),
            c.depth,
            c.status,
            c.author_email,
            c.body_html,
        )
        for c in Comment.objects.select_related("article")
    }


def forget_everything():
    Comment.objects.all().delete()
    Article.objects.all().delete()


def chain(first: int, length: int, parent: int = 0) -> list[tuple[int, int]]:
    """``length`` comments, each a reply to the one before (the first to ``parent``)."""
    return [(first + n, first + n - 1 if n else parent) for n in range(length)]


def test_batches_of_one_thread_and_one_big_batch_give_the_same_threads(tmp_path, monkeypatch):
    # The second and third items are the first post again (same slug): their replies point
    # at comments of the first item, and one at a comment that only comes later.
    path = export(
        tmp_path,
        item("heart", 1, [*chain(1, 8), (20, 0), (21, 20), (22, 3)]),
        item("sleep", 2, [(30, 0), (31, 30), (32, 999), (33, 1)]),
        item("heart", 3, [*chain(40, 4, parent=8), (50, 21), (51, 60)]),
        item("heart", 4, [(60, 0), (61, 51)]),
    )
    monkeypatch.setattr(services, "BATCH_COMMENTS", 1)
    small = import_file(path)
    in_small_batches = threads()
    forget_everything()
    monkeypatch.setattr(services, "BATCH_COMMENTS", 10_000)
    big = import_file(path)

    assert threads() == in_small_batches
    assert small.as_dict() == big.as_dict()
    assert big.imported_total == 23 and big.orphans_reparented == 2  # 999, and 1 elsewhere
    deepest = Comment.objects.get(source_id="43")
    assert deepest.in_reply_to.source_id == "42" and deepest.depth == 4


def repeated_ids_export(tmp_path):
    return export(
        tmp_path,
        item("heart", 1, [(1, 0), (2, 1), (3, 0)], empty={3}),
        # 2 again; 4 answers the blank 3, which was never stored.
        item("sleep", 2, [(2, 0), (4, 3), (5, 0)]),
        # 3 and 1 again; 6 answers 7, which comes after it.
        item("heart", 3, [(3, 0), (1, 0), (6, 7), (7, 0)]),
        # 8 answers 7, stored by now; then 8 twice in the same thread.
        item("heart", 4, [(8, 7), (8, 0)]),
    )


@pytest.mark.parametrize("batch", [1, 10_000])
def test_ids_repeated_in_the_file_are_counted_so_in_any_batch_and_on_a_rerun(
    tmp_path, monkeypatch, batch
):
    monkeypatch.setattr(services, "BATCH_COMMENTS", batch)
    path = repeated_ids_export(tmp_path)

    dry = import_file(path, dry_run=True)
    first = import_file(path)
    again = import_file(path)

    assert first.imported_total == 7
    assert first.skipped["duplicate id in the file"] == 4
    assert first.skipped["empty text"] == 1
    assert first.orphans_reparented == 1  # 4: its parent was blank
    assert dry.as_dict() | {"dry_run": False} == first.as_dict()
    six = Comment.objects.get(source_id="6")
    assert six.in_reply_to.source_id == "7" and six.depth == 1
    assert Comment.objects.get(source_id="8").in_reply_to.source_id == "7"
    assert Comment.objects.get(source_id="2").article.slug == "heart"
    # A rerun adds nothing and says why, entry by entry, as the first run did.
    assert again.imported_total == 0
    assert again.already_present == 7
    assert again.skipped == first.skipped
    assert Comment.objects.count() == 7


def test_a_disqus_thread_read_in_many_parts_is_the_same_in_any_batch(files, monkeypatch):
    monkeypatch.setattr(disqus, "BATCH", 1)
    make_article(slug="sleep-article-here", source_url="https://news.example.org/articles/sleep")
    monkeypatch.setattr(services, "BATCH_COMMENTS", 1)
    import_file(files / "disqus.xml")
    in_small_batches = threads()
    Comment.objects.all().delete()
    monkeypatch.setattr(services, "BATCH_COMMENTS", 10_000)
    import_file(files / "disqus.xml")

    assert threads() == in_small_batches
    assert len(in_small_batches) > 3


def test_many_threads_take_a_few_queries_per_batch_not_per_comment(tmp_path):
    path = export(
        tmp_path,
        *(
            item(f"post-{n}", n, chain(n * 1000, 50) + chain(n * 1000 + 500, 50))
            for n in range(1, 5)
        ),
    )
    with CaptureQueriesContext(connection) as queries:
        report = import_file(path)

    assert report.imported_total == 400
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "comments_comment"')]
    # One INSERT per generation of the longest reply chain (50), not one per comment.
    assert len(inserts) <= 60
    assert len(queries) < 150


def raw_comment(source_id: str, parent: str = "0", text: str = "A long-id comment") -> str:
    return (
        f"<wp:comment><wp:comment_id>{source_id}</wp:comment_id>"
        "<wp:comment_author>Reader</wp:comment_author>"
        "<wp:comment_author_email>r@example.org</wp:comment_author_email>"
        "<wp:comment_date_gmt>2024-01-02 10:00:00</wp:comment_date_gmt>"
        f"<wp:comment_content>{text}</wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved>"
        f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
    )


def raw_item(slug: str, post_id: int, comments: str) -> str:
    return item(slug, post_id, []).replace("</item>", comments + "</item>")


def test_ids_longer_than_the_column_stay_apart_find_their_parents_and_rerun(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "BATCH_COMMENTS", 1)  # every thread in its own batch
    first, second = "x" * 140 + "-first", "x" * 140 + "-second"  # alike for 140 characters
    path = export(
        tmp_path,
        raw_item("heart", 1, raw_comment(first) + raw_comment(second)),
        raw_item("heart", 2, raw_comment("reply", parent=second)),
    )

    report = import_file(path)
    again = import_file(path)

    assert report.imported_total == 3 and report.orphans_reparented == 0
    assert again.imported_total == 0 and again.already_present == 3
    assert Comment.objects.count() == 3
    reply = Comment.objects.get(source_id="reply")
    assert reply.in_reply_to.author_name == "Reader" and reply.parent_id == reply.in_reply_to_id
    assert len({c.source_id for c in Comment.objects.all()}) == 3


def test_an_import_cut_short_and_run_again_gives_the_threads_of_a_whole_run(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "BATCH_COMMENTS", 1)
    whole = export(
        tmp_path,
        # 11 answers 12, which comes later in the same thread; 21 answers 30, which comes
        # only after the break.
        item("heart", 1, [(11, 12), (12, 0)]),
        item("sleep", 2, [(20, 0), (21, 30)]),
        item("sleep", 3, [(30, 0), (31, 20)]),
    )
    text = whole.read_text(encoding="utf-8")
    cut = tmp_path / "cut.xml"
    cut.write_text(text[: text.index("<wp:post_id>3</wp:post_id>")], encoding="utf-8")

    with pytest.raises(ImportFileError):
        import_file(cut)
    import_file(whole)
    after_a_break = threads()
    forget_everything()
    import_file(whole)

    assert after_a_break == threads()
    assert Comment.objects.get(source_id="21").in_reply_to.source_id == "30"
    assert Comment.objects.get(source_id="11").in_reply_to.source_id == "12"
