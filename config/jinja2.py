"""The Jinja2 environment for the site's hottest loops: the comments of a page of a thread,
and the rows of the moderation queue.

Django's own template language renders every page; a thread's comments
(``jinja_templates/comments/``, included by ``{% thread_entries %}``) are rendered with
Jinja2, which compiles a template to Python and renders an 85-comment page in about two
thirds of the time. To keep one output whatever the engine, a value is written exactly as
Django's templates write it:

- ``finalize`` localizes and escapes every ``{{ value }}`` the way ``{{ value }}`` does in a
  Django template (``render_value_in_context``): safe strings (``|safe``, ``mark_safe``,
  ``format_html``: anything with ``__html__``) as they are, any other value escaped with
  ``conditional_escape`` (``'`` as ``&#x27;``), numbers through ``localize``. Jinja2's own
  autoescaping (which writes ``&#39;``) is off.
- The filters are Django's: ``date`` (in the current time zone, as Django's ``date`` filter
  receives it), ``naturaltime``, ``pluralize``, ``urlencode``, and the site's ``avatar``,
  ``comment_url`` and ``inert_links``.

``environment(**options)`` is named by ``TEMPLATES`` (``OPTIONS["environment"]``).
"""

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template import defaultfilters
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.timezone import template_localtime
from jinja2 import Environment, Undefined

from comments.templatetags.avatars import avatar
from comments.templatetags.comment_urls import comment_url
from comments.templatetags.moderation import inert_links


def as_django_writes_it(value) -> str:
    """``value`` as ``{{ value }}`` writes it in a Django template with autoescaping on."""
    if isinstance(value, str):
        return conditional_escape(value)  # as it is if safe: SafeData, Jinja2's |safe
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what ``localize`` gives, without its format lookups
    return conditional_escape(localize(template_localtime(value)))


def date(value, arg=None) -> str:
    """Django's ``date`` filter, given the value in the current time zone as Django's
    templates give it (``expects_localtime``)."""
    return defaultfilters.date(template_localtime(value), arg)


def environment(**options) -> Environment:
    # As Django's templates: a missing value writes nothing (also with DEBUG). Escaping is
    # ``finalize``'s, Django's own, not Jinja2's autoescape (which writes &#39; for ').
    options.update(autoescape=False, undefined=Undefined)
    env = Environment(**options, finalize=as_django_writes_it)  # noqa: S701
    env.filters.update(
        date=date,
        naturaltime=naturaltime,
        pluralize=defaultfilters.pluralize,
        avatar=avatar,
        comment_url=comment_url,
        inert_links=inert_links,
        urlencode=defaultfilters.urlencode,
    )
    return env
