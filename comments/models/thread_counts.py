"""How many comments each article's thread holds, by kind, kept by the database itself.

A thread's page needs counts before it reads a row: the conversations its reader sees (for
the number of pages), whether a question is answered (for the order), and the comments in the
heading. Counted from the comments, each is an index read over the whole thread on every
page, 15 to 25 ms at 200,000 comments. ``ThreadCount`` keeps them per (article, top-level or
reply, status, answered), so a page reads a handful of rows instead.

Triggers keep the rows (``install``, run by migration 0024): every insert and delete, and
every update that changes a comment's article, top-level-ness, status or answered mark, from
any path (a post, a moderator's bulk action, an import's bulk insert, an erasure, a fix in
SQL), in the same transaction as the change. No service has to remember them. On SQLite a
trigger runs for each changed row; on PostgreSQL once a statement, over the rows it changed.
``TRUNCATE`` runs no trigger: truncate ``comments_threadcount`` with the comments. A copy
made with ``dumpdata`` loads without it (``-e comments.ThreadCount``): the triggers count the
comments as they load.

On SQLite, Django alters a table by rebuilding it, which drops the triggers of
``comments_comment`` with the old table, and cannot rename a rebuilt ``comments_threadcount``
while triggers name it. So on SQLite ``migrate`` drops the triggers before it migrates and
installs them again after, counting every comment once (``before_migrate``,
``after_migrate``, connected in ``comments.apps``); a migration that fails leaves them off
until the next ``migrate`` succeeds.
"""

# Every statement here is made of this module's own table and column names, never of input
# (ruff's S608 is silenced for that reason).

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connections, models
from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .queries import CommentQuerySet

ARTICLES = "articles_article"
COMMENTS = "comments_comment"
COUNTS = "comments_threadcount"
KEY = "article_id, top_level, status, answered"
# The row a comment counts in, from its NEW or OLD values in a trigger.
_ROW = "{0}.article_id, {0}.parent_id IS NULL, {0}.status, {0}.answered_at IS NOT NULL"
_ADD = (
    f"INSERT INTO {COUNTS} ({KEY}, n) VALUES ({_ROW.format('NEW')}, 1) "  # noqa: S608
    f"ON CONFLICT ({KEY}) DO UPDATE SET n = {COUNTS}.n + 1;"
)
_TAKE = (
    f"UPDATE {COUNTS} SET n = n - 1 WHERE article_id = OLD.article_id "  # noqa: S608
    "AND top_level = (OLD.parent_id IS NULL) AND status = OLD.status "
    "AND answered = (OLD.answered_at IS NOT NULL);"
)


def _moved(differs: str, old: str = "OLD", new: str = "NEW") -> str:
    """The trigger's condition that an update changed the row a comment counts in;
    ``differs`` is the dialect's null-safe "not equal", ``old`` and ``new`` name the comment
    before and after."""
    return (
        f"{old}.article_id {differs} {new}.article_id "
        f"OR ({old}.parent_id IS NULL) <> ({new}.parent_id IS NULL) "
        f"OR {old}.status {differs} {new}.status "
        f"OR ({old}.answered_at IS NULL) <> ({new}.answered_at IS NULL)"
    )


_COLUMNS = "article_id, parent_id, status, answered_at"

SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS thread_count_insert AFTER INSERT ON {COMMENTS} BEGIN {_ADD} END",
    f"CREATE TRIGGER IF NOT EXISTS thread_count_delete AFTER DELETE ON {COMMENTS} "
    f"BEGIN {_TAKE} END",
    f"CREATE TRIGGER IF NOT EXISTS thread_count_update AFTER UPDATE OF {_COLUMNS} "
    f"ON {COMMENTS} WHEN {_moved('IS NOT')} BEGIN {_TAKE} {_ADD} END",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS thread_count_{event}" for event in ("insert", "delete", "update")
]
# PostgreSQL: one trigger a statement, over the rows it changed (transition tables), so a
# bulk insert of 1,000 comments updates each count row once, not 1,000 times: row by row, the
# row versions left inside one transaction made a 100,000-comment insert 80% slower.
# An update counts (and locks the articles of) only the comments whose count row it changed:
# a vote, an edit or a pick changes none, and takes no article.
_MOVED = "FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE " + _moved(
    "IS DISTINCT FROM", old="o", new="n"
)
_EVENTS = {
    "insert": ("NEW TABLE AS new_rows", [("new_rows", 1)]),
    "delete": ("OLD TABLE AS old_rows", [("old_rows", -1)]),
    "update": (
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        [(f"(SELECT n.* {_MOVED})", 1), (f"(SELECT o.* {_MOVED})", -1)],
    ),
}


