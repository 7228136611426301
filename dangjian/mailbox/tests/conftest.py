from __future__ import annotations

from typing import Any

import pytest

from dangjian.mailbox import throttle


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Any:
    throttle.throttle_reset()
    yield
    throttle.throttle_reset()
