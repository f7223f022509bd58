"""Load test (issue 11): 50 simulated staff of the demo offices entering attendance (open the day's roster,
save it) and opening the case review and client pages.  Loopback only; run through ``make loadtest``
(``loadtest/run.sh``), which bounds it to 2 minutes and writes the summary to ``bench/loadtest.*``.

Logins are the demo ones (``seed_demo``: ``es1``, ``o2-es1``, …, password ``compostela-demo``), spread over
the offices: simulated user n logs in to office n mod 50.  Login throttling (django-axes) counts failures
only, so these correct logins are never refused.
"""

from __future__ import annotations

import itertools
import os
import random
import re
from datetime import date, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

from locust import HttpUser, between, task
from locust.exception import StopUser

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "compostela-demo")
OFFICES = int(os.environ.get("LOADTEST_OFFICES", "50"))
ROLES = ["es1", "es2", "cm", "supervisor"]
MAX_TASKS_PER_USER = int(os.environ.get("LOADTEST_MAX_TASKS", "200"))  # bounded in count as well as in time
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


class Staff(HttpUser):
    wait_time = between(1, 3)  # think time between two actions of one person

    def on_start(self):
        self.number = next(_numbers)
        self.username = login_name(self.number)
        self.tasks_done = 0
        self.client.get("/login/", name="/login/")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post("/login/", {"username": self.username, "password": PASSWORD,
                                          "csrfmiddlewaretoken": token, "next": "/"},
                              headers={"Referer": f"{self.host}/login/"}, name="/login/ (POST)",
                              catch_response=True) as response:
            if "/login/" in response.url:
                response.failure(f"login of {self.username} refused")
                raise StopUser

    def _count(self):
        self.tasks_done += 1
        if self.tasks_done > MAX_TASKS_PER_USER:
            raise StopUser

    @task(3)
    def enter_attendance(self):
        self._count()
        day = last_weekday(datetime.now(ZoneInfo("Asia/Tokyo")).date())
        response = self.client.get(f"/attendance/?day={day:%Y-%m-%d}", name="/attendance/?day= (roster)")
        if response.status_code != 200:
            return
        data = form_fields(response.text)
        data.pop("override_reason", None)
        for name in [n for n in data if n.endswith("-status") and data[n]]:
            data[name.replace("-status", "-note")] = f"load test {self.username}"
        data["day"] = f"{day:%Y-%m-%d}"
        data.pop("mark_all", None)
        with self.client.post("/attendance/", data, headers={"Referer": f"{self.host}/attendance/"},
                              name="/attendance/ (save the day)", catch_response=True) as saved:
            if saved.status_code != 200 or "/attendance/" not in saved.url:
                saved.failure(f"save answered {saved.status_code}")

    @task(1)
    def case_review(self):
        self._count()
        self.client.get("/review/", name="/review/ (case review)")

    @task(2)
    def client_pages(self):
        self._count()
        response = self.client.get("/clients/", name="/clients/ (list)")
        links = CLIENT_LINK.findall(response.text) if response.status_code == 200 else []
        if links:
            self.client.get(random.choice(links), name="/clients/<id>/ (client page)")  # noqa: S311
