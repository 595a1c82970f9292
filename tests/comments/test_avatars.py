"""Avatars are drawn from a keyed hash of the email: stable here, unlinkable elsewhere."""

import base64
import hashlib
import re

import pytest
from django.template import Context, Template
from django.test import override_settings

from comments.avatars import avatar_data_uri, avatar_svg
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db

EMAIL = "Private.Person+health@Example.com"
PREFIX = "data:image/svg+xml;base64,"


def decoded(uri: str) -> str:
    assert uri.startswith(PREFIX)
    return base64.b64decode(uri.removeprefix(PREFIX)).decode()


def email_hashes(email: str) -> list[str]:
    forms = {email, email.lower(), email.strip().lower()}
    return [
        hashlib.new(algorithm, form.encode()).hexdigest()
        for form in forms
        for algorithm in ("md5", "sha1", "sha256")
    ]


def test_same_email_gets_the_same_avatar_whatever_its_letter_case():
    assert avatar_data_uri(EMAIL) == avatar_data_uri(EMAIL.lower()) == avatar_data_uri(f" {EMAIL}")


def test_different_emails_get_different_avatars():
    uris = {avatar_data_uri(f"reader{n}@example.com") for n in range(20)}

    assert len(uris) == 20


def test_another_site_with_another_secret_draws_an_unrelated_avatar():
    here = avatar_data_uri(EMAIL)

    with override_settings(SECRET_KEY="another-site-entirely-" + "x" * 40):
        elsewhere = avatar_data_uri(EMAIL)

    assert here != elsewhere
    assert avatar_data_uri(EMAIL) == here


def test_avatar_holds_no_email_and_no_hash_of_it():
    uri = avatar_data_uri(EMAIL)
    svg = decoded(uri)

    for text in (uri, svg):
        lowered = text.lower()
        assert "private" not in lowered and "example" not in lowered
        for digest in email_hashes(EMAIL):
            assert digest not in lowered
            assert digest[:8] not in lowered


def test_avatar_is_a_symmetric_five_by_five_svg():
    svg = avatar_svg("someone@example.com")
    cells = {(int(x), int(y)) for x, y in re.findall(r'<rect x="(\d+)" y="(\d+)"', svg)}

    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert cells
    xs = sorted({x for x, _y in cells})
    columns = sorted({4 + 8 * n for n in range(5)})
    assert set(xs) <= set(columns)
    for x, y in cells:
        mirror = columns[-1 - columns.index(x)]
        assert (mirror, y) in cells
    assert "style" not in svg and "script" not in svg


def test_anonymised_comment_gets_a_plain_tile():
    assert avatar_data_uri("") == avatar_data_uri("   ")
    assert "<rect x=" not in decoded(avatar_data_uri(""))


def test_template_filter_gives_the_comments_avatar():
    comment = make_comment(make_article(), author_email=EMAIL)

    html = Template(
        '{% load avatars %}<img src="{{ comment|avatar }}" alt="" width="40" height="40">'
    ).render(Context({"comment": comment}))

    assert f'src="{avatar_data_uri(EMAIL)}"' in html
    assert EMAIL.lower() not in html.lower()
