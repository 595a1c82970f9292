"""Banning from a comment's page: its email, its IP address or its network, without script.

The form offers each of the comment's own values as a choice that names it; whichever is
chosen, the value banned is the comment's, filled in by the server (no JavaScript switches a
text box). A comment whose IP was purged offers only its email.
"""

import ipaddress
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from comments.models import Ban, Comment
from comments.moderation.forms import BanForm
from comments.posting.forms import issue_timestamp
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status


@pytest.fixture
def mod_client(django_user_model):
    user = django_user_model.objects.create_user("maya", "maya@example.com", "pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def spammer(article):
    return make_comment(
        article,
        author_name="Casino King",
        author_email="king@spam.example",
        body="Visit the casino",
        status=Status.PENDING,
        ip_address="203.0.113.66",
    )


def ban_section(client, comment) -> str:
    html = client.get(f"/moderation/comment/{comment.pk}/").content.decode()
    return re.search(r'<section[^>]*aria-labelledby="ban-heading".*?</section>', html, re.S)[0]


def choices(section: str) -> dict[str, str]:
    """The radio buttons of the ban form: ``{value: label text}``."""
    found = {}
    for tag in re.findall(r'<input[^>]*type="radio"[^>]*>', section):
        if 'name="kind"' not in tag:
            continue
        value = re.search(r'value="([^"]+)"', tag)[1]
        id_ = re.search(r'id="([^"]+)"', tag)[1]
        label = re.search(rf'<label[^>]*for="{id_}"[^>]*>(.*?)</label>', section, re.S)
        found[value] = " ".join(re.sub(r"<[^>]+>", "", label[1]).split())
    return found


def ban(client, comment, kind, **extra):
    return client.post(
        f"/moderation/comment/{comment.pk}/ban/",
        {"kind": kind, "reason": "casino spam", **extra},
        follow=True,
    )


def post_from(article, ip: str, email: str = "new.person@example.org") -> Comment:
    Client(REMOTE_ADDR=ip).post(
        f"/articles/{article.slug}/comments/",
        {
            "comment": f"Hello from {ip}",
            "name": "Someone",
            "email": email,
            "issued": issue_timestamp(),
        },
    )
    return Comment.objects.latest("pk")


def test_the_comment_page_offers_its_email_ip_and_network_each_by_value(mod_client, spammer):
    section = ban_section(mod_client, spammer)

    assert choices(section) == {
        "email": "Email king@spam.example",
        "ip": "IP address 203.0.113.66",
        "network": "Network 203.0.113.0/24",
    }
    assert 'name="value"' not in section  # nothing to retype, nothing a script must switch
    assert re.search(r'value="email"[^>]*checked', section)  # the email comes first


def test_choosing_the_ip_address_bans_the_comments_ip_not_its_email(
    mod_client, settings, spammer, article
):
    settings.COMMENTS_MODERATION = "post"

    response = ban(mod_client, spammer, "ip")

    assert "Banned IP address 203.0.113.66." in response.content.decode()
    assert Ban.objects.get().value == "203.0.113.66"
    assert post_from(article, "203.0.113.66").status == Status.SPAM
    assert post_from(article, "203.0.113.67").status == Status.APPROVED


def test_choosing_the_network_bans_the_comments_slash_24(mod_client, settings, spammer, article):
    settings.COMMENTS_MODERATION = "post"

    ban(mod_client, spammer, "network")

    assert (Ban.objects.get().kind, Ban.objects.get().value) == ("network", "203.0.113.0/24")
    assert post_from(article, "203.0.113.200").status == Status.SPAM
    assert post_from(article, "203.0.114.1").status == Status.APPROVED


def test_an_ipv6_comment_offers_its_slash_64(mod_client, article):
    comment = make_comment(article, author_email="v6@example.org", ip_address="2001:db8:1:2::7")

    assert choices(ban_section(mod_client, comment))["network"] == "Network 2001:db8:1:2::/64"
    ban(mod_client, comment, "network")
    assert Ban.objects.get().value == "2001:db8:1:2::/64"


def test_the_value_banned_is_the_comments_whatever_the_request_says(mod_client, spammer):
    ban(mod_client, spammer, "ip", value="198.51.100.1")

    assert Ban.objects.get().value == "203.0.113.66"


def test_an_ip_ban_removes_nothing_even_with_the_remove_box_sent(mod_client, spammer, article):
    other = make_comment(article, author_email="king@spam.example")

    ban(mod_client, spammer, "ip", remove_comments="on")

    other.refresh_from_db()
    assert other.status == Status.APPROVED


def test_an_email_ban_with_the_remove_box_removes_the_authors_comments(
    mod_client, spammer, article
):
    other = make_comment(article, author_email="king@spam.example")

    response = ban(mod_client, spammer, "email", remove_comments="on")

    assert Ban.objects.get().value == "king@spam.example"
    other.refresh_from_db()
    assert other.status == Status.REMOVED
    assert "2 comments removed." in response.content.decode()


def test_a_comment_whose_ip_was_purged_offers_only_its_email(mod_client, article):
    comment = make_comment(article, author_email="old@example.org", ip_address=None)

    section = ban_section(mod_client, comment)

    assert choices(section) == {"email": "Email old@example.org"}
    assert "IP address was cleared" in section
    response = ban(mod_client, comment, "ip")
    assert "Select a valid choice" in response.content.decode()
    assert not Ban.objects.exists()


def test_an_anonymised_comment_without_ip_offers_no_ban(mod_client, article):
    comment = make_comment(article, author_name="Anonymous", author_email="", ip_address=None)

    section = ban_section(mod_client, comment)

    assert "<form" not in section
    assert "there is no email, address or network left to ban" in section
    ban(mod_client, comment, "email")
    assert not Ban.objects.exists()


def test_an_anonymised_comment_with_an_ip_offers_only_the_ip_and_network(mod_client, article):
    comment = make_comment(article, author_email="", ip_address="198.51.100.9")

    section = ban_section(mod_client, comment)

    assert set(choices(section)) == {"ip", "network"}
    assert 'name="remove_comments"' not in section
    assert re.search(r'value="ip"[^>]*checked', section)


def test_the_bans_page_still_bans_any_value_typed(mod_client):
    mod_client.post("/moderation/bans/new/", {"kind": "ip", "value": "192.0.2.5", "reason": "x"})

    assert Ban.objects.get().value == "192.0.2.5"


@settings(max_examples=200, deadline=None)
@given(address=st.ip_addresses())
def test_every_offered_ip_and_network_ban_covers_the_comments_address(address):
    comment = Comment(author_email="a@example.org", ip_address=str(address))
    for kind in ("ip", "network"):
        form = BanForm({"kind": kind, "reason": "r"}, comment=comment)
        assert form.is_valid(), form.errors
        ban = Ban(kind=kind, value=form.cleaned_data["value"], reason="r")
        ban.full_clean()
        assert ban.covers(str(address))
    # An IPv4 address written inside IPv6 (::ffff:192.0.2.1) is that IPv4 address.
    version = 4 if address.version == 4 or address.ipv4_mapped else 6
    assert ipaddress.ip_network(form.cleaned_data["value"]).prefixlen == (
        24 if version == 4 else 64
    )
