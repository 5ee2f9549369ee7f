"""Configuration: settings from the environment and the region catalogues shipped as data."""

from config.settings import ConfigError, Settings, get_settings

__all__ = ["ConfigError", "Settings", "get_settings"]
