"""Whatever arrives as an address (a form field, a header, a search box), reading it gives
one address or none: never an exception (a 500 for the moderator or the reader)."""

import ipaddress

from hypothesis import example, given
from hypothesis import strategies as st

from comments.identity import canonical_ip

DIGITS_AND_DOTS = st.text(
    alphabet=st.sampled_from("0123456789.:%[]abcdef\u00b2\u00b3\u0663\u06f4\u07c2\uff10"),
    max_size=24,
)


@given(value=st.one_of(st.text(max_size=60), DIGITS_AND_DOTS))
@example(value="1.2.3.²")  # a superscript digit: str.isdigit() says yes, int() says no
@example(value="\u0661\u0662\u0663.\u0661.\u0661.\u0661")  # Arabic-Indic digits
@example(value="1.2.3.\uff10\uff10\uff17")  # full-width digits
def test_any_text_reads_as_one_address_or_none(value):
    address = canonical_ip(value)

    assert address is None or str(ipaddress.ip_address(address)) == address


def test_the_spellings_of_one_address_agree():
    assert canonical_ip("198.51.100.007") == canonical_ip("::ffff:198.51.100.7") == "198.51.100.7"
    assert canonical_ip("1.2.3.²") is None
