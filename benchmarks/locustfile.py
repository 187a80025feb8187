"""Locust: social workers searching, opening people and opening their service cards.

Driven by benchmarks/load_test.py, which prepares signed-in sessions (with a reason for access)
and a sample of real-in-the-synthetic-borough people, and passes them in:
  LOADTEST_SESSIONS  file of session cookie values, one a line (one per simulated user)
  LOADTEST_PEOPLE    CSV: person_id,first_name,last_name,date_of_birth
  LOADTEST_WAIT      "min,max" seconds a user pauses between actions (default "0.2,0.6")
  LOADTEST_ECOMAP    share of person pages on which the user also opens the ecomap (default 0)

One journey: search by name (and date of birth, most of the time) → results → open the person
→ open each service card the page offers, as the page's script does when a card is opened
(X-Requested-With: fetch). The ecomap is fetched the same way, but only when its section is
opened, so only on LOADTEST_ECOMAP of the person pages (it is the costliest request: every
related person's cards, a Graphviz layout, one audit entry per person shown).
"""

from __future__ import annotations

import csv
import itertools
import os
import random
import re
import threading
from http.cookiejar import Cookie
from urllib.parse import urlparse

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

CARD_URL = re.compile(r'data-fc-details-url="(/person/[^"]+/service/[^"]+)"')
ECOMAP_URL = re.compile(r'data-fc-details-url="(/person/[^"]+/ecomap)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_sessions = [line.strip() for line in open(os.environ["LOADTEST_SESSIONS"]) if line.strip()]
with open(os.environ["LOADTEST_PEOPLE"], newline="") as handle:
    _people = list(csv.DictReader(handle))
_lock = threading.Lock()
_next_session = itertools.cycle(_sessions)
_low, _high = (float(x) for x in os.environ.get("LOADTEST_WAIT", "0.2,0.6").split(","))
_ecomap_share = float(os.environ.get("LOADTEST_ECOMAP", "0"))


class SocialWorker(FastHttpUser):
    wait_time = between(_low, _high)

    def on_start(self) -> None:
        with _lock:
            session = next(_next_session)
        host = urlparse(self.host).hostname or "127.0.0.1"
        self.client.cookiejar.set_cookie(_cookie("sessionid", session, host))
        page = self.client.get("/", name="find a person")
        match = CSRF.search(page.text or "")
        self.csrf = match.group(1) if match else ""

    @task
    def look_someone_up(self) -> None:
        person = random.choice(_people)
        form = {"csrfmiddlewaretoken": self.csrf, "search-by": "name",
                "first-name": person["first_name"], "last-name": person["last_name"]}
        if person["date_of_birth"] and random.random() < 0.8:
            year, month, day = person["date_of_birth"].split("-")
            form.update({"date-of-birth-day": day, "date-of-birth-month": month,
                         "date-of-birth-year": year})
        self.client.post("/", data=form, name="search", allow_redirects=False,
                         headers={"Referer": self.host + "/"})
        self.wait()
        self.client.get("/results", name="results")
        self.wait()
        page = self.client.get(f"/person/{person['person_id']}", name="person")
        for url in CARD_URL.findall(page.text or ""):
            self.client.get(url, name="card", headers={"X-Requested-With": "fetch"})
        if _ecomap_share and random.random() < _ecomap_share:
            for url in ECOMAP_URL.findall(page.text or ""):
                self.client.get(url, name="ecomap", headers={"X-Requested-With": "fetch"})


def _cookie(name: str, value: str, domain: str) -> Cookie:
    return Cookie(0, name, value, None, False, domain, False, False, "/", True, False, None, False,
                  None, None, {})
