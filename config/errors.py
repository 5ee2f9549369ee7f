"""The error every configuration problem is reported with."""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration file or value is broken; the message names the source, key and problem."""
