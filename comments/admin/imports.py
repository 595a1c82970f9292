"""Import comments from WordPress or Disqus, and export them as WordPress WXR, in the admin.

Who may: holders of ``comments.import_comments`` upload exports and see the import runs;
holders of ``comments.export_comments`` download the WXR export, which holds every commenter's
email and IP address. Superusers hold both; give them to others one by one, never to the
Moderators group. Uploads and downloads are POSTs (CSRF-checked); a GET shows a page and
changes nothing.

The runs list (``/admin/comments/importrun/``) shows each import with its report; its
"Import comments" page (``import/``) takes the upload, its "Export as WordPress WXR" page
(``export/``) streams the file.
"""

from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..importers import runs
from ..importers.export import wxr_chunks
from ..importers.sources import ImportFileError
from ..models import EXPORT_PERMISSION, IMPORT_PERMISSION, ImportRun
from .base import ReadOnlyMixin


class ImportForm(forms.Form):
    """An export file and the import's options, as ``manage.py import_comments`` takes them."""

    file = forms.FileField(
        label=_("Export file"),
        help_text=_(
            "A WordPress export (Tools > Export, a WXR .xml file) or a Disqus export; "
            "plain .xml, or packed as .gz or .zip."
        ),
    )
    comments_only = forms.BooleanField(
        label=_("Comments only"),
        required=False,
        help_text=_(
            "Create no articles: attach comments to the articles already here (matched by "
            "their old address or slug). The report lists what could not be placed."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"),
        required=False,
        help_text=_("Read the whole file and report what would happen; change nothing."),
    )
    trust_approved = forms.BooleanField(
        label=_("Trust approved commenters"),
        required=False,
        help_text=_(
            "Count the authors of imported approved comments as known commenters for "
            "moderation. Leave it off unless you trust the old site's moderation."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = runs.max_upload_bytes()
        if Path(upload.name or "").suffix.lower() not in runs.ALLOWED_SUFFIXES:
            raise forms.ValidationError(
                _("Choose an .xml, .gz or .zip file (a WordPress or Disqus export).")
            )
        if not upload.size:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s; the admin takes files up to %(limit)s. Import it on "
                    "the server with “manage.py import_comments FILE”, which reads any size."
                )
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "file_name", "status", "options", "created_by", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    fields = [
        "file_name",
        "file_size",
        "status",
        "options",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "error",
        "report_display",
    ]
    readonly_fields = ["options", "report_display"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(IMPORT_PERMISSION)

    def has_module_permission(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)

    @admin.display(description=_("options"))
    def options(self, run):
        chosen = [
            label
            for label, on in (
                (_("comments only"), run.comments_only),
                (_("dry run"), run.dry_run),
                (_("trust approved"), run.trust_approved),
            )
            if on
        ]
        return ", ".join(str(label) for label in chosen) or "—"

    @admin.display(description=_("report"))
    def report_display(self, run):
        if not run.report_text:
            return "—" if run.is_finished else _("Not finished yet: reload this page later.")
        return format_html('<pre class="import-report">{}</pre>', run.report_text)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="comments_importrun_import",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="comments_importrun_export",
            ),
            *super().get_urls(),
        ]

    def _page(self, request, template, title, **context):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            **context,
        }
        return TemplateResponse(request, template, context)

    def import_view(self, request):
        """The upload form; a valid upload starts a run and leads to its report."""
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                run = runs.import_run_start(
                    upload=form.cleaned_data["file"],
                    comments_only=form.cleaned_data["comments_only"],
                    dry_run=form.cleaned_data["dry_run"],
                    trust_approved=form.cleaned_data["trust_approved"],
                    user=request.user,
                )
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                run.refresh_from_db()
                self._announce(request, run)
                return redirect("admin:comments_importrun_change", run.pk)
        return self._page(
            request,
            "admin/comments/import_comments.html",
            _("Import comments"),
            form=form,
            limit=runs.max_upload_bytes(),
        )

    def _announce(self, request, run):
        if run.status == ImportRun.Status.DONE:
            self.message_user(request, _("The import has finished."), messages.SUCCESS)
        elif run.status == ImportRun.Status.FAILED:
            self.message_user(request, _("The import failed: %s") % run.error, messages.ERROR)
        else:
            self.message_user(
                request,
                _("The import is queued; reload this page to see its report when it is done."),
                messages.INFO,
            )

    def export_view(self, request):
        """A page that explains the export; its button (a POST) downloads the WXR file."""
        if not request.user.has_perm(EXPORT_PERMISSION):
            raise PermissionDenied
        if request.method == "POST":
            response = StreamingHttpResponse(
                wxr_chunks(), content_type="application/rss+xml; charset=utf-8"
            )
            filename = f"comments-{timezone.localdate():%Y-%m-%d}.wxr.xml"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return self._page(
            request,
            "admin/comments/export_wxr.html",
            _("Export as WordPress WXR"),
            runs_url=reverse("admin:comments_importrun_changelist"),
        )
