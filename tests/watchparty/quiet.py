"""A ``PartyDelivery`` that does nothing on Discord and remembers what it was asked (tests only).

Tests that work on the store's side of a party (timers, RSVPs, a cancel "in the store only") give the
service this instead of the bot's ``DiscordDelivery``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import Clock
from bot.preferences.service import PreferencesService
from bot.store import Store
from bot.timers import Firing
from bot.watchparty.models import Party
from bot.watchparty.service import EventChange, WatchPartyService


@dataclass
class QuietDelivery:
    calls: list[tuple[str, int]] = field(default_factory=list)

    async def create_event(self, party: Party) -> int | None:
        self.calls.append(("create_event", party.id))
        return None

    async def update_event(self, party: Party, change: EventChange) -> None:
        self.calls.append((f"{change}_event", party.id))

    async def post_announcement(self, party: Party) -> int | None:
        self.calls.append(("post_announcement", party.id))
        return None

    async def refresh_announcement(self, party: Party) -> None:
        self.calls.append(("refresh_announcement", party.id))

    async def tell_change(self, party: Party, previous_start: datetime | None, user_ids: list[int]) -> None:
        self.calls.append(("tell_change", party.id))

    async def send_timer_message(self, party: Party, firing: Firing, user_ids: list[int]) -> None:
        self.calls.append(("send_timer_message", party.id))

    async def report_missed(self, party: Party, what: str, firing: Firing, channel_id: int | None) -> None:
        self.calls.append(("report_missed", party.id))


def quiet_service(store: Store, clock: Clock) -> WatchPartyService:
    """A watch party service on ``store`` whose Discord effects go nowhere."""
    return WatchPartyService(store, clock, PreferencesService(store), QuietDelivery())
