"""A site admin reads the dashboard's "Decisions and appeals, per month" table."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, PASSWORD, assert_no_problems, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_month_reads_on_one_line(page, live_server):
    User.objects.create_superuser("root", "root@example.com", PASSWORD)

    page.goto(live_server.url + "/admin/")
    log_in(page, "root")
    month = page.locator("#cd-transparency tbody th").first
    heading = page.locator("#cd-transparency thead th", has_text="Decisions")
    expect(month).to_be_visible()

    line = page.evaluate(
        """(th) => {
            const style = getComputedStyle(th);
            const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
            return {height: th.getBoundingClientRect().height - padding,
                    line: parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5};
        }""",
        month.element_handle(),
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#cd-transparency").screenshot(path=str(ARTIFACTS / "admin-transparency.png"))
    # "Dec 2026" on one line, not a letter per line.
    assert line["height"] < 2 * line["line"], line
    # A count's heading wraps between words only ("Median time / to decision").
    assert heading.evaluate("(th) => th.scrollWidth <= th.clientWidth")
    # ... and the table fits the dashboard on a laptop's screen.
    section = page.locator("#cd-transparency")
    assert section.evaluate("(div) => div.scrollWidth <= div.clientWidth")
    assert_no_problems(page)
