"""Keyboard users see where they are: every Tab stop shows a focus ring."""

import pytest

from comments.models import Comment
from tests.conftest import make_comment
from tests.e2e.conftest import assert_no_problems, log_in, make_moderator

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        name: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}` +
              `${el.name ? "[name=" + el.name + "]" : ""} ${(el.innerText || "").slice(0, 30)}`,
        body: el === document.body,
        ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
        honeypot: !!el.closest(".hp-field"),
    };
}"""


def tab_through(page, limit=80) -> list[dict]:
    """Press Tab until focus leaves the page (or comes round again); return every stop."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop["body"] or (stops and stop["name"] == stops[0]["name"]):
            break
        stops.append(stop)
    return stops


def test_every_tab_stop_on_the_article_shows_focus(page, live_server, article):
    ann = make_comment(article, author_name="Ann", author_url="https://ann.example")
    make_comment(article, author_name="Site moderator", parent=ann, by_moderator=True)
    page.goto(live_server.url + article.get_absolute_url())
    stops = tab_through(page)
    names = [stop["name"] for stop in stops]
    assert names[0].startswith("a Skip to content")
    assert any("[name=comment]" in name for name in names)
    assert any(name.startswith("button Post Comment") for name in names)
    assert not any(stop["honeypot"] for stop in stops), "the honeypot must not be a Tab stop"
    assert [stop["name"] for stop in stops if not stop["ring"]] == []
    assert_no_problems(page)


def test_every_tab_stop_in_the_moderation_queue_shows_focus(page, live_server, article):
    make_moderator("maria")
    make_comment(article, author_name="Ada", status=Comment.Status.PENDING)
    page.goto(live_server.url + "/accounts/login/?next=/moderation/")
    log_in(page, "maria")
    stops = tab_through(page)
    names = [stop["name"] for stop in stops]
    assert any("[name=selected]" in name for name in names)
    assert any(name.startswith("button[name=row_action] Approve") for name in names)
    assert [stop["name"] for stop in stops if not stop["ring"]] == []
    assert_no_problems(page)
