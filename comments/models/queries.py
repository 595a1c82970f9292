"""The read rules of comments: who sees what (public, held, placeholders), and the filters
a thread, its counts and the moderation lists read comments through."""

from django.db import connection, models
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from ..identity import normalize_email
from .readers import is_moderator, own_comment_ids

# comment.py builds ``Comment.objects`` from this module, so the rules that need
# ``Comment.Status`` import ``Comment`` when they run, as those needing ``Report`` do.


class CommentQuerySet(models.QuerySet):
    """The read rules of comments. What readers see is decided here and nowhere else.

    One rule of what readers see (DESIGN.md): a reader sees public comments, plus their own
    held ones; a comment they may not see that has a reply they may see is shown in its place
    as a placeholder, so every public comment keeps its place and its permalink. The thread,
    its count, the front page's counts, feeds and permalinks all answer from these methods.
    """

    def public(self):
        """Comments any reader may see."""
        return self.filter(self.public_q())

    @staticmethod
    def public_q() -> Q:
        from .comment import Comment

        return Q(status=Comment.Status.APPROVED)

    @staticmethod
    def visible_q(request) -> Q:
        """Public comments, plus the requester's own comments still awaiting moderation.

        "Own" means posted from this browser, as its signed own-comments cookie proves while
        the entry lasts (``readers.own_comment_ids``, no query); nobody else ever sees a held
        comment, except a signed-in moderator (``is_moderator``), who sees every held comment
        in place.
        """
        from .comment import Comment

        statuses, own_held = CommentQuerySet.visibility(request)
        visible = CommentQuerySet.public_q()
        if Comment.Status.PENDING in statuses:
            return visible | Q(status=Comment.Status.PENDING)
        if own_held:
            visible |= Q(pk__in=own_held, status=Comment.Status.PENDING)
        return visible

    @staticmethod
    def is_visible(comment, request) -> bool:
        """``visible_q`` for one comment in hand, from its status and pk as read: no query.
        Both read ``visibility``."""
        from .comment import Comment

        statuses, own_held = CommentQuerySet.visibility(request)
        return comment.status in statuses or (
            comment.status == Comment.Status.PENDING and comment.pk in own_held
        )

    @staticmethod
    def visibility(request) -> tuple[tuple[str, ...], list[int]]:
        """``visible_q`` as (the statuses of which the reader sees every comment, the ids of
        their own comments they may see besides if still held): for counts kept by status
        (``ThreadCount``). No query."""
        from .comment import Comment

        if is_moderator(request):
            return (Comment.Status.APPROVED, Comment.Status.PENDING), []
        own_ids = own_comment_ids(request) if request is not None else []
        return (Comment.Status.APPROVED,), list(own_ids)

    def for_writing(self):
        """These comments, to be locked until the transaction ends: their articles now (one
        query, on PostgreSQL), the comments as they are read. Every writer of comments takes
        its locks in this one order, articles before comments, each by id: every lock the
        site takes on comments is this one.

        A write of a comment's status locks its article's row (the thread counts' trigger,
        ``thread_counts``), and a post takes it as it saves: a writer holding a comment
        while it waits for the article, against one holding the article while it waits for
        the comment, is a deadlock. So is one holding article 1 then waiting for 2 against one
        holding 2 waiting for 1.

        The locks are ``FOR NO KEY UPDATE``: writers exclude each other, but a new reply's
        check of its links to these comments (its parent, its conversation's top), which
        PostgreSQL makes as the reply commits, passes. ``FOR UPDATE`` would make that check
        wait for a writer that waits for the reply's article.

        Filter first: the articles are those of the comments chosen so far. Raises TypeError
        on comments not filtered at all (it would lock every article).
        """
        if not self.query.has_filters():
            raise TypeError("Choose the comments before for_writing(): it locks their articles.")
        self.lock_articles(self.order_by().values("article_id"))
        return self.select_for_update(no_key=True).order_by("article_id", "pk")

    @staticmethod
    def lock_articles(article_ids) -> None:
        """Lock these articles' rows (ids, or a query of them) until the transaction ends, in
        id order, ``FOR NO KEY UPDATE`` (``for_writing``). One query; nothing on SQLite, which
        has one writer at a time."""
        from articles.models import Article

        if connection.vendor != "postgresql":
            return
        locked = Article.objects.filter(pk__in=article_ids).order_by("pk")
        list(locked.select_for_update(no_key=True).values_list("pk", flat=True))

    def visible_to(self, request):
        return self.filter(self.visible_q(request))

    def for_article(self, article):
        return self.filter(article=article)

    def thread_order(self):
        return self.order_by("created_at", "pk")

    def picked(self):
        """Editors' picks, the newest pick first."""
        return self.filter(picked_at__isnull=False).order_by("-picked_at", "-pk")

    def making_author_known(self):
        """Comments that make their address a returning commenter's (imported ones only
        when the import trusted them, ``import_comments --trust-approved``)."""
        return self.filter(makes_author_known=True)

    def by_author(self, email: str):
        """Every comment stored under the address (compared in its normalised form)."""
        email = normalize_email(email)
        if not email:
            return self.none()
        return self.filter(author_email=email)

    def answerable_on(self, article):
        """The comments of ``article`` a reader may reply to: its public ones."""
        return self.public().filter(article=article)

    def history_by_author(self, emails) -> dict[str, dict[str, int]]:
        """Each address's comments counted by status: ``{email: {"approved": 2, ...}}``.

        One query for any number of addresses; an anonymised comment (no email) belongs to
        no one's history.
        """
        from .comment import Comment

        wanted = {normalize_email(email) for email in emails} - {""}
        rows = (
            self.filter(author_email__in=wanted)
            .order_by()
            .values("author_email")
            .annotate(
                **{status: Count("pk", filter=Q(status=status)) for status in Comment.Status.values}
            )
        )
        return {row.pop("author_email"): row for row in rows}

    def with_open_reports(self):
        """Comments with reader reports no moderator has dealt with yet.

        Read from ``reported_at`` (``refresh_reported_at``), through a partial index of the
        reported comments alone: a tab of them costs what they are, however old they are and
        however many comments there are.
        """
        return self.filter(reported_at__isnull=False)

    def without_open_reports(self):
        """Comments with no report waiting for a moderator (``with_open_reports``' others)."""
        return self.filter(reported_at__isnull=True)

    def refresh_reported_at(self) -> int:
        """Set each of these comments' ``reported_at`` from its open reports: the time of the
        oldest (``ReportQuerySet.open``), or None when none is open. Call it in the transaction
        that makes or resolves reports, after the change. One UPDATE; returns the rows set.
        """
        from .records import Report

        oldest = (
            Report.objects.open()
            .filter(comment=OuterRef("pk"))
            .order_by("created_at")
            .values("created_at")[:1]
        )
        return self.update(reported_at=Subquery(oldest))

    def annotate_open_reports(self):
        """Each comment with ``open_report_count``.

        A subquery per row rather than a join and GROUP BY over every comment, so a page of
        a million-comment list counts the reports of its own rows only.
        """
        from .records import Report

        per_comment = (
            Report.objects.open()
            .filter(comment=OuterRef("pk"))
            .order_by()
            .values("comment")
            .annotate(count=Count("*"))
            .values("count")
        )
        return self.annotate(open_report_count=Coalesce(Subquery(per_comment), Value(0)))
