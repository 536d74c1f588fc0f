"""End to end through the Discord emulator: ``/settings region`` set, shown, cleared, refused to members
without Manage Server, bad input answered, and its autocomplete within 25 choices."""

from __future__ import annotations

from typing import Any

from tests.discord_emulator import Driver, Emulator


async def test_region_set_show_clear(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    owner = driver.as_member("owner")
    shown = await owner.slash("settings", "region")
    assert shown.ephemeral and "This server has no region set." in shown.text
    assert "TMDB_API_KEY" in shown.text  # this bot has no TMDB key: the answer says where-to-watch needs one

    choices = await owner.autocomplete("settings", "region", "country", "germ")
    assert choices.names[0] == "Germany (DE)" and choices.values[0] == "DE"
    assert len(await owner.autocomplete("settings", "region", "country", "")) <= 25
    assert len(await owner.autocomplete("settings", "region", "country", "a")) <= 25

    saved = await owner.slash("settings", "region", country="fr")
    assert saved.ephemeral and "This server's region is now **France (FR)**" in saved.text
    again = await owner.slash("settings", "region")
    assert "This server's region is **France (FR)**" in again.text
    by_name = await owner.slash("settings", "region", country="United Kingdom")
    assert "**United Kingdom (GB)**" in by_name.text

    cleared = await owner.slash("settings", "region", clear=True)
    assert cleared.ephemeral and "This server's region is cleared." in cleared.text
    assert "no region set" in (await owner.slash("settings", "region")).text


async def test_region_bad_input_and_permissions(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    owner = driver.as_member("owner")
    await owner.slash("settings", "region", country="JP")
    unknown = await owner.slash("settings", "region", country="Narnia")
    assert unknown.ephemeral and "“Narnia” is not a country I know" in unknown.text
    assert "US, GB, FR" in unknown.text
    both = await owner.slash("settings", "region", country="DE", clear=True)
    assert both.ephemeral and "not both" in both.text
    refused = await driver.as_member("member1").slash("settings", "region", country="US")
    assert refused.ephemeral and "Manage Guild permission" in refused.text
    # Nothing above changed the region.
    assert "**Japan (JP)**" in (await owner.slash("settings", "region")).text
