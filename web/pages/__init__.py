"""The web pages (Jinja templates, in Swedish) of lofte serve."""
