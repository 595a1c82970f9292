"""Writing the comments of a batch of threads: new ones only, in tree order, in bulk.

``write_comments`` runs inside the batch's transaction (``services``: a few thousand
comments of whole threads). It skips what is stored already (by ``source_system`` and
``source_id``, one lookup for the batch; in this site's own export, also this site's comment
with that id on that article, see ``stored``) and ids seen earlier in the file (``SeenIds``, a
table, so that memory stays flat), links each reply
to its parent (in the batch or stored), breaks parent cycles, and works out every comment's
parent, ``in_reply_to`` and depth in Python before writing. Rows are then inserted one tree
generation at a time (a generation's ``bulk_create`` returns the primary keys its replies
point to), so a batch takes as many INSERTs as its deepest chain of replies, whatever the
number of threads. Depth follows ``Comment.reply_parent``: a reply below
``COMMENTS_MAX_DEPTH`` levels joins its parent's level, and ``in_reply_to`` still names the
comment it answers.

Text, emails, names and addresses repeat in an export ("Thanks!", a regular's address), so
each is cleaned once per distinct value (``Run``'s caches).
"""

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .. import lifecycle
from ..identity import canonical_ip, clean_display_name, normalize_email
from ..models import Comment, text_fingerprint
from ..sanitize import sanitize_comment
from .records import SourceComment
from .report import ImportReport
from .seen import SeenIds

IMPORTED_HOLD = {"code": "imported", "message": "held in the old system", "verdict": "hold"}
_LOOKUP_CHUNK = 5_000
_INSERT_CHUNK = 1_000
# Distinct values kept per cache: short ones (emails, names, addresses) and whole texts, which
# repeat less and weigh more (about 1 kB each with their HTML).
_CACHE_SIZE = 65_536
_TEXT_CACHE_SIZE = 4_096


@dataclass(slots=True)
class Stored:
    pk: int
    depth: int
    article_id: int
    parent_id: int | None
    by_pk: bool = False  # this site's own comment, found by the id its own export wrote
    waiting: str = ""  # the parent's source id, while an earlier import has not found it
    root_id: int | None = None  # the top of its conversation (None: it is the top)

    @property
    def parent(self) -> int | None:
        return self.parent_id


@dataclass(slots=True, eq=False)
class _Placed:
    """A comment of the batch, before it is written: ``parent`` (the comment it is shown
    under) and ``answer`` (``in_reply_to``) are stored pks, ``Stored`` or other ``_Placed``."""

    comment: Comment
    parent: "int | Stored | _Placed | None"
    answer: "Stored | _Placed | None"
    generation: int  # written after every comment it points to

    @property
    def depth(self) -> int:
        return self.comment.depth

    @property
    def article_id(self) -> int:
        return self.comment.article_id


def _pk(ref) -> int | None:
    if ref is None or isinstance(ref, int):
        return ref
    return ref.pk if isinstance(ref, Stored) else ref.comment.pk


def _conversation(answer: "Stored | _Placed | None") -> int | None:
    """The top-level comment of the conversation a reply to ``answer`` joins (None for a
    new conversation); ``answer`` is written already."""
    if answer is None:
        return None
    if isinstance(answer, Stored):
        return answer.root_id or answer.pk
    return answer.comment.root_id or answer.comment.pk


def _generation(ref) -> int:
    return ref.generation if isinstance(ref, _Placed) else -1


def _checked_email(value: str) -> tuple[str, bool]:
    email = normalize_email(value or "")
    if not email:
        return "", True
    try:
        validate_email(email)
    except ValidationError:
        return "", False
    return email, True


def _url(value: str) -> str:
    value = (value or "").strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    ok = parts.scheme.lower() in ("http", "https") and parts.hostname and len(value) <= 200
    return value if ok and " " not in value else ""


def _clean_text(body: str) -> tuple[str, str]:
    """``(body_html, text_fingerprint)`` for a comment's ``body``."""
    return sanitize_comment(body), text_fingerprint(body)


@dataclass
class Run:
    """What one import carries from batch to batch."""

    system: str
    report: ImportReport
    trust_approved: bool
    seen: SeenIds
    # This site's key (``matching.site_key``) when the file is this site's own export, whose
    # comment ids are this site's primary keys; else "".
    own_site: str = ""
    # A reply whose parent was neither in its batch nor stored yet: child id -> parent id.
    deferred: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        # Per import, so a long-lived worker keeps nothing once the import is done.
        self.html = lru_cache(_TEXT_CACHE_SIZE)(_clean_text)
        self.email = lru_cache(_CACHE_SIZE)(_checked_email)
        self.name = lru_cache(_CACHE_SIZE)(clean_display_name)
        self.ip = lru_cache(_CACHE_SIZE)(canonical_ip)
        self.url = lru_cache(_CACHE_SIZE)(_url)


