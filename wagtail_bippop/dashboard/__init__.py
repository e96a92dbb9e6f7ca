"""Steering: dashboard, isolation watch, vulnerable persons register and call campaigns."""
