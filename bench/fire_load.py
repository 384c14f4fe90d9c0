"""The load of bench/under_fire.py, in threads until a deadline, every answer counted:

- customers who GET the complaint form (fresh CSRF and submission tokens each time), POST it
  with a photo of their own, and follow the redirect to the confirmation page, which names
  the reference code. A POST that got no answer (connection refused or reset while a worker
  or the whole server was killed) is sent again unchanged, same tokens and cookies, as a
  browser's "resend" would: the submission token must make it one complaint;
  Every fourth customer hangs up right after sending the POST (a phone losing its signal)
  and sends it again 2 s later: the server has stored it by then, or is storing it, and
  the resend must find it;
- customers who track a complaint (POST /track with code and email, then the case view);
- staff who log in once and search the inbox.

Each simulated customer comes from an address of its own (X-Forwarded-For, as behind the
README's nginx with HELPDESK_PROXY_HOPS=1), so the shop's rate limits stay on and none is
reached; staff come from 127.0.0.1.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from fire_photos import Photos
from fire_tally import Answer, Tally
from submit_load import DONE_PATH, FORM_PATH, FormClient, Outcome, Submission, encode, form_tokens

NO_ANSWER = (OSError, http.client.HTTPException)
#: How long a customer keeps resending a POST that got no answer, and the pause between.
RESEND_FOR, RESEND_PAUSE = 60.0, 0.5
#: How long a customer who hung up takes to send the form again.
HUNG_UP_FOR = 2.0
REFERENCE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})\b")


def address(kind: int, number: int) -> str:
    """A customer's own address: 10.KIND.x.y."""
    return f"10.{kind}.{(number >> 8) & 255}.{number & 255}"


def display(reference: str) -> str:
    """ABCDEFGHJKLM as ABCD-EFGH-JKLM (already dashed codes unchanged)."""
    code = reference.replace("-", "")
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


class TrackPool:
    """Reference codes and addresses to track: new complaints first, each a few times at most
    (10 tries an hour per code is the shop's limit)."""

    TIMES = 3

    def __init__(self, known: list[tuple[str, str]]) -> None:
        self.codes: deque[tuple[str, str, int]] = deque((r, e, 0) for r, e in known)
        self.lock = threading.Lock()

    def add(self, reference: str, email: str) -> None:
        with self.lock:
            self.codes.appendleft((reference, email, 0))

    def take(self) -> tuple[str, str] | None:
        with self.lock:
            if not self.codes:
                return None
            reference, email, times = self.codes.popleft()
            if times + 1 < self.TIMES:
                self.codes.append((reference, email, times + 1))
            return reference, email


@dataclass
class Submitted:
    """One customer's submission: the outcome bench/submit_checks.py checks, and more."""

    outcome: Outcome
    stored_sha256: str
    posts: list[float] = field(default_factory=list)  # time.time() as each POST was sent
    reference: str = ""


