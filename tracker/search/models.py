"""Search has no mapped model: its index is the database's own (migration 0016), kept by the database
whatever writes the tasks. These are the names of what the migration creates outside the ORM, so the
schema comparison with the models (tests/test_migrations.py) can leave them aside."""

from __future__ import annotations

# SQLite: the FTS5 table and its shadow tables; PostgreSQL: the table of folded texts and its trigram index.
DATABASE_ONLY_TABLES = frozenset(
    {"task_search", "task_search_data", "task_search_idx", "task_search_docsize", "task_search_config", "task_search_content"}
)
DATABASE_ONLY_INDEXES = frozenset({"ix_task_search"})


def mapped_outside_orm(name: str | None, type_: str) -> bool:
    """True for what migration 0016 creates and the ORM does not describe."""
    if type_ == "table":
        return name in DATABASE_ONLY_TABLES
    if type_ == "index":
        return name in DATABASE_ONLY_INDEXES
    return False
