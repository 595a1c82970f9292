"""Import and export in the admin: who may, what a bad upload says, the report of a run."""

import gzip
import io
import zipfile

import defusedxml.ElementTree as ET
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from comments.models import Comment, ImportRun
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db

IMPORT = "/admin/comments/importrun/import/"
EXPORT = "/admin/comments/importrun/export/"
RUNS = "/admin/comments/importrun/"

WXR = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old blog</title><link>https://old.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<item>
  <title>Imported post</title><link>https://old.example.org/imported-post/</link>
  <content:encoded><![CDATA[Body of the post.]]></content:encoded>
  <wp:post_id>7</wp:post_id><wp:post_date_gmt>2023-01-02 10:00:00</wp:post_date_gmt>
  <wp:post_name>imported-post</wp:post_name><wp:status>publish</wp:status>
  <wp:post_type>post</wp:post_type><wp:comment_status>open</wp:comment_status>
  <wp:comment>
    <wp:comment_id>1</wp:comment_id><wp:comment_author><![CDATA[Old Reader]]></wp:comment_author>
    <wp:comment_author_email>old@example.com</wp:comment_author_email>
    <wp:comment_date_gmt>2023-01-03 10:00:00</wp:comment_date_gmt>
    <wp:comment_content><![CDATA[From the old site.]]></wp:comment_content>
    <wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>
    <wp:comment_type>comment</wp:comment_type>
  </wp:comment>
