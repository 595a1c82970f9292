"""The site's articles and comments as a WordPress eXtended RSS (WXR 1.2) file.

WordPress's own importer (Tools > Import > WordPress) reads it, and so does Disqus's importer
(each item carries ``dsq:thread_identifier``, the article's slug). It holds every published
article and all of its comments, whatever their status, with the commenters' emails and IP
addresses: it is the site's own data, for the site's admins only (``manage.py export_wxr``,
or the admin's "Export as WordPress WXR" for holders of ``comments.export_comments``).

What goes where:

* an article is an ``<item>`` with ``wp:post_type`` post and ``wp:status`` publish: title,
  link (absolute, from ``SITE_URL``), ``wp:post_id`` (the article's id), ``wp:post_name``
  (slug), dates (site time and GMT), ``content:encoded`` (the rendered body),
  ``excerpt:encoded`` (summary), ``wp:comment_status`` (open or closed);
* a comment is a ``<wp:comment>``: ``wp:comment_id`` (the comment's id), author, email,
  website, IP, dates, ``wp:comment_content`` (the comment's sanitized HTML, ``body_html``),
  ``wp:comment_approved`` (approved ``1``, pending ``0``, spam ``spam``, removed ``trash``),
  ``wp:comment_parent`` (the comment it answers, else 0) and ``wp:comment_type`` comment.
  Comments come in id order, so a parent comes before its replies (WordPress's importer
  links a reply only to a parent it has already seen).

The file is written as it is read: articles and comments are each one query read in chunks
(``iterator``), no document tree is built, so memory stays flat at a million comments.
Every string passes ``sanitize.xml_text`` (no code point XML 1.0 forbids reaches the file)
and CDATA sections are split around ``]]>``, so the output is well-formed for any text.
"""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from email.utils import format_datetime
from typing import BinaryIO
from xml.sax.saxutils import escape

from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article

from ..mail import site_url
from ..models import Comment
from ..sanitize import xml_text

WXR_VERSION = "1.2"
NAMESPACES = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
    "dsq": "http://www.disqus.com/",
}
WORDPRESS_STATUS = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.REMOVED: "trash",
}
CHUNK_SIZE = 2000  # rows fetched per round trip
FLUSH_BYTES = 64 * 1024  # bytes gathered before a chunk is handed on

_COMMENT_FIELDS = (
    "pk",
    "article_id",
    "parent_id",
    "in_reply_to_id",
    "author_name",
    "author_email",
    "author_url",
    "ip_address",
    "created_at",
    "body_html",
    "status",
)


@dataclass
class ExportCounts:
    """How much an export wrote so far: articles (items) and comments."""

    articles: int = 0
    comments: int = 0


def cdata(text: str | None) -> str:
    """``text`` as CDATA that is well-formed for any string (``]]>`` split in two)."""
    text = xml_text(text or "")
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text(value) -> str:
    """``value`` as escaped XML character data (without the code points XML forbids)."""
    return escape(xml_text("" if value is None else str(value)))


def wxr_chunks(
    *, counts: ExportCounts | None = None, chunk_size: int = CHUNK_SIZE
) -> Iterator[bytes]:
    """The WXR 1.2 document as UTF-8 byte chunks of about ``FLUSH_BYTES`` each.

    ``counts``, if given, is updated as items and comments are written. Reads the database
    lazily: consume it inside one request or command (a ``StreamingHttpResponse`` body).
    """
    counts = counts if counts is not None else ExportCounts()
    buffer, size = [], 0
    with _reading():
        for piece in _document(counts, chunk_size):
            buffer.append(piece)
            size += len(piece)
            if size >= FLUSH_BYTES:
                yield "".join(buffer).encode()
                buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode()


def _reading():
    """A transaction on PostgreSQL, so that ``iterator()``'s server-side cursors stream rows
    (outside one they are WITH HOLD, which PostgreSQL fills with every row before the first
    is read). Not on SQLite, where this site's transactions take the write lock at once."""
    if connection.vendor == "postgresql":
        return transaction.atomic()
    return contextlib.nullcontext()


def write_wxr(out: BinaryIO, *, chunk_size: int = CHUNK_SIZE) -> ExportCounts:
    """Write the WXR 1.2 document to the binary file ``out``; returns what was written."""
    counts = ExportCounts()
    for chunk in wxr_chunks(counts=counts, chunk_size=chunk_size):
        out.write(chunk)
    return counts


def _document(counts: ExportCounts, chunk_size: int) -> Iterator[str]:
    yield from _channel_head()
    articles = Article.objects.published().order_by("pk").iterator(chunk_size=chunk_size)
    comments = (
        Comment.objects.filter(article__in=Article.objects.published().values("pk"))
        .order_by("article_id", "pk")
        .values_list(*_COMMENT_FIELDS, named=True)
        .iterator(chunk_size=chunk_size)
    )
    pending = next(comments, None)
    for article in articles:
        yield _item_head(article)
        counts.articles += 1
        # Both streams are in article order: take this article's comments, skip any of an
        # article that is not in the article stream (published between the two queries).
        while pending is not None and pending.article_id <= article.pk:
            if pending.article_id == article.pk:
                yield _comment(pending)
                counts.comments += 1
            pending = next(comments, None)
        yield "\t</item>\n"
    yield "</channel>\n</rss>\n"


