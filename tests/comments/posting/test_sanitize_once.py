"""A write sanitizes a comment's text once: posting runs the sanitizer for the checks and
stores that result, and an edit sanitizes the new text once."""

import pytest

import comments.models.comment as comment_model
import comments.posting.services as posting_services
from comments.models import Comment
from comments.moderation import services
from comments.sanitize import sanitize_comment
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def sanitizer_calls(monkeypatch) -> list[str]:
    calls: list[str] = []

    def counting(text: str) -> str:
        calls.append(text)
        return sanitize_comment(text)

    monkeypatch.setattr(posting_services, "sanitize_comment", counting)
    monkeypatch.setattr(comment_model, "sanitize_comment", counting)
    return calls


def test_posting_a_comment_sanitizes_its_text_once(sanitizer_calls, article):
    comment = posting_services.comment_post(
        article=article,
        body="See https://example.org and <b>this</b>",
        author_name="Ann",
        author_email="ann@example.com",
    )

    assert sanitizer_calls == ["See https://example.org and <b>this</b>"]
    assert '<a href="https://example.org"' in comment.body_html
    assert "<b>this</b>" in comment.body_html


def test_a_moderators_edit_sanitizes_the_new_text_once(sanitizer_calls, article):
    comment = make_comment(article, body="Old")
    sanitizer_calls.clear()

    services.comment_edit(comment=comment, moderator=None, body="New <script>x</script>")

    comment.refresh_from_db()
    assert sanitizer_calls == ["New <script>x</script>"]
    assert "<script>" not in comment.body_html


def test_saving_other_fields_does_not_sanitize_again(sanitizer_calls, article):
    make_comment(article, body="Words")
    sanitizer_calls.clear()

    comment = Comment.objects.get()
    comment.author_name = "Renamed"
    comment.save()
    comment.body = "Changed words"
    comment.save()

    assert sanitizer_calls == ["Changed words"]
    assert Comment.objects.get().body_html == "<p>Changed words</p>"
