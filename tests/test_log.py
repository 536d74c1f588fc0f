"""The log filters: Discord payloads reduced to their shape, the token redacted."""

from __future__ import annotations

import logging

from bot.log import PayloadFilter, RedactFilter

EVENT = {
    "op": 0,
    "t": "INTERACTION_CREATE",
    "s": 7,
    "d": {"member": {"user": {"id": "123456789012345678"}}, "data": {"custom_id": "filmbot:poll:vote:1:0"}},
}


def _record(name: str, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, logging.DEBUG, __file__, 1, msg, args, None)


def test_a_gateway_event_is_logged_by_its_shape() -> None:
    record = _record("discord.gateway", "For Shard ID %s: WebSocket Event: %s", None, EVENT)
    assert PayloadFilter().filter(record)
    assert record.getMessage() == "For Shard ID None: WebSocket Event: <op 0 INTERACTION_CREATE seq 7>"


def test_other_payloads_and_lists_keep_only_their_size() -> None:
    record = _record("discord.voice_state", "frame %s and %s", {"user_id": "1", "x": 2}, ["123"])
    PayloadFilter().filter(record)
    assert record.getMessage() == "frame <payload with 2 keys> and <list of 1>"


def test_filmbot_records_are_left_alone() -> None:
    record = _record("bot.polls.service", "poll %d closed with %s", 3, {"a": 1})
    PayloadFilter().filter(record)
    assert record.getMessage() == "poll 3 closed with {'a': 1}"


def test_the_token_is_redacted() -> None:
    record = _record("discord.client", "token %s", "abcdefgh.secret")
    RedactFilter(["abcdefgh.secret"]).filter(record)
    assert record.getMessage() == "token ********"
