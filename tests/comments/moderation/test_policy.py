"""Which comments are published at once, which are held, which go to spam, and why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from comments.models import Ban, Comment, KeywordRule, ModerationLog
from comments.moderation import services
from comments.posting import services as posting
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status


def post(article, **fields):
    values = {
        "body": "Is a heated massage pad safe with MS heat sensitivity?",
        "author_name": "Dana",
        "author_email": "dana@example.com",
        "ip_address": "198.51.100.20",
        "user_agent": "Firefox/140",
    }
    values.update(fields)
    return posting.comment_post(article=article, **values)


def reasons(comment):
    return [reason["message"] for reason in comment.hold_reasons]


@pytest.fixture
def moderator(django_user_model):
    return django_user_model.objects.create_user("mod", "mod@example.com", "pw")


def test_first_time_commenter_is_held_for_moderation(settings, article):
    settings.COMMENTS_MODERATION = "auto"

    comment = post(article)

    assert comment.status == Status.PENDING
    assert reasons(comment) == ["first comment from this email"]


def test_commenter_with_an_approved_comment_is_published_at_once_from_the_same_browser(
    settings, article, moderator
):
    settings.COMMENTS_MODERATION = "auto"
    first = post(article)
    services.comments_approve(comments=[first], moderator=moderator)

    second = post(
        article,
        body="Thanks, I will ask my neurologist.",
        author_email="DANA@example.com",
        commenter_keys=[first.commenter_key],  # the cookie the first post set
    )

    assert second.status == Status.APPROVED
    assert second.hold_reasons == []


def test_pre_moderation_holds_every_comment(settings, article):
    settings.COMMENTS_MODERATION = "pre"
    make_comment(article, author_email="dana@example.com")

    comment = post(article)

    assert comment.status == Status.PENDING
    assert reasons(comment) == ["every comment here is reviewed first"]


def test_post_moderation_publishes_what_no_check_holds(settings, article):
    settings.COMMENTS_MODERATION = "post"

    assert post(article).status == Status.APPROVED


@pytest.mark.parametrize(
    ("site", "article_mode", "expected"),
    [
        ("post", Article.Moderation.PRE, Status.PENDING),
        ("pre", Article.Moderation.POST, Status.APPROVED),
        ("post", Article.Moderation.AUTO, Status.PENDING),
        ("pre", Article.Moderation.INHERIT, Status.PENDING),
    ],
)
def test_an_article_can_override_the_sites_mode(settings, site, article_mode, expected):
    settings.COMMENTS_MODERATION = site

    assert post(make_article(moderation=article_mode)).status == expected


def test_comments_close_by_themselves_after_the_configured_days(settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    old = make_article(published_at=timezone.now() - timedelta(days=15))
    recent = make_article(published_at=timezone.now() - timedelta(days=13))

    assert not old.accepts_comments()
    assert recent.accepts_comments()


def test_comments_never_close_by_age_by_default():
    assert make_article(published_at=timezone.now() - timedelta(days=3650)).accepts_comments()


def test_moderation_keyword_holds_and_says_which_and_where(settings, article):
    settings.COMMENTS_MODERATION = "post"
    KeywordRule.objects.create(phrase="casino", action=KeywordRule.Action.HOLD)

    comment = post(article, body="Try the CASINO spa, it helped me.")

    assert comment.status == Status.PENDING
    assert reasons(comment) == ["contains moderation keyword 'casino' in the text"]


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("author_name", "Cheap Pills", "name"),
        ("author_email", "pills@cheap-pills.example", "email"),
        ("author_url", "https://cheap-pills.example", "website"),
        ("user_agent", "cheap-pills-bot/1.0", "user agent"),
    ],
)
def test_keywords_match_name_email_website_and_user_agent(settings, article, field, value, where):
    settings.COMMENTS_MODERATION = "post"
    KeywordRule.objects.create(phrase="pills", action=KeywordRule.Action.HOLD)

    comment = post(article, **{field: value})

    assert comment.status == Status.PENDING
    assert f"in the {where}" in reasons(comment)[0]


def test_keywords_match_the_ip_address(settings, article):
    settings.COMMENTS_MODERATION = "post"
    KeywordRule.objects.create(phrase="203.0.113.", action=KeywordRule.Action.HOLD)

    comment = post(article, ip_address="203.0.113.9")

    assert reasons(comment) == ["contains moderation keyword '203.0.113.' in the IP address"]


def test_disallowed_keyword_sends_straight_to_spam(settings, article):
    settings.COMMENTS_MODERATION = "post"
    KeywordRule.objects.create(phrase="viagra", action=KeywordRule.Action.SPAM)

    comment = post(article, body="Buy Viagra here")

    assert comment.status == Status.SPAM
    assert reasons(comment) == ["contains disallowed keyword 'viagra' in the text"]


def test_two_links_hold_a_comment_and_say_how_many(settings, article):
    settings.COMMENTS_MODERATION = "post"

    one = post(article, body="See https://a.example/ for details.")
    three = post(article, body="https://a.example/ https://b.example/ www.c.example")

    assert one.status == Status.APPROVED
    assert three.status == Status.PENDING
    assert reasons(three) == ["3 links"]


@pytest.mark.parametrize(
    ("kind", "value", "fields"),
    [
        (Ban.Kind.EMAIL, "dana@example.com", {"author_email": "Dana@Example.com"}),
        (Ban.Kind.IP, "198.51.100.20", {}),
        (Ban.Kind.NETWORK, "198.51.100.0/24", {}),
        (Ban.Kind.NETWORK, "2001:db8::/32", {"ip_address": "2001:db8::7"}),
    ],
)
def test_banned_author_goes_straight_to_spam(settings, article, moderator, kind, value, fields):
    settings.COMMENTS_MODERATION = "post"
    services.commenter_ban(kind=kind, value=value, reason="abuse", moderator=moderator)

    comment = post(article, **fields)

    assert comment.status == Status.SPAM
    assert reasons(comment)[0].startswith("banned ")
    assert reasons(comment)[0].endswith(": abuse")


def test_expired_or_lifted_ban_no_longer_applies(settings, article, moderator):
    settings.COMMENTS_MODERATION = "post"
    services.commenter_ban(
        kind=Ban.Kind.IP, value="198.51.100.20", reason="flood", moderator=moderator,
        expires_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    lifted = services.commenter_ban(
        kind=Ban.Kind.EMAIL, value="dana@example.com", reason="x", moderator=moderator
    )
    services.ban_lift(ban=lifted, moderator=moderator)
    Ban.objects.filter(kind=Ban.Kind.IP).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert post(article).status == Status.APPROVED


def test_invalid_ban_value_is_refused(moderator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.commenter_ban(kind=Ban.Kind.IP, value="not-an-ip", reason="x", moderator=moderator)


def test_every_check_that_fired_is_recorded(settings, article):
    settings.COMMENTS_MODERATION = "auto"
    KeywordRule.objects.create(phrase="casino", action=KeywordRule.Action.HOLD)

    comment = post(article, body="casino https://a.example https://b.example")

    assert reasons(comment) == [
        "contains moderation keyword 'casino' in the text",
        "2 links",
        "first comment from this email",
    ]


# Reader reports ----------------------------------------------------------------------------


def test_reports_from_enough_networks_hide_an_approved_comment_until_reviewed(settings, article):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    comment = make_comment(article)

    for reader, ip in (("a", "198.51.100.7"), ("b", "203.0.113.9")):
        posting.comment_report(
            comment=comment, reason="abuse", note="", reporter=reader, ip_address=ip
        )
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED

    posting.comment_report(
        comment=comment, reason="spam", note="ads", reporter="c", ip_address="192.0.2.44"
    )
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert reasons(comment) == ["reported from 3 networks"]
    entry = ModerationLog.objects.get(comment=comment)
    assert (entry.action, entry.moderator, entry.from_status, entry.to_status) == (
        "hide", None, "approved", "pending",
    )  # fmt: skip


def test_a_reader_reports_a_comment_only_once(article):
    comment = make_comment(article)
    posting.comment_report(
        comment=comment, reason="abuse", note="", reporter="same", ip_address="198.51.100.7"
    )

    with pytest.raises(posting.AlreadyReported):
        posting.comment_report(
            comment=comment, reason="spam", note="", reporter="same", ip_address="203.0.113.9"
        )
    assert comment.reports.count() == 1


def test_acting_on_a_reported_comment_closes_its_reports_and_restore_undoes_it(article, moderator):
    comment = make_comment(article)
    posting.comment_report(
        comment=comment, reason="abuse", note="", reporter="a", ip_address="198.51.100.7"
    )
    services.comments_mark_spam(comments=[comment], moderator=moderator)
    services.comments_restore(comments=[comment], moderator=moderator)

    assert not Comment.objects.with_open_reports().exists()
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
