"""The client side of the submission benchmark: threads that each GET the public form (for a
fresh CSRF token and submission token) and POST it, urlencoded or multipart with a photo,
timing every request; and the photo itself, a real JPEG of about the asked size."""

from __future__ import annotations

import http.client
import io
import math
import re
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

FORM_PATH = "/complaints/new"
DONE_PATH = "/complaints/submitted"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
_TOKEN = re.compile(
    r'name="submission_token"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="submission_token"'
)
CATEGORIES = ("physical", "digital", "billing", "account", "website", "other")


@dataclass(frozen=True)
class Submission:
    """One complaint to send: its address and the word only its description contains."""

    number: int
    word: str
    email: str
    warmup: bool = False

    def fields(self) -> dict[str, str]:
        """The form's fields as a customer fills them in."""
        return {
            "name": f"Bench Customer {self.number}",
            "email": self.email,
            "order_number": f"NL-2026-{self.number:06d}",
            "category": CATEGORIES[self.number % len(CATEGORIES)],
            "description": (
                f"The parcel arrived with a dented corner and the charger inside rattles; "
                f"my note for this one is {self.word}. Please replace it or refund me."
            ),
            "preferred_solution": "",
        }


@dataclass
class Outcome:
    """What happened to one submission (times in ms; `done_at` is time.monotonic())."""

    submission: Submission
    status: int = 0
    location: str = ""
    get_ms: float = 0.0
    post_ms: float = 0.0
    done_at: float = 0.0
    error: str = ""

    @property
    def redirected(self) -> bool:
        """True when the POST answered with the redirect to the confirmation page."""
        return self.status in (302, 303) and self.location.endswith(DONE_PATH)


class FormClient:
    """One customer's browser: its cookies, a new connection per request (sync gunicorn
    workers close every connection anyway)."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}
        # Sent with every request (bench/under_fire.py: X-Forwarded-For, one address each).
        self.headers = dict(headers or {})

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, str, bytes]:
        """(status, Location header, body) of one request, cookies kept."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=self.headers_for(content_type))
            response = conn.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                self._keep(header)
            return response.status, response.getheader("Location") or "", data
        finally:
            conn.close()

    def headers_for(self, content_type: str = "") -> dict[str, str]:
        """The headers of a request: this browser's cookies and extra headers."""
        headers = {"Connection": "close", "Accept-Language": "en", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        return headers

    def _keep(self, header: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel.value and morsel["max-age"] != "0":
                self.cookies[name] = morsel.value
            else:
                self.cookies.pop(name, None)

    def submit(self, submission: Submission, photo: bytes | None) -> Outcome:
        """GET the form, then POST it filled in; never raises."""
        outcome = Outcome(submission)
        try:
            started = time.perf_counter()
            status, _location, page = self.request("GET", FORM_PATH)
            outcome.get_ms = (time.perf_counter() - started) * 1000
            if status != 200:
                outcome.error = f"GET {FORM_PATH} answered {status}"
                return outcome
            fields = {**submission.fields(), **form_tokens(page.decode("utf-8", "replace"))}
            body, content_type = encode(fields, photo)
            started = time.perf_counter()
            outcome.status, outcome.location, answer = self.request(
                "POST", FORM_PATH, body, content_type
            )
            outcome.post_ms = (time.perf_counter() - started) * 1000
            outcome.done_at = time.monotonic()
            if not outcome.redirected:
                outcome.error = f"POST answered {outcome.status}: {first_error(answer)}"
        except OSError as exc:
            outcome.error = f"{type(exc).__name__}: {exc}"
        return outcome


def form_tokens(page: str) -> dict[str, str]:
    """The CSRF token and the submission token of the form on `page`."""
    tokens = {}
    for name, pattern in (("csrf_token", _CSRF), ("submission_token", _TOKEN)):
        found = pattern.search(page)
        if found:
            tokens[name] = found.group(1) or found.group(2) or ""
    return tokens


def first_error(body: bytes) -> str:
    """The first field error of a re-shown form (or the start of the page), for a report."""
    text = body.decode("utf-8", "replace")
    found = re.search(r'class="[^"]*error[^"]*"[^>]*>([^<]{1,160})', text)
    return found.group(1).strip() if found else " ".join(text.split())[:120]


def encode(fields: dict[str, str], photo: bytes | None) -> tuple[bytes, str]:
    """The POST body: urlencoded, or multipart/form-data with the photo as `attachments`."""
    if photo is None:
        return urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
    boundary = f"----bench{uuid.uuid4().hex}"
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() + b"\r\n")
    out.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
        f'filename="parcel.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
    )
    out.write(photo + f"\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def run_threads(
    base_url: str,
    submissions: list[Submission],
    threads: int,
    photo: bytes | None,
    on_done: Callable[[Outcome], None],
) -> tuple[list[Outcome], float]:
    """Send `submissions` from `threads` threads (each its share, in turn, as one customer
    after another); returns every outcome and the seconds from the start to the last answer."""
    shares = [submissions[i::threads] for i in range(threads)]
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    start = threading.Barrier(threads + 1)

    def work(share: list[Submission]) -> None:
        start.wait()
        for submission in share:
            outcome = FormClient(base_url).submit(submission, photo)
            on_done(outcome)
            with lock:
                outcomes.append(outcome)

    workers = [threading.Thread(target=work, args=(share,), daemon=True) for share in shares]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    return outcomes, time.perf_counter() - began


def percentile(values: list[float], q: float) -> float | None:
    """The nearest-rank q-th percentile (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def spread(values: list[float], keys: tuple[int, ...] = (50, 95, 99)) -> dict[str, float | None]:
    """{"p50_ms": …, "p95_ms": …, …, "max_ms": …}, rounded to 0.1 ms."""
    figures: dict[str, float | None] = {}
    for q in keys:
        value = percentile(values, q)
        figures[f"p{q}_ms"] = None if value is None else round(value, 1)
    figures["max_ms"] = round(max(values), 1) if values else None
    return figures


@dataclass
class Photo:
    """A JPEG made once per run, with what it is."""

    data: bytes
    width: int
    height: int
    quality: int
    notes: list[str] = field(default_factory=list)


def make_photo(target_bytes: int, width: int = 1280, height: int = 960) -> Photo:
    """A real JPEG (gradients under camera-like noise) of about `target_bytes`: the quality
    is chosen so the file lands as close to the target as it can."""
    from PIL import Image

    noise = Image.effect_noise((width, height), 28)
    base = Image.linear_gradient("L")
    gradient = base.resize((width, height))
    across = base.transpose(Image.Transpose.ROTATE_90).resize((width, height))
    channels = [
        Image.blend(gradient, noise, 0.35),
        Image.blend(across, noise, 0.3),
        Image.blend(noise, Image.new("L", (width, height), 90), 0.5),
    ]
    picture = Image.merge("RGB", channels)
    # The file grows with the quality: bisect for the quality nearest to the target.
    low, high, best = 20, 95, (0, b"")
    while low <= high:
        quality = (low + high) // 2
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=quality)
        if not best[1] or abs(out.tell() - target_bytes) < abs(len(best[1]) - target_bytes):
            best = (quality, out.getvalue())
        if out.tell() < target_bytes:
            low = quality + 1
        else:
            high = quality - 1
    return Photo(best[1], width, height, best[0])
