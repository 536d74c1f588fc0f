"""The server region: ISO 3166-1 alpha-2 codes read from codes, names and labels, the autocomplete within
Discord's 25 choices, and the setting kept per server beside the others."""

from __future__ import annotations

import pytest

from bot.errors import BadInput
from bot.preferences.countries import ALIASES, COUNTRIES, POPULAR
from bot.preferences.models import GuildPreferences
from bot.preferences.regions import country_code, country_label, suggest_countries
from bot.preferences.service import PreferencesService
from bot.store import Store
from bot.ui import limits

GUILD = 10


def test_the_table_is_iso_3166_1_alpha_2() -> None:
    assert len(COUNTRIES) == 249  # every officially assigned code
    assert all(len(code) == 2 and code.isascii() and code.isupper() for code in COUNTRIES)
    assert len(set(COUNTRIES.values())) == len(COUNTRIES)
    assert set(ALIASES.values()) <= set(COUNTRIES) and set(POPULAR) <= set(COUNTRIES)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("fr", "FR"),
        (" GB ", "GB"),
        ("Gb", "GB"),
        ("United Kingdom", "GB"),
        ("uk", "GB"),
        ("usa", "US"),
        ("germany", "DE"),
        ("Côte d’Ivoire", "CI"),
        ("cote d'ivoire", "CI"),
        ("Japan (JP)", "JP"),
        ("turkey", "TR"),
    ],
)
def test_codes_names_and_labels_are_read(typed: str, code: str) -> None:
    assert country_code(typed) == code


@pytest.mark.parametrize("typed", ["", "XX", "EU", "Atlantis", "fra", "@everyone", "Japan (XX)"])
def test_unknown_countries_say_what_works(typed: str) -> None:
    with pytest.raises(BadInput) as caught:
        country_code(typed)
    assert "two-letter ISO 3166-1 country code" in caught.value.message
    assert any("US, GB, FR" in hint for hint in caught.value.hints)


def test_labels() -> None:
    assert country_label("FR") == "France (FR)"
    assert country_label("ZZ") == "ZZ"  # a code saved by some later version still shows


@pytest.mark.parametrize("typed", ["", "a", "an", "united", "island", "e", "fr", "germny", "zzzz"])
def test_autocomplete_stays_within_discords_limits(typed: str) -> None:
    choices = suggest_countries(typed)
    assert len(choices) <= limits.AUTOCOMPLETE_CHOICES
    assert all(len(label) <= limits.CHOICE_NAME and code in COUNTRIES for label, code in choices)
    assert len({code for _, code in choices}) == len(choices)


def test_autocomplete_puts_the_likely_country_first() -> None:
    assert suggest_countries("")[0][1] == POPULAR[0]
    assert suggest_countries("fr")[0] == ("France (FR)", "FR")
    assert suggest_countries("jp")[0][1] == "JP"
    assert suggest_countries("germ")[0][1] == "DE"
    assert suggest_countries("germny")[0][1] == "DE"  # a typo
    united = [code for _, code in suggest_countries("united")]
    assert {"GB", "US", "AE"} <= set(united)
    assert suggest_countries("zzzz") == []


async def test_the_region_is_a_server_setting(store: Store) -> None:
    preferences = PreferencesService(store)
    assert (await preferences.guild(GUILD)).region is None
    assert await preferences.set_region(GUILD, "united kingdom") == "GB"
    await preferences.set_guild_timezone(GUILD, "Europe/London")
    assert await preferences.guild(GUILD) == GuildPreferences(GUILD, "Europe/London", region="GB")
    assert (await preferences.guild(GUILD + 1)).region is None
    with pytest.raises(BadInput):
        await preferences.set_region(GUILD, "Narnia")
    assert (await preferences.guild(GUILD)).region == "GB"  # bad input loses nothing
    assert await preferences.set_region(GUILD, None) is None
    assert await preferences.guild(GUILD) == GuildPreferences(GUILD, "Europe/London")


async def test_the_region_command_sets_clears_or_reads(store: Store) -> None:
    preferences = PreferencesService(store)
    assert await preferences.region(GUILD, None, clear=False) == (None, False)
    assert await preferences.region(GUILD, "de", clear=False) == ("DE", True)
    assert await preferences.region(GUILD, None, clear=False) == ("DE", False)
    with pytest.raises(BadInput, match="not both"):
        await preferences.region(GUILD, "FR", clear=True)
    assert await preferences.region(GUILD, None, clear=True) == (None, True)
    assert (await preferences.guild(GUILD)).region is None
