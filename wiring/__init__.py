"""The composition root: every use case wired to its name, HTTP method and path (usecases.py)."""
