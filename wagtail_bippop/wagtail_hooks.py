"""Wiring only: each part of the admin registers its own hooks in its own module."""
