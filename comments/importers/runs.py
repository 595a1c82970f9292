"""Imports started from the admin: the upload kept privately, the import run as a task.

``import_run_start`` saves an uploaded export to a private temporary file (mode 0600, in
``settings.COMMENTS_IMPORT_DIR`` or the system's temporary directory: never under static or
media, which are served), checks that it is a WordPress or Disqus export it can open, records
an ``ImportRun`` and queues ``run_import``. The task imports the file with
``services.import_file``, stores the report (or why it failed) on the run, and deletes the file.
With the ImmediateBackend (local) it runs at once; with django-tasks-db the worker runs it, so
the worker must see the same directory (the same machine, or a shared ``COMMENTS_IMPORT_DIR``).
"""

import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from ..models import ImportRun
from .services import import_file
from .sources import ImportFileError, open_export

logger = logging.getLogger(__name__)

ALLOWED_SUFFIXES = (".xml", ".gz", ".zip")
DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024 * 1024  # larger files: manage.py import_comments
_COPY_CHUNK = 1 << 20


def max_upload_bytes() -> int:
    """The largest upload the admin takes, in bytes (``COMMENTS_IMPORT_MAX_BYTES``)."""
    return int(getattr(settings, "COMMENTS_IMPORT_MAX_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def import_run_start(
    *, upload, comments_only: bool, dry_run: bool, trust_approved: bool, user=None
) -> ImportRun:
    """Keep ``upload`` (a Django ``UploadedFile``) privately and queue its import.

    Returns the new ``ImportRun`` (already finished under the ImmediateBackend). Raises
    ``ImportFileError`` with a message for the site owner when the file is not an export this
    site can read; nothing is kept then.
    """
    suffix = Path(upload.name or "").suffix.lower()
    directory = getattr(settings, "COMMENTS_IMPORT_DIR", None) or tempfile.gettempdir()
    descriptor, name = tempfile.mkstemp(prefix="comments-import-", suffix=suffix, dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as out:
            for chunk in upload.chunks(_COPY_CHUNK):
                out.write(chunk)
        open_export(name)  # the format and first element, read now: a clear message at once
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    run = ImportRun.objects.create(
        file_name=Path(upload.name or "upload").name[:255],
        file_size=upload.size or 0,
        comments_only=comments_only,
        dry_run=dry_run,
        trust_approved=trust_approved,
        created_by=user,
    )
    # Queued at once: django-tasks-db stores the task in the same database (it commits with
    # the run); the ImmediateBackend runs it now.
    run_import.enqueue(run.pk, name)
    return run


@task
def run_import(run_pk: int, path: str) -> str:
    """Import the file at ``path`` for the ``ImportRun`` ``run_pk``; returns its status.

    The report (``ImportReport.as_dict()`` and ``as_text()``) or the error is stored on the
    run; the file is deleted whatever happens. A run that is not queued (run already, or
    deleted) is left alone.
    """
    try:
        started = ImportRun.objects.filter(pk=run_pk, status=ImportRun.Status.QUEUED).update(
            status=ImportRun.Status.RUNNING, started_at=timezone.now()
        )
        if not started:
            return "skipped"
        run = ImportRun.objects.get(pk=run_pk)
        _import_into(run, path)
        return run.status
    finally:
        Path(path).unlink(missing_ok=True)


def _import_into(run: ImportRun, path: str) -> None:
    report = None
    try:
        report = import_file(
            path,
            comments_only=run.comments_only,
            dry_run=run.dry_run,
            trust_approved=run.trust_approved,
        )
    except ImportFileError as error:
        run.status, run.error = ImportRun.Status.FAILED, str(error)
        report = error.report
    except Exception as error:  # recorded for the admin page instead of lost in a worker
        logger.exception("Import run %s failed", run.pk)
        run.status = ImportRun.Status.FAILED
        run.error = f"The import stopped on an unexpected error ({type(error).__name__}): {error}"
    else:
        run.status = ImportRun.Status.DONE
    if report is not None:
        run.report, run.report_text = report.as_dict(), report.as_text()
    run.finished_at = timezone.now()
    run.save(
        update_fields=["status", "error", "report", "report_text", "finished_at"],
    )
