"""WSGI entry point: ``gunicorn wsgi:app`` in production, ``flask --app wsgi …`` for commands."""

import gc

from tracker import create_app

app = create_app()
# What start-up made (modules, the app, its caches: ~180,000 objects) lives as long as the process.
# Frozen out of the collector's reach, it is not walked again at every collection: a request that
# reads tens of thousands of rows (the page of a plan of 73,703 tasks) spent up to two thirds of its
# time in those walks.
gc.freeze()
