"""Backups: the database and the uploaded files in one archive, and its restore (issue 16, item 11)."""
