"""``manage.py export_wxr [-o FILE]``: every published article and its comments as WXR 1.2."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comments.importers.export import write_wxr


class Command(BaseCommand):
    help = (
        "Write a WordPress eXtended RSS (WXR 1.2) file of the published articles and all "
        "their comments, which WordPress's and Disqus's importers read. It holds commenters' "
        "emails and IP addresses: keep it as private as the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="write to FILE (default: standard output)"
        )

    def handle(self, *args, output=None, **options):
        if output in (None, "-"):
            # Bytes to the real standard output; text to a stream given to call_command.
            stream = getattr(self.stdout, "_out", sys.stdout)
            binary = getattr(stream, "buffer", None)
            counts = write_wxr(binary if binary is not None else _TextOut(stream))
            stream.flush()
        else:
            path = Path(output)
            try:
                with path.open("wb") as out:
                    counts = write_wxr(out)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}") from error
            except BaseException:
                path.unlink(missing_ok=True)  # no half-written export left behind
                raise
        self.stderr.write(
            f"Exported {counts.articles} article(s) and {counts.comments} comment(s)."
        )


class _TextOut:
    """A binary ``write`` onto a text stream (UTF-8)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, data: bytes) -> None:
        self.stream.write(data.decode())
