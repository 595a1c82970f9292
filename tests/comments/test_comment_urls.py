"""A comment's own addresses in the thread are the ones Django's ``reverse`` gives."""

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix
from hypothesis import given
from hypothesis import strategies as st

from comments.templatetags.comment_urls import comment_url

NAMES = ["comments:report", "comments:helpful", "comments:edit", "comments:delete"]


@given(
    pk=st.integers(min_value=1, max_value=2**63 - 1),
    name=st.sampled_from(NAMES),
    prefix=st.sampled_from(["/", "/news/", "/שלום/"]),
)
def test_every_comment_address_is_the_one_reverse_gives(pk, name, prefix):
    set_script_prefix(prefix)
    try:
        assert comment_url(pk, name) == reverse(name, args=[pk])
        assert comment_url(str(pk), name) == reverse(name, args=[pk])
    finally:
        clear_script_prefix()


def test_a_name_without_a_comment_address_is_refused_like_url_tag():
    with pytest.raises(NoReverseMatch):
        comment_url(5, "comments:no-such-page")