def stored(run: Run, source_ids) -> dict[str, Stored]:
    """The stored comments of ``run.system`` among ``source_ids``, by source id.

    In this site's own export (``run.own_site``) an id not found so is looked up as this
    site's primary key (``Stored.by_pk``; the caller checks the article), unless the comment
    with that key was itself imported from an own export under another id (a restore into
    a fresh database, where keys were handed out anew).
    """
    ids, found = list(source_ids), {}
    for start in range(0, len(ids), _LOOKUP_CHUNK):
        rows = Comment.objects.filter(
            source_system=run.system, source_id__in=ids[start : start + _LOOKUP_CHUNK]
        ).values_list(
            "source_id", "pk", "depth", "article_id", "parent_id", "source_parent_id", "root_id"
        )
        for source_id, pk, depth, article_id, parent_id, waiting, root_id in rows:
            found[source_id] = Stored(
                pk, depth, article_id, parent_id, waiting=waiting, root_id=root_id
            )
    if run.own_site:
        found.update(_own_by_pk(run, [i for i in ids if i not in found]))
    return found


def _own_by_pk(run: Run, ids: list[str]) -> dict[str, Stored]:
    prefix, found = f"{run.own_site}#", {}
    by_pk = {
        int(i[len(prefix) :]): i
        for i in ids
        if i.startswith(prefix) and i[len(prefix) :].isdigit() and len(i) - len(prefix) < 19
    }
    pks = list(by_pk)
    for start in range(0, len(pks), _LOOKUP_CHUNK):
        rows = Comment.objects.filter(pk__in=pks[start : start + _LOOKUP_CHUNK]).values_list(
            "pk", "depth", "article_id", "parent_id", "source_system", "source_id", "root_id"
        )
        for pk, depth, article_id, parent_id, system, source_id, root_id in rows:
            if system == run.system and source_id.startswith(prefix) and source_id != by_pk[pk]:
                continue
            found[by_pk[pk]] = Stored(pk, depth, article_id, parent_id, by_pk=True, root_id=root_id)
    return found


def _present(node: "Stored | _Placed | None", article_id: int) -> bool:
    if isinstance(node, Stored) and node.by_pk:
        return node.article_id == article_id
    return node is not None


def _new_comment(source: SourceComment, *, article_id: int, run: Run, when) -> Comment:
    name = run.name(source.author_name)[:100]
    if not name:
        run.report.notes["names missing (shown as Anonymous)"] += 1
    email, valid = run.email(source.author_email)
    if not valid:
        run.report.notes["invalid emails left empty"] += 1
    body_html, fingerprint = run.html(source.body)
    if source.created_at is None:
        run.report.notes["dates missing or unreadable (given the article's date)"] += 1
    comment = Comment(
        article_id=article_id,
        author_name=name or "Anonymous",
        author_email=email,
        author_url=run.url(source.author_url),
        status=source.status,
        hold_reasons=[IMPORTED_HOLD] if source.status == Comment.Status.PENDING else [],
        ip_address=run.ip(source.ip_address),
        source_system=run.system,
        source_id=source.source_id,  # fitted to the column by records.sourced
        makes_author_known=run.trust_approved,
        body=source.body,
        body_html=body_html,
        text_fingerprint=fingerprint,
    )
    comment.created_at = source.created_at or when
    return comment


def write_comments(threads, *, run: Run) -> set[int]:
    """Store the new comments of a batch of threads; returns the articles that got some.

    ``threads`` is ``[(comments, article_id, when), ...]`` in file order, ``comments`` a list
    of ``SourceComment``; ``when`` is the date for a comment the export gives none or one
    that cannot be read (the article's date, counted). Counts what it skips in ``run.report``.
    """
    ids = {c.source_id for comments, _a, _w in threads for c in comments}
    parent_ids = {c.parent_id for comments, _a, _w in threads for c in comments}
    known: dict[str, Stored | _Placed] = stored(run, ids | parent_ids - {""})
    earlier = run.seen.among(ids | parent_ids - {""})  # read in an earlier batch
    read: set[str] = set()  # read in this batch so far

    def seen(source_id: str) -> bool:
        return source_id in earlier or source_id in read

    placed: list[_Placed] = []
    for comments, article_id, when in threads:
        fresh = []
        for source in comments:
            if seen(source.source_id):
                run.report.skipped["duplicate id in the file"] += 1
            elif not source.body.strip():
                run.report.skipped["empty text"] += 1
            else:
                fresh.append(source)
            read.add(source.source_id)
        new = [c for c in fresh if not _present(known.get(c.source_id), article_id)]
        run.report.already_present += len(fresh) - len(new)
        for source in fresh:
            node = known.get(source.source_id)
            if isinstance(node, Stored) and node.waiting and source.parent_id:
                # Stored by an import that had not reached its parent: link it if it can be.
                run.deferred[source.source_id] = source.parent_id
        for source_id, node in _place_thread(
            new, known, seen, article_id=article_id, run=run, when=when
        ):
            known[source_id] = node
            placed.append(node)
    run.seen.add(read - earlier)
    return _insert(placed, run)


