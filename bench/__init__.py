"""Benchmarks; never part of `make test`."""
