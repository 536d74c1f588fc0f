"""The preferences service against a real SQLite store: typed records in, typed records out."""

from __future__ import annotations

import pytest

from bot.errors import BadInput
from bot.preferences.models import GuildPreferences, MemberPreferences, ReadingZone
from bot.preferences.service import PreferencesService
from bot.store import Store

GUILD, MOD = 10, 30


@pytest.fixture
def preferences(store: Store) -> PreferencesService:
    return PreferencesService(store)


async def test_zone_precedence_option_then_member_then_server_then_utc(
    preferences: PreferencesService,
) -> None:
    assert await preferences.zone_for(GUILD, MOD) == "UTC"
    await preferences.set_guild_timezone(GUILD, "america/new_york")
    assert await preferences.zone_for(GUILD, MOD) == "America/New_York"
    await preferences.set_member_timezone(MOD, "Europe/Paris")
    assert await preferences.zone_for(GUILD, MOD) == "Europe/Paris"
    assert await preferences.zone_for(GUILD, MOD, "Asia/Tokyo") == "Asia/Tokyo"
    with pytest.raises(BadInput):
        await preferences.set_member_timezone(MOD, "Atlantis/Capital")


async def test_reading_zone_says_where_the_zone_came_from(preferences: PreferencesService) -> None:
    assert await preferences.reading_zone(GUILD, MOD) == ReadingZone("UTC", "default")
    assert await preferences.reading_zone(None, MOD) == ReadingZone("UTC", "default")
    await preferences.set_guild_timezone(GUILD, "Europe/Berlin")
    assert await preferences.reading_zone(GUILD, MOD) == ReadingZone("Europe/Berlin", "server")
    assert await preferences.reading_zone(None, MOD) == ReadingZone("UTC", "default")
    await preferences.set_member_timezone(MOD, "pst")
    assert await preferences.reading_zone(GUILD, MOD) == ReadingZone("America/Los_Angeles", "member")
    assert await preferences.reading_zone(GUILD, MOD, "jst") == ReadingZone("Asia/Tokyo", "option")
    with pytest.raises(BadInput):
        await preferences.reading_zone(GUILD, MOD, "Atlantis/Capital")


async def test_server_settings_are_typed_and_per_server(preferences: PreferencesService) -> None:
    assert await preferences.guild(GUILD) == GuildPreferences(GUILD)
    assert await preferences.set_guild_timezone(GUILD, "europe/paris") == "Europe/Paris"
    await preferences.set_modlog_channel(GUILD, 99)
    await preferences.set_guild_timezone(GUILD + 1, "UTC")
    assert await preferences.guild(GUILD) == GuildPreferences(GUILD, "Europe/Paris", 99)
    assert await preferences.guild(GUILD + 1) == GuildPreferences(GUILD + 1, "UTC", None)
    await preferences.set_modlog_channel(GUILD, None)
    assert await preferences.guild(GUILD) == GuildPreferences(GUILD, "Europe/Paris", None)
    with pytest.raises(BadInput):
        await preferences.set_guild_timezone(GUILD, "nowhere")
    assert (await preferences.guild(GUILD)).timezone == "Europe/Paris"


async def test_member_settings_change_one_at_a_time(preferences: PreferencesService) -> None:
    assert await preferences.member(MOD) == MemberPreferences(MOD)
    await preferences.set_dm_reminders(MOD, True)
    await preferences.set_member_timezone(MOD, "Asia/Tokyo")
    assert await preferences.member(MOD) == MemberPreferences(MOD, "Asia/Tokyo", True)
    await preferences.set_dm_reminders(MOD, False)
    assert await preferences.member(MOD) == MemberPreferences(MOD, "Asia/Tokyo", False)
    assert await preferences.dm_subscribers([]) == set()


async def test_server_settings_written_by_earlier_versions_read_back(store: Store) -> None:
    """Rows as the old key/value code wrote them (modlog channel as text) become the typed record."""
    async with store.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO guild_settings (guild_id, key, value, updated_at) VALUES "
            "(?, 'timezone', 'Europe/Paris', '2026-01-01T00:00:00+00:00'), "
            "(?, 'modlog_channel', '1234567890123456789', '2026-01-01T00:00:00+00:00')",
            (GUILD, GUILD),
        )
    assert await PreferencesService(store).guild(GUILD) == GuildPreferences(
        GUILD, "Europe/Paris", 1234567890123456789
    )


async def test_a_zone_saved_before_zones_were_limited_to_places_is_refused_with_the_way_out(
    store: Store,
) -> None:
    """Issue 16, item 14: ``Factory`` and ``localtime`` were accepted; a member or server that saved one
    is told to set a real zone (the option still works), and one saved as ``Etc/GMT`` reads as UTC."""
    async with store.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO member_settings (user_id, timezone, updated_at) VALUES (?, 'Factory', ?), (?, 'Etc/GMT', ?)",
            (MOD, "2026-01-01T00:00:00+00:00", MOD + 1, "2026-01-01T00:00:00+00:00"),
        )
        await tx.execute(
            "INSERT INTO guild_settings (guild_id, key, value, updated_at) VALUES (?, 'timezone', 'localtime', ?)",
            (GUILD, "2026-01-01T00:00:00+00:00"),
        )
    preferences = PreferencesService(store)
    with pytest.raises(BadInput) as caught:
        await preferences.zone_for(GUILD, MOD)
    assert "Your saved time zone “Factory” is not a place's time zone" in caught.value.message
    assert "/timezone set" in caught.value.hints[0]
    assert await preferences.zone_for(GUILD, MOD, "Europe/Paris") == "Europe/Paris"
    assert await preferences.zone_for(GUILD, MOD + 1) == "UTC"
    with pytest.raises(BadInput, match="This server's saved time zone “localtime”"):
        await preferences.zone_for(GUILD, MOD + 2)
    assert await preferences.set_member_timezone(MOD, "Europe/Paris") == "Europe/Paris"
    assert await preferences.zone_for(GUILD, MOD) == "Europe/Paris"