def _channel_head() -> Iterator[str]:
    base = site_url()
    namespaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield "<!-- A WordPress eXtended RSS file: comments with their authors' emails and IP "
    yield "addresses. Private: keep it as safe as the site's database. -->\n"
    yield f'<rss version="2.0" {namespaces}>\n<channel>\n'
    yield f"\t<title>{text(base)}</title>\n\t<link>{text(base)}</link>\n"
    yield "\t<description>Articles and comments</description>\n"
    yield f"\t<pubDate>{format_datetime(timezone.now())}</pubDate>\n"
    yield f"\t<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>\n"
    yield f"\t<wp:base_site_url>{text(base)}</wp:base_site_url>\n"
    yield f"\t<wp:base_blog_url>{text(base)}</wp:base_blog_url>\n"
    yield "\t<generator>comments.importers.export</generator>\n"


def _dates(when) -> tuple[str, str]:
    """(site time, GMT) as WordPress writes them: ``YYYY-MM-DD HH:MM:SS``."""
    local = timezone.localtime(when)
    utc = when.astimezone(UTC)
    return f"{local:%Y-%m-%d %H:%M:%S}", f"{utc:%Y-%m-%d %H:%M:%S}"


def _item_head(article: Article) -> str:
    link = site_url(article.get_absolute_url())
    local, gmt = _dates(article.published_at)
    status = "open" if article.comments_open else "closed"
    return (
        "\t<item>\n"
        f"\t\t<title>{cdata(article.title)}</title>\n"
        f"\t\t<link>{text(link)}</link>\n"
        f"\t\t<pubDate>{format_datetime(article.published_at.astimezone(UTC))}"
        "</pubDate>\n"
        f"\t\t<dc:creator>{cdata(article.byline)}</dc:creator>\n"
        f'\t\t<guid isPermaLink="false">{text(link)}</guid>\n'
        "\t\t<description></description>\n"
        f"\t\t<content:encoded>{cdata(article.body_html)}</content:encoded>\n"
        f"\t\t<excerpt:encoded>{cdata(article.summary)}</excerpt:encoded>\n"
        f"\t\t<dsq:thread_identifier>{text(article.slug)}</dsq:thread_identifier>\n"
        f"\t\t<wp:post_id>{article.pk}</wp:post_id>\n"
        f"\t\t<wp:post_date>{local}</wp:post_date>\n"
        f"\t\t<wp:post_date_gmt>{gmt}</wp:post_date_gmt>\n"
        f"\t\t<wp:comment_status>{status}</wp:comment_status>\n"
        "\t\t<wp:ping_status>closed</wp:ping_status>\n"
        f"\t\t<wp:post_name>{text(article.slug)}</wp:post_name>\n"
        "\t\t<wp:status>publish</wp:status>\n"
        "\t\t<wp:post_parent>0</wp:post_parent>\n"
        "\t\t<wp:menu_order>0</wp:menu_order>\n"
        "\t\t<wp:post_type>post</wp:post_type>\n"
        "\t\t<wp:post_password></wp:post_password>\n"
        "\t\t<wp:is_sticky>0</wp:is_sticky>\n"
    )


def _comment(row) -> str:
    local, gmt = _dates(row.created_at)
    parent = row.in_reply_to_id or row.parent_id or 0
    return (
        "\t\t<wp:comment>\n"
        f"\t\t\t<wp:comment_id>{row.pk}</wp:comment_id>\n"
        f"\t\t\t<wp:comment_author>{cdata(row.author_name)}</wp:comment_author>\n"
        f"\t\t\t<wp:comment_author_email>{cdata(row.author_email)}</wp:comment_author_email>\n"
        f"\t\t\t<wp:comment_author_url>{cdata(row.author_url)}</wp:comment_author_url>\n"
        f"\t\t\t<wp:comment_author_IP>{text(row.ip_address)}</wp:comment_author_IP>\n"
        f"\t\t\t<wp:comment_date>{local}</wp:comment_date>\n"
        f"\t\t\t<wp:comment_date_gmt>{gmt}</wp:comment_date_gmt>\n"
        f"\t\t\t<wp:comment_content>{cdata(row.body_html)}</wp:comment_content>\n"
        f"\t\t\t<wp:comment_approved>{WORDPRESS_STATUS[row.status]}</wp:comment_approved>\n"
        "\t\t\t<wp:comment_type>comment</wp:comment_type>\n"
        f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n"
        "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n"
        "\t\t</wp:comment>\n"
    )
