"""The on-demand benchmark (`make bench`): our article page against its peers and its ceiling.

Seeds threads of BENCH_SIZES comments into SQLite and PostgreSQL, serves our site, a
django-comments-xtd project and Isso with the same gunicorn setup (2 workers, loopback), loads
them with wrk, and writes bench/results.md (and bench/.work/results.json). See bench/README.md
for what every number means and for the knobs.
"""

import json
import os
import platform
import re
import secrets
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import traceback
from dataclasses import asdict
from datetime import UTC, datetime
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from string import Template
from urllib.parse import quote, urlencode, urlsplit

import load
import report
import seed
import servers
import votes
from report import CEILING, ISSO, OURS, TARGET_SIZE, XTD

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
WORK = BENCH_DIR / ".work"
THREADS_DIR = WORK / "threads"
PEERS_DIR = BENCH_DIR / "peers"
PEERS_VENV = BENCH_DIR / ".peers" / "venv"
PROJECT_PYTHON = Path(sys.executable)
PROJECT_GUNICORN = PROJECT_PYTHON.parent / "gunicorn"
RESULTS_MD = BENCH_DIR / "results.md"
PEER_REQUIREMENTS = ["django-comments-xtd==2.10.*", "isso==0.14.*"]


# --- configuration ---------------------------------------------------------------------------


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


class Config:
    def __init__(self):
        raw_sizes = os.environ.get("BENCH_SIZES", "10,100,1000,10000")
        self.sizes = sorted({int(s) for s in raw_sizes.split(",") if s.strip()})
        self.duration = os.environ.get("BENCH_DURATION", "10s")
        self.cold_duration = os.environ.get("BENCH_COLD_DURATION", "3s")
        self.cold_runs = int(os.environ.get("BENCH_COLD_RUNS", "5"))
        self.connections = int(os.environ.get("BENCH_CONNECTIONS", "8"))
        self.threads = int(os.environ.get("BENCH_THREADS", "2"))
        self.workers = int(os.environ.get("BENCH_WORKERS", "2"))
        self.skip_peers = env_flag("BENCH_SKIP_PEERS")
        self.skip_postgres = env_flag("BENCH_SKIP_POSTGRES")
        self.postgres_url = os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_site"
        )
        self.post_env = dict(
            pair.split("=", 1)
            for pair in os.environ.get("BENCH_POST_ENV", "").split(",")
            if "=" in pair
        )
        for duration in (self.duration, self.cold_duration):
            load.parse_duration(duration)  # fail early on a typo
        if not self.sizes or min(self.sizes) < 1:
            raise SystemExit("BENCH_SIZES must list positive thread sizes, e.g. 10,100,1000")

    def as_dict(self) -> dict:
        return dict(vars(self))


# --- helpers ---------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run_json(argv: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 1800):
    """Run a helper script and return the JSON it prints on its last line."""
    done = subprocess.run(
        argv,
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def site_env(database_url: str, secret: str) -> dict[str, str]:
    """Our site's production settings, as README's "Production" section gives them."""
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secret,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "DJANGO_LOG_LEVEL": "WARNING",
        "COMMENTS_MODERATION": "post",
        "REDIS_URL": "",  # each worker's local-memory cache: a restart empties it
        # As measured before the shared cache was required (config/checks.py refuses it in a
        # deploy check, not at run time); production uses Redis or the database cache.
        "DJANGO_CACHE": "locmem",
    }


def relaxed_rate_limits(rate_settings: dict) -> tuple[dict[str, str], list[str]]:
    """Environment that lifts the site's COMMENTS_RATE_* limits for the posting benchmark.

    The site reads every COMMENTS_* setting from the environment variable of the same name.
    Counts become huge; "N/period" strings become "1000000/s"; switches (bools) go off;
    minimum gaps, intervals or delays go to 0 (e.g. COMMENTS_RATE_GAP_SECONDS). A setting
    this cannot interpret is left alone and reported; BENCH_POST_ENV can set anything by hand.
    """
    env, notes = {}, []
    for name, value in sorted(rate_settings.items()):
        time_like = any(w in name for w in ("WINDOW", "PERIOD", "SECONDS", "MINUTES", "HOURS"))
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if isinstance(value, bool) or (
            number and any(w in name for w in ("GAP", "MIN_", "INTERVAL", "DELAY", "WAIT"))
        ):
            env[name] = "0"
        elif number and not time_like:
            env[name] = "1000000"
        elif isinstance(value, str) and re.fullmatch(r"\d+\s*/\s*\w+", value):
            env[name] = "1000000/s"
        else:
            notes.append(f"{name}={value!r} left as it is (not understood)")
            continue
        notes.append(f"{name}: {value!r} -> {env[name]!r}")
    return env, notes