</item>
</channel></rss>
"""


def user_with(django_user_model, username, *codenames, **fields):
    user = django_user_model.objects.create_user(
        username, f"{username}@example.com", "pw", **fields
    )
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="comments", codename__in=codenames)
    )
    return user


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pw"))
    return client


def upload(name="export.xml", data=WXR, **options):
    return {
        "file": SimpleUploadedFile(name, data, content_type="application/octet-stream"),
        **options,
    }


def services_ready():
    return pytest.importorskip("comments.importers.services")


# Who may -------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for url in (IMPORT, EXPORT, RUNS):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    assert client.post(EXPORT).status_code == 302


@pytest.mark.parametrize("codenames", [(), ("view_comment", "change_comment", "can_moderate")])
def test_staff_without_the_permission_get_403(client, django_user_model, codenames):
    client.force_login(user_with(django_user_model, "staff", *codenames, is_staff=True))
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, upload()).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert client.post(EXPORT).status_code == 403
    assert client.get(RUNS).status_code == 403
    assert not ImportRun.objects.exists()


def test_the_import_permission_alone_does_not_give_the_export(client, django_user_model):
    client.force_login(user_with(django_user_model, "editor", "import_comments", is_staff=True))
    assert client.get(IMPORT).status_code == 200
    assert client.get(RUNS).status_code == 200
    assert client.get(EXPORT).status_code == 403
    assert client.post(EXPORT).status_code == 403


def test_superusers_see_both_pages_and_the_links_to_them(admin_client):
    assert admin_client.get(IMPORT).status_code == 200
    assert admin_client.get(EXPORT).status_code == 200
    comments_list = admin_client.get("/admin/comments/comment/").content.decode()
    assert IMPORT in comments_list and EXPORT in comments_list


def test_a_get_changes_nothing_and_a_post_needs_the_csrf_token(django_user_model, article):
    make_comment(article)
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_superuser("r", "r@example.com", "pw"))
    assert client.get(IMPORT).status_code == 200
    assert client.post(IMPORT, upload()).status_code == 403
    assert client.post(EXPORT).status_code == 403
    assert not ImportRun.objects.exists()


# Bad uploads ---------------------------------------------------------------------------------


def form_errors(response) -> str:
    assert response.status_code == 200
    return " ".join(str(error) for error in response.context["form"].errors.get("file", []))


def test_a_file_of_another_kind_is_refused_with_a_clear_message(admin_client):
    errors = form_errors(admin_client.post(IMPORT, upload(name="export.csv", data=b"a,b")))
    assert "Choose an .xml, .gz or .zip file" in errors


def test_an_empty_file_is_refused(admin_client):
    assert "empty" in form_errors(admin_client.post(IMPORT, upload(data=b"")))


def test_a_file_over_the_limit_names_the_limit_and_the_command(admin_client, settings):
    settings.COMMENTS_IMPORT_MAX_BYTES = 100
    errors = form_errors(admin_client.post(IMPORT, upload()))
    assert "100\xa0bytes" in errors and "manage.py import_comments" in errors


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("export.xml", b"this is not XML at all"),
        ("export.xml", b"<?xml version='1.0'?><html><body>a web page</body></html>"),
        ("export.xml", b"<!DOCTYPE r [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;'>]><rss>&b;</rss>"),
        ("export.xml.gz", b"\x1f\x8b broken gzip"),
        ("export.zip", b"PK\x03\x04 broken zip"),
    ],
)
def test_an_unreadable_file_gets_a_message_and_no_run(admin_client, name, data, tmp_path, settings):
    settings.COMMENTS_IMPORT_DIR = str(tmp_path)
    response = admin_client.post(IMPORT, upload(name=name, data=data))
    assert form_errors(response)
    assert not ImportRun.objects.exists()
    assert list(tmp_path.iterdir()) == []  # nothing kept


def test_a_missing_file_is_asked_for_again(admin_client):
    response = admin_client.post(IMPORT, {"dry_run": "on"})
    assert "required" in form_errors(response)
    assert response.context["form"]["dry_run"].value()  # the options chosen are kept


# Runs ----------------------------------------------------------------------------------------


def test_an_import_runs_as_a_task_and_shows_its_report(admin_client, tmp_path, settings):
    services_ready()
    settings.COMMENTS_IMPORT_DIR = str(tmp_path)
    response = admin_client.post(IMPORT, upload(), follow=True)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.DONE, run.error
    assert response.redirect_chain[-1][0] == f"{RUNS}{run.pk}/change/"
    assert "The import has finished." in response.content.decode()
    assert run.report_text and run.report_text.split()[0] in response.content.decode()
    assert Comment.objects.filter(author_email="old@example.com").count() == 1
    assert list(tmp_path.iterdir()) == []  # the upload is deleted when the run ends


@pytest.mark.parametrize("packing", ["gz", "zip"])
def test_a_dry_run_of_a_packed_file_reports_and_changes_nothing(admin_client, packing):
    services_ready()
    if packing == "gz":
        name, data = "export.xml.gz", gzip.compress(WXR)
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("export.xml", WXR)
        name, data = "export.zip", buffer.getvalue()
    admin_client.post(IMPORT, upload(name=name, data=data, dry_run="on"))
    run = ImportRun.objects.get()
    assert run.dry_run and run.status == ImportRun.Status.DONE, run.error
    assert run.report
    assert not Comment.objects.exists()


def test_the_same_file_twice_adds_nothing_the_second_time(admin_client):
    services_ready()
    admin_client.post(IMPORT, upload())
    admin_client.post(IMPORT, upload())
    assert ImportRun.objects.filter(status=ImportRun.Status.DONE).count() == 2
    assert Comment.objects.count() == 1


def test_a_run_that_fails_while_importing_says_why_instead_of_a_500(
    admin_client, monkeypatch, tmp_path, settings
):
    services_ready()
    from comments.importers import runs

    settings.COMMENTS_IMPORT_DIR = str(tmp_path)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(runs, "import_file", broken)
    response = admin_client.post(IMPORT, upload(), follow=True)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "disk full" in run.error
    assert "disk full" in response.content.decode()
    assert list(tmp_path.iterdir()) == []


# Export --------------------------------------------------------------------------------------


def test_the_export_downloads_as_a_wxr_attachment(admin_client):
    article = make_article(slug="with-comments")
    make_comment(article, author_email="private@example.com", body="Exported text")
    response = admin_client.post(EXPORT)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="comments-')
    assert "no-store" in response["Cache-Control"]
    root = ET.fromstring(b"".join(response.streaming_content))
    emails = [e.text for e in root.iter("{http://wordpress.org/export/1.2/}comment_author_email")]
    assert emails == ["private@example.com"]


def test_the_export_page_warns_that_the_file_holds_emails(admin_client):
    page = admin_client.get(EXPORT).content.decode()
    assert "email and IP address" in page
    assert '<form method="post">' in page  # a GET shows the page; the download is a POST