class Load:
    """The three kinds of clients against one server until `deadline` (time.monotonic())."""

    def __init__(
        self,
        base_url: str,
        tally: Tally,
        plan: Iterator[Submission],
        photos: Photos,
        pool: TrackPool,
        staff: tuple[str, str],
        searches: list[str],
        on_accepted: Callable[[Submitted], None],
    ) -> None:
        self.base_url, self.tally, self.photos, self.pool = base_url, tally, photos, pool
        self.staff, self.searches, self.on_accepted = staff, searches, on_accepted
        self._plan, self._plan_lock = plan, threading.Lock()
        self.deadline = 0.0
        self.submitted: list[Submitted] = []
        #: Every Nth customer hangs up after sending the POST, then resends it (0: none).
        self.hang_up_every = 0

    def over(self) -> bool:
        return time.monotonic() >= self.deadline

    def run(self, seconds: float, submitters: int, trackers: int, searchers: int) -> None:
        """Start the threads, wait until the deadline and for each thread's last request."""
        self.deadline = time.monotonic() + seconds
        roles = [
            (self._submitter, submitters),
            (self._tracker, trackers),
            (self._searcher, searchers),
        ]
        threads = [
            threading.Thread(target=role, args=(n,), daemon=True)
            for role, count in roles
            for n in range(count)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _call(
        self,
        client: FormClient,
        kind: str,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str = "",
    ) -> Answer | None:
        """One request, timed; None (and counted) when it got no answer."""
        started = time.perf_counter()
        try:
            status, location, data = client.request(method, path, body, content_type)
        except NO_ANSWER as exc:
            self.tally.drop(kind, exc)
            return None
        ms = (time.perf_counter() - started) * 1000
        return Answer(kind, status, location, data.decode("utf-8", "replace"), ms)

    def _expect(self, answer: Answer, ok: bool, why: str = "") -> str:
        """Count the answer (`ok`: what the step expects); its page."""
        self.tally.answer(answer.kind, answer.status, answer.ms, ok, why)
        return answer.page

    def _submitter(self, _number: int) -> None:
        while not self.over():
            with self._plan_lock:
                submission = next(self._plan)
            self._customer(submission)

    def _customer(self, submission: Submission) -> None:
        photo = self.photos.make(submission.number)
        client = FormClient(self.base_url, {"X-Forwarded-For": address(1, submission.number)})
        done = Submitted(Outcome(submission), photo.stored_sha256)
        form = None
        while form is None and not self.over():
            form = self._call(client, "complaint form", "GET", FORM_PATH)
            if form is None:
                time.sleep(RESEND_PAUSE)
        if form is None:
            return  # never got a form: nothing was sent
        page = self._expect(form, form.status == 200)
        if form.status != 200:
            return
        body, content_type = encode({**submission.fields(), **form_tokens(page)}, photo.data)
        self.submitted.append(done)
        if self.hang_up_every and submission.number % self.hang_up_every == 0:
            self._hang_up(client, body, content_type)
            done.posts.append(time.time())
            time.sleep(HUNG_UP_FOR)
        giving_up = time.monotonic() + RESEND_FOR
        while True:
            done.posts.append(time.time())
            answer = self._call(client, "submit", "POST", FORM_PATH, body, content_type)
            if answer is not None or time.monotonic() > giving_up:
                break
            time.sleep(RESEND_PAUSE)
        done.outcome.done_at = time.monotonic()
        if answer is None:
            done.outcome.error = "no answer"
            return
        done.outcome.status, done.outcome.location = answer.status, answer.location
        ok = done.outcome.redirected
        self._expect(answer, ok, "" if ok else _first_words(answer.page))
        if ok:
            self._confirmation(client, done)

    def _hang_up(self, client: FormClient, body: bytes, content_type: str) -> None:
        """Send the POST and close the connection without waiting for the answer (a phone
        that lost its signal): the server goes on and stores it; the customer resends."""
        conn = http.client.HTTPConnection(client.host, client.port, timeout=60)
        try:
            conn.request("POST", FORM_PATH, body=body, headers=client.headers_for(content_type))
        except NO_ANSWER as exc:
            self.tally.drop("submit", exc)
        finally:
            conn.close()
        with self.tally.lock:
            self.tally.dropped["submit (hung up)"] += 1

    def _confirmation(self, client: FormClient, done: Submitted) -> None:
        path = urllib.parse.urlsplit(done.outcome.location).path or DONE_PATH
        answer = self._call(client, "confirmation", "GET", path)
        if answer is not None:
            found = REFERENCE.search(answer.page)
            self._expect(answer, answer.status == 200 and found is not None)
            if found:
                done.reference = found.group(1)
                self.pool.add(done.reference, done.outcome.submission.email)
        self.on_accepted(done)

    def _tracker(self, number: int) -> None:
        count = 0
        while not self.over():
            code = self.pool.take()
            if code is None:
                time.sleep(0.2)
                continue
            count += 1
            client = FormClient(
                self.base_url, {"X-Forwarded-For": address(2, number * 4096 + count)}
            )
            if not self._track(client, *code):
                time.sleep(RESEND_PAUSE)  # no answer: a person tries again a little later

    def _track(self, client: FormClient, reference: str, email: str) -> bool:
        """Track one complaint; False when a request got no answer."""
        form = self._call(client, "track form", "GET", "/track")
        if form is None:
            return False
        page = self._expect(form, form.status == 200)
        fields = {"reference": display(reference), "email": email, **form_tokens(page)}
        body = urllib.parse.urlencode(fields).encode()
        sent = self._call(
            client, "track", "POST", "/track", body, "application/x-www-form-urlencoded"
        )
        if sent is None:
            return False
        ok = sent.status == 303 and sent.location.endswith("/track/case")
        self._expect(sent, ok, "" if ok else _first_words(sent.page))
        if not ok:
            return True
        case = self._call(client, "case view", "GET", "/track/case")
        if case is not None:
            self._expect(case, case.status == 200 and display(reference) in case.page)
        return case is not None

    def _searcher(self, number: int) -> None:
        client = FormClient(self.base_url)
        while not self.over() and not self._login(client):
            time.sleep(RESEND_PAUSE)
        turn = number * 97
        while not self.over():
            turn += 1
            path = self.searches[turn % len(self.searches)]
            answer = self._call(client, "search", "GET", path)
            if answer is None:
                time.sleep(RESEND_PAUSE)  # a person tries again a little later
            else:
                self._expect(answer, answer.status == 200, answer.location)

    def _login(self, client: FormClient) -> bool:
        form = self._call(client, "login form", "GET", "/staff/login")
        if form is None:
            return False
        page = self._expect(form, form.status == 200)
        email, password = self.staff
        fields = {"email": email, "password": password, **form_tokens(page)}
        body = urllib.parse.urlencode(fields).encode()
        sent = self._call(
            client, "login", "POST", "/staff/login", body, "application/x-www-form-urlencoded"
        )
        if sent is None:
            return False
        ok = sent.status in (302, 303) and "/staff/login" not in sent.location
        self._expect(sent, ok)
        return ok


def _first_words(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())[:100]
