"""``manage.py import_comments FILE``: import a WordPress (WXR) or Disqus export.

Exit status 0 when the file was read, whatever it could not place (the report says what);
non-zero (``CommandError``) only when the file, or the mapping file, cannot be read or parsed.
"""

import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from comments.importers.matching import read_mapping
from comments.importers.services import import_file
from comments.importers.sources import ImportFileError


class Command(BaseCommand):
    help = (
        "Import comments (and, from WordPress, published posts as articles) from a WordPress "
        "WXR 1.0-1.2 or Disqus export: plain, .gz or .zip. Running it again adds only what is "
        "missing. No mail is sent."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export file (.xml, .xml.gz or .zip)")
        parser.add_argument(
            "--comments-only",
            action="store_true",
            help="create no articles; list the threads no existing article matches",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would happen; write nothing"
        )
        parser.add_argument(
            "--trust-approved",
            action="store_true",
            help="imported approved commenters count as returning commenters for moderation",
        )
        parser.add_argument(
            "--map",
            metavar="CSV",
            help="two columns: an old URL or Disqus identifier, and the article's slug or URL",
        )

    def handle(self, *args, file, comments_only, dry_run, trust_approved, map=None, **options):
        url_map = None
        if map:
            try:
                url_map = read_mapping(map)
            except (OSError, csv.Error, UnicodeError) as error:
                raise CommandError(f"Cannot read the mapping file {map}: {error}") from error
        bar = _progress_bar(self.stderr)
        try:
            report = import_file(
                file,
                comments_only=comments_only,
                dry_run=dry_run,
                trust_approved=trust_approved,
                url_map=url_map,
                progress=bar.update if bar else None,
            )
        except ImportFileError as error:
            if error.report is not None and error.report.imported_total:
                self.stdout.write(error.report.as_text())
            raise CommandError(str(error)) from error
        finally:
            if bar:
                bar.close()
        self.stdout.write(report.as_text())


class _Bar:
    """A tqdm bar over the bytes of XML read, shown only on a terminal."""

    def __init__(self, stream):
        self.stream = stream
        self.bar = None

    def update(self, size: int, total: int | None) -> None:
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total, unit="B", unit_scale=True, file=self.stream, desc="Importing"
            )
        self.bar.update(size)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _progress_bar(stderr) -> _Bar | None:
    stream = getattr(stderr, "_out", sys.stderr)
    isatty = getattr(stream, "isatty", None)
    return _Bar(stream) if isatty is not None and isatty() else None
