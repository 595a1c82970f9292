"""The demo content: loaded once into an empty site, and read like the seed page it comes from."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.markup import linked_paths, render_editorial
from articles.models import Article
from comments.models import Comment
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "massage-bodywork-ms.txt"
DEMO = "massage-and-bodywork-for-ms"


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# Loaded once ---------------------------------------------------------------------------------


def test_the_demo_loads_into_an_empty_site():
    load_demo()

    assert set(Article.objects.values_list("slug", flat=True)) == {
        DEMO,
        "massage-helps-with-ms-pain-and-fatigue",
        "what-is-reflexology",
    }
    assert Comment.objects.filter(article__slug=DEMO).count() == 1


def test_an_article_the_owner_deleted_is_not_made_again():
    load_demo()
    Article.objects.get(slug="what-is-reflexology").delete()

    said = load_demo()

    assert not Article.objects.filter(slug="what-is-reflexology").exists()
    assert Article.objects.count() == 2
    assert "was not loaded" in said


def test_the_demo_is_not_mixed_into_a_site_with_its_own_articles():
    make_article(title="Our first real story", status=Article.Status.DRAFT)

    load_demo()

    assert list(Article.objects.values_list("title", flat=True)) == ["Our first real story"]
    assert not Comment.objects.exists()


def test_loading_twice_duplicates_nothing():
    load_demo()
    load_demo()

    assert Article.objects.count() == 3
    assert Comment.objects.count() == 1


# Read like the seed page ---------------------------------------------------------------------


def test_the_first_more_link_sits_after_the_first_paragraph_as_in_the_seed(client):
    load_demo()
    article = Article.objects.get(slug=DEMO)

    html = client.get(article.get_absolute_url()).content.decode()

    first_paragraph = html.index("below are some of the most used today.")
    first_more = html.index(">Massage helps with MS pain and fatigue</a>")
    second_paragraph = html.index("The Swedish massage is a bit more")
    assert first_paragraph < first_more < second_paragraph
    # The second MORE line ends the seed's text: the page's "More" list, before the disclaimer.
    last_paragraph = html.index("minor improvement in ambulation.")
    second_more = html.index(">What is reflexology?</a>")
    assert last_paragraph < second_more < html.index("strictly a news and information website")
    # Each once: the link placed in the text is not listed again at the end.
    assert html.count('href="/articles/massage-helps-with-ms-pain-and-fatigue/"') == 1
    assert html.count('href="/articles/what-is-reflexology/"') == 1


@pytest.mark.skipif(not SEED.exists(), reason="the seed page is beside the project, not in it")
def test_the_demo_follows_the_seed_order_of_paragraphs_and_more_lines(client):
    seed = SEED.read_text(encoding="utf-8").replace("\u00a0", " ")
    article_part = seed.split("Multiple Sclerosis News Today is strictly")[0]
    blocks = [block.strip() for block in article_part.split("\n\n") if block.strip()][1:]
    load_demo()

    text = visible_text(client.get(f"/articles/{DEMO}/").content.decode())

    positions = []
    for block in blocks:
        wanted = re.sub(r"^MORE:?\s*", "", block)
        positions.append(text.index(" ".join(wanted.split())))
    assert positions == sorted(positions)


def test_related_articles_read_as_news_not_as_developer_notes(client):
    load_demo()

    front = visible_text(client.get("/").content.decode())
    pages = [
        visible_text(client.get(f"/articles/{slug}/").content.decode())
        for slug in ("massage-helps-with-ms-pain-and-fatigue", "what-is-reflexology")
    ]

    for text in (front, *pages):
        assert "demo" not in text.lower()
        assert "stand-in" not in text.lower() and "stands in" not in text.lower()
        assert "seed" not in text.lower()


def test_a_related_article_the_body_does_not_link_is_listed_at_the_end(client):
    related = make_article(title="What is reflexology?", slug="what-is-reflexology")
    placed = make_article(title="Massage helps", slug="massage-helps")
    article = make_article(
        body='<p>First.</p><aside><p>More: <a href="/articles/massage-helps/">Massage helps</a>'
        "</p></aside><p>Second.</p>"
    )
    article.related.add(related, placed)

    html = client.get(article.get_absolute_url()).content.decode()

    more_list = html.split('id="related-title"', 1)[1].split("</aside>", 1)[0]
    assert "What is reflexology?" in more_list
    assert "Massage helps" not in more_list
    assert html.count('href="/articles/massage-helps/"') == 1


def test_linked_paths_reads_only_link_targets():
    html = render_editorial(
        '<p><a title="x" href="/articles/a/?x=1&amp;y=2">A</a> /articles/b/ '
        '<a href="https://example.org/articles/c/">C</a></p>'
    )

    assert linked_paths(html) == {"/articles/a/?x=1&y=2", "https://example.org/articles/c/"}
