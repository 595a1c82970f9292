"""The shared article page, answered before most of the request cycle.

A plain reader's article page (``page_cache.is_shared``: no session, own comments, notice,
saved details or reply target) is the same bytes for everyone in one minute, so once the full
stack has made it, this middleware keeps the finished response (its headers and its body cut
at the per-request slot) and answers the next readers' requests for that address from the
shared cache: two cache round trips, no database, no view, no template. It sits after the
security, permissions-policy and CSP middleware, which still add their headers and redirects
to every answer.

A kept answer names the article's generation and the site's epoch (``page_generation``),
read before the full stack reads the database, and its minute; every committed change raises
the generation, so a page made from data of before the change is never served after it. Only
addresses the view answered with a shared 200 are kept, under their parameters ``cpage`` and
``sort`` alone (nothing else, each once, in any order or spelling), so invented addresses
cannot fill the cache.
A request with ``If-None-Match`` goes the full way (it is answered 304 there, as before).
"""

import hashlib
import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.csp import CSP, build_policy

from . import page_cache, page_generation
from .views import fill_slots

# The response attribute the view sets on a shared page: its body parts (bytes, cut at slots).
SHARED_PARTS = "shared_page_parts"
VERSION = 1
TIMEOUT = 60
# Headers the full stack's inner layers put on a shared page, which every answer repeats.
KEPT_HEADERS = frozenset(
    {"content-type", "cache-control", "vary", "etag", "x-frame-options", "content-language"}
)
ALLOWED_PARAMS = frozenset({"cpage", "sort"})
_ARTICLE_PATH = re.compile(r"^/articles/(?P<slug>[-a-zA-Z0-9_]+)/$")


def _address(request) -> str | None:
    """The one spelling of a shareable article address, or None if this is not one."""
    if request.method != "GET" or "HTTP_IF_NONE_MATCH" in request.META:
        return None
    match = _ARTICLE_PATH.match(request.path_info)
    if match is None or not set(request.GET) <= ALLOWED_PARAMS:
        return None
    if any(len(values) != 1 for _name, values in request.GET.lists()):
        return None  # a repeated parameter: the full way decides what it means
    query = urlencode(sorted(request.GET.items()))  # one key for every spelling of a page
    if not page_cache.is_shared(request):
        return None
    return f"{request.get_host()}{request.path_info}?{query}"


_policy: tuple[object, str] = (None, "")


def _csp_header() -> tuple[str, str] | None:
    """The site's CSP header, built once per configuration (the CSP middleware keeps a header
    already on the response). None when the policy names a nonce: that is per request."""
    global _policy
    config = settings.SECURE_CSP
    if not config or any(CSP.NONCE in values for values in config.values()):
        return None
    if _policy[0] is not config:
        _policy = (config, build_policy(config))
    return str(CSP.HEADER_ENFORCE), _policy[1]


def _key(address: str, generation: tuple[str, str], minute: int) -> str:
    named = hashlib.sha256(address.encode()).hexdigest()[:32]  # any length of address
    return f"fast-page:{VERSION}:{generation[0]}:{generation[1]}:{minute}:{named}"


class SharedPageMiddleware:
    """Answer plain readers' article pages from the shared cache (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        address = _address(request)
        if address is None:
            return self.get_response(request)
        slug = _ARTICLE_PATH.match(request.path_info)["slug"]
        minute = int(time.time() // 60)
        known = page_generation.peek(slug)
        if known is not None:
            kept = cache.get(_key(address, known, minute))
            if kept is not None:
                headers, parts = kept
                body = fill_slots(parts)
                response = HttpResponse(body)
                for name, value in headers:
                    response.headers[name] = value
                # As CommonMiddleware, which this answer skips, gives every full page: without
                # it the server sends the page chunked.
                response.headers["Content-Length"] = str(len(body))
                if (policy := _csp_header()) is not None:
                    response.headers[policy[0]] = policy[1]
                return response
        generation = known or page_generation.current(slug)  # read before the database
        response = self.get_response(request)
        parts = getattr(response, SHARED_PARTS, None)
        if parts is not None and response.status_code == 200 and not response.cookies:
            headers = [(k, v) for k, v in response.items() if k.lower() in KEPT_HEADERS]
            cache.set(_key(address, generation, minute), (headers, parts), TIMEOUT)
        return response
