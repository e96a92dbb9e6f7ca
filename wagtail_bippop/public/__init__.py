"""The public side of the section: forms, their handling, spam defences, counters, directory."""
