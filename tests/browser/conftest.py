"""One Debian Chromium for the whole session, a fresh browser context per test."""

from __future__ import annotations

import os

import pytest

CHROMIUM = os.environ.get("FAMILYCONTEXT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs its own event loop; Django must allow ORM calls beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (run scripts/install-system-deps)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh context (own cookies); closes everything after the test."""
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.console_errors = errors
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, running one request through Django at a time.

    The test database is SQLite in memory, one connection shared with the server's threads; a
    page's parallel requests (the page, its CSS, a card fetch) would otherwise lock each other
    out. Connections are still accepted in parallel, so an idle browser pre-connection cannot
    stall the server.
    """
    import threading

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from pytest_django.live_server_helper import LiveServer

    lock = threading.Lock()

    class OneAtATime(StaticFilesHandler):
        def __call__(self, environ, start_response):
            with lock:
                return super().__call__(environ, start_response)

    server = LiveServer("localhost", start=False)
    server.thread.static_handler = OneAtATime
    server.start()
    yield server
    server.stop()
