"""Tasklist pages: one module per page group; tasklist/urls.py lists every route."""
