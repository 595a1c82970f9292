"""Load generation: wrk runs and single timed requests, to 127.0.0.1 only.

``run_wrk`` wraps ``wrk --latency`` (bounded by ``-d``) and parses what it prints; a Lua
script may add a ``BENCH key=value ...`` line (see lua/post.lua), parsed into ``extra``.
``fetch`` makes one plain HTTP/1.1 request with http.client and times it.
"""

import http.client
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
LOOPBACK = "127.0.0.1"
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname
    if host != LOOPBACK:
        raise ValueError(f"benchmarks send traffic to {LOOPBACK} only, not {host!r}")


def parse_duration(text: str) -> float:
    """'10s', '2m', '500ms' or a plain number of seconds, in seconds."""
    match = re.fullmatch(r"\s*([\d.]+)\s*(ms|s|m|h)?\s*", text)
    if not match:
        raise ValueError(f"not a duration: {text!r}")
    value, unit = float(match.group(1)), match.group(2) or "s"
    return value * {"ms": 1e-3, "s": 1, "m": 60, "h": 3600}[unit]


def ensure_wrk() -> str:
    """The wrk binary; installed from Debian's package when missing (we run as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing Debian's wrk package", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is still missing after apt-get install wrk")
    return found


def wrk_version() -> str:
    out = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    first = (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else ""
    match = re.search(r"wrk\s+(\S+)", first)
    return match.group(1) if match else first.strip()


@dataclass
class WrkResult:
    requests: int = 0
    seconds: float = 0.0
    requests_per_s: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    bytes_read: float = 0.0
    socket_errors: int = 0
    non_2xx_3xx: int = 0
    extra: dict[str, int] = field(default_factory=dict)
    raw: str = ""

    @property
    def errors(self) -> int:
        return self.socket_errors + self.non_2xx_3xx


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise ValueError(f"not a wrk time: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _size(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)([KMGT]?B)", text)
    if not match:
        return 0.0
    scale = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}
    return float(match.group(1)) * scale[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    result = WrkResult(raw=output)
    if m := re.search(r"(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read", output):
        result.requests = int(m.group(1))
        result.seconds = _ms(m.group(2)) / 1000
        result.bytes_read = _size(m.group(3))
    if m := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result.requests_per_s = float(m.group(1))
    if result.requests:
        if m := re.search(r"^\s+50(?:\.000)?%\s+(\S+)", output, re.MULTILINE):
            result.p50_ms = _ms(m.group(1))
        if m := re.search(r"^\s+99(?:\.000)?%\s+(\S+)", output, re.MULTILINE):
            result.p99_ms = _ms(m.group(1))
    if m := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        result.socket_errors = sum(int(g) for g in m.groups())
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        result.non_2xx_3xx = int(m.group(1))
    for line in output.splitlines():
        if line.startswith("BENCH "):
            for pair in line.split()[1:]:
                key, _, value = pair.partition("=")
                result.extra[key] = int(value)
    return result


def run_wrk(
    url: str,
    *,
    duration: str,
    connections: int,
    threads: int,
    timeout: str = "120s",
    script: Path | None = None,
    script_args: tuple[str, ...] = (),
) -> WrkResult:
    """``wrk --latency`` against ``url`` for ``duration``; bounded, loopback only."""
    _check_loopback(url)
    argv = [
        "wrk",
        "--latency",
        "--duration",
        duration,
        "--connections",
        str(connections),
        "--threads",
        str(min(threads, connections)),
        "--timeout",
        timeout,
    ]
    if script is not None:
        argv += ["--script", str(script)]
    argv.append(url)
    if script_args:
        argv += ["--", *script_args]
    limit = parse_duration(duration) + parse_duration(timeout) + 30
    done = subprocess.run(argv, capture_output=True, text=True, timeout=limit, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float


def fetch(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 300,
) -> Response:
    """One request on a new connection, timed from connect to the last byte of the body."""
    _check_loopback(url)
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    began = time.perf_counter()
    conn = http.client.HTTPConnection(LOOPBACK, parts.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    return Response(response.status, response.headers, data, time.perf_counter() - began)
