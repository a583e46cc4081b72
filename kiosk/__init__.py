"""Kiosk core: configuration, flows, journal, cash box, recovery and the CLI. No Qt here."""

__version__ = "0.1.0"
