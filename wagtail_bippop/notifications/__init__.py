"""The single seam through which every message leaves the app.

Two ways in:

* ``notify(kind, person=..., values=..., site=...)`` for a beneficiary or a volunteer: the
  text is the site's own wording of ``kind`` (or the default file), and the channel follows
  the person's preferences (e-mail, SMS, printed letter, or the coordinators' call list).
* ``send(kind, to=[...], context={...})`` for e-mail addresses (staff, requesters): renders
  the file ``wagtail_bippop/notifications/<kind>.txt`` (first line: subject).

Both write to the outbox first, then deliver in a background task, with retries: the
action that triggered a message never fails because a mail server or SMS provider does.
"""

from ..models.outbox import Channel, OutboxMessage
from .channels import address_for, route
from .delivery import queue
from .rendering import render_file, render_kind


def render(kind, context):
    """Subject and body of the default text of ``kind`` rendered with ``context``."""
    return render_file(kind, context)


def send(kind, *, to, context=None, reply_to=None, territory=None):
    """Queue message ``kind`` to the e-mail addresses ``to``; returns how many were queued."""
    recipients = [address for address in dict.fromkeys(to) if address]
    if not recipients:
        return 0
    subject, body = render_file(kind, context or {})
    return len(
        queue(
            [
                OutboxMessage(
                    territory=territory,
                    kind=kind,
                    channel=Channel.EMAIL,
                    recipient=address,
                    subject=subject,
                    body=body,
                    reply_to=reply_to or "",
                )
                for address in recipients
            ]
        )
    )


def notify(kind, *, person, values, site=None, channel=None, dedupe_key=None):
    """Queue message ``kind`` to a beneficiary or volunteer through their best channel.

    ``values`` fills the placeholders of the kind. ``channel`` forces a channel (a sign-in
    link asked by SMS goes by SMS). Returns the outbox row, or None when ``dedupe_key`` was
    already used (the message was sent before).
    """
    channel = channel or route(person)[0]
    site = site or person.territory.site
    subject, body = render_kind(kind, values, site=site)
    is_beneficiary = hasattr(person, "birth_year")
    message = OutboxMessage(
        territory_id=person.territory_id,
        kind=kind,
        channel=channel,
        recipient=address_for(person, channel),
        beneficiary=person if is_beneficiary else None,
        volunteer=None if is_beneficiary else person,
        subject=subject,
        body=body,
        dedupe_key=dedupe_key,
    )
    saved = queue([message])
    return saved[0] if saved else None


def notify_staff(kind, *, territory, values, site=None, dedupe_key=None):
    """Queue ``kind`` by e-mail to the coordinators of ``territory`` and the site's address."""
    from ..models.site_settings import SolidaritySettings
    from .recipients import coordinator_emails

    site = site or territory.site
    subject, body = render_kind(kind, values, site=site)
    addresses = coordinator_emails(territory)
    fallback = SolidaritySettings.for_site(site).coordinator_email
    if fallback:
        addresses.append(fallback)
    addresses = list(dict.fromkeys(address for address in addresses if address))
    return queue(
        [
            OutboxMessage(
                territory=territory,
                kind=kind,
                channel=Channel.EMAIL,
                recipient=address,
                subject=subject,
                body=body,
                dedupe_key=f"{dedupe_key}:{index}" if dedupe_key else None,
            )
            for index, address in enumerate(addresses)
        ]
    )
