"""Brand colours stay readable; phones are read the French way."""

import pytest
from django.core.exceptions import ValidationError

from wagtail_bippop.branding import contrast_ratio, validate_brand_colour
from wagtail_bippop.phones import display_phone, normalise_phone


def test_contrast_ratio_matches_the_wcag_formula():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("colour", ["#1d4e89", "#0b3d2e", "#767676"])
def test_dark_enough_colours_accepted(colour):
    validate_brand_colour(colour)


@pytest.mark.parametrize(
    "colour,code",
    [
        ("#ffcc00", "low_contrast"),
        ("#777777", "low_contrast"),
        ("blue", "invalid_colour"),
        ("#12345", "invalid_colour"),
    ],
)
def test_unreadable_or_malformed_colours_refused(colour, code):
    with pytest.raises(ValidationError) as error:
        validate_brand_colour(colour)
    assert error.value.code == code


@pytest.mark.parametrize(
    "typed",
    ["06 12 34 56 78", "0612345678", "+33 6 12 34 56 78", "06.12.34.56.78", "0033612345678"],
)
def test_french_numbers_normalised(typed):
    assert normalise_phone(typed) == "+33612345678"
    assert display_phone(normalise_phone(typed)) == "06 12 34 56 78"


@pytest.mark.parametrize("typed", ["123", "06 12 34", "abcdefghij", "+33 0 00 00 00 00"])
def test_invalid_numbers_refused(typed):
    with pytest.raises(ValidationError):
        normalise_phone(typed)


def test_foreign_numbers_kept_international():
    assert normalise_phone("+32 470 12 34 56") == "+32470123456"
    assert display_phone("+32470123456").startswith("+32")
