"""Optional TOTP second factor for local accounts (SPEC 8), with django-otp.

django-otp keeps the device (secret key, clock drift), refuses a code used before, and slows
guessing down (each wrong code doubles the wait before the next is checked). The QR code for an
authenticator app is drawn on the server as SVG (segno), so no script or third party sees the secret.
"""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from familycontext.accounts.signals import account_changed

DEVICE_NAME = "Authenticator app"


def policy() -> str:
    """'off', 'optional' or 'required' (``local_accounts.second_factor``)."""
    return settings.CONFIG.local_accounts.second_factor


def confirmed_device(user) -> TOTPDevice | None:
    """The user's working authenticator, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def needs_code(user) -> bool:
    """Whether signing in must ask this user for a code after the password."""
    return policy() != "off" and confirmed_device(user) is not None


def must_set_up(user) -> bool:
    """Whether this user must set up an authenticator before being signed in."""
    return policy() == "required" and confirmed_device(user) is None


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up (a new secret until a code from it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret in the Base32 form authenticator apps accept when typed in, in groups of four."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """An inline SVG QR code of the ``otpauth://`` address (no style attributes: CSP forbids them)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=4, title="QR code for your authenticator app", dark="#0b0c0c", light="#ffffff")


def clean_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())


def confirm(user, device: TOTPDevice, code: str) -> bool:
    """Confirm the set-up with a code from the app; the new device replaces any older one."""
    code = clean_code(code)
    if len(code) != 6 or not device.verify_token(code):
        return False
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    account_changed.send(sender=type(user), user=user, change="second factor set up", source="user")
    return True


def verify(user, code: str) -> bool:
    """Check a sign-in code against the user's authenticator (replay and guessing refused)."""
    device = confirmed_device(user)
    code = clean_code(code)
    return device is not None and len(code) == 6 and device.verify_token(code)


def remove(user) -> None:
    """Switch the second factor off for a user (e.g. a lost phone; done by an administrator)."""
    if TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.filter(user=user).delete()
        account_changed.send(sender=type(user), user=user, change="second factor removed",
                             source="administrator")
