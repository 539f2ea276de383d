import pytest

from ketacare.rems.tests.builders import Bay, bay_clinic


@pytest.fixture
def bay(db: None) -> Bay:
    return bay_clinic()
