"""Open an export file whatever its packing, and tell which export it is.

``open_export(path)`` returns an ``Export``: the format (``"wxr"`` or ``"disqus"``), a way to
open the XML as a binary stream, and its size if known. Plain files, ``.gz`` and ``.zip`` (the
first ``.xml`` member, else the first member) are read; anything that cannot be read, or
whose root element is neither WordPress's ``<rss>`` nor ``<disqus>``, raises
``ImportFileError`` with a message for the site owner.
"""

import gzip
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

WXR = "wxr"
DISQUS = "disqus"
_CHUNK = 1 << 16


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


def describe_parse_error(error: Exception) -> str:
    """A site owner's sentence for what went wrong reading the XML."""
    if isinstance(error, DefusedXmlException):
        return (
            "The file declares XML entities or external references, which no WordPress or "
            "Disqus export needs; it was refused for safety."
        )
    if isinstance(error, ParseError):
        line, column = getattr(error, "position", (0, 0))
        reason = str(error).split(":")[0]
        hint = (
            " (is the file in the encoding its first line declares?)"
            if "invalid token" in reason or "encoding" in reason
            else ""
        )
        return f"The file is not well-formed XML at line {line}, column {column}: {reason}{hint}."
    if isinstance(error, (OSError, EOFError, zipfile.BadZipFile, gzip.BadGzipFile)):
        return f"The file cannot be read: {error}."
    if isinstance(error, (LookupError, UnicodeError, ValueError)):
        return f"The file's encoding cannot be read: {error}."
    return f"The file cannot be read: {error}."


READ_ERRORS = (
    DefusedXmlException,
    ParseError,
    OSError,
    EOFError,
    zipfile.BadZipFile,
    LookupError,
    UnicodeError,
    ValueError,
)


def _opener(path: Path) -> tuple[Callable[[], io.BufferedIOBase], int | None]:
    with open(path, "rb") as probe:
        magic = probe.read(4)
    if magic[:2] == b"\x1f\x8b":
        return (lambda: gzip.open(path, "rb")), None
    if magic == b"PK\x03\x04":
        with zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if not members:
                raise ImportFileError("The zip file is empty.")
            xml = [info for info in members if info.filename.lower().endswith(".xml")]
            member = (xml or members)[0]

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
        raise ImportFileError(describe_parse_error(error)) from error
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
