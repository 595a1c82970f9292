import time
import pytest
from tests.conftest import make_article
from tests.e2e.test_hostile_comments import VECTORS

pytestmark = pytest.mark.django_db(transaction=True)

def test_probe(page, live_server, settings):
    settings.COMMENTS_MODERATION = "post"
    settings.COMMENTS_HOLD_LINKS = 0
    article = make_article(title="Probe")
    url = live_server.url + article.get_absolute_url()
    for i, v in enumerate(VECTORS[:12]):
        t = time.monotonic()
        page.goto(url)
        t1 = time.monotonic()
        page.fill("#id_comment", v)
        page.fill("#id_name", "Mallory")
        page.fill("#id_email", "m@example.com")
        t2 = time.monotonic()
        page.click("button:has-text('Post Comment')")
        t3 = time.monotonic()
        page.wait_for_load_state("load")
        t4 = time.monotonic()
        print(i, "goto %.2f fill %.2f click %.2f load %.2f" % (t1-t, t2-t1, t3-t2, t4-t3))
