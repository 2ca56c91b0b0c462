"""`/trellis me export` and `/trellis me delete`, and raw answers forgotten after retention."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlmodel import SQLModel

from bot.core.messages import Image
from tests.community.helpers import Network, buttons

MEMBERS = ["bea", "cai", "dee", "eve", "fay"]


async def export_of(network: Network, name: str) -> dict[str, Any]:
    network.community.delivered.clear()
    assert "sent you a direct message" in await network.run("me export", by=name)
    [dm] = [d for d in network.dms(name) if "everything Trellis stores" in d.text]
    [file] = dm.files
    assert file.name == "trellis-export.json" and file.mime_type == "application/json"
    assert not [b for b in dm.message.blocks if isinstance(b, Image)]  # a file, not a chart
    data: dict[str, Any] = json.loads(file.data)
    return data


async def everything_stored(network: Network) -> str:
    """Every value of every row of every table, as one string."""
    parts = []
    async with network.trellis.db.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                parts += [str(v) for v in row]
    return "\n".join(parts)


async def fill(network: Network) -> None:
    await network.container_with(MEMBERS)
    await network.run('offer "bea offers bar models"', by="bea")
    await network.run('need "cai needs fraction ideas"', by="cai")
    await network.run('learned "bea learned that wait time matters"', by="bea")
    await network.run('learned "cai learned about exit tickets"', by="cai")
    await network.advance(days=14, minutes=1)  # a trust pulse goes out
    for name in MEMBERS:
        [pulse] = [d for d in network.dms(name) if "Trust pulse" in d.text]
        await network.click(name, "pulse.rate", buttons(pulse, "pulse.rate")[3].value)


async def test_export_holds_everything_about_me_and_nothing_of_others(network: Network) -> None:
    await fill(network)
    data = await export_of(network, "bea")
    text = json.dumps(data)
    assert data["member"]["platform_user_id"] == "bea"
    assert data["containermembership"]
    assert data["trustanswer"]
    assert "bea offers bar models" in text and "bea learned that wait time" in text
    assert "cai needs fraction ideas" not in text and "exit tickets" not in text


async def test_delete_asks_first_then_erases_and_the_community_keeps_working(
    network: Network,
) -> None:
    await fill(network)
    asked = await network.community.command("me delete", by="bea")
    [confirm] = buttons(asked[0], "rights.erase")
    assert "cannot be undone" in asked[0].message.plain_text()
    assert "Nothing was erased" in await network.click("bea", "rights.erase", "no")
    assert "bea offers bar models" in await everything_stored(network)
    assert "erased" in await network.click("bea", "rights.erase", confirm.value)
    stored = await everything_stored(network)
    assert "bea offers bar models" not in stored and "wait time matters" not in stored
    assert "cai learned about exit tickets" in stored  # others keep theirs
    # The creator leaves too: the container stays, credited to a former member.
    await network.run("me delete", by="ana")
    assert "erased" in await network.click("ana", "rights.erase", "confirm")
    assert "Maths leads" in await network.run("container show", by="cai")
    fresh = await export_of(network, "bea")  # bea comes back as a new member, with nothing
    assert "containermembership" not in fresh and "trustanswer" not in fresh


async def test_raw_answers_are_forgotten_after_retention(network: Network) -> None:
    assert network.trellis.rights is not None
    await network.trellis.rights.plan(network.clock.now())  # what a serving process does
    await network.trellis.rights.plan(network.clock.now())  # planned once, however often
    await fill(network)
    assert "trustanswer" in await export_of(network, "bea")
    await network.advance(days=300)
    assert "trustanswer" in await export_of(network, "bea")
    await network.advance(days=70)  # the daily job passes the 365-day mark
    assert "trustanswer" not in await export_of(network, "bea")
    # Idempotent: running the job again for a day already done changes nothing.
    assert network.trellis.rights is not None
    await network.trellis.rights.retention_job({}, network.clock.now())
    assert "bea offers bar models" in await everything_stored(network)
