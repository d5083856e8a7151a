"""Benchmarks: `make bench` (needs PostgreSQL). See docs/performance.md for the method."""
