"""A local solidarity network for French towns, inside their own Wagtail site."""

__version__ = "0.1.0"
