"""Ask the experts: in Q&A mode readers' questions are held until an expert answers them.

Answered questions come first, with the expert's answer under an Expert badge; a question
nobody has answered or approved is seen by staff who may answer (and by the browser that asked
it, as awaiting moderation), never by other readers.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment, ModerationLog, StaffProfile
from comments.moderation.answers import question_answer
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db

Status = Comment.Status
T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def qa_article():
    return make_article(title="Ask a nurse about sleep", qa_mode=True)


@pytest.fixture
def expert(django_user_model):
    user = django_user_model.objects.create_user("ana_r", "ana@example.org", "pw")
    user.groups.add(Group.objects.get(name="Experts"))
    StaffProfile.objects.create(user=user, display_name="Dr. Ana Ruiz, sleep nurse")
    return user


@pytest.fixture
def expert_client(expert):
    client = Client()
    client.force_login(expert)
    return client


def ask(client, article, comment_data, text="Is melatonin safe every night?"):
    return client.post(f"/articles/{article.slug}/comments/", {**comment_data, "comment": text})


def test_the_experts_group_may_answer(expert):
    assert expert.has_perm("comments.can_answer")
    assert not expert.has_perm("comments.can_moderate")


def test_a_question_is_held_with_its_reason_even_where_comments_publish_at_once(
    post, settings, qa_article
):
    settings.COMMENTS_MODERATION = "post"

    question = post(qa_article, body="Is melatonin safe every night?")

    assert question.status == Status.PENDING
    assert {"code": "question", "message": "question for the experts", "verdict": "hold"} in (
        question.hold_reasons
    )


def test_outside_q_and_a_mode_nothing_is_held_as_a_question(post, settings):
    settings.COMMENTS_MODERATION = "post"

    comment = post(make_article(), body="Is melatonin safe every night?")

    assert comment.status == Status.APPROVED


def test_an_unanswered_question_is_seen_by_its_asker_and_experts_but_no_other_reader(
    client, settings, qa_article, comment_data, expert_client
):
    settings.COMMENTS_MODERATION = "post"
    ask(client, qa_article, comment_data)

    assert "Is melatonin safe" not in Client().get(qa_article.get_absolute_url()).text
    asker_page = client.get(qa_article.get_absolute_url()).text
    assert "Is melatonin safe" in asker_page and "awaiting moderation" in asker_page
    expert_page = expert_client.get(qa_article.get_absolute_url()).text
    assert "Questions waiting for an answer" in expert_page
    assert "Is melatonin safe" in expert_page


def test_the_article_page_says_who_answers(client, qa_article, expert):
    page = client.get(qa_article.get_absolute_url()).text

    assert "Ask the experts:" in page
    assert "Dr. Ana Ruiz, sleep nurse" in page
    assert "ana_r" not in page


def test_an_expert_answer_publishes_the_question_with_a_badge(
    client, settings, qa_article, comment_data, expert_client
):
    settings.COMMENTS_MODERATION = "post"
    ask(client, qa_article, comment_data)
    question = Comment.objects.get()

    response = expert_client.post(
        reverse("moderation:answer", args=[question.pk]),
        {"body": "Short-term use is generally considered safe.", "next": "/"},
    )

    assert response.status_code == 302
    question.refresh_from_db()
    answer = Comment.objects.get(parent=question)
    assert question.status == Status.APPROVED and question.answered_at is not None
    assert answer.by_expert and answer.status == Status.APPROVED
    assert answer.author_name == "Dr. Ana Ruiz, sleep nurse"
    assert ModerationLog.objects.filter(comment=answer, action="answer").exists()
    assert ModerationLog.objects.filter(
        comment=question, action="approve", note="approved by answering"
    ).exists()
    reader_page = Client().get(qa_article.get_absolute_url()).text
    assert "Is melatonin safe" in reader_page
    assert "expert-badge" in reader_page and "Short-term use" in reader_page


def test_readers_and_anonymous_visitors_cannot_answer(django_user_model, qa_article):
    question = make_comment(qa_article, status=Status.PENDING)
    url = reverse("moderation:answer", args=[question.pk])
    reader = Client()
    reader.force_login(django_user_model.objects.create_user("reader", "r@example.org", "pw"))

    assert Client().post(url, {"body": "Hi"}).status_code == 302  # to the login page
    assert reader.post(url, {"body": "Hi"}).status_code == 403
    question.refresh_from_db()
    assert question.status == Status.PENDING
    assert not Comment.objects.filter(parent=question).exists()


def test_a_moderator_may_answer_too(qa_article, moderator):
    question = make_comment(qa_article, status=Status.PENDING)

    answer = question_answer(question=question, expert=moderator, body="Yes.")

    assert answer.by_expert


def test_a_reply_is_not_a_question(qa_article, expert):
    reply_target = make_comment(make_article(), status=Status.PENDING)

    with pytest.raises(Exception, match="Only a question"):
        question_answer(question=reply_target, expert=expert, body="Yes.")


def test_answered_questions_come_first(client, qa_article, expert):
    with time_machine.travel(T0, tick=False):
        early = make_comment(qa_article, body="An early approved question.")
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        late = make_comment(qa_article, body="A later question.", status=Status.PENDING)
    question_answer(question=late, expert=expert, body="The expert's answer.")

    page = client.get(qa_article.get_absolute_url()).text

    assert page.index(f'id="comment-{late.pk}"') < page.index(f'id="comment-{early.pk}"')


@pytest.mark.parametrize("reader", ["anonymous", "expert"])
def test_the_article_page_query_count_does_not_grow_with_the_thread(
    qa_article, expert, reader, settings
):
    settings.COMMENTS_PER_PAGE = 0
    browser = Client()
    if reader == "expert":
        browser.force_login(expert)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(qa_article.get_absolute_url()).status_code == 200
        return len(captured)

    def grow(count: int) -> None:
        for _ in range(count):
            question = make_comment(qa_article, status=Status.PENDING)
            question_answer(question=question, expert=expert, body="An answer.")
            make_comment(qa_article, status=Status.PENDING)  # one still waiting

    grow(3)
    queries()  # once, so what is kept across versions (settings, pages) is kept for both
    grow(1)
    small = queries()
    grow(20)
    assert queries() == small


def test_moderators_can_answer_from_the_moderation_comment_page(client, qa_article, moderator):
    question = make_comment(qa_article, status=Status.PENDING)
    client.force_login(moderator)

    page = client.get(reverse("moderation:comment", args=[question.pk])).text

    assert f'action="{reverse("moderation:answer", args=[question.pk])}"' in page