def stats_ms(samples: list[float]) -> dict:
    if not samples:
        return {}
    ms = [s * 1000 for s in samples]
    return {"p50": statistics.median(ms), "min": min(ms), "max": max(ms), "n": len(ms)}


def wrk_dict(result: load.WrkResult | None) -> dict | None:
    if result is None:
        return None
    data = asdict(result)
    data.pop("raw")
    data["errors"] = result.errors
    return data


# --- measuring -------------------------------------------------------------------------------


class Bench:
    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.secret = "bench-" + secrets.token_urlsafe(40)
        self.reads: list[dict] = []
        self.posting: list[dict] = []
        self.votes: list[dict] = []  # reading while readers vote (votes.py)
        self.notes: list[str] = []
        self.problems: list[str] = []
        self.machine: dict = {}
        self.ceiling_body: bytes | None = None

    def server(self, name: str, **kwargs) -> servers.Gunicorn:
        return servers.Gunicorn(name, work_dir=WORK, workers=self.cfg.workers, **kwargs)

    def wrk(self, url: str, duration: str, **kwargs) -> load.WrkResult:
        return load.run_wrk(
            url,
            duration=duration,
            connections=self.cfg.connections,
            threads=self.cfg.threads,
            **kwargs,
        )

    def measure_reads(
        self, server: servers.Gunicorn, label: str, db: str, paths: dict, extra: dict
    ) -> None:
        """Cold and warm numbers for each thread size; ``paths`` maps size -> URL path."""
        for size, path in paths.items():
            log(f"{label} ({db}), {size:,} comments: cold first requests")
            cold = []
            for _ in range(self.cfg.cold_runs):
                server.restart()
                response = load.fetch(server.url + path)
                if response.status != 200:
                    self.problems.append(f"{label} {db} {size}: cold GET -> {response.status}")
                cold.append(response.seconds)
            server.restart()
            log(f"{label} ({db}), {size:,} comments: load right after start, then warm")
            cold_load = self.wrk(server.url + path, self.cfg.cold_duration)
            self.settle(server, f"{label} {db} {size} after the cold run")
            warm = self.wrk(server.url + path, self.cfg.duration)
            self.settle(server, f"{label} {db} {size} after the warm run")
            response = load.fetch(server.url + path)
            rss = server.peak_rss_mb()
            server.stop()
            if response.status != 200:
                self.problems.append(f"{label} {db} {size}: warm GET -> {response.status}")
            for phase, result in (("cold load", cold_load), ("warm", warm)):
                if result.errors:
                    self.problems.append(
                        f"{label} {db} {size}: {result.errors} errors in the {phase} run "
                        f"({result.socket_errors} socket, {result.non_2xx_3xx} non-2xx/3xx)"
                    )
            if label == OURS and db == "SQLite" and size == self.ceiling_size():
                self.ceiling_body = response.body
            self.reads.append(
                {
                    "server": label,
                    "db": db,
                    "size": size,
                    "status": response.status,
                    "bytes": len(response.body),
                    "queries": extra.get(str(size), {}).get("queries"),
                    "cold_first_ms": stats_ms(cold),
                    "cold_load": wrk_dict(cold_load),
                    "warm": wrk_dict(warm),
                    "rss_mb": rss,
                }
            )

    def settle(self, server: servers.Gunicorn, when: str) -> None:
        """Let the server finish the requests wrk left queued before measuring again."""
        if not server.wait_idle():
            self.problems.append(f"{when}: the server was still busy after 10 minutes")

    def ceiling_size(self) -> int:
        """The thread whose page the ceiling serves: 1,000 comments, or the nearest size run."""
        return min(self.cfg.sizes, key=lambda s: abs(s - TARGET_SIZE))

    # --- our site ----------------------------------------------------------------------------

    def our_site(self, db: str, database_url: str) -> None:
        env = site_env(database_url, self.secret)
        log(f"our site ({db}): migrating and seeding {self.cfg.sizes}")
        summary = run_json(
            [
                PROJECT_PYTHON,
                BENCH_DIR / "seed.py",
                "--sizes",
                self.sizes_arg(),
                "--threads-dir",
                THREADS_DIR,
            ],
            env=env,
            cwd=PROJECT_DIR,
        )
        self.notes.append(
            f"Our site ({db}) seeded in {sum(summary['seconds'].values()):.1f}s "
            f"(COMMENTS_MAX_DEPTH={summary['max_depth']})."
        )
        queries = run_json(
            [PROJECT_PYTHON, BENCH_DIR / "queries.py", "--sizes", self.sizes_arg()],
            env=env,
            cwd=PROJECT_DIR,
        )
        server = self.server(
            f"site-{db.lower()}",
            gunicorn=PROJECT_GUNICORN,
            app="config.wsgi",
            env=env,
            cwd=PROJECT_DIR,
        )
        paths = {size: seed.thread_path(size) for size in self.cfg.sizes}
        self.measure_reads(server, OURS, db, paths, queries)
        self.reading_while_voting(db, env)

        policy = summary.get("settings", {})
        rate_env, rate_notes = relaxed_rate_limits(
            {k: v for k, v in policy.items() if k.startswith("COMMENTS_RATE_")}
        )
        if rate_notes:
            self.notes.append(f"Posting ({db}), rate limits relaxed: " + "; ".join(rate_notes))
        post_env = {**env, **rate_env, **self.cfg.post_env}
        server = self.server(
            f"site-{db.lower()}-posting",
            gunicorn=PROJECT_GUNICORN,
            app="config.wsgi",
            env=post_env,
            cwd=PROJECT_DIR,
        )
        min_seconds = float(
            post_env.get("COMMENTS_MIN_SUBMIT_SECONDS")
            or policy.get("COMMENTS_MIN_SUBMIT_SECONDS")
            or 0
        )
        self.post_ours(server, db, post_env, min_seconds)

    def reading_while_voting(self, db: str, env: dict) -> None:
        """The warm page's req/s before and with "Helpful" votes arriving (votes.py)."""
        log(f"our site ({db}): reading while readers vote")

        def make_server(name: str, env: dict) -> servers.Gunicorn:
            return self.server(
                name, gunicorn=PROJECT_GUNICORN, app="config.wsgi", env=env, cwd=PROJECT_DIR
            )

        try:
            run = votes.measure(
                self, db=db, env=env, size=self.ceiling_size(), make_server=make_server
            )
        except Exception as error:  # the other parts still run
            servers.stop_all()
            self.problems.append(f"reading while voting ({db}) failed: {error}")
            return
        if run["errors"] or run["page_after_status"] != 200:
            self.problems.append(f"reading while voting ({db}): {run['errors']} errors")
        self.votes.append(run)

    def post_ours(self, server: servers.Gunicorn, db: str, env: dict, min_seconds: float) -> None:
        """wrk POSTs our real form: the hidden fields (signed form timestamp, ...) come from one
        GET of the page, sent back with the page's Origin as a browser would. A reader's comment
        needs no CSRF token or cookie: it is checked by origin (comments/posting/views.py)."""
        log(f"our site ({db}): posting through the form")
        before = self.posting_stats(env)
        with server.start():
            page = load.fetch(server.url + f"/articles/{seed.POSTING_SLUG}/")
            loaded = time.monotonic()
            hidden = hidden_fields(page.body.decode(), action_suffix="/comments/")
            if page.status != 200 or "issued" not in hidden:
                raise RuntimeError(f"no comment form ({page.status})")
            parents = [int(pk) for pk in re.findall(rb'<li id="comment-(\d+)"', page.body)]
            bodies = []
            for text, author, parent in self.post_texts(parents):
                fields = {
                    **hidden,
                    "comment": text,
                    "name": author["author_name"],
                    "email": author["author_email"],
                    "url": author["author_url"],
                    "parent": parent or "",
                }
                bodies.append(urlencode(fields))
            spec = self.post_spec(
                path=f"/articles/{seed.POSTING_SLUG}/comments/",
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": server.url,
                    "User-Agent": "bench/wrk",
                },
                accept=302,
                held=None,
                bodies=bodies,
                name=f"post-site-{db.lower()}",
            )
            # A person reads and types before posting: the "posted too fast" check must see the
            # form's timestamp older than COMMENTS_MIN_SUBMIT_SECONDS, or it holds the comment.
            # The timestamp is the next whole second (forms.issue_timestamp): one more second.
            time.sleep(max(0.0, min_seconds + 1.5 - (time.monotonic() - loaded)))
            result = self.wrk(
                server.url + "/",
                self.cfg.duration,
                script=BENCH_DIR / "lua" / "post.lua",
                script_args=(str(spec),),
            )
            rss = server.peak_rss_mb()
        after = self.posting_stats(env)
        stored = {k: after.get(k, 0) - before.get(k, 0) for k in after}
        self.record_posting(OURS, db, result, rss, stored, stored.get("approved", 0))

    def posting_stats(self, env: dict) -> dict:
        return run_json(
            [PROJECT_PYTHON, BENCH_DIR / "queries.py", "--posting"], env=env, cwd=PROJECT_DIR
        )

    def post_texts(self, parents: list[int]):
        """(text, author, parent id or None) for posted comments; 30% are replies."""
        thread = seed.generate_thread(300, seed=99)
        for n, c in enumerate(thread):
            parent = parents[n % len(parents)] if parents and n % 10 < 3 else None
            yield c["body"] + "\n\n(ref BENCHREF)", c, parent

    def post_spec(self, *, path, headers, accept, held, bodies, name) -> Path:
        lines = [f"PATH {path}", f"ACCEPT {accept}"]
        if held is not None:
            lines.append(f"HELD {held}")
        lines += [f"HEADER {k}: {v}" for k, v in headers.items()]
        lines += [f"BODY {body}" for body in bodies]
        spec = WORK / f"{name}.spec"
        spec.write_text("\n".join(lines) + "\n")
        return spec

    def record_posting(self, label, db, result: load.WrkResult, rss, stored, published) -> None:
        """One posting row. Published per second counts the accepted responses wrk saw in its
        window, but never more than the comments the database really has as published (a
        comment held for moderation may answer like a published one)."""
        extra = result.extra
        seconds = result.seconds or load.parse_duration(self.cfg.duration)
        accepted = extra.get("accepted", 0)
        row = {
            "server": label,
            "db": db,
            "accepted_per_s": min(accepted, published) / seconds,
            "responses": extra,
            "stored": stored,
            "wrk": wrk_dict(result),
            "rss_mb": rss,
        }
        if extra.get("rejected") or extra.get("held") or result.socket_errors:
            self.problems.append(
                f"posting to {label} ({db}): {extra.get('rejected', 0)} rejected, "
                f"{extra.get('held', 0)} held, {result.socket_errors} socket errors "
                f"of {result.requests} requests ({report.statuses(extra)}; tracebacks in "
                "bench/.work/logs/)"
            )
        # Requests still in flight when wrk stops are stored but not counted by wrk.
        if not accepted <= published <= accepted + self.cfg.connections:
            self.problems.append(
                f"posting to {label} ({db}): {accepted} accepted responses but "
                f"{published} comments stored as published ({stored})"
            )
        self.posting.append(row)

    def sizes_arg(self) -> str:
        return ",".join(map(str, self.cfg.sizes))

    # --- the ceiling -------------------------------------------------------------------------

    def ceiling(self) -> None:
        if self.ceiling_body is None:
            self.problems.append("ceiling not measured: no page of our site was saved")
            return
        size = self.ceiling_size()
        page = WORK / f"page-{size}.html"
        page.write_bytes(self.ceiling_body)
        log(f"ceiling: our {size:,}-comment page as static bytes")
        server = self.server(
            "static",
            gunicorn=PROJECT_GUNICORN,
            app="static_app:application",
            env={"BENCH_STATIC_FILE": str(page)},
            cwd=BENCH_DIR,
        )
        with server.start():
            warm = self.wrk(server.url + "/", self.cfg.duration)
            rss = server.peak_rss_mb()
        self.reads.append(
            {
                "server": CEILING,
                "db": "-",
                "size": size,
                "status": 200,
                "bytes": len(self.ceiling_body),
                "queries": 0,
                "cold_first_ms": {},
                "cold_load": None,
                "warm": wrk_dict(warm),
                "rss_mb": rss,
            }
        )

    # --- peers -------------------------------------------------------------------------------

    def thread_files(self) -> list[str]:
        return [str(THREADS_DIR / f"thread-{size}.json") for size in self.cfg.sizes]

    def xtd(self) -> None:
        python, gunicorn = PEERS_VENV / "bin" / "python", PEERS_VENV / "bin" / "gunicorn"
        threads = self.thread_files()
        log("django-comments-xtd: seeding")
        xtd_dir = PEERS_DIR / "xtd"
        xtd_env = {
            "DJANGO_SECRET_KEY": self.secret,
            "DJANGO_SETTINGS_MODULE": "xtdsite.settings",
            "XTD_DATABASE_PATH": str(WORK / "xtd.sqlite3"),
        }
        counts = run_json(
            [python, "seed_xtd.py", "--db", xtd_env["XTD_DATABASE_PATH"], *threads],
            env=xtd_env,
            cwd=xtd_dir,
        )
        for size in self.cfg.sizes:
            shown = counts[str(size)]["shown"]
            if shown != size:
                self.problems.append(f"xtd shows {shown} of {size} comments")
        server = self.server(
            "xtd", gunicorn=gunicorn, app="xtdsite.wsgi:application", env=xtd_env, cwd=xtd_dir
        )
        paths = {size: seed.thread_path(size) for size in self.cfg.sizes}
        self.measure_reads(server, XTD, "SQLite", paths, counts)

    def isso(self) -> None:
        python, gunicorn = PEERS_VENV / "bin" / "python", PEERS_VENV / "bin" / "gunicorn"
        threads = self.thread_files()
        log("Isso: seeding")
        isso_dir = PEERS_DIR / "isso"
        config = WORK / "isso.cfg"
        config.write_text(
            Template((isso_dir / "isso.cfg.template").read_text()).substitute(
                dbpath=WORK / "isso.sqlite3",
                # Isso checks at start-up that it can reach the site: a loopback port where
                # nothing listens answers at once (Isso only logs a warning).
                host=f"http://127.0.0.1:{servers.free_port()}/",
            )
        )
        run_json(
            [
                python,
                "seed_isso.py",
                "--config",
                config,
                *threads,
                THREADS_DIR / "thread-posting.json",
            ],
            env={},
            cwd=isso_dir,
        )
        isso_env = {"ISSO_SETTINGS": str(config)}
        server = self.server(
            "isso", gunicorn=gunicorn, app="isso.run:application", env=isso_env, cwd=isso_dir
        )
        paths = {size: "/?uri=" + quote(seed.thread_path(size), safe="") for size in self.cfg.sizes}
        self.measure_reads(server, ISSO, "SQLite", paths, {})
        self.post_isso(server, WORK / "isso.sqlite3")

    def post_isso(self, server: servers.Gunicorn, dbpath: Path) -> None:
        log("Isso: posting through POST /new")
        uri = f"/articles/{seed.POSTING_SLUG}/"
        before = isso_modes(dbpath, uri)
        with server.start():
            thread = load.fetch(server.url + "/?uri=" + quote(uri, safe=""))
            parents = [c["id"] for c in json.loads(thread.body)["replies"]]
            bodies = []
            for text, author, parent in self.post_texts(parents):
                data = {
                    "text": text,
                    "author": author["author_name"],
                    "email": author["author_email"],
                    "website": author["author_url"] or None,
                    "parent": parent,
                }
                bodies.append(json.dumps(data))
            spec = self.post_spec(
                path="/new?uri=" + quote(uri, safe=""),
                headers={
                    "Content-Type": "application/json",
                    "Origin": server.url,
                    "User-Agent": "bench/wrk",
                },
                accept=201,
                held=202,
                bodies=bodies,
                name="post-isso",
            )
            result = self.wrk(
                server.url + "/",
                self.cfg.duration,
                script=BENCH_DIR / "lua" / "post.lua",
                script_args=(str(spec),),
            )
            rss = server.peak_rss_mb()
        after = isso_modes(dbpath, uri)
        stored = {k: after.get(k, 0) - before.get(k, 0) for k in after}
        self.record_posting(ISSO, "SQLite", result, rss, stored, stored.get("published", 0))


