"""Hebrew and Arabic comments read right to left, and a name never reorders what is around it.

Comment text gets ``dir="auto"`` (the browser takes the direction from its first strong
letter); a name shown inside an English sentence is isolated in ``<bdi>``; plain-text mail,
which has no ``<bdi>``, wraps names in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone

from comments.models import Comment, Subscriber
from comments.moderation import services
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db

HEBREW_NAME = "אורית כהן"
ARABIC_NAME = "مريم العلي"
HEBREW_TEXT = "תודה רבה! עיסוי עזר לי מאוד."
ARABIC_TEXT = "شكرا جزيلا، التدليك ساعدني كثيرا."
FSI, PDI = "\u2068", "\u2069"


def content_direction(html: str, text: str) -> str:
    """The dir attribute of the element that holds ``text`` as comment content."""
    match = re.search(r'<(?:div|blockquote) class="[^"]*comment-content"([^>]*)><p>' + text, html)
    assert match, f"{text!r} is shown as comment content"
    found = re.search(r'dir="(\w+)"', match.group(1))
    return found.group(1) if found else ""


@pytest.fixture
def staff(moderator):
    client = Client()
    client.force_login(moderator)
    return client


@pytest.mark.parametrize("name, text", [(HEBREW_NAME, HEBREW_TEXT), (ARABIC_NAME, ARABIC_TEXT)])
def test_a_right_to_left_comment_takes_its_direction_and_its_name_is_isolated_in_the_thread(
    client, article, name, text
):
    comment = make_comment(article, author_name=name, body=text)

    page = client.get(article.get_absolute_url()).content.decode()
    assert content_direction(page, text) == "auto"
    assert f"<bdi>{name}</bdi>" in page

    reply_form = client.get(f"{article.get_absolute_url()}?replytocom={comment.pk}").content
    assert f"Leave a Reply to <bdi>{name}</bdi>" in reply_form.decode()


def test_a_linked_name_is_isolated_inside_its_link(client, article):
    make_comment(article, author_name=HEBREW_NAME, author_url="https://example.org/")

    page = client.get(article.get_absolute_url()).content.decode()

    assert re.search(rf'rel="nofollow ugc external"><bdi>{HEBREW_NAME}</bdi></a>', page)


def test_the_queue_and_the_comment_page_isolate_names_and_let_text_take_its_direction(
    staff, article
):
    parent = make_comment(article, author_name=ARABIC_NAME, body=ARABIC_TEXT)
    reply = make_comment(
        article,
        author_name=HEBREW_NAME,
        body=HEBREW_TEXT,
        parent=parent,
        status=Comment.Status.PENDING,
    )

    queue = staff.get("/moderation/?status=pending").content.decode()
    assert f"<bdi>{HEBREW_NAME}</bdi>" in queue
    assert f"<bdi>{ARABIC_NAME}</bdi></a>" in queue, "replying to a right-to-left name"
    assert content_direction(queue, HEBREW_TEXT) == "auto"

    detail = staff.get(f"/moderation/comment/{reply.pk}/").content.decode()
    assert f"by <bdi>{HEBREW_NAME}</bdi></h1>" in detail
    assert content_direction(detail, HEBREW_TEXT) == "auto"
    assert detail.count('dir="auto"') >= 3, "the reply and edit boxes too"


def test_the_moderation_log_isolates_a_moderators_name(django_user_model, article):
    moderator = django_user_model.objects.create_user("אבי", "avi@example.com", "pw")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    comment = make_comment(article, status=Comment.Status.PENDING)
    services.comments_approve(comments=[comment], moderator=moderator)
    client = Client()
    client.force_login(moderator)

    log = client.get("/moderation/log/").content.decode()

    assert "<bdi>אבי</bdi>" in log


def test_the_report_page_isolates_the_name_and_lets_the_text_take_its_direction(client, article):
    comment = make_comment(article, author_name=ARABIC_NAME, body=ARABIC_TEXT)

    page = client.get(f"/comments/{comment.pk}/report/").content.decode()

    assert f"<strong><bdi>{ARABIC_NAME}</bdi></strong>" in page
    assert content_direction(page, ARABIC_TEXT) == "auto"


def test_the_reply_mail_isolates_the_repliers_name_in_subject_and_body(
    post, approve, article, settings
):
    settings.COMMENTS_MODERATION = "pre"
    parent = make_comment(article, body="Question", notify_replies=True)
    Subscriber.objects.create(email=parent.author_email, confirmed_at=timezone.now())
    reply = post(article, name=ARABIC_NAME, email="m@example.com", parent_id=parent.pk)
    approve(reply)

    (message,) = [m for m in mail.outbox if parent.author_email in m.to]
    assert f"{FSI}{ARABIC_NAME}{PDI} replied to your comment" in message.subject
    assert f"{FSI}{ARABIC_NAME}{PDI} replied to your comment" in message.body


def test_the_moderators_mail_isolates_the_commenters_name(post, moderator, article, settings):
    settings.COMMENTS_MODERATION = "pre"

    post(article, name=HEBREW_NAME, body=HEBREW_TEXT)

    (message,) = mail.outbox
    assert f"{FSI}{HEBREW_NAME}{PDI} <walter.private@example.com>" in message.body
