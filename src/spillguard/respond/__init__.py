"""Incident response: when a file did go out. The incident store (SQLAlchemy: SQLite by
default, PostgreSQL by URL), the affected people of a leaked file, the downloaders in the access
logs, and the report. See ``spillguard incident --help``."""
