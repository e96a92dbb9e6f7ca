"""The single seam through which every message leaves the app.

``send(kind, to=[...], context={...})`` renders ``wagtail_bippop/notifications/<kind>.txt``
(first line: subject) and sends it by e-mail through Django's mail API. Other channels
(SMS, printed letters) and background sending plug in here.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def render(kind, context):
    text = render_to_string(f"wagtail_bippop/notifications/{kind}.txt", context).strip()
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"


def send(kind, *, to, context=None, reply_to=None):
    """Send message ``kind`` to e-mail addresses ``to``; returns the number sent."""
    recipients = [address for address in to if address]
    if not recipients:
        return 0
    subject, body = render(kind, context or {})
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=[reply_to] if reply_to else None,
    )
    return message.send()