class _HiddenInputs(HTMLParser):
    def __init__(self, action_suffix: str):
        super().__init__()
        self.action_suffix = action_suffix
        self.in_form = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self.in_form = (attrs.get("action") or "").split("#")[0].endswith(self.action_suffix)
        elif tag == "input" and self.in_form and attrs.get("type") == "hidden" and name:
            self.fields[name] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def hidden_fields(html: str, *, action_suffix: str) -> dict[str, str]:
    """The hidden inputs of the form whose action ends with ``action_suffix``."""
    parser = _HiddenInputs(action_suffix)
    parser.feed(html)
    return parser.fields


def isso_modes(dbpath: Path, uri: str) -> dict:
    """Isso's comments on ``uri`` by mode (1 published, 2 held, 4 deleted)."""
    names = {1: "published", 2: "held", 4: "deleted"}
    con = sqlite3.connect(dbpath)
    try:
        rows = con.execute(
            "SELECT mode, count(*) FROM comments JOIN threads ON comments.tid = threads.id"
            " WHERE threads.uri = ? GROUP BY mode",
            (uri,),
        ).fetchall()
    finally:
        con.close()
    return {names.get(mode, str(mode)): n for mode, n in rows}


# --- set-up: PostgreSQL, peers' virtualenv, static files -------------------------------------


