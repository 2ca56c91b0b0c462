"""`trellis demo`: a synthetic learning network run for weeks through the real core.

The simulated members speak only through the console adapter (commands, messages, buttons
and forms), so the demo shows exactly what production would do with the same traffic.
"""