def _statement_function(event: str) -> str:
    """The function of ``event``'s trigger: first the rows of the articles whose comments the
    statement changed are locked, in id order, as the thread's version is when it goes up;
    then the statement's rows are summed by count row: a count that grows is added (its row
    made if need be), one that shrinks is only lowered (its article may be on its way out in
    the same transaction).

    The article lock comes first so that a count row is only ever changed by the transaction
    holding its article: two writers of one thread queue on the article, as they do for its
    version, and never hold each other's count rows (finding by a review: without it an
    approval and a hide by reports, each one statement, deadlocked within 21 tries).
    ``CommentQuerySet.for_writing`` gives the article order to writers of many comments."""
    _tables, changes = _EVENTS[event]
    rows = " UNION ALL ".join(
        f"SELECT {_ROW.format('c')}, {sign} FROM {table} AS c"  # noqa: S608
        for table, sign in changes
    )
    changed = f"SELECT {KEY}, SUM(d) AS d FROM ({rows}) AS changed ({KEY}, d) GROUP BY {KEY}"  # noqa: S608
    matches = " AND ".join(f"{COUNTS}.{column} = shrunk.{column}" for column in KEY.split(", "))
    articles = " UNION ".join(
        f"SELECT article_id FROM {table} AS c"  # noqa: S608
        for table, _sign in changes
    )
    return (
        f"CREATE OR REPLACE FUNCTION thread_count_{event}() RETURNS trigger "  # noqa: S608
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"PERFORM 1 FROM {ARTICLES} WHERE id IN ({articles}) ORDER BY id FOR NO KEY UPDATE; "
        f"INSERT INTO {COUNTS} ({KEY}, n) SELECT {KEY}, d FROM ({changed}) AS grown "
        f"WHERE d > 0 ORDER BY {KEY} "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = {COUNTS}.n + EXCLUDED.n; "
        f"UPDATE {COUNTS} SET n = {COUNTS}.n + shrunk.d FROM ({changed}) AS shrunk "
        f"WHERE shrunk.d < 0 AND {matches}; "
        "RETURN NULL; END $$"
    )


POSTGRESQL_DROP = [
    statement
    for event in _EVENTS
    for statement in (
        f"DROP TRIGGER IF EXISTS thread_count_{event} ON {COMMENTS}",
        f"DROP FUNCTION IF EXISTS thread_count_{event}()",
    )
]
POSTGRESQL_INSTALL = [
    *POSTGRESQL_DROP,
    *(
        statement
        for event, (tables, _changes) in _EVENTS.items()
        for statement in (
            _statement_function(event),
            f"CREATE TRIGGER thread_count_{event} AFTER {event.upper()} ON {COMMENTS} "
            f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION thread_count_{event}()",
        )
    ),
]
# Every comment counted again: by ``install``, and by the scale benchmark after its load.
RECOUNT = [
    f"DELETE FROM {COUNTS}",  # noqa: S608
    f"INSERT INTO {COUNTS} ({KEY}, n) SELECT {_ROW.format(COMMENTS)}, COUNT(*) "  # noqa: S608
    f"FROM {COMMENTS} GROUP BY {_ROW.format(COMMENTS)}",
]


