"""The project's own system checks, registered by ``config.apps.SiteConfig.ready()``.

Run with ``manage.py check --deploy`` (``make check``, and so ``make test``, runs it with
production settings).
"""

import ipaddress
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# Cache backends that the app processes (and the task worker) would not share, with why that
# matters here: the data-link hand-off and the shared pages live in the cache (the rate-limit
# counts live in the database, comments/models/rate_counts.py).
NOT_SHARED = {
    "django.core.cache.backends.locmem.LocMemCache": (
        "keeps one cache in each process, so the task worker never sees a data-link request "
        "and every process renders each shared page on its own"
    ),
    "django.core.cache.backends.dummy.DummyCache": (
        "keeps nothing, so the task worker never sees a data-link request"
    ),
    "django.core.cache.backends.filebased.FileBasedCache": (
        "is not shared between machines, so a worker on another never sees a data-link request"
    ),
}


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs) -> list[Error]:
    """config.E001 when DEBUG is off and the default cache is not one every process shares."""
    if settings.DEBUG:
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    why = NOT_SHARED.get(backend)
    if why is None:
        return []
    return [
        Error(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) {why}.",
            hint=(
                "Set REDIS_URL (Redis), or DJANGO_CACHE=database and run "
                "`manage.py createcachetable` (the database cache)."
            ),
            id="config.E001",
        )
    ]


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
PRIVATE_SUFFIXES = (".localhost", ".localdomain", ".local", ".internal", ".lan", ".home.arpa")


def _not_a_public_name(host: str) -> bool:
    """True for a host mail and links cannot reach from outside: none, no dot, a loopback or
    private-use name, or an IP address (mail from an address literal is treated as spam)."""
    if not host or host in LOOPBACK_HOSTS or ("." not in host and ":" not in host):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host.endswith(PRIVATE_SUFFIXES)
    return True


@register(deploy=True)
def check_mail_identity(app_configs, **kwargs) -> list[Warning]:
    """Warnings when production mail would come from, or link to, a developer's machine.

    config.W001: ``DEFAULT_FROM_EMAIL`` is Django's ``webmaster@localhost`` (or any address at
    a host without a dot), which receiving servers reject or file as spam. config.W002:
    ``SITE_URL`` names this machine (the ``http://127.0.0.1:8000`` default), a private name or
    an address, or is not https, so links in mail lead nowhere or in clear. Silent with DEBUG
    on or with ``DJANGO_LOCAL_HTTP`` (production tried on this machine, where both are right).
    """
    if settings.DEBUG or getattr(settings, "LOCAL_HTTP", False):
        return []
    warnings = []
    _name, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = sender.rpartition("@")[2].lower().strip("[]")
    if _not_a_public_name(domain):
        warnings.append(
            Warning(
                f"Mail to commenters and moderators is sent from {settings.DEFAULT_FROM_EMAIL!r}, "
                "an address other mail servers reject or treat as spam.",
                hint="Set DEFAULT_FROM_EMAIL to an address at the site's domain, "
                "e.g. DEFAULT_FROM_EMAIL=news@news.example.org.",
                id="config.W001",
            )
        )
    parts = urlsplit(settings.SITE_URL)
    host = (parts.hostname or "").lower()
    if _not_a_public_name(host) or parts.scheme != "https":
        warnings.append(
            Warning(
                f"SITE_URL is {settings.SITE_URL!r}: links in mail (confirm, unsubscribe, "
                "data access) would point at this machine, not at the public site.",
                hint="Set SITE_URL to the site's public address, e.g. "
                "SITE_URL=https://news.example.org.",
                id="config.W002",
            )
        )
    return warnings


@register(Tags.security, deploy=True)
def check_local_http(app_configs, **kwargs) -> list[Warning]:
    """config.W003 while ``DJANGO_LOCAL_HTTP`` serves production settings over plain http."""
    if settings.DEBUG or not getattr(settings, "LOCAL_HTTP", False):
        return []
    return [
        Warning(
            "DJANGO_LOCAL_HTTP is on: plain http, no HSTS, cookies without Secure and mail "
            "printed to the console. It is for trying the site on this machine only.",
            hint="Leave DJANGO_LOCAL_HTTP unset on a public server.",
            id="config.W003",
        )
    ]


@register(deploy=True)
def check_task_worker(app_configs, **kwargs) -> list[Warning]:
    """config.W004 when production runs its tasks inside the requests that queue them.

    With the immediate backend a post from a known address sends its "confirm it's you" mail
    before answering, and the data-request page's after-answer work holds the worker: both
    take measurably longer for an address that has data here, which tells a stranger so, and
    a slow mail server slows the page. ``DJANGO_TASKS_BACKEND=database`` with ``db_worker``
    sends mail outside every request. Silent with DEBUG on or ``DJANGO_LOCAL_HTTP``.
    """
    if settings.DEBUG or getattr(settings, "LOCAL_HTTP", False):
        return []
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if not backend.endswith("ImmediateBackend"):
        return []
    return [
        Warning(
            "Tasks (all mail) run inside the web requests that queue them.",
            hint="Set DJANGO_TASKS_BACKEND=database and run `manage.py db_worker` beside the "
            "site: mail then never slows a page or tells by its timing whether an address "
            "has commented here.",
            id="config.W004",
        )
    ]
