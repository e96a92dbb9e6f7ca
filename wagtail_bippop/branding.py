"""Brand colours: validated so that text on them stays readable (WCAG 2.1 AA, 4.5:1)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first, second):
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def validate_brand_colour(value):
    """A colour used behind white text (buttons, header): needs 4.5:1 against white."""
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            _("Enter a colour as # followed by six hexadecimal digits, for example #1d4e89."),
            code="invalid_colour",
        )
    ratio = contrast_ratio(value, "#ffffff")
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            _(
                "White text on this colour has a contrast of %(ratio).1f:1; at least 4.5:1 is "
                "needed for accessibility. Choose a darker colour."
            ),
            params={"ratio": ratio},
            code="low_contrast",
        )
