"""The rate limits count in the database: for any times events arrive, a rule lets through
exactly what its window or gap allows and says when to come back, and at one instant in many
processes a limit lets through exactly its number (PostgreSQL)."""

import io
import os
import threading

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments import ratelimit
from comments.models import RateCount
from tests.comments.test_concurrency import run_together

pytestmark = pytest.mark.django_db
WINDOW = ratelimit.Rule("test-window", by="ip", limit=3, period=60)
GAP = ratelimit.Rule("test-gap", by="ip", period=15, gap=True)

# Seconds between events: bursts, and pauses across windows and gaps.
pauses = st.lists(st.sampled_from([0, 0.5, 1, 7, 14.9, 15, 30, 59, 60, 61, 200]), max_size=25)


def expected(rule: ratelimit.Rule, times: list[float]) -> list[int | None]:
    """What each event should get: None (through) or the seconds to wait, from the rule."""
    answers, window, counted, last = [], None, 0, None
    for t in times:
        if rule.gap:
            if last is None or t >= last + rule.period:
                last = t
                answers.append(None)
            else:
                answers.append(max(1, int(last + rule.period - t) + 1))
            continue
        if window != t // rule.period:
            window, counted = t // rule.period, 0
        counted += 1
        ends = (window + 1) * rule.period
        answers.append(None if counted <= rule.limit else max(1, int(ends - t) + 1))
    return answers


@pytest.mark.parametrize("rule", [WINDOW, GAP], ids=["window", "gap"])
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pauses=pauses)
def test_a_rule_answers_every_event_as_its_window_or_gap_says(monkeypatch, rule, pauses):
    RateCount.objects.all().delete()
    times, t = [], 1_800_000_000.0
    for pause in pauses:
        t += pause
        times.append(t)
    clock = [0.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])

    got, foreseen = [], []
    for t in times:
        clock[0] = t
        # What ``waiting`` foresees (counting nothing) is what ``check`` then answers.
        foreseen.append(ratelimit.waiting([rule], ip_address="203.0.113.7"))
        try:
            ratelimit.check([rule], ip_address="203.0.113.7")
            got.append(None)
        except ratelimit.RateLimited as limited:
            got.append(limited.retry_after)

    assert got == expected(rule, times)
    assert foreseen == got


def test_the_daily_purge_forgets_only_ended_windows(monkeypatch):
    t0 = 1_800_000_000.0
    for at, ip in ((t0, "203.0.113.7"), (t0 + 100, "203.0.113.8")):  # gaps end at +15, +115
        monkeypatch.setattr(ratelimit.time, "time", lambda at=at: at)
        ratelimit.check([GAP], ip_address=ip)
    monkeypatch.setattr(ratelimit.time, "time", lambda: t0 + 110)

    call_command("purge_rate_counts", stdout=io.StringIO())

    assert RateCount.objects.get().ends_at == t0 + 115
    with pytest.raises(ratelimit.RateLimited):  # the count still in its gap still counts
        ratelimit.check([GAP], ip_address="203.0.113.8")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="processes at one instant need PostgreSQL (SQLite runs one write at a time)",
)
def test_at_one_instant_a_limit_lets_through_exactly_its_number():
    through, refused = [], []
    lock = threading.Lock()

    def request():
        try:
            ratelimit.check([WINDOW], ip_address="203.0.113.7")
            outcome = through
        except ratelimit.RateLimited:
            outcome = refused
        with lock:
            outcome.append(1)

    for _ in range(3):  # three bursts of four in one window: three let through in all
        run_together(*([request] * 4))

    assert len(through) == WINDOW.limit
    assert len(refused) == 12 - WINDOW.limit
