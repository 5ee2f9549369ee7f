"""Notifications: the transactional outbox, channel adapters over httpx, templates, dispatch."""
