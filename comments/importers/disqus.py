"""Stream a Disqus export (``<disqus>``: ``<thread>``s, then ``<post>``s naming them by ``dsq:id``).

``parse(stream, notes)`` yields ``SourceThread``s carrying the posts read so far, in batches of
at most ``BATCH`` posts, so memory stays flat: one thread may come back in several batches
(the services find a reply's parent in an earlier batch in the database). Posts are HTML;
``isSpam`` makes a post spam, ``isDeleted`` removed, every other post is approved (Disqus
exports hold no pending state). A post without a ``dsq:id``, or naming a thread the file does
not hold, is skipped and counted. A thread with no link and no identifier still comes back:
only the mapping file can place it. The posts of a deleted thread (``isDeleted`` on the
``<thread>``) are imported removed (spam stays spam), counted: kept, never shown, as Disqus
showed them no more.

A post is stored as ``"<forum>#<dsq:id>"`` (its thread's ``<forum>``, ``records.sourced``),
so that two forums' exports never meet, whatever tool wrote their ids.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from ..models import Comment
from .dates import parse_date
from .matching import site_key
from .records import ParseNotes, SourceComment, SourceThread, sourced
from .sources import safe_iterparse
from .text import comment_text

NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"
BATCH = 20_000


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _child(element, name: str):
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _text(element, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def _ref(element, name: str) -> str:
    child = _child(element, name)
    return (child.get(DSQ_ID) or child.get("id") or "").strip() if child is not None else ""


def _is_true(value: str) -> bool:
    return value.strip().lower() in ("true", "1")


def _thread(element) -> SourceThread:
    return SourceThread(
        source_id=(element.get(DSQ_ID) or "").strip(),
        link=_text(element, "link"),
        title=_text(element, "title"),
        identifier=_text(element, "id"),
    )


def _post(element, notes: ParseNotes) -> tuple[str, SourceComment] | None:
    source_id = (element.get(DSQ_ID) or "").strip()
    thread_id = _ref(element, "thread")
    if not source_id:
        notes.skipped["post without a dsq:id"] += 1
        return None
    if not thread_id:
        notes.skipped["post without a thread"] += 1
        return None
    author = _child(element, "author")
    created_at, zoned = parse_date(_text(element, "createdAt"))
    if not zoned:
        notes.dates_without_zone += 1
    if _is_true(_text(element, "isSpam")):
        status = Comment.Status.SPAM
    elif _is_true(_text(element, "isDeleted")):
        status = Comment.Status.REMOVED
    else:
        status = Comment.Status.APPROVED
    message = _child(element, "message")
    name = _text(author, "name") if author is not None else ""
    if not name and author is not None:
        name = _text(author, "username")
    return thread_id, SourceComment(
        source_id=source_id,
        parent_id=_ref(element, "parent"),
        author_name=name,
        author_email=_text(author, "email") if author is not None else "",
        author_url="",
        ip_address=_text(element, "ipAddress"),
        created_at=created_at,
        body=comment_text(message.text or "" if message is not None else "", newlines_break=False),
        status=status,
    )


def parse(stream, notes: ParseNotes) -> Iterator[SourceThread]:
    """Yield threads with their posts from the Disqus export in ``stream`` (binary).

    Raises the XML parser's errors (``sources.READ_ERRORS``) where the file stops being
    well-formed, after yielding the batches read before that point.
    """
    threads: dict[str, SourceThread] = {}
    forums: dict[str, str] = {}  # thread id -> its forum's site key
    deleted: set[str] = set()  # ids of deleted threads
    waiting: dict[str, list[SourceComment]] = {}
    buffered = 0
    depth = 0
    root = None
    for event, element in safe_iterparse(stream, events=("start", "end")):
        if event == "start":
            depth += 1
            if root is None:
                root = element
            continue
        depth -= 1
        if depth != 1:
            continue
        name = _local(element.tag)
        if name == "thread":
            thread = _thread(element)
            if thread.source_id and thread.source_id not in threads:
                threads[thread.source_id] = thread
                forums[thread.source_id] = site_key(_text(element, "forum"))
                notes.site = notes.site or forums[thread.source_id]
                if _is_true(_text(element, "isDeleted")):
                    deleted.add(thread.source_id)
            else:
                notes.skipped["thread without a dsq:id"] += 1
        elif name == "post":
            read = _post(element, notes)
            if read is not None:
                waiting.setdefault(read[0], []).append(read[1])
                buffered += 1
        root.clear()  # every top-level element is read once it ends: keep none
        if buffered >= BATCH:
            yield from _flush(threads, waiting, _Threads(forums, deleted, notes))
            buffered = sum(len(posts) for posts in waiting.values())
    yield from _flush(threads, waiting, _Threads(forums, deleted, notes))
    for posts in waiting.values():
        notes.skipped["post of a thread not in the file"] += len(posts)


@dataclass(slots=True)
class _Threads:
    forums: dict[str, str]
    deleted: set[str]
    notes: ParseNotes


def _flush(threads, waiting, known: _Threads) -> Iterator[SourceThread]:
    for thread_id in [key for key in waiting if key in threads]:
        thread = threads[thread_id]
        comments = waiting.pop(thread_id)
        forum = known.forums.get(thread_id, "")
        for comment in comments:
            comment.source_id = sourced(forum, comment.source_id)
            comment.parent_id = sourced(forum, comment.parent_id)
            if thread_id in known.deleted and comment.status != Comment.Status.SPAM:
                if comment.status != Comment.Status.REMOVED:
                    known.notes.notes["comments of deleted threads, imported removed"] += 1
                comment.status = Comment.Status.REMOVED
        yield SourceThread(
            source_id=thread.source_id,
            link=thread.link,
            title=thread.title,
            identifier=thread.identifier,
            comments=comments,
        )
