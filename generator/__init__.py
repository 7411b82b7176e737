"""Toolkit for the French « contrats de ville Engagements Quartiers 2030 »."""

__version__ = "0.1.0"
