"""Spreadsheet exports that never hand a spreadsheet program a formula typed by someone.

Names, addresses and notes come from public forms: a text starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return would be run as a formula (``=HYPERLINK(…)``,
``=cmd|' /C calc'!A0``) by Excel or LibreOffice. Every text cell of every CSV and XLSX export
goes through :func:`neutralise`; numbers, negative ones too, stay numbers.
"""

from decimal import Decimal
from functools import cache

from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value`` as plain text when a spreadsheet program would read it as a formula.

    The text is kept, after an apostrophe (what spreadsheet programs themselves use to mark a
    cell as text). Anything that is not a string — a number, a date — is returned as is.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def is_number(value):
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


class SafeSpreadsheetMixin:
    """For Wagtail's listing exports: each value neutralised once it is turned into text."""

    def preprocess_field_value(self, field, value, export_format):
        if is_number(value):
            # A number written as text ("-1,5") is still a number, never a formula.
            return super().preprocess_field_value(field, value, export_format)
        return neutralise(super().preprocess_field_value(field, neutralise(value), export_format))


@cache
def safe_export_class(view_class):
    """``view_class`` with its spreadsheet export neutralised (the same class for each)."""
    if not issubclass(view_class, SpreadsheetExportMixin) or issubclass(
        view_class, SafeSpreadsheetMixin
    ):
        return view_class
    return type(view_class.__name__, (SafeSpreadsheetMixin, view_class), {})


class SafeExportViewSetMixin:
    """For the app's viewsets: every listing view they build exports without formulas."""

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(safe_export_class(view_class), **kwargs)
