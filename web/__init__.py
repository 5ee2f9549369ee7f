"""The service process: HTTP API (and pages) with Prefect kept warm."""