def install(schema_editor) -> None:
    """Create the triggers (replacing any) and count every comment again; on PostgreSQL with
    the comments locked against writes meanwhile, so no change falls between the two."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [f"LOCK TABLE {COMMENTS} IN SHARE MODE", *POSTGRESQL_INSTALL, *RECOUNT]
    elif vendor == "sqlite":
        statements = [*SQLITE_DROP, *SQLITE_INSTALL, *RECOUNT]
    else:
        raise NotImplementedError(f"thread counts need triggers written for {vendor}")
    for statement in statements:
        schema_editor.execute(statement, params=None)


def before_migrate(sender, using, **kwargs) -> None:
    """``pre_migrate`` receiver: on SQLite, the triggers off while tables may be rebuilt."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.schema_editor() as editor:
            uninstall(editor)


def after_migrate(sender, using, **kwargs) -> None:
    """``post_migrate`` receiver: on SQLite, the triggers on again and every comment counted,
    if the migrations reached the counts' table."""
    connection = connections[using]
    if connection.vendor == "sqlite" and COUNTS in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            install(editor)


def uninstall(schema_editor) -> None:
    """Drop the triggers (the counts then stop following the comments)."""
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL_DROP if vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(statement, params=None)


class ThreadCount(models.Model):
    """How many comments of one kind an article's thread holds (``n``), kept by triggers.

    A kind: top-level or a reply, a status, answered (a question with an expert's answer) or
    not. A kind whose last comment went keeps its row, at 0.
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    top_level = models.BooleanField()
    status = models.CharField(max_length=10)
    answered = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "top_level", "status", "answered"], name="thread_count_key"
            )
        ]

    def __str__(self):
        kind = "top-level" if self.top_level else "replies"
        return f"{self.article_id}: {kind}, {self.status}, answered {self.answered}: {self.n}"

    @staticmethod
    def public(article_ids: Iterable[int]) -> dict[int, int]:
        """How many public comments each article has, the number readers see (an article
        without any is left out): one query of a few rows an article."""
        rows = ThreadCount.objects.filter(
            article_id__in=list(article_ids), status__in=_public_statuses()
        )
        return dict(
            rows.values("article_id").annotate(sum=Sum("n")).values_list("article_id", "sum")
        )

    @staticmethod
    def public_subquery(article: str = "pk"):
        """An annotation: the public comments of the article in the outer query's ``article``
        column (0 for none)."""
        rows = (
            ThreadCount.objects.filter(article_id=OuterRef(article), status__in=_public_statuses())
            .order_by()
            .values("article_id")
            .annotate(sum=Sum("n"))
            .values("sum")
        )
        return Coalesce(Subquery(rows), Value(0))

    @staticmethod
    def of(article_id: int) -> "Tally":
        """The counts of one article's thread: one query of a few rows, in one order (so two
        tallies of the same counts are equal)."""
        rows = ThreadCount.objects.filter(article_id=article_id, n__gt=0).order_by(
            "top_level", "status", "answered"
        )
        return Tally(tuple(rows.values_list("top_level", "status", "answered", "n")))


def _public_statuses() -> tuple[str, ...]:
    """The statuses any reader sees (the one rule, ``CommentQuerySet.visibility``)."""
    statuses, _own = CommentQuerySet.visibility(None)
    return statuses


@dataclass(frozen=True, slots=True)
class Tally:
    """One thread's counts: (top_level, status, answered, n) rows."""

    rows: tuple[tuple[bool, str, bool, int], ...]

    def comments(self, statuses: Iterable[str], *, top_level: bool | None = None) -> int:
        """Comments with one of ``statuses``; only top-level ones (or only replies) when
        ``top_level`` says so."""
        wanted = set(statuses)
        return sum(
            n
            for top, status, _answered, n in self.rows
            if status in wanted and top_level in (None, top)
        )

    def public(self) -> int:
        """Comments any reader sees (the heading's number)."""
        return self.comments(_public_statuses())

    def answered_questions(self) -> int:
        """Top-level comments with an expert's answer, whatever their status."""
        return sum(n for top, _status, answered, n in self.rows if top and answered)

    def top_level_other_than(self, statuses: Iterable[str]) -> int:
        """Top-level comments with a status not in ``statuses``."""
        wanted = set(statuses)
        return sum(n for top, status, _answered, n in self.rows if top and status not in wanted)
