"""Clients of the identity REST tests: `root`, an admin, and `mary`, a user with no grants
(each the Basic credentials to pass to the test client)."""

import pytest

from tests.identity.factories import make_user
from tests.identity.test_rest import basic


@pytest.fixture
def root(settings):
    make_user("root", settings.LEGATO_ADMIN_GROUP)
    return basic("root")


@pytest.fixture
def mary():
    make_user("mary")
    return basic("mary")