def _place_thread(new, known, seen, *, article_id, run, when):
    """Yield ``(source id, _Placed)`` for one thread's new comments, parents first.

    ``seen(source_id)`` tells whether the file held that id before this point."""
    report = run.report
    by_id = {c.source_id: c for c in new}
    children: dict[str, list[SourceComment]] = {}
    generation: list[tuple[SourceComment, Stored | _Placed | None]] = []
    for source in new:
        if source.parent_id in by_id and source.parent_id != source.source_id:
            children.setdefault(source.parent_id, []).append(source)
            continue
        answer = known.get(source.parent_id) if source.parent_id else None
        if source.parent_id == source.source_id:
            report.cycles_broken += 1
            answer = None
        elif source.parent_id and (answer is None or answer.article_id != article_id):
            if answer is None and not seen(source.parent_id):
                run.deferred[source.source_id] = source.parent_id
            else:
                report.orphans_reparented += 1
            answer = None
        generation.append((source, answer))
    done: set[str] = set()
    while generation or len(done) < len(by_id):
        if not generation:
            # What is left hangs in a cycle of parents: the first left starts a new thread.
            source = next(c for c in new if c.source_id not in done)
            report.cycles_broken += 1
            generation = [(source, None)]
        following = []
        for source, answer in generation:
            node = _node(source, answer, article_id=article_id, run=run, when=when)
            done.add(source.source_id)
            yield source.source_id, node
            following += [
                (child, node)
                for child in children.get(source.source_id, ())
                if child.source_id not in done
            ]
        generation = following


def _node(source, answer, *, article_id, run, when) -> _Placed:
    comment = _new_comment(source, article_id=article_id, run=run, when=when)
    parent = None
    if answer is not None:
        if answer.depth + 1 >= settings.COMMENTS_MAX_DEPTH and answer.parent is not None:
            comment.depth, parent = answer.depth, answer.parent
        else:
            comment.depth, parent = answer.depth + 1, answer
    generation = 1 + max(_generation(parent), _generation(answer))
    return _Placed(comment, parent, answer, generation)


def _insert(placed: list[_Placed], run: Run) -> set[int]:
    generations: dict[int, list[_Placed]] = {}
    for node in placed:
        generations.setdefault(node.generation, []).append(node)
    for number in sorted(generations):
        rows = []
        for node in generations[number]:
            comment = node.comment
            comment.parent_id, comment.in_reply_to_id = _pk(node.parent), _pk(node.answer)
            comment.root_id = _conversation(node.answer)
            rows.append(comment)
            run.report.imported[comment.status] += 1
        Comment.objects.bulk_create(rows, batch_size=_INSERT_CHUNK)
    return {node.article_id for node in placed}


def resolve_deferred(run: Run) -> set[int]:
    """Link the replies whose parent came later in the file (or, for a reply an earlier,
    interrupted import stored, in this run); the rest stay top level (counted as orphans).
    A reply whose parent is not stored yet keeps the parent's id (``source_parent_id``), so
    that rerunning the import once the file is whole links it. Returns the articles whose
    threads changed."""
    if not run.deferred:
        return set()
    found = stored(run, {*run.deferred, *run.deferred.values()})
    changed_articles, updates, waiting, settled = set(), [], [], []
    for child_id, parent_id in run.deferred.items():
        child, parent = found.get(child_id), found.get(parent_id)
        if child is None:
            continue
        if parent is None or parent.article_id != child.article_id:
            run.report.orphans_reparented += 1
            if parent is None:
                waiting.append((child, parent_id))
            elif child.waiting:
                settled.append(child.pk)  # its parent is on another article: it stays so
            continue
        updates.append((child, parent))
        changed_articles.add(child.article_id)
    for child, parent in updates:
        Comment.objects.filter(pk=child.pk).update(
            parent_id=parent.pk, in_reply_to_id=parent.pk, source_parent_id=""
        )
    for child, parent_id in waiting:
        if child.waiting != parent_id:
            Comment.objects.filter(pk=child.pk).update(source_parent_id=parent_id)
    Comment.objects.filter(pk__in=settled).update(source_parent_id="")
    for article_id in changed_articles:
        # Depths and conversation tops after the late links; cycles cut, deep replies capped.
        _changed, cycles = lifecycle.recompute_depths([article_id])
        run.report.cycles_broken += cycles
    return changed_articles
