"""Imports of a community's history started from the admin, run as background tasks."""
