"""A new worker compiles the readers' templates and builds its URL lookups before its first
request (``config.warmup``), without the database, and a broken template does not keep it
from starting."""

import copy
import gc
import logging

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from config.warmup import warm_up


@pytest.fixture(autouse=True)
def _unfreeze():
    """``warm_up`` keeps what exists out of later garbage collections, as a worker wants;
    the test process gets its collections back."""
    yield
    gc.unfreeze()


@pytest.mark.django_db
def test_warm_up_prepares_the_readers_pages_without_touching_the_database(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        compiled = warm_up()

    assert compiled >= 50  # the site's templates and the form templates they use
    # What lives as long as the worker is out of the collections a reader's request may pay.
    assert gc.get_freeze_count() > 0
    assert reverse("articles:detail", kwargs={"slug": "x"}) == "/articles/x/"


@pytest.mark.parametrize(("engine", "broken"), [(0, "{% if %}"), (1, "{{ value|no_such_filter }}")])
def test_a_template_that_does_not_compile_is_reported_not_raised(tmp_path, caplog, engine, broken):
    (tmp_path / "broken.html").write_text(broken)
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[engine]["DIRS"] = [*templates[engine]["DIRS"], tmp_path]
    # BASE_DIR above the folder, so that warm_up takes it for the site's own templates.
    with (
        caplog.at_level(logging.WARNING, "config.warmup"),
        override_settings(TEMPLATES=templates, BASE_DIR=tmp_path.parent),
    ):
        compiled = warm_up()

    assert compiled >= 1
    assert "broken.html" in caplog.text
