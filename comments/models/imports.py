"""An import started in the admin: its options, how it went, and its report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Who may do what (superusers hold every permission):
# import_comments: upload a WordPress or Disqus export and see the import runs.
# export_comments: download the WXR export, which holds commenters' emails and IP addresses.
IMPORT_PERMISSION = "comments.import_comments"
EXPORT_PERMISSION = "comments.export_comments"


class ImportRun(models.Model):
    """One uploaded file imported by the task ``importers.runs.run_import``.

    ``report`` is ``ImportReport.as_dict()`` (JSON), ``report_text`` its ``as_text()``;
    ``error`` says why a run failed (the file could not be read). The uploaded file itself
    lives in a private temporary directory while the run is queued or running, and is
    deleted when it ends.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    comments_only = models.BooleanField(_("comments only"), default=False)
    dry_run = models.BooleanField(_("dry run"), default=False)
    trust_approved = models.BooleanField(_("trust approved commenters"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    report_text = models.TextField(_("report as text"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        permissions = [
            ("import_comments", _("Can import comments from WordPress or Disqus")),
            ("export_comments", _("Can export every comment with emails and IP addresses")),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
