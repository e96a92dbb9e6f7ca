"""Admin hooks of the coordinator section."""
