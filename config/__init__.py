"""Configuration: settings from the environment and the region catalogues shipped as data.

Nothing is imported here, so that light modules (``config.client``) load without pydantic.
"""
