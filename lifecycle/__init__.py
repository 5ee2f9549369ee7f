"""Lifecycle rules as pure code: stages, vocabulary, exit criteria and allowed transitions.

Nothing in this package imports a database, the network or Prefect, so every rule can be read
and tested on its own.
"""
