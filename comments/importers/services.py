"""Import a WordPress (WXR) or Disqus export: ``import_file`` and its ``ImportReport``.

Imports never delete or change what is stored: each comment keeps its source (system and id,
``Comment.source_system``/``source_id``, unique together), so a second run of the same file,
or a run after a crash, adds only what is missing. Threads are written in batches of whole
threads (about ``BATCH_COMMENTS`` comments), each batch's articles and comments in one
transaction, so no thread is ever half-imported; nothing is mailed and no moderation-log row
is written (the comments were moderated where they came from), and the threads' pages are
refreshed (``lifecycle.thread_changed``).

A comment is known by its system and ``"<site>#<id>"``, the site being the export's
WordPress blog URL or Disqus forum (ids restart at 1 on every WordPress site). A file this
very site exported (``export_wxr``: its ``wp:base_blog_url`` is ``SITE_URL``) holds this
site's own comment ids: a comment of it is already present when this site has the comment
with that id on that article, so importing the site's export back adds nothing; into another
database (a restore) it imports what is missing, and a second run adds nothing more.
Files imported before source ids named their site (bare ids) are not recognised by the new
ids: importing such a file again would duplicate it.

A comment with no date, or one that cannot be read, takes its article's date (counted).
"""

from collections.abc import Callable
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article

from .. import lifecycle
from ..mail import site_url
from ..models import Comment
from . import disqus, wxr
from .matching import ArticleIndex, normalize_url, site_key, slug_for
from .records import ParseNotes, SourceThread
from .report import ImportReport
from .seen import SeenIds
from .sources import (
    DISQUS,
    READ_ERRORS,
    WXR,
    CountingReader,
    ImportFileError,
    describe_read_error,
    open_export,
)
from .writing import Run, resolve_deferred, write_comments

SYSTEMS = {"wxr": "wordpress", DISQUS: "disqus"}
PARSERS = {"wxr": wxr.parse, DISQUS: disqus.parse}
# A batch ends after the thread that brings it to this many comments, or at this many threads.
BATCH_COMMENTS = 5_000
BATCH_THREADS = 500


class _DryRunRollback(Exception):
    pass


