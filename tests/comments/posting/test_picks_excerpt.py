"""The "Editors' picks" strip shows each pick as a plain-text excerpt of its sanitized HTML
(comments/posting/section.py): paragraphs and line breaks part words, they never run together."""

from django.contrib.auth.models import Group

from comments.moderation import picks
from comments.posting.section import editors_picks
from comments.sanitize import sanitize_comment
from tests.conftest import make_comment


def test_the_excerpt_keeps_paragraphs_and_lines_apart(db, article, django_user_model):
    moderator = django_user_model.objects.create_user("maya", "maya@example.com", "pw")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    body = "> Is it safe?\n\nAsk first.\nThen <b>go</b>slowly &amp; gently."
    pick = make_comment(article, body=body, body_html=sanitize_comment(body))
    picks.comments_pick(comments=[pick.pk], moderator=moderator)

    [shown] = editors_picks(article)

    assert shown.excerpt == "> Is it safe? Ask first. Then goslowly &amp; gently."
