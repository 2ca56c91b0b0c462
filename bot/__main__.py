"""`python -m bot` runs the same CLI as `trellis`."""

from bot.cli import main

raise SystemExit(main())
