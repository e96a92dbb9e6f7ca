"""Admin hooks of the steering part."""
