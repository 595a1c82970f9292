"""Files that cannot be read whole: a damaged gzip, a zip of several exports, a file in the
wrong encoding, an import stopped part-way: each says what happened, in the command, the
admin and the report's first line."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from comments.importers.services import import_file
from comments.importers.sources import ImportFileError
from comments.models import Comment, ImportRun

pytestmark = pytest.mark.django_db

IMPORT = "/admin/comments/importrun/import/"
CORRUPT_GZIP = b"\x1f\x8b\x08\x00garbage-not-really"
WXR = (
    '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
    "<item><title>Café</title><wp:post_id>{post}</wp:post_id>"
    "<wp:post_name>post-{post}</wp:post_name>"
    "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
    "<wp:post_date_gmt>2024-01-01 10:00:00</wp:post_date_gmt>"
    "<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content>Hi</wp:comment_content>"
    "<wp:comment_date_gmt>2024-01-02 10:00:00</wp:comment_date_gmt>"
    "<wp:comment_approved>1</wp:comment_approved></wp:comment></item>"
)


def wxr(post: int = 1, *, closed: bool = True) -> str:
    return WXR.format(post=post) + ("</channel></rss>" if closed else "")


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pw"))
    return client


def test_a_damaged_gzip_is_a_clear_command_error(tmp_path):
    path = tmp_path / "bad.gz"
    path.write_bytes(CORRUPT_GZIP)
    with pytest.raises(CommandError, match="not a readable gzip file"):
        call_command("import_comments", str(path), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize(
    "data",
    [CORRUPT_GZIP, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"],
    ids=["garbage", "cut short"],
)
def test_a_damaged_gzip_upload_is_refused_in_the_form_not_a_500(admin_client, data):
    upload = SimpleUploadedFile("export.xml.gz", data)
    response = admin_client.post(IMPORT, {"file": upload})

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert "not a readable gzip file" in errors
    assert not ImportRun.objects.exists()


def zipped(tmp_path, **members: str):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name.replace("_", "."), text)
    return path


def test_a_zip_of_two_exports_is_refused_naming_both(tmp_path):
    path = zipped(tmp_path, a_xml=wxr(1), b_xml=wxr(2))
    with pytest.raises(ImportFileError, match=r"2 files .*\(a\.xml, b\.xml\)"):
        import_file(path)
    assert not Comment.objects.exists()


def test_a_zip_of_one_export_and_a_readme_imports_the_export(tmp_path):
    path = zipped(tmp_path, readme_txt="Hello", export_xml=wxr(1))
    assert import_file(path).imported_total == 1


def test_a_latin1_file_without_declaration_is_told_to_be_utf8(tmp_path):
    path = tmp_path / "latin1.xml"
    path.write_bytes(wxr().encode("latin-1"))
    with pytest.raises(ImportFileError) as caught:
        import_file(path)
    message = str(caught.value)
    assert "declares no encoding, so it must be UTF-8" in message
    assert "iconv -f latin1 -t utf-8" in message
    assert "its first line declares" not in message


def test_a_file_not_in_the_encoding_it_declares_is_told_so(tmp_path):
    path = tmp_path / "latin1.xml"
    path.write_bytes(('<?xml version="1.0" encoding="UTF-8"?>' + wxr()).encode("latin-1"))
    with pytest.raises(ImportFileError, match="the encoding its first line declares, UTF-8"):
        import_file(path)


def test_an_import_stopped_part_way_says_so_on_its_first_line(tmp_path):
    path = tmp_path / "cut.xml"
    path.write_text(wxr(1, closed=False) + wxr(2, closed=False)[-300:])
    with pytest.raises(ImportFileError) as caught:
        import_file(path)
    text = caught.value.report.as_text()
    assert text.splitlines()[0].startswith("Import stopped early")
    assert "Import finished" not in text


def test_an_admin_run_that_failed_says_failed_first(admin_client):
    feed = b'<rss version="2.0"><channel><item><title>x</title></item></channel></rss>'
    upload = SimpleUploadedFile("feed.xml", feed)
    # Readable as RSS, so the upload is taken; the import then finds no WordPress elements.
    admin_client.post(IMPORT, {"file": upload})

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.report_text.splitlines()[0].startswith("Import failed")
    assert "Import finished" not in run.report_text
