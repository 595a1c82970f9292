"""Feed generators whose output is well-formed XML 1.0 for any text stored."""

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.functional import Promise

from .sanitize import xml_text


def _xml_value(value):
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_value(item) for item in value)
    return value


class XmlTextFeedMixin:
    """A feed generator that writes only text XML 1.0 can hold: every feed's last guard.

    Every string given for the feed or an item (titles, descriptions, author names, links,
    categories) loses its ``UNUSABLE_CHARACTERS`` (``xml_text``), whoever stored it and
    whenever: a comment stored before the form refused them, an article title typed in the
    admin. Without this Django answers 200 with XML no parser reads (U+FFFF), or a 500 (C0).
    """

    def __init__(self, *args, **kwargs):
        args = [_xml_value(value) for value in args]
        super().__init__(*args, **{key: _xml_value(value) for key, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        args = [_xml_value(value) for value in args]
        super().add_item(*args, **{key: _xml_value(value) for key, value in kwargs.items()})


class XmlTextRssFeed(XmlTextFeedMixin, Rss201rev2Feed):
    """RSS 2.0 that is well-formed for any text (``XmlTextFeedMixin``)."""


class XmlTextAtomFeed(XmlTextFeedMixin, Atom1Feed):
    """Atom 1.0 that is well-formed for any text (``XmlTextFeedMixin``)."""
