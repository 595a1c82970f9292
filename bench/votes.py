"""Reading while readers vote: the warm article page's req/s before and with "Helpful" votes.

A vote updates one comment's count and adds one row, but raises no ``thread_version``: the
shared page stays cached and is rendered again once a minute (its key names the minute), so
its counts lag by up to about a minute (comments/posting/votes.py). This measures what that
choice costs: the site (same production settings as the reading runs) serves the page of the
thread nearest 1,000 comments; wrk loads it for ``BENCH_DURATION`` with no votes, then again
while a second thread of this process posts ``BENCH_VOTE_RATE`` votes a second (default 20)
through the real form (``Accept: application/json``, the page's Origin), each from its own
network (``X-Forwarded-For`` behind ``COMMENTS_TRUSTED_PROXIES=1``, one IPv4 /24 per vote,
so every vote is counted rather than refused as a repeat) to comments of that page in turn.
"""

import itertools
import os
import re
import threading
import time

import load
import seed

VOTE_RATE = float(os.environ.get("BENCH_VOTE_RATE", "20"))


def _networks():
    """One address per IPv4 /24 (10.0.0.0/8: never a real reader), in turn."""
    for a, b in itertools.product(range(256), range(256)):
        yield f"10.{a}.{b}.7"


def _vote_loop(url: str, ids: list[bytes], stop: threading.Event, tally: dict) -> None:
    gap = 1 / VOTE_RATE if VOTE_RATE > 0 else None
    networks = _networks()
    due = time.monotonic()
    for pk in itertools.cycle(ids):
        if stop.is_set() or gap is None:
            return
        try:
            response = load.fetch(
                f"{url}/comments/{pk.decode()}/helpful/",
                method="POST",
                body=b"",
                headers={
                    "Accept": "application/json",
                    "Origin": url,
                    "X-Forwarded-For": next(networks),
                    "Content-Type": "application/x-www-form-urlencoded",
                },
                timeout=30,
            )
            key = "counted" if response.status == 200 else f"status {response.status}"
            tally[key] = tally.get(key, 0) + 1
            tally["seconds"] = tally.get("seconds", 0.0) + response.seconds
        except OSError as error:
            tally[type(error).__name__] = tally.get(type(error).__name__, 0) + 1
        due += gap
        time.sleep(max(0.0, due - time.monotonic()))


def measure(bench, *, db: str, env: dict, size: int, make_server) -> dict:
    """Warm req/s of the ``size`` thread's page without votes, then with votes arriving."""
    path = seed.thread_path(size)
    server = make_server(
        f"site-{db.lower()}-votes",
        env={
            **env,
            "COMMENTS_TRUSTED_PROXIES": "1",
            "COMMENTS_RATE_VOTES_PER_HOUR": "1000000",
        },
    )
    with server.start():
        page = load.fetch(server.url + path)
        ids = re.findall(rb'action="/comments/(\d+)/helpful/"', page.body)
        if page.status != 200 or not ids:
            raise RuntimeError(f"no Helpful forms on {path} ({page.status})")
        bench.wrk(server.url + path, bench.cfg.cold_duration)  # warm the cache
        bench.settle(server, f"votes {db}: after warming")
        before = bench.wrk(server.url + path, bench.cfg.duration)
        bench.settle(server, f"votes {db}: after the run without votes")
        stop, tally = threading.Event(), {}
        voter = threading.Thread(target=_vote_loop, args=(server.url, ids, stop, tally))
        began = time.monotonic()
        voter.start()
        during = bench.wrk(server.url + path, bench.cfg.duration)
        stop.set()
        voter.join(timeout=60)
        elapsed = time.monotonic() - began
        after = load.fetch(server.url + path)
    votes_sent = sum(v for k, v in tally.items() if k != "seconds")
    return {
        "db": db,
        "size": size,
        "comments_voted_on": len(ids),
        "vote_rate_asked": VOTE_RATE,
        "votes_sent": votes_sent,
        "votes_per_s": round(votes_sent / elapsed, 1) if elapsed else 0.0,
        "vote_ms_mean": round(1000 * tally.get("seconds", 0.0) / votes_sent, 1)
        if votes_sent
        else None,
        "vote_outcomes": {k: v for k, v in tally.items() if k != "seconds"},
        "req_s_before": round(before.requests_per_s, 1),
        "req_s_with_votes": round(during.requests_per_s, 1),
        "p99_ms_before": before.p99_ms,
        "p99_ms_with_votes": during.p99_ms,
        "errors": before.socket_errors
        + before.non_2xx_3xx
        + during.socket_errors
        + during.non_2xx_3xx,
        "page_after_status": after.status,
    }


def section_lines(runs: list[dict]) -> list[str]:
    """The results.md section: one row per database."""
    lines = [
        "## Reading while readers vote",
        "",
        "The warm page of the thread nearest 1,000 comments, loaded by wrk without votes and "
        'then while "Helpful" votes arrive (bench/votes.py). Votes raise no thread version: '
        "the shared page keeps being served from the cache and shows counts up to a minute old.",
        "",
    ]
    if not runs:
        return [*lines, "Not measured.", ""]
    lines += [
        "| db | comments | req/s, no votes | req/s, with votes | p99 ms, no votes / with "
        "| votes/s sent | vote ms (mean) | vote outcomes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(run["vote_outcomes"].items()))
        lines.append(
            f"| {run['db']} | {run['size']:,} | {run['req_s_before']} | "
            f"{run['req_s_with_votes']} | {run['p99_ms_before']} / {run['p99_ms_with_votes']} | "
            f"{run['votes_per_s']} | {run['vote_ms_mean']} | {outcomes} |"
        )
    return [*lines, ""]
