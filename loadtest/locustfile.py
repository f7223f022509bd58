"""Load test (issues 11, 22): 50 simulated staff of the demo offices entering attendance (open the day's
roster, save it) and opening the case review and client pages.  Loopback only; run through ``make loadtest``
or ``make loadtest-two`` (``loadtest/run.sh``), which bounds it to 2 minutes and writes the summary.

The app servers are ``LOADTEST_HOSTS`` (comma-separated base URLs; default: locust's ``--host``).  With two
or more, simulated user n logs in on server n mod count, then sends its requests to the servers in turn,
with the one session cookie (cookies are per host name, not per port, so 127.0.0.1:8001 and :8002 share
them): right after the login a request to the next server checks that the session from the first is
logged in there.  Any answer that sends the user to the login page counts as an error, so "0 errors"
means every session was valid on every server.

Logins are the demo ones (``seed_demo``: ``es1``, ``o2-es1``, …, password ``compostela-demo``), spread over
the offices: simulated user n logs in to office n mod 50.  Login throttling (django-axes) counts failures
only, so these correct logins are never refused.
"""

from __future__ import annotations

import csv
import itertools
import os
import random
import re
from datetime import date, datetime, timedelta
from html import unescape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task
from locust.exception import StopUser
from locust.stats import PERCENTILES_TO_REPORT, StatsCSV

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "compostela-demo")
OFFICES = int(os.environ.get("LOADTEST_OFFICES", "50"))
ROLES = ["es1", "es2", "cm", "supervisor"]
MAX_TASKS_PER_USER = int(os.environ.get("LOADTEST_MAX_TASKS", "200"))  # bounded in count as well as in time
CSV_PREFIX = os.environ.get("LOADTEST_CSV")  # where the final statistics go: <prefix>_stats.csv, _failures.csv
HOSTS = [host.strip().rstrip("/") for host in os.environ.get("LOADTEST_HOSTS", "").split(",") if host.strip()]
_numbers = itertools.count()

INPUT = re.compile(r"<input\b[^>]*>", re.S)
ATTR = re.compile(r'(\w[\w-]*)(?:="([^"]*)")?')
CLIENT_LINK = re.compile(r'href="(/clients/\d+/)"')


def login_name(n: int) -> str:
    office = n % OFFICES + 1
    role = ROLES[(n // OFFICES) % len(ROLES)]
    return role if office == 1 else f"o{office}-{role}"


def last_weekday(today: date) -> date:
    day = today - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def form_fields(html: str) -> dict[str, str]:
    """The values a browser would send for the page's inputs (text, time, hidden, checked radios/boxes)."""
    data: dict[str, str] = {}
    for tag in INPUT.findall(html):
        attrs = {k: unescape(v or "") for k, v in ATTR.findall(tag[len("<input"):])}
        name, kind = attrs.get("name"), attrs.get("type", "text")
        if not name or kind in ("submit", "button"):
            continue
        if kind in ("radio", "checkbox"):
            if "checked" in attrs:
                data[name] = attrs.get("value", "on")
            continue
        data[name] = attrs.get("value", "")
    return data


@events.test_stop.add_listener
def write_final_statistics(environment, **_kwargs):
    """Locust's statistics once the last user has stopped, in the format of its ``--csv`` files (which are
    snapshots taken every second, so they can miss the last requests and their errors)."""
    if not CSV_PREFIX:
        return
    writer = StatsCSV(environment, PERCENTILES_TO_REPORT)
    with open(f"{CSV_PREFIX}_stats.csv", "w", newline="", encoding="utf-8") as stats:
        writer.requests_csv(csv.writer(stats))
    with open(f"{CSV_PREFIX}_failures.csv", "w", newline="", encoding="utf-8") as failures:
        writer.failures_csv(csv.writer(failures))


def sent_to_login(response) -> bool:
    """The server did not know the session: it answered with (or redirected to) the login page."""
    urls = [response.url, *(r.headers.get("Location", "") for r in [*response.history, response])]
    return any(urlsplit(url).path.startswith("/login/") for url in urls if url)


class Staff(HttpUser):
    wait_time = between(1, 3)  # think time between two actions of one person

    def on_start(self):
        self.number = next(_numbers)
        self.username = login_name(self.number)
        self.tasks_done = 0
        self.hosts = HOSTS or [self.host.rstrip("/")]
        self.turn = self.number % len(self.hosts)  # the server this user logs in on
        home = self.hosts[self.turn]
        self.client.get(f"{home}/login/", name="/login/")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(f"{home}/login/", {"username": self.username, "password": PASSWORD,
                                                 "csrfmiddlewaretoken": token, "next": "/"},
                              headers={"Referer": f"{home}/login/"}, name="/login/ (POST)",
                              catch_response=True) as response:
            if sent_to_login(response):
                response.failure(f"login of {self.username} refused")
                raise StopUser
        if len(self.hosts) > 1:
            other = self.hosts[(self.turn + 1) % len(self.hosts)]
            with self.client.get(f"{other}/", name="/ (session from another server)", allow_redirects=False,
                                 catch_response=True) as checked:
                if checked.status_code >= 400 or sent_to_login(checked):
                    checked.failure(f"{other} did not know the session of {self.username} from {home}")

    def _next_host(self) -> str:
        """The servers in turn, one per request."""
        self.turn = (self.turn + 1) % len(self.hosts)
        return self.hosts[self.turn]

    def _get(self, path: str, name: str):
        host = self._next_host()
        with self.client.get(f"{host}{path}", name=name, catch_response=True) as response:
            if sent_to_login(response):
                response.failure(f"{host} sent {self.username} to the login page")
            return response

    def _count(self):
        self.tasks_done += 1
        if self.tasks_done > MAX_TASKS_PER_USER:
            raise StopUser

    @task(3)
    def enter_attendance(self):
        self._count()
        day = last_weekday(datetime.now(ZoneInfo("Asia/Tokyo")).date())
        response = self._get(f"/attendance/?day={day:%Y-%m-%d}", "/attendance/?day= (roster)")
        if response.status_code != 200 or sent_to_login(response):
            return
        data = form_fields(response.text)
        data.pop("override_reason", None)
        for name in [n for n in data if n.endswith("-status") and data[n]]:
            data[name.replace("-status", "-note")] = f"load test {self.username}"
        data["day"] = f"{day:%Y-%m-%d}"
        data.pop("mark_all", None)
        host = self._next_host()  # saved on the other server than the one that showed the roster
        with self.client.post(f"{host}/attendance/", data, headers={"Referer": f"{host}/attendance/"},
                              name="/attendance/ (save the day)", catch_response=True) as saved:
            if sent_to_login(saved):
                saved.failure(f"{host} sent {self.username} to the login page")
            elif saved.status_code != 200 or "/attendance/" not in saved.url:
                saved.failure(f"save answered {saved.status_code}")

    @task(1)
    def case_review(self):
        self._count()
        self._get("/review/", "/review/ (case review)")

    @task(2)
    def client_pages(self):
        self._count()
        response = self._get("/clients/", "/clients/ (list)")
        links = CLIENT_LINK.findall(response.text) if response.status_code == 200 else []
        if links:
            self._get(random.choice(links), "/clients/<id>/ (client page)")  # noqa: S311
