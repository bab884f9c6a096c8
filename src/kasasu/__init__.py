"""Kasasu (カサス): an open-source, self-hostable customer success platform."""

__version__ = "0.1.0"
