"""Which article a thread of an export belongs to.

One page is written many ways (``http://www.Example.org/a/?utm=1`` and
``https://example.org/a``): ``normalize_url`` keeps what names the page, so they compare
equal. ``ArticleIndex.find`` tries, in order: the mapping file, the WordPress slug, the
article's ``source_url``, this site's own ``/articles/<slug>/`` path, a Disqus identifier that
is a slug or a link.
"""

import csv
import hashlib
import re
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from django.utils.text import slugify

from articles.models import Article

from .records import SourceThread

_DEFAULT_PORTS = {"", "80", "443"}
_OWN_PATH = re.compile(r"/articles/([-\w]+)/?$")


def normalize_url(url: str) -> str:
    """``url`` without what does not name the page: scheme, host case, ``www.``, default port,
    trailing slash, fragment, and the query string, which is kept (less ``utm_*``) only for
    a site root (WordPress's ``/?p=123`` links). ``""`` for a blank ``url``."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url if "//" in url else f"//{url}" if "." in url.split("/")[0] else url)
    host = (parts.hostname or "").removeprefix("www.")
    try:
        port = "" if parts.port is None else str(parts.port)
    except ValueError:
        port = ""
    path = unquote(parts.path).rstrip("/")
    query = ""
    if not path and parts.query:
        pairs = [(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_")]
        query = urlencode(sorted(pairs))
    netloc = host if port in _DEFAULT_PORTS else f"{host}:{port}"
    return f"{netloc}{path}" + (f"?{query}" if query else "")


SITE_KEY_LENGTH = 64  # leaves room in Comment.source_id (100) for "#" and the comment's id


def site_key(name: str) -> str:
    """The key of an exporting site in source ids: ``normalize_url`` of its URL (a Disqus
    forum's name passes unchanged), at most ``SITE_KEY_LENGTH`` characters (a longer one
    keeps its start and a hash of the whole). ``""`` for a blank ``name``."""
    key = normalize_url(name)
    if len(key) > SITE_KEY_LENGTH:
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        key = f"{key[: SITE_KEY_LENGTH - 17]}~{digest}"
    return key


def slug_for(value: str) -> str:
    """An ASCII slug (this site's URLs take no others) from a WordPress ``post_name`` or title."""
    return slugify(unquote(value or ""))[:200].strip("-")


def read_mapping(path) -> dict[str, str]:
    """``{normalised old URL or identifier: slug}`` from a two-column CSV (old, new).

    ``new`` is a slug or a URL whose last path segment is the slug; a header row and blank
    rows are ignored. Raises ``OSError`` or ``csv.Error`` if the file cannot be read.
    """
    mapping = {}
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.reader(handle):
            if len(row) < 2 or not row[0].strip() or not row[1].strip():
                continue
            old, new = row[0].strip(), row[1].strip()
            slug = new.rstrip("/").rsplit("/", 1)[-1] if "/" in new else new
            mapping[old] = slug
            mapping.setdefault(normalize_url(old), slug)
    return mapping


class ArticleIndex:
    """Finds (and for WordPress posts, creates) the article of each thread, once per thread."""

    def __init__(self, mapping: dict[str, str] | None = None):
        self.mapping = mapping or {}
        self.by_url = {
            normalize_url(url): pk
            for pk, url in Article.objects.exclude(source_url="").values_list("pk", "source_url")
        }
        self.known: dict[str, int | None] = {}  # thread source id -> article pk

    def find(self, thread: SourceThread) -> int | None:
        """The pk of the article ``thread`` belongs to, or None."""
        if thread.source_id and thread.source_id in self.known:
            return self.known[thread.source_id]
        pk = self._search(thread)
        if thread.source_id:
            self.known[thread.source_id] = pk
        return pk

    def remember(self, thread: SourceThread, article: Article) -> None:
        if thread.source_id:
            self.known[thread.source_id] = article.pk
        if article.source_url:
            self.by_url.setdefault(normalize_url(article.source_url), article.pk)

    def _search(self, thread: SourceThread) -> int | None:
        keys = [k for k in (thread.link, thread.identifier, thread.source_id) if k]
        for key in keys:
            slug = self.mapping.get(key) or self.mapping.get(normalize_url(key))
            if slug:
                return self._by_slug(slug)
        slugs = [slug_for(thread.slug)] if thread.slug else []
        for key in (thread.link, thread.identifier):
            if normalized := normalize_url(key):
                if normalized in self.by_url:
                    return self.by_url[normalized]
                if own := _OWN_PATH.search(normalized):
                    slugs.append(own.group(1))
        if thread.identifier and not thread.slug:
            slugs.append(slug_for(thread.identifier))
        for slug in slugs:
            if slug and (pk := self._by_slug(slug)):
                return pk
        return None

    @staticmethod
    def _by_slug(slug: str) -> int | None:
        return Article.objects.filter(slug=slug).values_list("pk", flat=True).first()
