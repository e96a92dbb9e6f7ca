"""Sending text messages through a backend chosen by settings, like Django's e-mail.

``BIPPOP_SMS_BACKEND`` names the backend class; the default writes messages to the console
so that nothing leaves the machine until a provider is configured. ``BrevoBackend`` talks to
a French provider's HTTP API; any other provider fits behind the same two methods.
"""

import json
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from ..conf import bippop_settings


class SmsError(Exception):
    """The provider refused or could not be reached: the message will be retried."""


@dataclass
class SmsMessage:
    to: str
    body: str
    sender: str = ""


class BaseSmsBackend:
    def __init__(self, **options):
        self.options = options

    def send_messages(self, messages):
        """Send every message or raise ``SmsError``; returns the number sent."""
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    stream = None

    def send_messages(self, messages):
        stream = self.stream or sys.stdout
        for message in messages:
            stream.write(f"SMS to {message.to} from {message.sender}\n{message.body}\n{'-' * 40}\n")
        stream.flush()
        return len(messages)


class FileBackend(BaseSmsBackend):
    """One file per message in ``BIPPOP_SMS_FILE_PATH``: handy on a staging server."""

    def send_messages(self, messages):
        folder = Path(self.options.get("file_path") or bippop_settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for index, message in enumerate(messages):
            name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{index}.txt"
            (folder / name).write_text(f"To: {message.to}\n\n{message.body}", encoding="utf-8")
        return len(messages)


class LocmemBackend(BaseSmsBackend):
    """Keeps messages in ``LocmemBackend.outbox``, for tests."""

    outbox = []
    _lock = threading.Lock()

    def send_messages(self, messages):
        with self._lock:
            LocmemBackend.outbox.extend(messages)
        return len(messages)


class BrevoBackend(BaseSmsBackend):
    """Transactional SMS through Brevo's HTTP API (``BIPPOP_SMS_BREVO_API_KEY``)."""

    def send_messages(self, messages):
        api_key = bippop_settings.SMS_BREVO_API_KEY
        if not api_key:
            raise ImproperlyConfigured("BIPPOP_SMS_BREVO_API_KEY is not set.")
        for message in messages:
            payload = {
                "type": "transactional",
                "sender": message.sender,
                "recipient": message.to.lstrip("+"),
                "content": message.body,
                "unicodeEnabled": True,
            }
            request = urllib.request.Request(
                bippop_settings.SMS_BREVO_URL,
                data=json.dumps(payload).encode(),
                method="POST",
                headers={
                    "api-key": api_key,
                    "accept": "application/json",
                    "content-type": "application/json",
                },
            )
            try:
                with urllib.request.urlopen(
                    request, timeout=bippop_settings.SMS_TIMEOUT_SECONDS
                ) as response:
                    response.read()
            except urllib.error.HTTPError as error:
                detail = error.read()[:200].decode(errors="replace")
                raise SmsError(f"HTTP {error.code}: {detail}") from error
            except (urllib.error.URLError, TimeoutError, OSError) as error:
                raise SmsError(str(error)) from error
        return len(messages)


def get_backend():
    path = bippop_settings.SMS_BACKEND
    try:
        backend_class = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(f"Cannot import SMS backend {path}") from error
    return backend_class()


def send_sms(to, body):
    message = SmsMessage(to=to, body=body, sender=bippop_settings.SMS_SENDER)
    return get_backend().send_messages([message])
