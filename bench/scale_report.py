"""The Markdown of bench/scale.py: one section per database size, and the curve across sizes."""

import contextlib
import datetime
import math
import os
import platform
from pathlib import Path

SLOW_MS = 100.0


def machine_info(cursor) -> dict[str, str]:
    cursor.execute("SHOW server_version")
    pg = cursor.fetchone()[0]
    cursor.execute("SHOW shared_buffers")
    buffers = cursor.fetchone()[0]
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "postgres": f"{pg} (shared_buffers {buffers})",
        "python": platform.python_version(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def sizes(cursor) -> dict[str, int]:
    out = {}
    for name, sql in [
        ("published articles", "SELECT count(*) FROM articles_article WHERE status = 'published'"),
        ("comments", "SELECT count(*) FROM comments_comment"),
        ("approved", "SELECT count(*) FROM comments_comment WHERE status = 'approved'"),
        ("pending", "SELECT count(*) FROM comments_comment WHERE status = 'pending'"),
        ("spam", "SELECT count(*) FROM comments_comment WHERE status = 'spam'"),
        ("removed", "SELECT count(*) FROM comments_comment WHERE status = 'removed'"),
        ("replies", "SELECT count(*) FROM comments_comment WHERE parent_id IS NOT NULL"),
        ("distinct emails", "SELECT count(DISTINCT author_email) FROM comments_comment"),
        (
            "largest thread",
            "SELECT max(n) FROM (SELECT count(*) n FROM comments_comment GROUP BY article_id) x",
        ),
        ("open reports", "SELECT count(*) FROM comments_report WHERE resolved_at IS NULL"),
        (
            "newest comment with an open report (days old)",
            "SELECT coalesce(min(extract(day FROM now() - c.created_at))::int, 0)"
            " FROM comments_comment c WHERE c.reported_at IS NOT NULL",
        ),
        ("moderation log rows", "SELECT count(*) FROM comments_moderationlog"),
    ]:
        cursor.execute(sql)
        out[name] = cursor.fetchone()[0]
    cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
    out["database size"] = cursor.fetchone()[0]
    return out


def report(args, machine, size, build_times, results, explains) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# Scale benchmark: {size['comments']:,} comments, "
        f"{size['published articles']:,} articles",
        "",
        f"Run {now} with `bench/scale.py --comments {args.comments} --articles {args.articles}"
        + (" --reuse" if args.reuse else "")
        + "`.",
        "",
        f"Machine: {machine['nproc']} CPUs ({machine['cpu']}), PostgreSQL {machine['postgres']}, "
        f"Python {machine['python']}, load average at the end {machine['load']}.",
        "",
        "Sizes: "
        + ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in size.items())
        + ".",
        "",
    ]
    if build_times:
        total = sum(build_times.values())
        lines += [
            f"Build: {total:.1f} s ("
            + ", ".join(f"{k} {v:.1f} s" for k, v in build_times.items())
            + ").",
            "",
        ]
    lines += [
        "Each page: cache cleared, one untimed request, then the p50 of "
        f"{args.runs} requests (in-process, Django test client, DEBUG off, database cache); "
        "queries, SQL ms (their summed time) and bytes from one more request. *first* is the "
        "untimed request after the cache was cleared. Pages over 100 ms are marked **slow**.",
        "",
        "| page | p50 ms | first ms | queries | SQL ms | bytes |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        flag = " **slow**" if r["p50"] > SLOW_MS else ""
        lines.append(
            f"| {r['page']}{flag} | {r['p50']:.1f} | {r['first']:.1f} | {r['queries']} "
            f"| {r['sql_ms']:.0f} | {r['bytes']:,} |"
        )
    lines.append("")
    if explains:
        lines += [f"### The slowest query of each page over {SLOW_MS:.0f} ms", ""]
        for label, ms, sql, plan in explains:
            lines += [
                f"#### {label} ({ms:.1f} ms in the counted request)",
                "",
                "```sql",
                sql,
                "```",
                "",
                "```",
                plan,
                "```",
                "",
            ]
    return "\n".join(lines)


HEADER = """# Scale benchmark (bench/scale.py)

Written by `make bench-scale` (`bench/scale.py`): one section per database size, the newest run
of each size replacing the one before. Compare sections of one day only.
"""


CURVE_SECTION = "curve"


def curve_report(points: list[dict], pages) -> str:
    """The p50 of ``pages`` at each database size, and how much each grew per tenfold size."""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    sizes_ = [p["size"]["comments"] for p in points]
    lines = [
        "# The curve: the same pages at each size",
        "",
        f"Run {now} with `bench/scale.py --curve` (each size built anew, the 1M shape scaled: "
        "10,000 articles; a fifth as many distinct emails as comments; log rows 30% of the "
        "comments). p50 ms of the timed requests; *x per 10x* is the ratio of the largest "
        "size's time to the smallest's, taken to the power of one over the decades between "
        "them: 1.0 is flat, 10 would be linear.",
        "",
        f"Machine: {points[-1]['machine']['nproc']} CPUs, PostgreSQL "
        f"{points[-1]['machine']['postgres']}, load average at the end "
        f"{points[-1]['machine']['load']}.",
        "",
        "| page | " + " | ".join(f"{n:,}" for n in sizes_) + " | x per 10x | queries |",
        "|---|" + "---:|" * (len(sizes_) + 2),
    ]
    for page in pages:
        rows = [next((r for r in p["results"] if r["page"] == page), None) for p in points]
        if not all(rows):
            continue
        times = [r["p50"] for r in rows]
        decades = math.log10(sizes_[-1] / sizes_[0]) if len(sizes_) > 1 else 1
        growth = (times[-1] / max(times[0], 0.01)) ** (1 / decades) if decades else 1.0
        queries = sorted({r["queries"] for r in rows})
        lines.append(
            f"| {page} | "
            + " | ".join(f"{t:.1f}" for t in times)
            + f" | {growth:.2f} | {', '.join(map(str, queries))} |"
        )
    return "\n".join(lines) + "\n"


def write_results(path: Path, key, text: str) -> None:
    """Keep one section per size (marked by a comment line), the curve first, then by size."""
    sections = {}
    if path.exists():
        current = None
        for line in path.read_text().splitlines():
            if line.startswith("<!-- size ") or line.startswith("<!-- curve"):
                word = line.split()[1 if line.startswith("<!-- curve") else 2]
                current = CURVE_SECTION if word == CURVE_SECTION else int(word)
                sections[current] = []
            elif current is not None:
                sections[current].append(line)
    sections[key] = text.replace("\n# ", "\n## ").splitlines()
    if sections[key][0].startswith("# "):
        sections[key][0] = "#" + sections[key][0]
    out = [HEADER]
    if CURVE_SECTION in sections:
        out.append(f"<!-- {CURVE_SECTION} -->")
        out.extend(sections.pop(CURVE_SECTION))
    for size in sorted(sections):
        out.append(f"<!-- size {size} -->")
        out.extend(sections[size])
    path.write_text("\n".join(out).rstrip() + "\n")
