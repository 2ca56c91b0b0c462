"""Trellis: a facilitator bot for networked learning communities."""

__version__ = "0.1.0"
