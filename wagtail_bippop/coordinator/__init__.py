"""The coordinator section of the Wagtail admin ("Solidarité" menu)."""
