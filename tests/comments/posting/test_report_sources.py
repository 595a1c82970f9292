"""One person cannot hide a comment: reports count the networks they come from.

A source is the reporter's browser (one report per comment) on a network (an IPv4 /24, an
IPv6 /64); only distinct networks count towards ``COMMENTS_REPORT_THRESHOLD``. Cookie jars and
neighbouring addresses are free, so three fresh browsers on one address or one network hide
nothing, while readers on three networks do.
"""

import ipaddress

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.identity import report_network
from comments.models import Comment, RateCount
from comments.moderation import services as moderation
from comments.posting import services as posting
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db

Status = Comment.Status
TEXT = "A contested but civil comment."
THREE_NETWORKS = ("198.51.100.7", "203.0.113.9", "192.0.2.44")


def report_url(comment) -> str:
    return f"/comments/{comment.pk}/report/"


def report_from(ip: str, comment, *, client: Client | None = None, **headers):
    """A report sent by a fresh browser (a new cookie jar) from ``ip``."""
    client = client or Client(REMOTE_ADDR=ip, **headers)
    return client.post(report_url(comment), {"reason": "abuse"})


def status_of(comment) -> str:
    return Comment.objects.get(pk=comment.pk).status


@pytest.fixture
def threshold_3(settings):
    settings.COMMENTS_REPORT_THRESHOLD = 3


def test_three_fresh_browsers_on_one_address_do_not_hide_a_comment(threshold_3, article):
    comment = make_comment(article, body=TEXT)

    for _ in range(3):
        assert report_from("198.51.100.7", comment).status_code == 302

    assert comment.reports.count() == 3
    assert status_of(comment) == Status.APPROVED
    assert TEXT in Client().get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "addresses",
    [
        pytest.param(("198.51.100.7", "198.51.100.8", "198.51.100.250"), id="one-ipv4-24"),
        pytest.param(
            ("2001:db8:1:2::1", "2001:db8:1:2:aaaa::5", "2001:db8:1:2:ffff:ffff:ffff:ffff"),
            id="one-ipv6-64",
        ),
        pytest.param(("198.51.100.7", "::ffff:198.51.100.8", "198.51.100.009"), id="spellings"),
    ],
)
def test_browsers_on_one_network_count_as_one_source(threshold_3, article, addresses):
    comment = make_comment(article)

    for ip in addresses:
        report_from(ip, comment)

    assert comment.reports.count() == 3
    assert status_of(comment) == Status.APPROVED


def test_readers_on_three_networks_hide_the_comment(threshold_3, article):
    comment = make_comment(article, body=TEXT)

    for ip in THREE_NETWORKS[:2]:
        report_from(ip, comment)
    assert status_of(comment) == Status.APPROVED
    report_from(THREE_NETWORKS[2], comment)

    assert status_of(comment) == Status.PENDING
    assert TEXT not in Client().get(article.get_absolute_url()).content.decode()


def test_the_64s_of_one_ipv6_48_count_once_and_other_48s_count_apart(settings, article):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    comment = make_comment(article)

    for n in range(1, 13):  # a tunnel broker hands one person a whole /48
        report_from(f"2001:db8:abcd:{n}::1", comment)
    assert status_of(comment) == Status.APPROVED

    report_from("2001:db8:abce:1::1", comment)
    assert status_of(comment) == Status.PENDING


def test_behind_a_trusted_proxy_readers_are_told_apart_by_their_forwarded_address(
    threshold_3, settings, article
):
    settings.COMMENTS_TRUSTED_PROXIES = 1
    comment = make_comment(article)

    for ip in THREE_NETWORKS:
        report_from("10.0.0.1", comment, HTTP_X_FORWARDED_FOR=ip)

    assert status_of(comment) == Status.PENDING


