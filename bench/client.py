"""The benchmark's client side: a real staff login and a real tracking session (forms with
their CSRF tokens), a first look at each endpoint, and `wrk` for the load itself."""

from __future__ import annotations

import http.cookiejar
import json
import re
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

WRK = shutil.which("wrk") or "/usr/bin/wrk"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')

#: A Lua script for wrk: send the session cookie, cycle through the paths in BENCH_PATHS (each
#: thread from its own offset), print the figures as one JSON line.
WRK_SCRIPT = r"""
local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local threads = 0
function setup(thread)
  thread:set("offset", threads * 97)
  threads = threads + 1
end
local i = nil
request = function()
  if i == nil then i = (offset or 0) % #paths end
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "socket_errors": %d, "http_errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


class Session:
    """A browser-like session: cookies kept, redirects followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, str]:
        """(status, final URL, body) of a GET."""
        return self._open(urllib.request.Request(self.base_url + path))  # noqa: S310 — http only

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        """Fill the form at `path` (with its CSRF token) and post it."""
        _status, _url, page = self.get(path)
        token = CSRF.search(page)
        data = dict(fields)
        if token:
            data["csrf_token"] = token.group(1) or token.group(2)
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(  # noqa: S310 — base_url is our own http server
            self.base_url + path, data=body, method="POST"
        )
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.url, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.url or "", error.read().decode("utf-8", "replace")

    @property
    def cookie_header(self) -> str:
        """The Cookie header this session sends."""
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)


#: The demo seed's staff logins (`flask demo seed`): (email, password).
AGENT = ("agent@demo.example", "demo-agent-password")
MANAGER = ("manager@demo.example", "demo-manager-password")


def staff_login(base_url: str, email: str, password: str) -> tuple[Session | None, str]:
    """Log in at /staff/login; (session, "") or (None, why not)."""
    session = Session(base_url)
    status, url, _body = session.post_form("/staff/login", {"email": email, "password": password})
    if status == 404:
        return None, "/staff/login not available (404)"
    if status >= 400 or url.rstrip("/").endswith("/staff/login"):
        return None, f"staff login refused (HTTP {status})"
    return session, ""


def track_case(base_url: str, reference: str, email: str) -> tuple[Session | None, str, str]:
    """Open a case at /track with code + email; (session, case path, "") or (None, "", why)."""
    session = Session(base_url)
    status, url, _body = session.post_form("/track", {"reference": reference, "email": email})
    if status == 404:
        return None, "", "/track not available (404)"
    path = urllib.parse.urlsplit(url).path
    if status >= 400 or path.rstrip("/") == "/track":
        return None, "", f"tracking refused (HTTP {status})"
    return session, path, ""


@dataclass
class Load:
    """What wrk measured for one endpoint (times in milliseconds)."""

    requests: int
    seconds: float
    errors: int
    p50: float
    p95: float
    p99: float
    max: float

    @property
    def rps(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def probe(session: Session | None, base_url: str, path: str) -> str:
    """ "" when the endpoint answers 200 for this session, else a short reason."""
    client = session or Session(base_url)
    status, url, _body = client.get(path)
    landed = urllib.parse.urlsplit(url).path
    if status == 200 and landed.startswith("/staff/login") and not path.startswith("/staff/login"):
        return "redirected to the login page"
    if status == 200:
        return ""
    if status == 404:
        return "endpoint not available (404)"
    return f"endpoint answered HTTP {status}"


def run_wrk(
    base_url: str, paths: list[str], cookie: str, *, seconds: int, connections: int, threads: int
) -> Load:
    """Load the server with GETs of `paths` (in turn) for `seconds` and read wrk's figures."""
    with tempfile.TemporaryDirectory() as tmp:
        script, listing = Path(tmp) / "bench.lua", Path(tmp) / "paths.txt"
        script.write_text(WRK_SCRIPT)
        listing.write_text("\n".join(paths) + "\n")
        result = subprocess.run(
            [
                WRK,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                base_url + paths[0],
            ],
            capture_output=True,
            text=True,
            env={"BENCH_COOKIE": cookie, "BENCH_PATHS": str(listing), "PATH": "/usr/bin:/bin"},
            check=True,
            timeout=seconds + 60,
        )
    line = next(row for row in result.stdout.splitlines() if row.startswith("BENCH "))
    data = json.loads(line[len("BENCH ") :])
    return Load(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["socket_errors"] + data["http_errors"],
        p50=data["p50_us"] / 1000,
        p95=data["p95_us"] / 1000,
        p99=data["p99_us"] / 1000,
        max=data["max_us"] / 1000,
    )
