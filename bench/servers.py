"""Start and stop the gunicorn servers under test, on free loopback ports.

Every server runs in its own process group (``start_new_session``), so stopping it stops the
master and its workers, and nothing else. ``stop_all`` stops whatever is still running; run.py
calls it in a ``finally``.

A server counts as ready when every worker has loaded the WSGI application: gunicorn's
``post_worker_init`` hook in ``gunicorn_conf.py`` leaves a marker file per worker. Waiting for
the port alone is not enough: the master binds it before the workers have imported the app, and
a "cold" first request would then also time the workers' start-up.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
GUNICORN_CONF = BENCH_DIR / "gunicorn_conf.py"
RESERVED_PORTS = range(8000, 8101)  # the dev server and friends live there
HOST = "127.0.0.1"

_running: set["Gunicorn"] = set()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on, outside the reserved range."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((HOST, 0))
            port = sock.getsockname()[1]
        if port not in RESERVED_PORTS:
            return port
    raise RuntimeError("no free port found")


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((HOST, port)) == 0


class Gunicorn:
    """One gunicorn (``workers`` sync workers) serving ``app`` on 127.0.0.1:<free port>."""

    def __init__(
        self,
        name: str,
        *,
        gunicorn: Path,
        app: str,
        env: dict[str, str],
        cwd: Path,
        work_dir: Path,
        workers: int = 2,
    ):
        self.name = name
        self.gunicorn = gunicorn
        self.app = app
        self.env = env
        self.cwd = cwd
        self.workers = workers
        self.log_path = work_dir / "logs" / f"{name}.log"
        self.ready_dir = work_dir / "ready" / name
        self.port = 0
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 90) -> "Gunicorn":
        if self.proc is not None:
            raise RuntimeError(f"{self.name} is already running")
        shutil.rmtree(self.ready_dir, ignore_errors=True)
        self.ready_dir.mkdir(parents=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        argv = [
            str(self.gunicorn),
            self.app,
            "--config",
            str(GUNICORN_CONF),
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--timeout",
            "300",  # a 10,000-comment page of a slow peer must not get its worker killed
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        env = {**os.environ, **self.env, "BENCH_READY_DIR": str(self.ready_dir)}
        with open(self.log_path, "a") as log:
            log.write(f"\n=== {time.strftime('%H:%M:%S')} {' '.join(argv)}\n")
            log.flush()
            self.proc = subprocess.Popen(
                argv,
                cwd=self.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _running.add(self)
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.proc = None
                _running.discard(self)
                raise RuntimeError(f"{self.name} exited at start-up:\n{self.log_tail()}")
            ready = len(list(self.ready_dir.iterdir()))
            if ready >= self.workers and port_open(self.port):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f}s:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def peak_rss_mb(self) -> list[float]:
        """Each worker's peak resident memory so far (VmHWM), in MB."""
        peaks = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) / 1024)
        return sorted(peaks, reverse=True)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the workers have used so far."""
        ticks = 0
        for pid in self.worker_pids():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def wait_idle(self, quiet: float = 0.3, timeout: float = 600) -> bool:
        """Wait until the workers stop using CPU; False if they are still busy at ``timeout``.

        When wrk stops, the requests it had sent are still queued in the server and are
        served to closed connections; with a slow page that takes seconds. The next run must
        not start before, or it measures that backlog.
        """
        deadline = time.monotonic() + timeout
        before = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(quiet)
            now = self.cpu_seconds()
            if now - before <= 0.02:
                return True
            before = now
        return False

    def stop(self) -> None:
        if self.proc is None:
            return
        pgid = self.proc.pid  # start_new_session: the master leads its own group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        # Workers that outlived the master (they should not) go with the group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        self.proc = None
        _running.discard(self)

    def restart(self) -> "Gunicorn":
        self.stop()
        return self.start()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __enter__(self) -> "Gunicorn":
        return self if self.proc is not None else self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def stop_all() -> None:
    for server in list(_running):
        server.stop()
