"""`/trellis me export` on Slack: the JSON file arrives as a real file in the member's DM
(files upload v2), not as an image, with the bytes Trellis stored about them."""

from __future__ import annotations

import json

from tests.slack.care import BOB, container
from tests.slack.conftest import Slack


async def test_export_is_uploaded_as_a_json_file_into_the_members_dm(slack: Slack) -> None:
    await container(slack)
    status, _ = await slack.command("me export", user=BOB)
    assert status == 200
    assert "sent you a direct message" in slack.answer_text()
    (asked,) = slack.fake.of("files.getUploadURLExternal")
    assert asked["filename"] == "trellis-export.json"
    (upload,) = slack.fake.of("upload")
    data = json.loads(slack.fake.uploaded[upload["file"]])
    assert data["member"]  # the export itself, parsed back
    assert "exported_at" in data
    (complete,) = slack.fake.of("files.completeUploadExternal")
    assert complete["channel_id"] == slack.fake.dm_of([BOB])
    files = complete["files"]
    files = json.loads(files) if isinstance(files, str) else files
    assert files[0]["title"] == "Everything Trellis stores about you"
    assert "alt_txt" not in files[0]  # a file, not an image
    (note,) = [
        b for b in slack.fake.of("chat.postMessage") if b["channel"] == BOB and "JSON" in str(b)
    ]
    assert "everything Trellis stores about you" in note["text"]
