"""Cockpit pages: one module per page group; cockpit/urls.py lists every route."""
