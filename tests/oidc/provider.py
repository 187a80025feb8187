"""Start the test OpenID Connect provider (``provider.mjs``, npm ``oidc-provider``) on a free port."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")


@contextmanager
def running_provider(clients: list[dict], accounts: dict[str, dict]) -> Iterator[str]:
    """Run the provider while the block runs; yields its issuer address (http://127.0.0.1:PORT)."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError("The test OIDC provider needs Node.js and `npm ci` (make install does both).")
    process = subprocess.Popen(
        [node, str(SCRIPT), json.dumps({"clients": clients, "accounts": accounts})],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline().strip()  # blocks until the provider listens (or dies)
        if not line.startswith("READY "):
            raise RuntimeError(f"The test OIDC provider did not start (exit code {process.poll()}).")
        issuer = line.split(" ", 1)[1]
        requests.get(issuer + "/.well-known/openid-configuration", timeout=10).raise_for_status()
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