def import_file(
    path,
    *,
    comments_only: bool = False,
    dry_run: bool = False,
    trust_approved: bool = False,
    url_map: dict[str, str] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportReport:
    """Import the export at ``path`` (plain, ``.gz`` or ``.zip``) and return the report.

    ``comments_only``: create no article; threads no existing article takes are listed in
    ``report.unplaced``. ``dry_run``: do everything in a transaction that is rolled back, so
    the report says what a real run would do. ``trust_approved``: imported approved comments
    make their address a returning commenter's for moderation (otherwise they do not).
    ``url_map``: old URL or identifier -> slug (``matching.read_mapping``). ``progress`` is
    called with ``(bytes read since last call, total bytes or None)``.

    Raises ``ImportFileError`` when the file cannot be opened or parsed; if it breaks off
    after some threads were imported, those stay (the error's ``report`` says what they are)
    and the thread being read is not written.
    """
    export = open_export(Path(path))
    report = ImportReport(format=export.format, dry_run=dry_run)
    notes = ParseNotes()

    def read_all(seen: SeenIds):
        run = Run(SYSTEMS[export.format], report, trust_approved, seen=seen)
        importer = _Importer(run, ArticleIndex(url_map), notes, comments_only=comments_only)
        importer.own_site = site_key(site_url()) if export.format == WXR else ""

        def counted(size):
            if progress is not None:
                progress(size, export.size)

        def link_late_replies():
            with transaction.atomic():
                lifecycle.thread_changed(resolve_deferred(run))

        with export.open() as raw, CountingReader(raw, counted) as stream:
            try:
                for thread in PARSERS[export.format](stream, notes):
                    importer.place(thread)
            except (ImportFileError, *READ_ERRORS):
                importer.flush()  # the threads read whole before the error are kept
                link_late_replies()  # and linked as far as they can be (a rerun does the rest)
                raise
            importer.flush()
            link_late_replies()

    try:
        if dry_run:
            try:
                with transaction.atomic(), SeenIds() as seen:
                    read_all(seen)
                    raise _DryRunRollback
            except _DryRunRollback:
                pass
        else:
            with SeenIds() as seen:
                try:
                    read_all(seen)
                finally:
                    _refresh_statistics()
    except ImportFileError as error:
        _merge(report, notes)
        report.stopped = report.stopped or str(error)
        error.report = report
        raise
    except READ_ERRORS as error:
        _merge(report, notes)
        report.stopped = describe_read_error(error, export.path)
        raise ImportFileError(report.stopped, report=report) from error
    _merge(report, notes)
    return report


def _refresh_statistics() -> None:
    """Let the database's planner see the comments just written (``ANALYZE``): on stale
    statistics PostgreSQL takes a thousand new rows for one, and a thread page's placeholder
    search (``posting.threads.placeholder_roots``) turns from an index probe into a scan per
    row for the minute until autovacuum gets there."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Comment._meta.db_table)}")


def _merge(report: ImportReport, notes: ParseNotes) -> None:
    report.skipped.update(notes.skipped)
    report.notes.update(notes.notes)
    if notes.dates_without_zone:
        report.notes["dates without time zone (taken as UTC)"] = notes.dates_without_zone


class _Importer:
    def __init__(self, run: Run, index: ArticleIndex, notes: ParseNotes, *, comments_only: bool):
        self.run = run
        self.index = index
        self.notes = notes
        self.own_site = ""  # this site's key, for WXR files (see the module's docstring)
        self.comments_only = comments_only
        self.created: set[int] = set()
        self.matched: set[int] = set()
        self.unplaced: set[str] = set()
        self.waiting: list[SourceThread] = []
        self.waiting_comments = 0

    def place(self, thread: SourceThread) -> None:
        """Queue ``thread``; write the queue when it makes a batch."""
        self.waiting.append(thread)
        self.waiting_comments += len(thread.comments)
        if self.waiting_comments >= BATCH_COMMENTS or len(self.waiting) >= BATCH_THREADS:
            self.flush()

    def flush(self) -> None:
        """Write the queued threads' articles (if new) and comments, in one transaction."""
        threads, self.waiting, self.waiting_comments = self.waiting, [], 0
        if not threads:
            return
        # The parser has read the file's site by its first thread.
        own = self.own_site and self.notes.site == self.own_site
        self.run.own_site = self.own_site if own else ""
        with transaction.atomic():
            placed = []
            for thread in threads:
                article_id = self._article(thread)
                if article_id is None:
                    self._unplaced(thread)
                    continue
                placed.append((thread.comments, article_id))
            dates = dict(
                Article.objects.filter(pk__in={a for _c, a in placed}).values_list(
                    "pk", "published_at"
                )
            )
            work = [(comments, a, dates[a]) for comments, a in placed]
            # Many threads in several statements: their articles locked first, in id order,
            # as every writer of comments takes them (``CommentQuerySet.for_writing``).
            Comment.objects.lock_articles(list(dates))
            lifecycle.thread_changed(write_comments(work, run=self.run))

    def _article(self, thread: SourceThread) -> int | None:
        report = self.run.report
        article_id = self.index.find(thread)
        if article_id is None and thread.post is not None and not self.comments_only:
            article_id = self._create_article(thread).pk
            self.created.add(article_id)
            report.articles_created += 1
        elif article_id is not None and not (
            article_id in self.created or article_id in self.matched
        ):
            self.matched.add(article_id)
            report.articles_matched += 1
        return article_id

    def _unplaced(self, thread: SourceThread) -> None:
        report = self.run.report
        report.unplaced_comments += len(thread.comments)
        name = thread.link or thread.identifier or thread.title or f"id {thread.source_id}"
        if thread.source_id not in self.unplaced and thread.comments:
            self.unplaced.add(thread.source_id)
            report.unplaced.append(name)

    def _create_article(self, thread: SourceThread) -> Article:
        post = thread.post
        slug = slug_for(thread.slug) or slug_for(thread.title) or f"wordpress-{thread.source_id}"
        base, n = slug[:190], 2
        while Article.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        article = Article.objects.create(
            title=(thread.title or slug)[:200],
            slug=slug,
            summary=post.summary,
            body=post.body,
            status=Article.Status.PUBLISHED,
            published_at=post.published_at or timezone.now(),
            comments_open=post.comments_open,
            source_url=thread.link[:500] if normalize_url(thread.link) else "",
        )
        self.index.remember(thread, article)
        return article
