"""The site's PostgreSQL connections plan without parallel workers and run without JIT
compilation (config/database.py): a page's small queries were slower with them."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_site_connections_plan_without_parallel_workers(settings):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == str(settings.DATABASE_PARALLEL_WORKERS) == "0"


def test_site_connections_run_without_jit(settings):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    assert settings.DATABASE_JIT is False
