"""The admin is a client of the services: a comment's parent, text, status and details change
only through them, so every change is validated, logged and shown to readers at once."""

import pytest
from django.urls import reverse

from articles.models import Article
from comments.models import Ban, Comment, ModerationLog
from tests.comments.admin.conftest import change_form_data
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db

Status = Comment.Status


def change_url(comment: Comment) -> str:
    return reverse("admin:comments_comment_change", args=[comment.pk])


def thread_version(article: Article) -> int:
    return Article.objects.get(pk=article.pk).thread_version


@pytest.fixture
def conversation(article):
    top = make_comment(article, body="Top of the thread")
    reply = make_comment(article, parent=top, body="A reply")
    child = make_comment(article, parent=reply, body="A reply to the reply")
    return top, reply, child


def test_moving_a_reply_to_the_top_fixes_its_depth_and_its_replies_depths(
    admin_client, article, conversation
):
    _top, reply, child = conversation
    before = thread_version(article)

    response = admin_client.post(change_url(reply), change_form_data(reply, parent=""))

    assert response.status_code == 302
    reply.refresh_from_db()
    child.refresh_from_db()
    assert (reply.parent_id, reply.depth, child.depth) == (None, 0, 1)
    (entry,) = ModerationLog.objects.filter(comment=reply, action=ModerationLog.Action.MOVE)
    assert entry.moderator.username == "admin"
    assert thread_version(article) > before
    page = admin_client.get(article.get_absolute_url()).content.decode()
    assert f'id="comment-{reply.pk}" class="comment depth-0' in page


def test_moving_a_comment_under_another_deepens_its_whole_subtree(
    admin_client, article, conversation
):
    _top, reply, child = conversation
    other = make_comment(article, body="Another conversation")
    other_reply = make_comment(article, parent=other)

    admin_client.post(change_url(reply), change_form_data(reply, parent=other_reply.pk))

    reply.refresh_from_db()
    child.refresh_from_db()
    assert (reply.parent_id, reply.depth, child.depth) == (other_reply.pk, 2, 3)


def test_a_parent_on_another_article_is_refused_and_nothing_changes(
    admin_client, article, conversation
):
    _top, reply, _child = conversation
    elsewhere = make_comment(make_article(), body="On another article")

    response = admin_client.post(change_url(reply), change_form_data(reply, parent=elsewhere.pk))

    assert response.status_code == 200
    assert "same article" in response.content.decode()
    reply.refresh_from_db()
    assert reply.parent_id != elsewhere.pk
    assert not ModerationLog.objects.exists()


def test_a_comment_cannot_be_moved_under_its_own_reply(admin_client, conversation):
    top, _reply, child = conversation

    response = admin_client.post(change_url(top), change_form_data(top, parent=child.pk))

    assert response.status_code == 200
    assert "its own replies" in response.content.decode()
    top.refresh_from_db()
    assert top.parent_id is None


def test_changing_the_authors_name_is_logged_and_reaches_readers(admin_client, article):
    comment = make_comment(article, author_name="Old Name")
    client_page = admin_client.get(article.get_absolute_url())
    assert "Old Name" in client_page.content.decode()

    admin_client.post(change_url(comment), change_form_data(comment, author_name="New Name"))

    (entry,) = ModerationLog.objects.filter(comment=comment, action=ModerationLog.Action.CHANGE)
    assert "author_name" in entry.note and "Old Name" not in entry.note
    assert "New Name" in admin_client.get(article.get_absolute_url()).content.decode()


def test_the_article_is_shown_but_cannot_be_changed_in_the_form(admin_client, article):
    comment = make_comment(article)
    other = make_article()

    admin_client.post(change_url(comment), {**change_form_data(comment), "article": other.pk})

    comment.refresh_from_db()
    assert comment.article_id == article.pk


def test_moderators_ban_an_author_and_remove_all_their_comments_from_the_admin(
    moderator_client, moderator, article
):
    troll = [make_comment(article, author_email="troll@example.com") for _ in range(3)]
    held = make_comment(article, author_email="TROLL@example.com", status=Status.PENDING)
    bystander = make_comment(article, author_email="reader@example.com")

    response = moderator_client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "ban_authors", "_selected_action": [troll[0].pk], "index": 0},
        follow=True,
    )

    assert response.status_code == 200
    (ban,) = Ban.objects.all()
    assert (ban.kind, ban.value, ban.created_by) == ("email", "troll@example.com", moderator)
    for comment in [*troll, held]:
        comment.refresh_from_db()
        assert comment.status == Status.REMOVED
    bystander.refresh_from_db()
    assert bystander.status == Status.APPROVED
    assert ModerationLog.objects.filter(action=ModerationLog.Action.REMOVE).count() == 4
    assert ModerationLog.objects.filter(action=ModerationLog.Action.BAN).count() == 1
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["4 comments removed, their authors banned."]


