"""A held comment is seen by the browser that posted it and by nobody else.

Each test has more than one commenter with a held comment, so a rule that shows "held comments"
to anyone who has one of their own (instead of only *their* own) cannot pass.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db

AWAITING = "awaiting moderation"
ANN_TEXT = "Ann asks whether cold showers calm MS fatigue."
BEN_TEXT = "Ben wonders if magnesium helps night cramps."


@pytest.fixture(autouse=True)
def _first_comments_are_held(settings):
    settings.COMMENTS_MODERATION = "auto"


def post_held(client: Client, article, comment_data: dict, *, text: str, email: str) -> Comment:
    """Post through the form as a first-time commenter; the comment is held."""
    response = client.post(
        reverse("comments:post", kwargs={"slug": article.slug}),
        {**comment_data, "comment": text, "email": email, "name": email.split("@")[0]},
    )
    assert response.status_code == 302
    comment = Comment.objects.get(body=text)
    assert comment.status == Comment.Status.PENDING
    return comment


def page(client: Client, article) -> str:
    response = client.get(reverse("articles:detail", kwargs={"slug": article.slug}))
    assert response.status_code == 200
    return response.content.decode()


def shown(html: str, comment: Comment) -> str:
    """The markup of one comment in the page ("" if it is not there)."""
    match = re.search(rf'<li id="comment-{comment.pk}".*?</article>', html, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def two_held(article, comment_data):
    """Ann and Ben, each in their own browser, each with a held comment on the article."""
    ann, ben = Client(), Client()
    ann_comment = post_held(
        ann, article, comment_data, text=ANN_TEXT, email="ann.private@example.com"
    )
    ben_comment = post_held(
        ben, article, comment_data, text=BEN_TEXT, email="ben.private@example.org"
    )
    return ann, ann_comment, ben, ben_comment


def test_a_held_comment_is_never_shown_to_another_commenter_with_a_held_comment(article, two_held):
    _ann, ann_comment, ben, ben_comment = two_held
    make_comment(article, body="A published comment everybody sees.")

    bens_page = page(ben, article)

    assert BEN_TEXT in shown(bens_page, ben_comment)
    assert AWAITING in shown(bens_page, ben_comment)
    assert shown(bens_page, ann_comment) == ""
    assert ANN_TEXT not in bens_page
    assert bens_page.count(AWAITING) == 1
    assert "A published comment everybody sees." in bens_page


def test_each_commenter_sees_only_their_own_held_comment(article, two_held):
    ann, ann_comment, _ben, _ben_comment = two_held

    anns_page = page(ann, article)

    assert ANN_TEXT in shown(anns_page, ann_comment)
    assert AWAITING in shown(anns_page, ann_comment)
    assert BEN_TEXT not in anns_page
    assert anns_page.count(AWAITING) == 1


def test_a_plain_reader_sees_no_held_comment_of_anyone(article, two_held):
    ann, _ann_comment, ben, _ben_comment = two_held
    # The commenters look first, so a personal page that leaked into a shared one would show.
    page(ann, article)
    page(ben, article)

    readers_page = page(Client(), article)

    assert ANN_TEXT not in readers_page
    assert BEN_TEXT not in readers_page
    assert AWAITING not in readers_page


def test_another_commenter_cannot_open_a_held_comment_by_its_permalink(article, two_held):
    ann, ann_comment, ben, ben_comment = two_held

    assert ben.get(ann_comment.get_absolute_url()).status_code == 404
    assert ann.get(ben_comment.get_absolute_url()).status_code == 404
    assert Client().get(ann_comment.get_absolute_url()).status_code == 404
    # The author's own permalink still leads to the comment in the thread.
    own = ann.get(ann_comment.get_absolute_url())
    assert own.status_code == 302
    assert own["Location"].endswith(f"#comment-{ann_comment.pk}")


@pytest.mark.parametrize("action", ["spam", "remove"])
def test_a_commenter_no_longer_sees_their_comment_once_a_moderator_rejected_it(
    article, two_held, django_user_model, action
):
    ann, ann_comment, ben, _ben_comment = two_held
    moderator = django_user_model.objects.create_user("mia", "mia@example.com", "pw")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    desk = Client()
    desk.force_login(moderator)

    response = desk.post(reverse("moderation:act"), {"row_action": f"{action}:{ann_comment.pk}"})

    assert response.status_code == 302
    ann_comment.refresh_from_db()
    assert ann_comment.status != Comment.Status.PENDING
    anns_page = page(ann, article)
    assert ANN_TEXT not in anns_page
    assert AWAITING not in anns_page
    assert ann.get(ann_comment.get_absolute_url()).status_code == 404
    # Ben's held comment is untouched and still only his.
    assert BEN_TEXT in page(ben, article)
