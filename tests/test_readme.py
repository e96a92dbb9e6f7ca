"""The README documents every setting with its default, and the two set-up commands."""

from pathlib import Path

from wagtail_bippop.conf import DEFAULTS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_setting_is_documented_with_its_default():
    missing = [
        name
        for name, default in DEFAULTS.items()
        if f"`BIPPOP_{name}`" not in README or f"`{default!r}`" not in README
    ]
    assert not missing, f"README lacks these settings or their defaults: {missing}"


def test_two_set_up_commands():
    assert "python3 dev.py demo" in README
    assert "python3 dev.py test" in README
