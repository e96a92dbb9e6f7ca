"""Speed measurements: each script prints a table and updates its section of BENCHMARKS.md."""