def test_every_queue_action_is_also_an_admin_action(moderator_client, article):
    comment = make_comment(article)
    page = moderator_client.get(reverse("admin:comments_comment_changelist")).content.decode()
    queue = moderator_client.get(reverse("moderation:comment", args=[comment.pk]))

    assert queue.status_code == 200
    for code in ("approve", "spam", "remove", "restore", "dismiss", "ban_authors"):
        assert f'<option value="{code}">' in page, code


def test_comments_cannot_be_deleted_in_the_admin_only_removed(admin_client, article):
    comment = make_comment(article)
    make_comment(article, parent=comment, body="Someone else's reply")

    page = admin_client.get(reverse("admin:comments_comment_changelist")).content.decode()
    response = admin_client.post(
        reverse("admin:comments_comment_delete", args=[comment.pk]), {"post": "yes"}
    )

    assert 'value="delete_selected"' not in page
    assert response.status_code == 403
    assert Comment.objects.count() == 2


def test_a_move_that_would_nest_deeper_than_threads_go_is_refused(
    admin_client, settings, article, conversation
):
    settings.COMMENTS_MAX_DEPTH = 3
    top, _reply, _child = conversation
    other = make_comment(article, body="Another conversation")
    other_reply = make_comment(article, parent=other)

    response = admin_client.post(change_url(top), change_form_data(top, parent=other_reply.pk))

    assert response.status_code == 200
    assert "nest 3 levels at most" in response.content.decode()
    top.refresh_from_db()
    assert top.parent_id is None


def test_a_moved_reply_answers_its_new_parent(admin_client, article, conversation):
    top, _reply, child = conversation

    admin_client.post(change_url(child), change_form_data(child, parent=top.pk))

    child.refresh_from_db()
    assert (child.parent_id, child.in_reply_to_id, child.depth) == (top.pk, top.pk, 1)


def test_a_name_saved_in_the_admin_is_cleaned_like_a_posted_one(admin_client, article):
    comment = make_comment(article)

    admin_client.post(
        change_url(comment), change_form_data(comment, author_name="Ev\x0bil\u202eemaN")
    )

    comment.refresh_from_db()
    assert comment.author_name == "EvilemaN"
    feed = admin_client.get(reverse("comments:feed", kwargs={"slug": article.slug}))
    assert feed.status_code == 200


def test_an_anonymised_comment_can_still_be_moved(admin_client, article, conversation):
    _top, reply, _child = conversation
    Comment.objects.filter(pk=reply.pk).update(author_email="", author_name="Anonymous")
    reply.refresh_from_db()

    response = admin_client.post(change_url(reply), change_form_data(reply, parent=""))

    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.parent_id is None


def test_staff_without_the_moderator_permission_cannot_change_a_status(
    client, django_user_model, article
):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("staff", "s@example.com", "pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "change_comment"])
    )
    client.force_login(user)
    comment = make_comment(article, status=Status.PENDING)

    client.post(change_url(comment), change_form_data(comment, status=Status.APPROVED))

    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_changing_a_bans_end_is_logged_and_bans_are_not_deleted(admin_client):
    ban = Ban.objects.create(kind="email", value="troll@example.com", reason="abuse")
    url = reverse("admin:comments_ban_change", args=[ban.pk])

    admin_client.post(
        url, {"reason": "abuse", "expires_at_0": "2000-01-01", "expires_at_1": "00:00"}
    )
    deleted = admin_client.post(
        reverse("admin:comments_ban_delete", args=[ban.pk]), {"post": "yes"}
    )

    ban.refresh_from_db()
    assert ban.expires_at is not None
    (entry,) = ModerationLog.objects.filter(action=ModerationLog.Action.BAN)
    assert "end was none" in entry.note
    assert deleted.status_code == 403
    assert Ban.objects.filter(pk=ban.pk).exists()


def test_searching_the_admin_for_an_address_finds_it_in_any_spelling(admin_client, article):
    make_comment(article, author_email="jane@exämple.com", body="Jane's words")
    make_comment(article, author_email="other@example.com", body="Someone else")

    page = admin_client.get(
        reverse("admin:comments_comment_changelist"), {"q": "Jane@EXÄMPLE.com"}
    ).content.decode()

    assert "jane@xn--exmple-cua.com" in page
    assert "other@example.com" not in page


def test_saving_an_address_in_another_spelling_is_no_change(admin_client, article):
    comment = make_comment(article, author_email="jane@xn--exmple-cua.com")

    admin_client.post(
        change_url(comment), change_form_data(comment, author_email="Jane@Exämple.com")
    )

    assert not ModerationLog.objects.filter(comment=comment).exists()
