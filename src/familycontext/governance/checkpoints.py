"""Audit checkpoints outside the database: the chain head, signed, as it advances (issue 17).

The hash chain (``governance.chain``) shows an entry changed, removed or slipped in, but someone
who can write to the database can also delete the last entries and move the chain head back, or
move the purge checkpoint forward to hide the first entries: the chain in the database then
verifies. Against that, every append writes a **checkpoint line** — sequence, head hash, time,
signed with HMAC-SHA256 — to the application log (the product's JSON lines on stderr) and, when
``FAMILYCONTEXT_AUDIT_CHECKPOINT_FILE`` is set, to that append-only file. A purge writes a purge
checkpoint the same way. ``familycontext audit verify --checkpoints FILE`` reads either and fails when
the database's chain ends before a signed head (truncation, head rewind), when an entry's hash
differs from a signed one (rewrite), or when the database's purge checkpoint is not one a signed
purge line vouches for (a forged purge).

The key is ``FAMILYCONTEXT_AUDIT_CHECKPOINT_KEY`` (never in the repository); without it one is
derived from Django's secret key. Lines are written after the append's transaction commits, so a
rolled-back append never leaves a checkpoint for entries that do not exist.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings

log = logging.getLogger("familycontext.audit.checkpoints")
PREFIX = "audit checkpoint "
HEAD, PURGE = "head", "purge"


def _derived(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"familycontext audit checkpoint", hashlib.sha256).digest()


def _keys() -> list[bytes]:
    """The signing key first, then keys still accepted when verifying (after a secret-key rotation)."""
    key = getattr(settings, "AUDIT_CHECKPOINT_KEY", "") or ""
    if key:
        return [key.encode()]
    return [_derived(settings.SECRET_KEY)] + [_derived(k) for k in getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _mac(body: dict[str, Any], key: bytes | None = None) -> str:
    message = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key or _keys()[0], message, hashlib.sha256).hexdigest()


def _genuine(body: dict[str, Any], mac: str) -> bool:
    return any(hmac.compare_digest(mac, _mac(body, key)) for key in _keys())


def signed(kind: str, sequence: int, head_hash: str, at: datetime | None = None) -> dict[str, Any]:
    """A checkpoint: what it vouches for and its signature."""
    body = {"kind": kind, "sequence": int(sequence), "hash": head_hash,
            "at": (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")}
    return body | {"mac": _mac(body)}


def write(kind: str, sequence: int, head_hash: str) -> dict[str, Any]:
    """Write a checkpoint to the log and, if configured, the checkpoint file."""
    checkpoint = signed(kind, sequence, head_hash)
    line = json.dumps(checkpoint, sort_keys=True, separators=(",", ":"))
    log.info(PREFIX + line)
    path = getattr(settings, "AUDIT_CHECKPOINT_FILE", None)
    if path:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (line + "\n").encode())
            finally:
                os.close(fd)
        except OSError as exc:  # the log line stands; say loudly that the file did not get it
            log.error("audit checkpoint not written to the checkpoint file: %s", type(exc).__name__)
    return checkpoint


@dataclass
class Checkpoints:
    """Checkpoints read from a file: the genuine ones, and the lines whose signature is wrong."""

    heads: dict[int, str] = field(default_factory=dict)
    purges: dict[int, str] = field(default_factory=dict)
    when: dict[tuple[str, int], str] = field(default_factory=dict)
    forged: list[int | str] = field(default_factory=list)  # line numbers (or "file:line")
    lines: int = 0


def _checkpoint_in(line: str) -> dict[str, Any] | None:
    """The checkpoint a line holds: a checkpoint-file line, a JSON log line or a plain-text log line."""
    line = line.strip()
    if not line:
        return None
    text = None
    try:
        data = json.loads(line)
    except ValueError:
        data = None
    if isinstance(data, dict):
        if "mac" in data and "sequence" in data:
            return data
        message = data.get("message")
        if isinstance(message, str) and message.startswith(PREFIX):
            text = message[len(PREFIX):]
    elif PREFIX in line:
        text = line.split(PREFIX, 1)[1]
    if text is None:
        return None
    try:
        found = json.loads(text)
    except ValueError:
        return {"forged": True}
    return found if isinstance(found, dict) else {"forged": True}


def read(lines: Iterable[str]) -> Checkpoints:
    found = Checkpoints()
    for number, line in enumerate(lines, start=1):
        checkpoint = _checkpoint_in(line)
        if checkpoint is None:
            continue
        found.lines += 1
        body = {k: checkpoint.get(k) for k in ("kind", "sequence", "hash", "at")}
        mac = checkpoint.get("mac")
        if (checkpoint.get("forged") or not isinstance(mac, str) or not isinstance(body["sequence"], int)
                or body["kind"] not in (HEAD, PURGE) or not _genuine(body, mac)):
            found.forged.append(number)
            continue
        target = found.heads if body["kind"] == HEAD else found.purges
        if target.get(body["sequence"], body["hash"]) != body["hash"]:
            found.forged.append(number)  # two genuine-looking lines disagree: one cannot be ours
            continue
        target[body["sequence"]] = body["hash"]
        found.when[(body["kind"], body["sequence"])] = str(body["at"])
    return found


def read_file(path: Path) -> Checkpoints:
    with Path(path).open(encoding="utf-8", errors="replace") as handle:
        return read(handle)


def check(found: Checkpoints, *, last_sequence: int, purged_through: int, purged_hash: str,
          hash_of: dict[int, str]) -> list[str]:
    """What the checkpoints say is wrong with the database's chain, in words; empty when they agree.

    ``hash_of`` maps the sequences the checkpoints name to the entry hashes the database holds.
    """
    problems: list[str] = []
    if found.forged:
        shown = ", ".join(map(str, found.forged[:10])) + (" ..." if len(found.forged) > 10 else "")
        problems.append(f"{len(found.forged)} checkpoint lines do not carry a valid signature (lines {shown}): "
                        "written by someone without the checkpoint key, or altered")
    if found.heads:
        top = max(found.heads)
        if top > last_sequence:
            problems.append(
                f"the chain ends at entry {last_sequence} but a signed checkpoint of {found.when[(HEAD, top)]} "
                f"vouches for entry {top}: entries {last_sequence + 1} to {top} were removed from the end "
                "and the chain head moved back")
    if purged_through:
        vouched = found.purges.get(purged_through)
        covered = [s for s in found.heads if s <= purged_through]
        if vouched is None and (covered or found.purges):
            start = max((s for s in found.purges if s < purged_through), default=0) + 1
            problems.append(
                f"the database says entries up to {purged_through} were purged, but no signed purge checkpoint "
                f"records that purge: entries {start} to {purged_through} were removed behind a forged purge "
                "checkpoint")
        elif vouched is not None and vouched != purged_hash:
            problems.append(f"the purge checkpoint for entry {purged_through} differs from the signed one")
    rewritten = sorted(s for s, h in found.heads.items() if purged_through < s <= last_sequence
                       and hash_of.get(s) not in (None, h))
    missing = sorted(s for s in found.heads if purged_through < s <= last_sequence and s not in hash_of)
    if rewritten:
        problems.append(f"entry {rewritten[0]} differs from its signed checkpoint of "
                        f"{found.when[(HEAD, rewritten[0])]} ({len(rewritten)} entries in all): the chain was rewritten")
    if missing:
        problems.append(f"entry {missing[0]} is named by a signed checkpoint but is not in the database "
                        f"({len(missing)} entries in all)")
    return problems