def test_behind_a_trusted_proxy_forged_forwarded_entries_do_not_make_new_sources(
    threshold_3, settings, article
):
    settings.COMMENTS_TRUSTED_PROXIES = 1
    comment = make_comment(article)

    for forged in THREE_NETWORKS:
        report_from("10.0.0.1", comment, HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.7")

    assert comment.reports.count() == 3
    assert status_of(comment) == Status.APPROVED


@hypothesis_settings(max_examples=25, deadline=None)
@given(
    network=st.sampled_from(["198.51.100.0/24", "2001:db8:7::/48"]),
    hosts=st.lists(st.integers(min_value=0, max_value=255), min_size=3, max_size=6),
)
def test_no_number_of_browsers_and_addresses_on_one_network_hides_a_comment(network, hosts):
    RateCount.objects.all().delete()  # the per-network report limit is not this test's
    comment = make_comment(make_article())
    base = ipaddress.ip_network(network)

    for n, host in enumerate(hosts):
        posting.comment_report(
            comment=comment,
            reason="abuse",
            note="",
            reporter=f"browser-{n}",
            ip_address=str(base.network_address + host),
        )

    assert status_of(comment) == Status.APPROVED
    assert comment.reports.count() == len(hosts)


@pytest.mark.parametrize(
    ("ip", "network"),
    [
        ("198.51.100.7", "198.51.100.0/24"),
        ("198.51.100.007", "198.51.100.0/24"),
        ("::ffff:198.51.100.7", "198.51.100.0/24"),
        ("[2001:db8:1:2::9]:443", "2001:db8:1::/48"),
        ("unknown", ""),
        (None, ""),
    ],
)
def test_a_report_counts_the_network_of_its_address(ip, network):
    assert report_network(ip) == network


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("mod", "mod@example.com", "pw-mod-123456")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.mark.parametrize("decision", ["dismiss", "approve"])
def test_after_a_moderator_keeps_a_comment_only_new_networks_can_hide_it_again(
    settings, article, moderator, decision
):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    comment = make_comment(article, body=TEXT)
    report_from("198.51.100.7", comment)
    report_from("203.0.113.9", comment)
    assert status_of(comment) == Status.PENDING
    if decision == "dismiss":
        moderation.comments_dismiss_reports(comments=[comment], moderator=moderator)
    else:
        moderation.comments_approve(comments=[comment], moderator=moderator)
    assert status_of(comment) == Status.APPROVED

    # The same two networks again, from fresh browsers and neighbouring addresses.
    report_from("198.51.100.8", comment)
    report_from("203.0.113.10", comment)
    assert status_of(comment) == Status.APPROVED
    report_from("192.0.2.44", comment)
    assert status_of(comment) == Status.APPROVED

    report_from("2001:db8:5:5::1", comment)
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert [r["message"] for r in comment.hold_reasons] == ["reported from 2 networks"]


def test_a_moderators_reply_is_never_hidden_by_reports_but_reaches_the_queue(
    threshold_3, article, moderator
):
    parent = make_comment(article)
    reply = moderation.comment_reply_as_moderator(
        parent=parent, moderator=moderator, body="Please keep to the facts."
    )

    for ip in (*THREE_NETWORKS, "2001:db8:5:5::1"):
        assert report_from(ip, reply).status_code == 302

    assert status_of(reply) == Status.APPROVED
    assert "Please keep to the facts." in Client().get(article.get_absolute_url()).content.decode()
    assert list(Comment.objects.with_open_reports()) == [reply]


def test_the_reader_whose_report_hides_a_comment_returns_to_the_article_with_thanks(
    threshold_3, article
):
    comment = make_comment(article, body=TEXT)
    for ip in THREE_NETWORKS[:2]:
        report_from(ip, comment)

    response = Client(REMOTE_ADDR=THREE_NETWORKS[2]).post(
        report_url(comment), {"reason": "abuse"}, follow=True
    )

    html = response.content.decode()
    assert status_of(comment) == Status.PENDING
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"{article.get_absolute_url()}#comments"
    assert "Thank you. A moderator will look at this comment." in html
    assert article.title in html
    assert TEXT not in html


def test_a_second_report_from_the_same_browser_is_answered_politely_on_the_article(article):
    comment = make_comment(article)
    browser = Client(REMOTE_ADDR="198.51.100.7")
    browser.post(report_url(comment), {"reason": "abuse"})

    response = browser.post(report_url(comment), {"reason": "spam"}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(article.get_absolute_url())
    assert "You have already reported this comment. Thank you" in html
    assert comment.reports.count() == 1


def test_one_network_sending_too_many_reports_is_told_to_wait_and_hides_nothing(settings, article):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    for _ in range(10):
        assert report_from("198.51.100.7", make_comment(article)).status_code == 302
    target = make_comment(article, body=TEXT)
    report_from("203.0.113.9", target)

    # A neighbouring address of the same network: its report would be the second source.
    response = Client(REMOTE_ADDR="198.51.100.8").post(
        report_url(target), {"reason": "abuse", "note": "kept note"}
    )

    html = response.content.decode()
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Many reports have come from your network" in html
    assert "kept note" in html
    assert target.reports.count() == 1
    assert status_of(target) == Status.APPROVED
    # Readers on other networks are not held up.
    assert report_from("192.0.2.44", make_comment(article)).status_code == 302


def test_the_queue_counts_the_networks_reports_come_from(settings, article, moderator):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    comment = make_comment(article)
    for ip in ("198.51.100.7", "198.51.100.7", "198.51.100.8", "203.0.113.9"):
        report_from(ip, comment)
    desk = Client()
    desk.force_login(moderator)

    html = desk.get("/moderation/?status=reported").content.decode()

    assert "Reported from 2 networks (4 reports, the first " in html
    assert "Reported by 4 readers" not in html
