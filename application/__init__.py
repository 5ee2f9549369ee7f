"""The application layer: every use case is one function that takes the authenticated
person, checks the permission and owns its transaction."""
