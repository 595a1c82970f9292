"""Work a new worker does before its first request, so that the first reader after a deploy or
a worker restart is not the one who waits for it.

``warm_up()`` (called by ``config.wsgi`` once the application is loaded) imports every view
and builds the URL resolvers' reverse lookups (which ``{% url %}`` otherwise builds on its
first use), compiles the site's templates (Django's, and the thread's Jinja2 templates) and
the form templates they render (crispy-bootstrap5's) into the engines' caches, loads the
site language's message catalogs and formats, and imports the modules Django otherwise
imports on a first request (``_load_request_modules``): about 50 ms a worker at start,
taken off its first page. Last it collects garbage once and freezes what lives on
(``gc.freeze``), so that a reader's request never pays a full collection over the worker's
modules and templates. It touches no database, cache or file outside the code, and a
template that fails to compile is left for its first request to report (a broken template
is that page's error, not a reason for the worker not to start).
"""

import gc
import logging
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.db import connection
from django.template import TemplateSyntaxError, engines
from django.template.backends.django import DjangoTemplates
from django.urls import URLResolver, get_resolver
from django.utils import formats, translation
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def _template_dirs(engine) -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    dirs = []
    for directory in map(Path, engine.template_dirs):
        directory = directory.resolve()
        ours = directory.is_relative_to(base) and ".venv" not in directory.parts
        if ours or "crispy_bootstrap5" in directory.parts:
            dirs.append(directory)
    return dirs


def _build_lookups(resolver: URLResolver) -> None:
    resolver.reverse_dict  # noqa: B018 (builds this resolver's reverse lookups)
    for pattern in resolver.url_patterns:  # imports the views
        if isinstance(pattern, URLResolver):
            _build_lookups(pattern)


def _load_request_modules() -> None:
    """Import what Django imports on a worker's first request only: the template context
    processors, the message and session storage, the SQL compiler, the cache backend (made,
    not connected: no cache is read or written)."""
    for engine in engines.all():
        if isinstance(engine, DjangoTemplates):
            engine.engine.template_context_processors  # noqa: B018 (imports them)
    import_string(settings.MESSAGE_STORAGE)
    import_string(settings.SESSION_SERIALIZER)
    import_module(connection.ops.compiler_module)
    caches[DEFAULT_CACHE_ALIAS]


def warm_up() -> int:
    """Load every view, build the URL lookups and compile the templates readers' pages use;
    returns how many templates were compiled."""
    _build_lookups(get_resolver())
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Comments")  # loads the language's message catalogs
        formats.get_format("DATE_FORMAT")  # and its date and number formats
    _load_request_modules()
    compiled = 0
    for engine in engines.all():
        for directory in _template_dirs(engine):
            for path in sorted(directory.rglob("*.html")):
                try:
                    engine.get_template(path.relative_to(directory).as_posix())
                except TemplateSyntaxError:
                    logger.warning("template %s does not compile", path)
                    continue
                compiled += 1
    # Everything made so far lives as long as the worker: collect once now, then keep it out
    # of every later collection (``gc.freeze``), so that no reader's request pays for a full
    # pass over the whole heap of modules and templates (40 ms and more, seen on first
    # requests).
    gc.collect()
    gc.freeze()
    return compiled
