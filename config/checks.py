"""The project's own system checks, registered by ``config.apps.SiteConfig.ready()``.

Run with ``manage.py check --deploy`` (``make check``, and so ``make test``, runs it with
production settings).
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

# Cache backends that the app processes (and the task worker) would not share, with why that
# matters here: the rate limits, the data-link hand-off and the shared pages live in the cache.
NOT_SHARED = {
    "django.core.cache.backends.locmem.LocMemCache": (
        "keeps one cache in each process, so every process counts rate limits on its own and "
        "the task worker never sees a data-link request"
    ),
    "django.core.cache.backends.dummy.DummyCache": (
        "keeps nothing, so no rate limit ever counts past one"
    ),
    "django.core.cache.backends.filebased.FileBasedCache": (
        "is not shared between machines and does not count atomically"
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
