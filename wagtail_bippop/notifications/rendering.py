"""Message texts: a site's own wording when it has one, else the default file.

A site's texts are filled by plain substitution of ``{{ name }}`` with the values the kind
offers: no template tag, no attribute lookup, so an edited text can reveal nothing else.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from ..models.outbox import PLACEHOLDER, MessageTemplate
from ..models.site_settings import SolidaritySettings
from ..phones import display_phone


def split_subject(text):
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def render_file(kind, context):
    """The default text of ``kind``: a Django template, first line the subject."""
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(f"wagtail_bippop/notifications/{kind}.txt", context)
    return split_subject(text)


def substitute(text, values):
    return PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), "")), text)


def site_values(site):
    if site is None:
        return {"platform_name": "", "coordinator_phone": ""}
    site_settings = SolidaritySettings.for_site(site)
    return {
        "platform_name": site_settings.platform_name,
        "coordinator_phone": display_phone(site_settings.coordinator_phone),
    }


def render_kind(kind, values, *, site=None):
    """Subject and body of ``kind`` for ``site``, filled with the flat ``values``."""
    values = {**site_values(site), **{key: str(value) for key, value in values.items()}}
    override = (
        MessageTemplate.objects.filter(site=site, kind=kind).first() if site is not None else None
    )
    if override is not None:
        return substitute(override.subject, values).strip(), substitute(
            override.body, values
        ).strip() + "\n"
    return render_file(kind, values)
