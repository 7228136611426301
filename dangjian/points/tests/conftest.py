import pytest

from dangjian.points import services


@pytest.fixture(autouse=True)
def _default_rules(db):
    """The default rules of DOMAIN.md §7, as ``manage.py points_seed_rules`` creates them."""
    services.points_seed_rules()
