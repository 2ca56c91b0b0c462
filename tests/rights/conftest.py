from __future__ import annotations

import pytest

from bot.adapters.memory import MemoryCommunity
from bot.app import Trellis
from bot.core.ports import SimulatedClock
from tests.community.helpers import Network


@pytest.fixture
def network(trellis: Trellis, community: MemoryCommunity, clock: SimulatedClock) -> Network:
    return Network(trellis, community, clock)
