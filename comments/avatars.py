"""Avatars drawn on our server from a keyed hash of the commenter's email: no Gravatar.

Gravatar-style avatars put an MD5 of the email in a public URL, which a dictionary of known
addresses reverses. Here the pattern comes from an HMAC keyed with ``SECRET_KEY``: the same
address gets the same avatar on this site, an unrelated one on a site with another key, and
nothing in the image can be traced back to the address without the key. The image is a small
symmetric 5x5 identicon in SVG, sent inline as a ``data:`` URI (the CSP allows ``img-src
data:``), so no request for it leaves the page.
"""

import base64
from functools import lru_cache

from .identity import keyed_digest, normalize_email

GRID = 5
CELL = 8
PADDING = 4
SIZE = GRID * CELL + 2 * PADDING
BACKGROUND = "#f0f3f6"
# For an address we do not have (an anonymised comment): a plain tile, the same for everyone.
BLANK_COLOUR = "#adb5bd"


def _digest(seed: str) -> bytes:
    return bytes.fromhex(keyed_digest("avatar", seed))


def _colour(digest: bytes) -> str:
    """A readable colour on the light background: any hue, fixed saturation and lightness."""
    hue = int.from_bytes(digest[0:2], "big") % 360
    saturation = 45 + digest[2] % 20
    lightness = 38 + digest[3] % 14
    return f"hsl({hue},{saturation}%,{lightness}%)"


def avatar_svg(seed: str) -> str:
    """A symmetric 5x5 identicon as SVG markup, drawn from the HMAC of ``seed``.

    The same seed always gives the same picture on one site (one ``SECRET_KEY``). The markup
    holds only a colour and squares: no part of the hash, nothing of the seed.
    """
    return _svg(_digest(seed))


def _svg(digest: bytes) -> str:
    colour = _colour(digest)
    bits = int.from_bytes(digest[4:8], "big")
    cells = []
    # Three columns are drawn from the hash; the last two mirror the first two.
    for column in range((GRID + 1) // 2):
        for row in range(GRID):
            if bits >> (column * GRID + row) & 1:
                for x in {column, GRID - 1 - column}:
                    cells.append((x, row))
    if not cells:  # an empty pattern reads as a broken image; fill the middle column
        cells = [(GRID // 2, row) for row in range(GRID)]
    squares = "".join(
        f'<rect x="{PADDING + x * CELL}" y="{PADDING + y * CELL}" width="{CELL}" height="{CELL}"/>'
        for x, y in sorted(cells)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}">'
        f'<rect width="{SIZE}" height="{SIZE}" rx="{CELL}" fill="{BACKGROUND}"/>'
        f'<g fill="{colour}">{squares}</g></svg>'
    )


def _as_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


_BLANK_URI = _as_data_uri(
    f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
    f'viewBox="0 0 {SIZE} {SIZE}">'
    f'<rect width="{SIZE}" height="{SIZE}" rx="{CELL}" fill="{BLANK_COLOUR}"/></svg>'
)


# Keyed by the keyed hash, not the address, so the cache holds no email address (and a new
# SECRET_KEY gives new keys). Repeat commenters on a page are drawn once.
@lru_cache(maxsize=4096)
def _data_uri_for(digest: bytes) -> str:
    return _as_data_uri(_svg(digest))


def avatar_data_uri(email: str) -> str:
    """The avatar for an address as a ``data:image/svg+xml;base64,...`` URI.

    Addresses that differ only in letter case or surrounding spaces share an avatar; an empty
    address (an anonymised comment) gets a plain grey tile.
    """
    email = normalize_email(email or "")
    if not email:
        return _BLANK_URI
    return _data_uri_for(_digest(email))
