"""Password hashing: Argon2id with OWASP's recommended parameters (Password Storage Cheat Sheet:
19 MiB of memory, 2 passes, 1 lane).

Django's own Argon2 defaults (100 MiB, 8 lanes) take over a second of both cores of a small
council server per sign-in, which would let a handful of sign-in attempts a second stall the
service; these parameters stay costly for an attacker with stolen hashes and cheap for us.
Hashes made with other parameters still check, and are re-hashed with these at the next sign-in.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
