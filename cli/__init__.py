"""The ``lofte`` command line."""
