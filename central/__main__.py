"""Entry point of `python -m central`."""

from central.cli import main

raise SystemExit(main())
