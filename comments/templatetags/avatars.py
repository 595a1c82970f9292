from django import template

from ..avatars import avatar_data_uri

register = template.Library()


@register.filter
def avatar(comment) -> str:
    """``{{ comment|avatar }}``: the comment author's avatar as a ``data:`` URI for ``<img src>``.

    Drawn from a keyed hash of the email (see ``comments.avatars``); never the email or a plain
    hash of it. Repeated addresses on a page are drawn once (the URIs are cached per process).

    A comment awaiting moderation (which only the browser that posted it sees) gets the plain
    tile: its author typed the address but has not yet been published under it, and the
    address's avatar would tell them which published comments are by that address.
    """
    if getattr(comment, "awaiting_moderation", False):
        return avatar_data_uri("")
    return avatar_data_uri(getattr(comment, "author_email", "") or "")
