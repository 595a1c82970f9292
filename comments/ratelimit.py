"""Rate limits kept in the shared cache, so every app process sees one count.

With ``REDIS_URL`` set the cache is Redis and ``add``/``incr`` are atomic across processes
and machines; without it the local-memory cache limits each process on its own.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def _key(scope: str, identity: str, suffix: str) -> str:
    # Hash the identity: emails and IPs never appear in cache keys in clear.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{identity}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{suffix}"


def hit(scope: str, identity: str, *, limit: int, period: int) -> int | None:
    """Count one event; return None if it is allowed, else the seconds to wait.

    At most ``limit`` events per fixed window of ``period`` seconds. ``limit=1`` with a short
    period is a minimum gap between events. A falsy ``identity`` or ``limit`` is never limited.
    """
    if not identity or not limit or period <= 0:
        return None
    now = time.time()
    window = int(now // period)
    key = _key(scope, identity, str(window))
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=period + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, int((window + 1) * period - now) + 1)


def reset(scope: str, identity: str, *, period: int) -> None:
    """Forget the current window's count (for tests and for moderators lifting a limit)."""
    cache.delete(_key(scope, identity, str(int(time.time() // period))))


def gap(scope: str, identity: str, *, seconds: int) -> int | None:
    """Allow one event per ``seconds`` (a sliding gap); else return the seconds to wait."""
    if not identity or seconds <= 0:
        return None
    now = time.time()
    key = _key(scope, identity, "gap")
    if cache.add(key, now, timeout=seconds):
        return None
    last = cache.get(key, now)
    return max(1, int(seconds - (now - float(last))) + 1)
