"""Scheduled jobs: reminders and status reports (their Prefect flows live in flows/)."""
