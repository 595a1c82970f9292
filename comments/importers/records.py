"""What the parsers read from an export file: plain records, no database.

``wxr.parse`` and ``disqus.parse`` yield ``SourceThread``s (an article's page in the old system
with the comments read for it) and count what they skipped in a ``ParseNotes``. The services
decide what becomes of them.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class SourceComment:
    """One comment as the export holds it; ``body`` is text as the sanitizer takes it."""

    source_id: str
    parent_id: str  # the source id of the comment it answers; "" at top level
    author_name: str
    author_email: str
    author_url: str
    ip_address: str
    created_at: datetime | None  # aware (UTC); None when the export has no usable date
    body: str
    status: str  # a Comment.Status value


@dataclass(slots=True)
class SourceThread:
    """A page of the old site and its comments.

    ``post`` is set for a WordPress published post (the article to create when none matches);
    Disqus threads and other WordPress items (pages, drafts) only attach to existing articles.
    """

    source_id: str
    link: str = ""
    title: str = ""
    slug: str = ""
    identifier: str = ""  # Disqus's <id>: often the page's path or the site's own id
    post: "SourcePost | None" = None
    comments: list[SourceComment] = field(default_factory=list)


@dataclass(slots=True)
class SourcePost:
    """What an article is made of when a WordPress post becomes one."""

    body: str  # editorial HTML (``articles.markup.render_editorial`` cleans it)
    summary: str
    published_at: datetime | None
    comments_open: bool


@dataclass(slots=True)
class ParseNotes:
    """What the parser skipped (reason -> count), what it had to guess, and whose export it is.

    ``notes`` are counts for the report (reason -> count) of what was imported differently
    from how the file says. ``site`` is the exporting site's key (``matching.site_key`` of
    WordPress's ``wp:base_blog_url``, else ``wp:base_site_url``; a Disqus forum's name), ``""``
    when the file names none: source ids are ``"<site>#<id>"`` so that two sites' ids, which
    both start at 1, never meet.
    """

    skipped: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)
    dates_without_zone: int = 0
    site: str = ""


# ``Comment.source_id``'s length: a longer key keeps its start and a hash of the whole.
SOURCE_ID_LENGTH = 100


def sourced(site: str, source_id: str) -> str:
    """The stored ``Comment.source_id`` of comment ``source_id`` of the export of ``site``.

    At most ``SOURCE_ID_LENGTH`` characters: a longer one is its first characters, "~" and 32
    hex digits of its SHA-256, so the same id always gives the same key (a rerun finds it, a
    reply finds its parent) and two long ids that begin alike stay apart.
    """
    key = f"{site}#{source_id}" if site and source_id else source_id
    if len(key) <= SOURCE_ID_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"{key[: SOURCE_ID_LENGTH - 33]}~{digest}"
