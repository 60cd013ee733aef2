"""The browser's icon: named by every page, and /favicon.ico for those that name none."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_icon_every_page_names(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/legato/favicon.svg"
    # Served under /static/ by the ASGI app from the static finders.
    icon = finders.find("legato/favicon.svg")
    assert icon
    assert "<svg" in Path(icon).read_text()
    login_page = client.get("/login/").content.decode()
    assert 'rel="icon" href="/static/legato/favicon.svg"' in login_page
