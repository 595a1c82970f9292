"""Stream a WordPress WXR export (1.0, 1.1, 1.2; ``http://`` or ``https://`` namespace).

``parse(stream, notes)`` yields one ``SourceThread`` per ``<item>``: a published post
(``wp:post_type`` post, ``wp:status`` publish) with what an article is made of, and every
other item that has comments (a page, a draft), whose comments attach only to an existing
article. Elements are cleared once read, so memory stays flat however long the file is;
entities are refused (``sources.safe_iterparse``).

Comments: ``wp:comment_approved`` ``1`` approved, ``0`` pending, ``spam`` spam, ``trash`` and
``post-trashed`` removed (anything else pending). Pingbacks, trackbacks and other comment types
(WordPress's editorial notes) are skipped and counted in ``notes.skipped``. The date is
``wp:comment_date_gmt``, else ``wp:comment_date`` taken as UTC (counted); with neither, the
services give the comment its article's date (counted).

Comment ids start at 1 on every WordPress site, so each is stored tied to its site:
``"<site>#<wp:comment_id>"`` (``records.sourced``), the site being ``wp:base_blog_url``, else
``wp:base_site_url`` (``matching.site_key``, also set as ``notes.site``).

A password-protected item (``wp:post_password`` not empty) is skipped whole, counted: its body
is for members only, and so may be its comments, so neither an article nor a comment comes of
it.
"""

import re
from collections.abc import Iterator
from functools import cache

from ..models import Comment
from .dates import parse_date
from .matching import site_key
from .records import ParseNotes, SourceComment, SourcePost, SourceThread, sourced
from .sources import ImportFileError, safe_iterparse
from .text import comment_text, editorial_body

_WP_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/?$")
_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/?$")
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"

STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,
}
COMMENT_TYPES = frozenset({"", "comment"})


@cache
def _key(tag: str) -> str:
    """``wp:comment``, ``content:encoded``, ``title`` ... whatever the namespace's version."""
    namespace, _brace, local = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
    if not namespace:
        return local
    if _WP_NS.match(namespace):
        return f"wp:{local}"
    if _EXCERPT_NS.match(namespace):
        return f"excerpt:{local}"
    if namespace == _CONTENT_NS:
        return f"content:{local}"
    return f"{namespace}:{local}"


def _fields(element) -> dict[str, str]:
    return {_key(child.tag): (child.text or "").strip() for child in element if len(child) == 0}


def _comment(element, notes: ParseNotes, site: str) -> SourceComment | None:
    fields = _fields(element)
    kind = fields.get("wp:comment_type", "")
    if kind not in COMMENT_TYPES:
        notes.skipped[kind if kind in ("pingback", "trackback") else f"comment type {kind}"] += 1
        return None
    source_id = fields.get("wp:comment_id", "")
    if not source_id:
        notes.skipped["comment without an id"] += 1
        return None
    # The GMT date carries no zone in its text, but is UTC by definition.
    created_at, _zoned = parse_date(fields.get("wp:comment_date_gmt"))
    if created_at is None:
        created_at, _zoned = parse_date(fields.get("wp:comment_date"))
        if created_at is not None:
            notes.dates_without_zone += 1
    parent = fields.get("wp:comment_parent", "")
    content = next(
        (child.text or "" for child in element if _key(child.tag) == "wp:comment_content"), ""
    )
    return SourceComment(
        source_id=sourced(site, source_id),
        parent_id="" if parent in ("", "0") else sourced(site, parent),
        author_name=fields.get("wp:comment_author", ""),
        author_email=fields.get("wp:comment_author_email", ""),
        author_url=fields.get("wp:comment_author_url", ""),
        ip_address=fields.get("wp:comment_author_IP", ""),
        created_at=created_at,
        body=comment_text(content, newlines_break=True),
        status=STATUSES.get(fields.get("wp:comment_approved", "").lower(), Comment.Status.PENDING),
    )


def _item(element, notes: ParseNotes) -> SourceThread | None:
    fields = _fields(element)
    comments = []
    for child in element:
        if _key(child.tag) == "wp:comment":
            comment = _comment(child, notes, notes.site)
            if comment is not None:
                comments.append(comment)
    if fields.get("wp:post_password"):
        notes.skipped["password-protected posts"] += 1
        if comments:
            notes.skipped["comments of password-protected posts"] += len(comments)
        return None
    post = None
    if fields.get("wp:post_type") == "post" and fields.get("wp:status") == "publish":
        published_at, _zoned = parse_date(fields.get("wp:post_date_gmt"))
        if published_at is None:
            published_at, _zoned = parse_date(fields.get("wp:post_date"))
        post = SourcePost(
            body=editorial_body(_text(element, "content:encoded")),
            summary=comment_text(_text(element, "excerpt:encoded"), newlines_break=True),
            published_at=published_at,
            comments_open=fields.get("wp:comment_status", "open") == "open",
        )
    elif not comments:
        return None
    return SourceThread(
        source_id=fields.get("wp:post_id", ""),
        link=fields.get("link", ""),
        title=fields.get("title", ""),
        slug=fields.get("wp:post_name", ""),
        post=post,
        comments=comments,
    )


def _text(element, key: str) -> str:
    return next((child.text or "" for child in element if _key(child.tag) == key), "")


def parse(stream, notes: ParseNotes) -> Iterator[SourceThread]:
    """Yield the items of the WXR export in ``stream`` (binary), one at a time.

    Raises the XML parser's errors (``sources.READ_ERRORS``) where the file stops being
    well-formed, after yielding every item before that point; ``ImportFileError`` if the
    file is an RSS feed with no WordPress elements.
    """
    wordpress = False
    site_urls: dict[str, str] = {}
    in_head = True  # the channel's head (its site URLs) ends where its first item does
    for _event, element in safe_iterparse(stream):
        key = _key(element.tag)
        if key.startswith("wp:"):
            wordpress = True
        if in_head and key in ("wp:base_blog_url", "wp:base_site_url"):
            site_urls[key] = (element.text or "").strip()
        elif key == "item":
            if in_head:
                in_head = False
                notes.site = site_key(
                    site_urls.get("wp:base_blog_url") or site_urls.get("wp:base_site_url", "")
                )
            thread = _item(element, notes)
            element.clear()
            if thread is not None:
                yield thread
    if not wordpress:
        raise ImportFileError("This is an RSS feed, not a WordPress export (no wp: elements).")
