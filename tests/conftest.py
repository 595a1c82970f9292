"""Shared fixtures and small factories for the whole suite."""

import hashlib
import itertools
from datetime import timedelta

import pytest
from django.apps.registry import Apps
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished
from django.utils import timezone

from articles.models import Article
from comments import site_settings
from comments.models import Comment, Report
from comments.posting.forms import issue_timestamp

_sequence = itertools.count(1)


def make_article(**fields) -> Article:
    n = next(_sequence)
    defaults = {
        "title": f"Article {n}",
        "slug": f"article-{n}",
        "summary": f"Summary of article {n}.",
        "body": f"First paragraph of article {n}.\n\nSecond paragraph.",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=n),
    }
    defaults.update(fields)
    return Article.objects.create(**defaults)


def make_comment(article: Article, **fields) -> Comment:
    n = next(_sequence)
    defaults = {
        "author_name": f"Reader {n}",
        "author_email": f"reader{n}@example.com",
        "body": f"Comment number {n}.",
        "status": Comment.Status.APPROVED,
    }
    defaults.update(fields)
    return Comment.objects.create(article=article, **defaults)


def make_report(comment: Comment, **fields) -> Report:
    """A reader's report written as a row, with the comment's ``reported_at`` kept as the
    services keep it (``CommentQuerySet.refresh_reported_at``)."""
    n = next(_sequence)
    defaults = {"reason": Report.Reason.SPAM, "reporter_key": f"reporter-{n}"}
    defaults.update(fields)
    report = Report.objects.create(comment=comment, **defaults)
    Comment.objects.filter(pk=comment.pk).refresh_reported_at()
    return report


def migrate_to(targets) -> Apps:
    """Migrate the test database to ``targets`` ([(app, migration name)]); the models as they
    were there. ``migrate_to_latest()`` puts it back (call it in a ``finally``)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())


def commenter_cookie(email: str) -> str:
    """The commenter-key cookie of a browser that has proved ``email`` (as its "confirm it's
    you" link does): a returning commenter posting from their own browser."""
    from django.conf import settings
    from django.http import HttpResponse

    from comments.identity import commenter_key, remember_commenter

    response = HttpResponse()
    remember_commenter(response, [commenter_key(email)])
    return response.cookies[settings.COMMENTS_COMMENTER_COOKIE].value


def email_traces(email: str) -> list[str]:
    """The email and the hashes of it that avatar services and leaky sites publish."""
    forms = {email, email.lower(), email.strip().lower()}
    traces = set(forms)
    for form in forms:
        for algorithm in ("md5", "sha1", "sha256"):
            traces.add(hashlib.new(algorithm, form.encode()).hexdigest())
    return sorted(traces)


@pytest.fixture(autouse=True)
def _tasks_must_not_fail():
    """The ImmediateBackend records a task's exception instead of raising it: fail loudly."""
    failures = []

    def collect(sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED:
            failures.append(task_result.errors[-1].traceback)

    task_finished.connect(collect)
    yield
    task_finished.disconnect(collect)
    assert not failures, failures[0]


@pytest.fixture(autouse=True)
def _tests_post_fast(settings):
    """Tests post faster and more often than people do. The tests of those defences turn
    them back on; every test starts with an empty cache (and, as every table, with no
    rate-limit counts)."""
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0
    settings.COMMENTS_RATE_GAP_SECONDS = 0
    settings.COMMENTS_RATE_PER_HOUR = 0
    # Test users need a password, not a strong one: the default hasher spends about half a
    # second on every user a test makes (and on every login). Fixtures that make users run
    # after this autouse fixture, so their passwords are hashed, and checked, with MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    # Every test starts with nothing changed on the admin's settings page (each setting is
    # the environment's): kept as known, so no test's first page pays the query that finds
    # it out, and a change one test made is not kept for the next.
    site_settings.forget()
    cache.set(site_settings.CACHE_KEY, {})
    yield
    cache.clear()
    site_settings.forget()


@pytest.fixture
def article(db) -> Article:
    return make_article(title="Massage and MS", slug="massage-and-ms")


@pytest.fixture
def comment_data() -> dict:
    """What a commenter types into the form."""
    return {
        "comment": "Which massage device helps with lower back pain?",
        "name": "Walter",
        "email": "walter.private@example.com",
        "url": "",
        "issued": issue_timestamp(),
    }


# Production settings for `manage.py` run in a subprocess (deploy checks, settings at start-up).
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x7Qk2" * 10,
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
    "DEFAULT_FROM_EMAIL": "news@news.example.org",
    "SITE_URL": "https://news.example.org",
    "DJANGO_CACHE": "database",
    "DJANGO_TASKS_BACKEND": "database",
    "PATH": "/usr/bin:/bin",
}


def manage(*args: str, env: dict | None = None, **changes: str | None):
    """Run ``manage.py`` with ``env`` (the production settings unless given), changed by
    ``changes`` (None removes a variable); returns the completed process."""
    import subprocess
    import sys

    merged = {**(PRODUCTION_ENV if env is None else env), **changes}
    return subprocess.run(  # noqa: S603 (the test's own arguments)
        [sys.executable, "manage.py", *args],
        env={key: value for key, value in merged.items() if value is not None},
        capture_output=True,
        text=True,
        check=False,
    )