def prepare_postgres(url: str) -> str | None:
    """Create the benchmark database if missing; return why PostgreSQL is unusable, or None."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", str(parts.port or 5432)
    if host not in {"127.0.0.1", "localhost"}:
        return f"{host} is not on this machine"
    user, dbname = parts.username or "postgres", parts.path.lstrip("/")
    conn = ["-h", host, "-p", port, "-U", user]
    ready = subprocess.run(["pg_isready", *conn], capture_output=True, text=True, check=False)
    if ready.returncode != 0:
        return f"PostgreSQL not reachable at {host}:{port} ({ready.stdout.strip()})"
    listed = subprocess.run(
        ["psql", *conn, "-d", "postgres", "-lqtA"], capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:
        return f"psql failed: {listed.stderr.strip()}"
    if dbname not in {line.split("|")[0] for line in listed.stdout.splitlines()}:
        log(f"creating PostgreSQL database {dbname}")
        subprocess.run(["createdb", *conn, dbname], check=True)
    return None


def find_python312() -> str:
    if sys.version_info[:2] == (3, 12):
        candidate = Path(sys.base_prefix) / "bin" / "python3.12"
        if candidate.exists():
            return str(candidate)
    found = shutil.which("python3.12")
    if not found:
        raise RuntimeError("python3.12 not found for the peers' virtualenv")
    return found


def ensure_peers_venv() -> Path:
    """bench/.peers/venv with the peers from PyPI (never in our requirements files)."""
    requirements = [*PEER_REQUIREMENTS, f"gunicorn=={metadata.version('gunicorn')}"]
    python = PEERS_VENV / "bin" / "python"
    marker = PEERS_VENV / ".bench-requirements"
    if python.exists() and marker.exists() and marker.read_text() == "\n".join(requirements):
        return python
    log(f"peers' virtualenv: installing {' '.join(requirements)}")
    if not python.exists():
        subprocess.run([find_python312(), "-m", "venv", str(PEERS_VENV)], check=True)
    done = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", *requirements],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pip install of the peers failed:\n{done.stdout}\n{done.stderr}")
    marker.write_text("\n".join(requirements))
    return python


def collectstatic(secret: str) -> None:
    """Production settings need whitenoise's manifest: collect into STATIC_ROOT once."""
    subprocess.run(
        [PROJECT_PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=PROJECT_DIR,
        env={**os.environ, **site_env("sqlite:///:memory:", secret)},
        check=True,
    )


# --- the machine -----------------------------------------------------------------------------


def describe_machine(peers: bool) -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "load_avg_start": os.getloadavg(),
        "python": platform.python_version(),
        "django": metadata.version("django"),
        "gunicorn": metadata.version("gunicorn"),
        "wrk": load.wrk_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    pg = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"],
        capture_output=True,
        text=True,
        check=False,
    )
    info["postgresql"] = pg.stdout.strip().split()[0] if pg.returncode == 0 else "n/a"
    if peers and (PEERS_VENV / "bin" / "python").exists():
        code = (
            "import json, platform; from importlib.metadata import version; "
            "print(json.dumps({'python': platform.python_version(), **{p: version(p) for p in "
            "('django', 'django-comments-xtd', 'django-contrib-comments', 'isso', 'gunicorn')}}))"
        )
        info["peers"] = run_json([PEERS_VENV / "bin" / "python", "-c", code], env={}, cwd=BENCH_DIR)
    return info


