"""Production refuses a cache its processes would not share (``manage.py check --deploy``).

Rate limits, the data-link hand-off to the task worker and the shared pages live in the cache:
with one cache per process, each gunicorn worker counts on its own. So the deployment check
fails on the local-memory cache with DEBUG off, and production picks a shared one by itself.
"""

import subprocess

import pytest
from django.test import override_settings

from config.checks import check_shared_cache
from tests.conftest import manage


def deploy_check(**env: str) -> subprocess.CompletedProcess:
    return manage("check", "--deploy", "--fail-level", "WARNING", **env)


def test_the_deployment_check_fails_on_a_per_process_cache():
    result = deploy_check(DJANGO_CACHE="locmem")

    assert result.returncode != 0
    assert "config.E001" in result.stderr + result.stdout
    assert "REDIS_URL" in result.stderr + result.stdout


def test_the_deployment_check_passes_with_the_database_cache():
    result = deploy_check(DJANGO_CACHE="database")

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_redis_shares_the_database_cache():
    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.CACHES['default'])"
    )

    assert result.returncode == 0, result.stderr
    assert "django.core.cache.backends.db.DatabaseCache" in result.stdout


def test_asking_for_redis_without_its_address_stops_start_up():
    result = manage("check", DJANGO_CACHE="redis")

    assert result.returncode != 0
    assert "DJANGO_CACHE=redis needs REDIS_URL" in result.stderr


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    ],
)
def test_a_cache_the_processes_do_not_share_is_refused_in_production(backend):
    with override_settings(DEBUG=False, CACHES={"default": {"BACKEND": backend}}):
        errors = check_shared_cache(None)

    assert [error.id for error in errors] == ["config.E001"]


@pytest.mark.parametrize(
    "backend",
    [
        "django_redis.cache.RedisCache",
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.db.DatabaseCache",
    ],
)
def test_a_shared_cache_passes(backend):
    # Restored inside the test: the suite empties the (real) cache after each test.
    with override_settings(DEBUG=False, CACHES={"default": {"BACKEND": backend}}):
        assert check_shared_cache(None) == []


def test_a_developer_machine_may_keep_its_cache_in_memory():
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(DEBUG=True, CACHES=locmem):
        assert check_shared_cache(None) == []


def test_production_that_runs_tasks_inside_requests_is_warned():
    result = deploy_check(DJANGO_TASKS_BACKEND="immediate")

    assert result.returncode != 0
    assert "config.W004" in result.stderr
