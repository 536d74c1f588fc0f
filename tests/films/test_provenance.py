"""Provenance, exact: every value and number the 100 Meters card and its scores cite is stated, with that
exact detail, by each source cited beside it, and no citation carries a detail from another source.

The rendered text is parsed back into (phrase, source numbers) pairs; each phrase is checked word by word
against the cited press document (the card's ``file`` fields, in the shared sources folder)."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from bot.catalog.cards import parse_card
from bot.films.card import Detail, build_card
from bot.films.models import Credit, Fact, Film, FilmSummary, Score, Source
from bot.films.render import card_embed
from bot.scores.aggregate import aggregate

ROOT = Path(__file__).resolve().parents[2]
CARD = ROOT / "data" / "films" / "100-meters.toml"
# The press documents are not in the repository (their sentences are not ours to copy): they sit in
# ``shared/sources`` beside the checkout, on developers' machines and in CI alike.
SOURCES = Path(
    os.environ.get("FILMBOT_SOURCES_DIR") or Path(__file__).resolve().parents[2].parent / "shared" / "sources"
)
CITATION = re.compile(r"([^\[\]]*?)\s*((?:\[\d+\])+)")
WORD = re.compile(r"[\w$¥]+(?:['.,][\w]+)*")
# Words the card itself adds around a cited phrase (labels and joining words), never a claim.
FRAME = {"as", "by", "of", "the", "and", "a", "in", "during", "premiere", "theaters", "streaming", "min"}


def _film() -> Film:
    data = parse_card(CARD)
    summary = FilmSummary(1, data.slug, data.title, data.year, data.original_title, data.aliases)
    return Film(
        summary, data.origin, data.imdb_id, data.sources, data.facts, data.credits, data.scores, data.plot
    )


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'").replace("—", " ")).casefold()


def stated(source: str, phrase: str) -> list[str]:
    """The claims in ``phrase`` that ``source`` does not state (empty when it states them all)."""
    text = normalize(source)
    missing = []
    runtime = re.fullmatch(r"(\d+) min", phrase.strip())
    if runtime:
        hours, minutes = divmod(int(runtime.group(1)), 60)
        forms = (f"{hours}h {minutes}m", f"{hours} hour and {minutes} minutes")
        return [] if any(f in text for f in forms) else [phrase]
    yen = re.fullmatch(r"¥(\d+) million", phrase.strip())
    if yen:
        return [] if f"{yen.group(1)} million yen" in text else [phrase]
    for word in WORD.findall(normalize(phrase)):
        if word in FRAME or (len(word) == 1 and not word.isdigit()):
            continue
        if not re.search(rf"(?<![\w']){re.escape(word)}(?!\w)(?!'\w\w)", text):
            missing.append(word)
    return missing


def citations(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """Each cited phrase of a rendered field with its source numbers: "GKIDS [3] (United States [3])"
    gives ("GKIDS", (3,)) and ("United States", (3,))."""
    found = []
    for phrase, refs in CITATION.findall(text):
        phrase = re.sub(r"^[\s,;·()]+", "", phrase.replace("*", ""))
        phrase = re.sub(r"^(?:by|as)\s+|\s*\($|[\s,;·]+$", "", phrase).strip()
        phrase = re.sub(r"^(?:Premiere|Theaters|Streaming):\s*", "", phrase)
        if phrase:
            found.append((phrase, tuple(int(n) for n in re.findall(r"\d+", refs))))
    return found


def _texts(film: Film) -> dict[int, str]:
    texts = {}
    for number, source in enumerate(film.sources, start=1):
        assert source.file, f"source {source.key} names no document"
        texts[number] = (SOURCES / source.file).read_text(encoding="utf-8")
    return texts


@pytest.mark.skipif(not SOURCES.is_dir(), reason="the press documents are not on this machine")
def test_every_card_citation_is_stated_by_its_source() -> None:
    film = _film()
    texts = _texts(film)
    data = card_embed(build_card(film)).to_dict()
    problems = []
    checked = 0
    for field in data["fields"]:
        for phrase, refs in citations(field["value"]):
            for number in refs:
                checked += 1
                missing = stated(texts[number], phrase)
                if missing:
                    problems.append(f"{field['name']}: {phrase!r} cited to [{number}], which lacks {missing}")
    assert checked > 40
    assert not problems, "\n".join(problems)


def test_citation_parser_reads_details_apart() -> None:
    assert citations("GKIDS [3][4] (United States [3])") == [("GKIDS", (3, 4)), ("United States", (3,))]
    assert citations("Tori Matsuzaka [2][4] as Togashi (teen) [2]") == [
        ("Tori Matsuzaka", (2, 4)),
        ("Togashi (teen)", (2,)),
    ]
    assert stated("Rock and Roll Mountain", "Rock'n Roll Mountain") == ["rock'n"]
    assert stated("runs 1h 46m", "106 min") == []
    assert stated("runs 1h 46m", "107 min") == ["107 min"]


def test_details_are_never_pooled_across_sources() -> None:
    sources = tuple(Source(k, k, "review", date(2026, 1, 1)) for k in ("a", "b", "c"))
    film = Film(
        FilmSummary(1, "x", "X", 2025),
        "card",
        None,
        sources,
        (
            Fact("distributor", "GKIDS", "a", "United States"),
            Fact("distributor", "GKIDS", "b"),
            Fact("distributor", "GKIDS", "c", "United States"),
        ),
        (
            Credit("Tori Matsuzaka", "voice", "a", "Togashi (teen)"),
            Credit("Tori Matsuzaka", "voice", "b"),
            Credit("Tori Matsuzaka", "voice", "c", "Togashi"),
        ),
        (),
        (),
    )
    card = build_card(film)
    (gkids,) = card.distributors
    assert gkids.refs == (1, 2, 3) and gkids.details == (Detail("United States", (1, 3)),)
    (tori,) = card.cast
    assert tori.refs == (1, 2, 3)
    assert tori.characters == (Detail("Togashi (teen)", (1,)), Detail("Togashi", (3,)))
    rendered = card_embed(card).to_dict()["fields"]
    cast = next(f["value"] for f in rendered if f["name"] == "Voice cast")
    assert cast == "Tori Matsuzaka [1][2][3] as Togashi (teen) [1] / Togashi [3]"


@pytest.mark.skipif(not SOURCES.is_dir(), reason="the press documents are not on this machine")
def test_every_score_is_stated_by_its_source_with_its_own_date() -> None:
    film = _film()
    texts = _texts(film)
    numbers = {s.key: n for n, s in enumerate(film.sources, start=1)}
    problems = []
    for score in film.scores:
        number = numbers[score.source]
        text = normalize(texts[number])
        if f"{score.value:g}" not in text:
            problems.append(f"{score.name}: {score.value:g} not in [{number}]")
        if score.votes is not None and f"{score.votes} votes" not in text:
            problems.append(f"{score.name}: {score.votes} votes not in [{number}]")
        site = normalize(score.name.split(" (")[0])
        if score.site_named and site not in text:
            problems.append(f"{score.name}: the site is not named in [{number}]")
        if score.dated and score.as_of.isoformat() not in text and str(score.as_of.year) not in text:
            problems.append(f"{score.name}: dated {score.as_of}, which [{number}] does not state")
    assert not problems, "\n".join(problems)


def test_unnamed_site_is_shown_labelled_and_not_counted() -> None:
    scores = [
        Score("IMDb", "average", 8.0, "a", date(2026, 1, 1), scale=10),
        Score("Listing", "average", 2.0, "b", date(2026, 1, 1), scale=10, votes=56, site_named=False),
    ]
    result = aggregate(scores, [])
    assert [s.name for s in result.averages] == ["IMDb", "Listing"]
    assert result.consensus == 80.0 and result.aggregate == 80.0
    assert result.inputs == (("IMDb", 80.0),)
    # With only an unnamed site there is no consensus, never a number made from it.
    alone = aggregate(scores[1:], [])
    assert alone.consensus is None and alone.aggregate is None


def test_card_sources_may_be_undated_and_old_cards_still_load() -> None:
    from bot.catalog.cards import CardError, card_from_mapping

    base: dict[str, object] = {"slug": "x", "title": "X"}
    old = card_from_mapping(
        {**base, "sources": {"s": {"title": "T", "kind": "review", "as_of": "2025-01-02"}}}, "x"
    )
    assert old.sources[0].dated and old.sources[0].as_of == date(2025, 1, 2)
    score = {
        "name": "Site",
        "kind": "average",
        "value": 7.7,
        "scale": 10,
        "site_named": False,
        "sources": ["s"],
    }
    new = card_from_mapping(
        {
            **base,
            "sources": {"s": {"title": "T", "kind": "review", "retrieved": "2026-11-21"}},
            "scores": [score],
        },
        "x",
    )
    assert not new.sources[0].dated and not new.scores[0].dated and not new.scores[0].site_named
    with pytest.raises(CardError, match="not both"):
        card_from_mapping(
            {
                **base,
                "sources": {
                    "s": {"title": "T", "kind": "review", "as_of": "2025-01-02", "retrieved": "2026-11-21"}
                },
            },
            "x",
        )


def test_undated_sources_say_so_and_never_lend_their_retrieval_date() -> None:
    film = _film()
    footer = card_embed(build_card(film)).to_dict()["footer"]["text"]
    for number, source in enumerate(film.sources, start=1):
        assert not source.dated, "no press document gives a date of its own"
        assert f"[{number}] " in footer
    assert footer.count("undated; retrieved 2026-11-21") == len(film.sources)
    assert all(not s.dated for s in film.scores), "every score here comes from an undated document"