# --- main ------------------------------------------------------------------------------------


def main() -> int:
    cfg = Config()
    load.ensure_wrk()
    for stale in ("threads", "ready", "logs"):
        shutil.rmtree(WORK / stale, ignore_errors=True)
    WORK.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that finally stops servers

    bench = Bench(cfg)
    began = time.monotonic()
    failures = 0

    def stage(name: str, step, *args) -> bool:
        """Run one part; a failure is reported and the other parts still run."""
        nonlocal failures
        try:
            step(*args)
        except Exception as error:
            failures += 1
            servers.stop_all()
            bench.problems.append(f"{name} failed: {type(error).__name__}: {error}")
            log(f"{name} FAILED:\n{traceback.format_exc()}")
            return False
        return True

    try:
        peers = not cfg.skip_peers and stage("installing the peers", ensure_peers_venv)
        bench.machine = describe_machine(peers=peers)
        log(f"sizes {cfg.sizes}, {cfg.duration} per warm run; machine: {bench.machine['cpu']}")
        collectstatic(bench.secret)

        sqlite_path = WORK / "site.sqlite3"
        sqlite_path.unlink(missing_ok=True)
        stage("our site on SQLite", bench.our_site, "SQLite", f"sqlite:///{sqlite_path}")
        stage("the ceiling", bench.ceiling)
        if cfg.skip_postgres:
            bench.notes.append("PostgreSQL skipped (BENCH_SKIP_POSTGRES=1).")
        elif why := prepare_postgres(cfg.postgres_url):
            bench.problems.append(f"PostgreSQL skipped: {why}")
        else:
            stage("our site on PostgreSQL", bench.our_site, "PostgreSQL", cfg.postgres_url)
        if cfg.skip_peers:
            bench.notes.append("Peers skipped (BENCH_SKIP_PEERS=1).")
        elif peers:
            stage("django-comments-xtd", bench.xtd)
            stage("Isso", bench.isso)
    except BaseException as error:
        failures += 1
        bench.problems.append(f"run stopped early: {type(error).__name__}: {error}")
        raise
    finally:
        servers.stop_all()
        bench.machine["load_avg_end"] = os.getloadavg()
        bench.machine["minutes"] = round((time.monotonic() - began) / 60, 1)
        report.write(bench, cfg, RESULTS_MD, WORK / "results.json")
        log(f"wrote {RESULTS_MD}" + (f" ({failures} part(s) failed)" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
