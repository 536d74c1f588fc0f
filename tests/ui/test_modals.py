"""Restart-proof modals: ids written and read from one format, inputs read from either layout.

The whole path (a form opened, the bot restarted, the form submitted) runs in
``tests/e2e/test_watchlist_e2e.py``.
"""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.polls.party import ScheduleForm
from bot.ui.modals import RestartProofModal, typed_values


class Form(RestartProofModal, custom_id="filmbot:test:form:{thing}:{word:[a-z]+}"):
    def __init__(self, thing: int, word: str) -> None:
        super().__init__(title="A form", custom_id=self.make_id(thing=thing, word=word))
        self.thing, self.word = thing, word

    async def submitted(self, interaction: discord.Interaction[Any], values: dict[str, str]) -> None:
        raise AssertionError("not submitted in these tests")


async def test_a_form_s_id_round_trips_through_its_one_format() -> None:
    form = Form(12, "abc")
    assert form.custom_id == "filmbot:test:form:12:abc"
    assert Form.parse_id(form.custom_id) == {"thing": 12, "word": "abc"}
    rebuilt = Form.from_fields(**{"thing": 12, "word": "abc"})
    assert isinstance(rebuilt, Form) and (rebuilt.thing, rebuilt.word) == (12, "abc")
    assert Form.parse_id("filmbot:test:form:x:abc") is None
    assert Form.parse_id("filmbot:test:form:1:abc:more") is None
    with pytest.raises(TypeError, match="needs exactly"):
        Form.make_id(thing=1)
    with pytest.raises(ValueError, match="does not match"):
        Form.make_id(thing=1, word="ABC")
    with pytest.raises(ValueError, match="over 100 characters"):
        Form.make_id(thing=1, word="a" * 100)


async def test_the_schedule_form_fits_discord_s_limits() -> None:
    form = ScheduleForm(2**62, 2**62, "A" * 300)
    payload = form.to_dict()
    assert len(payload["title"]) <= 45 and len(payload["custom_id"]) <= 100
    assert len(payload["components"]) == 5
    assert ScheduleForm.parse_id(payload["custom_id"]) == {"poll": 2**62, "film": 2**62}


def test_typed_values_are_read_from_action_rows_and_labels() -> None:
    data = {
        "custom_id": "filmbot:test:form:1:a",
        "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "when", "value": "friday 8pm"}]},
            {"type": 18, "component": {"type": 4, "custom_id": "note", "value": "snacks"}},
            {"type": 10, "content": "just text"},
        ],
    }
    assert typed_values(data) == {"when": "friday 8pm", "note": "snacks"}
    assert typed_values(None) == {}
