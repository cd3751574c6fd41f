"""Search over tasks, plans and directives, and units: one box in the navbar, ``/search?q=…`` and
``GET /api/v1/search?q=…``; the fold and the highlighting are pure (``tracker.rules.search``), the
index belongs to the databases (migration 0016)."""
