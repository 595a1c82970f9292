"""Open an export file whatever its packing, and tell which export it is.

``open_export(path)`` returns an ``Export``: the format (``"wxr"`` or ``"disqus"``), a way to
open the XML as a binary stream, and its size if known. Plain files, ``.gz`` and ``.zip`` are
read; a zip must hold exactly one ``.xml`` member (or, with no ``.xml`` member, exactly one
file): one holding several is refused with their names, since which of them is the export is
the owner's choice, not the importer's. Anything that cannot be read, or whose root element is
neither WordPress's ``<rss>`` nor ``<disqus>``, raises ``ImportFileError`` with a message for
the site owner (``describe_read_error``).
"""

import gzip
import io
import os
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

WXR = "wxr"
DISQUS = "disqus"
_CHUNK = 1 << 16
_ZIP_MAGIC = b"PK\x03\x04"


class ImportFileError(Exception):
    """The file cannot be read or parsed; ``report`` holds what was imported before, if any."""

    def __init__(self, message: str, *, report=None):
        super().__init__(message)
        self.report = report


@dataclass(frozen=True, slots=True)
class Export:
    path: Path
    format: str  # WXR or DISQUS
    size: int | None  # bytes of XML, when known before reading (not for .gz)
    _open: Callable[[], io.BufferedIOBase]

    def open(self) -> io.BufferedIOBase:
        """A new binary stream of the XML, from its start."""
        return self._open()


def safe_iterparse(stream, events=("end",)):
    """``iterparse`` with DTD entities and external references refused (defusedxml)."""
    return iterparse(stream, events=events, forbid_dtd=False, forbid_entities=True)


def describe_parse_error(error: Exception, *, packing: str = "", encoding: str = "") -> str:
    """A site owner's sentence for what went wrong reading the XML.

    ``packing`` is ``"gzip"``, ``"zip"`` or ``""`` (plain), ``encoding`` the encoding the
    XML declaration names (``""``: none); both only sharpen the message.
    """
    if isinstance(error, DefusedXmlException):
        return (
            "The file declares XML entities or external references, which no WordPress or "
            "Disqus export needs; it was refused for safety."
        )
    if packing and isinstance(error, (zlib.error, EOFError, gzip.BadGzipFile, zipfile.BadZipFile)):
        return f"The file is not a readable {packing} file (damaged or cut short): {error}."
    if isinstance(error, ParseError):
        line, column = getattr(error, "position", (0, 0))
        reason = str(error).split(":")[0]
        hint = ""
        if "invalid token" in reason or "encoding" in reason:
            hint = (
                f" (is the file in the encoding its first line declares, {encoding}?)"
                if encoding
                else " (the file declares no encoding, so it must be UTF-8; convert it, e.g. "
                "iconv -f latin1 -t utf-8)"
            )
        return f"The file is not well-formed XML at line {line}, column {column}: {reason}{hint}."
    if isinstance(error, (OSError, EOFError, zlib.error, zipfile.BadZipFile)):
        return f"The file cannot be read: {error}."
    if isinstance(error, (LookupError, UnicodeError, ValueError)):
        return f"The file's encoding cannot be read: {error}."
    return f"The file cannot be read: {error}."


_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([-\w.:]+)["']""")


def describe_read_error(error: Exception, path) -> str:
    """``describe_parse_error`` for the file at ``path``: its packing and declared encoding
    are looked up (best effort) to make the message exact."""
    packing, head = "", b""
    try:
        with open(path, "rb") as probe:
            magic = probe.read(4)
        packing = "gzip" if magic[:2] == b"\x1f\x8b" else "zip" if magic == _ZIP_MAGIC else ""
        if isinstance(error, ParseError):
            opener, _size = _opener(Path(path))
            with opener() as stream:
                head = stream.read(512)
    except (ImportFileError, *READ_ERRORS):
        pass
    found = _DECLARED_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    encoding = found.group(1).decode("ascii") if found else ""
    return describe_parse_error(error, packing=packing, encoding=encoding)


READ_ERRORS = (
    DefusedXmlException,
    ParseError,
    OSError,
    EOFError,
    zlib.error,
    zipfile.BadZipFile,
    LookupError,
    UnicodeError,
    ValueError,
)


def _zip_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """The one export in ``archive``: its only ``.xml`` member, else its only member."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    if not members:
        raise ImportFileError("The zip file is empty.")
    xml = [info for info in members if info.filename.lower().endswith(".xml")]
    candidates = xml or members
    if len(candidates) > 1:
        names = ", ".join(info.filename for info in candidates[:10])
        more = f" and {len(candidates) - 10} more" if len(candidates) > 10 else ""
        raise ImportFileError(
            f"The zip file holds {len(candidates)} files that could be the export ({names}{more}); "
            "put one export in the zip, or import each file on its own."
        )
    return candidates[0]


def _opener(path: Path) -> tuple[Callable[[], io.BufferedIOBase], int | None]:
    with open(path, "rb") as probe:
        magic = probe.read(4)
    if magic[:2] == b"\x1f\x8b":
        return (lambda: gzip.open(path, "rb")), None
    if magic == _ZIP_MAGIC:
        with zipfile.ZipFile(path) as archive:
            member = _zip_member(archive)

        def open_member():
            archive = zipfile.ZipFile(path)
            return archive.open(member.filename)

        return open_member, member.file_size
    return (lambda: open(path, "rb")), os.path.getsize(path)


def _root_format(stream) -> str:
    for _event, element in safe_iterparse(stream, events=("start",)):
        local = element.tag.rpartition("}")[2]
        if local == "rss":
            return WXR
        if local == "disqus":
            return DISQUS
        raise ImportFileError(
            f"This is not a WordPress (WXR) or Disqus export: its root element is <{local}>."
        )
    raise ImportFileError("The file holds no XML.")


def open_export(path) -> Export:
    """Find out how to read ``path`` and which export it is (raises ``ImportFileError``)."""
    path = Path(path)
    try:
        opener, size = _opener(path)
        with opener() as stream:
            fmt = _root_format(stream)
    except ImportFileError:
        raise
    except READ_ERRORS as error:
        raise ImportFileError(describe_read_error(error, path)) from error
    return Export(path=path, format=fmt, size=size, _open=opener)


class CountingReader(io.RawIOBase):
    """Reads through ``stream`` and calls ``progress(bytes_read)`` every chunk."""

    def __init__(self, stream, progress: Callable[[int], None] | None):
        self._stream = stream
        self._progress = progress
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(min(len(buffer), _CHUNK))
        buffer[: len(data)] = data
        self.done += len(data)
        if self._progress is not None and data:
            self._progress(len(data))
        return len(data)

    def close(self):
        self._stream.close()
        super().close()
