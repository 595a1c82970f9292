"""Numbers a moderator's form or address carries (comment, log row, reason, article ids).

``"²".isdigit()`` is true but ``int("²")`` fails, and a 30-digit id overflows the database's
integer: each answered 500. An id is ASCII digits of a sane length (``forms.parse_id``), and
anything else is ignored like any other unknown id.
"""

import pytest

from comments.models import Comment, ModerationLog
from comments.moderation.forms import parse_id, removal_choice
from comments.moderation.undo import parse_ids
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db
ODD = ["²", "١٢", "9" * 30, "9" * 5000, " 12 ", "-3", "+3", "1_0", ""]


@pytest.mark.parametrize("text", ODD)
def test_parse_id_reads_only_plain_digits(text):
    assert parse_id(text) == (12 if text == " 12 " else None)


def test_parse_id_reads_an_id():
    assert parse_id("42") == 42


@pytest.mark.parametrize("value", ["²", "9" * 30, "9" * 5000])
def test_odd_ids_in_the_queue_forms_are_ignored(mod_client, value):
    comment = make_comment(make_article(), status=Comment.Status.PENDING)

    answers = [
        mod_client.post("/moderation/act/", {"row_action": f"approve:{value}"}),
        mod_client.post("/moderation/act/", {"bulk_action": "approve", "selected": [value]}),
        mod_client.post("/moderation/undo/", {"logs": value}),
        mod_client.post(
            "/moderation/act/", {"row_action": f"remove:{comment.pk}", "reason": value}
        ),
        mod_client.get("/moderation/", {"article": value}),
    ]

    assert [answer.status_code for answer in answers] == [302, 302, 302, 302, 200]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED  # the removal went through, no reason
    assert ModerationLog.objects.get(comment=comment).reason is None


def test_undo_and_reason_read_real_ids():
    assert parse_ids("3, 4,²,x,5") == [3, 4, 5]
    assert removal_choice({"reason": "²"}) == {"reason": None, "note": ""}


@pytest.mark.parametrize("months", ["²", "9" * 30, "9" * 5000])
def test_the_transparency_csv_takes_odd_months(admin_client, months):
    response = admin_client.get(
        "/admin/comments/removalreason/transparency.csv", {"months": months}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
