"""Plain records for polls, as the store returns them and the service hands them to rendering."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Mode = Literal["single", "multi", "ranked", "approval"]
BallotStatus = Literal["new", "changed", "unchanged", "retracted", "none", "closed", "missing"]


@dataclass(frozen=True, slots=True)
class PollOption:
    position: int
    label: str
    film_id: int | None = None
    # A line shown under the option (a movie night's year and score), fixed when the poll is created.
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class NewPoll:
    """What ``/poll create`` or ``/poll movienight`` asks for, already validated."""

    guild_id: int
    channel_id: int
    author_id: int
    question: str
    mode: Mode
    max_choices: int
    anonymous: bool
    hide_results: bool
    role_id: int | None
    closes_at: datetime
    options: tuple[PollOption, ...]
    kind: Literal["plain", "movienight"] = "plain"


@dataclass(frozen=True, slots=True)
class Poll:
    id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    author_id: int
    kind: str
    question: str
    mode: Mode
    max_choices: int
    anonymous: bool
    hide_results: bool
    role_id: int | None
    created_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    closed_by: int | None
    result_message_id: int | None
    options: tuple[PollOption, ...]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def accepts_votes(self, now: datetime) -> bool:
        return self.closed_at is None and now < self.closes_at

    def results_visible(self) -> bool:
        """The tally may be shown: always, or only once closed for ``hide_results`` polls."""
        return not self.hide_results or not self.is_open

    def link(self, message_id: int) -> str:
        """The address of a message in the poll's channel (the poll's own, or its result)."""
        return f"https://discord.com/channels/{self.guild_id}/{self.channel_id}/{message_id}"


@dataclass(frozen=True, slots=True)
class BallotResult:
    """What happened to one vote or retraction, once it is committed."""

    status: BallotStatus
    choices: tuple[int, ...] | None
