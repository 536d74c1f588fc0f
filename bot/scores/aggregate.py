"""The aggregate: one pure function that turns outside scores and member ratings into every figure shown.

The method, in full (the README's "Scores" section says the same for members):

1. **Outside scores are grouped.** A score reported by two documents is stored once per document; rows with
   the same name, kind, value, scale and vote count are one score (its sources listed together), never two.
2. **Average ratings are normalized to 0–100**: ``value / scale × 100`` (×10 for /10, ×20 for /5).
3. **Approval percentages are never averaged with ratings.** "92% of critics liked it" measures how many
   liked it, not how much; those figures are shown beside the ratings, untouched.
4. **Outside consensus** ``C`` = the plain mean of the normalized average ratings, each distinct source
   counted once (vote counts are unknown for most sources, so none is weighted above another). A rating
   whose site the document does not name (``site_named`` false) is shown, labelled, but never counted:
   nobody can tell whose audience it measures, or whether it repeats a site already counted.
5. **Member score** ``B`` = a Bayesian average of this server's ratings (0.5–10, normalized ×10):
   ``B = (m × P + Σ ratings) / (m + n)`` with prior weight ``m = 10`` and prior mean ``P = C``, or the
   neutral ``P = 50`` (the middle of the scale) when the film has no outside average. A few ratings move
   ``B`` only a little: three 10/10 ratings against a consensus of 80 give 84.6, not 100. At ten ratings the
   members weigh as much as the outside consensus; at forty, four times as much. The raw mean and the count
   are always shown beside ``B``.
6. **Aggregate** ``A`` = the mean of the normalized outside averages and, when at least one member has
   rated, the member score ``B`` as one more source: the server is one voice among the sites, never more.
   No outside average and no rating means no aggregate (``None``), never a made-up number.

Every number this module returns can be recomputed by hand from the inputs it lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.films.models import Score

PRIOR_WEIGHT = 10
NEUTRAL_PRIOR = 50.0
RATING_MIN = 0.5
RATING_MAX = 10.0
RATING_STEP = 0.5


@dataclass(frozen=True, slots=True)
class OutsideScore:
    """One outside score after grouping: the same figure reported by several documents appears once."""

    name: str
    kind: str  # "average" or "approval"
    value: float
    scale: float | None
    votes: int | None
    as_of: date  # the most recent date among the documents that report it
    sources: tuple[str, ...]  # source keys, in card order
    note: str | None = None
    dated: bool = True  # False: no document gives a date for it (``as_of`` is only when it was read)
    site_named: bool = True  # False: the site is not named; shown, never counted in the aggregate

    @property
    def counted(self) -> bool:
        """Whether this figure is one of the aggregate's inputs."""
        return self.site_named and self.normalized is not None

    @property
    def normalized(self) -> float | None:
        """0–100 for an average rating; ``None`` for an approval percentage (never put on that scale)."""
        if self.kind != "average" or not self.scale:
            return None
        return self.value / self.scale * 100.0


@dataclass(frozen=True, slots=True)
class MemberScore:
    """This server's ratings of one film: the raw figures and the Bayesian member score."""

    count: int
    mean: float  # raw mean on the 0.5–10 scale
    bayesian: float  # 0–100, shrunk toward ``prior``
    prior: float  # 0–100
    prior_is_consensus: bool  # False: the neutral prior (no outside average)
    distribution: tuple[tuple[float, int], ...]  # (rating, how many), every rating that occurs, high first

    @property
    def bayesian_out_of_10(self) -> float:
        return self.bayesian / 10.0


@dataclass(frozen=True, slots=True)
class Aggregate:
    """Everything the scores views show, with the inputs each figure came from."""

    averages: tuple[OutsideScore, ...]
    approvals: tuple[OutsideScore, ...]
    consensus: float | None  # mean of the normalized averages (0–100)
    members: MemberScore | None  # None when no member has rated
    aggregate: float | None  # 0–100
    prior_weight: int = PRIOR_WEIGHT

    @property
    def inputs(self) -> tuple[tuple[str, float], ...]:
        """The figures the aggregate is the mean of: (label, 0–100 value)."""
        parts = [(s.name, s.normalized) for s in self.averages if s.counted]
        if self.members is not None:
            parts.append(("Members", self.members.bayesian))
        return tuple((name, value) for name, value in parts if value is not None)


def number(value: float) -> str:
    """A figure with at most one decimal, without a trailing '.0': 8.1, 3.8, 100."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def group_scores(scores: Iterable[Score]) -> tuple[OutsideScore, ...]:
    """Merge rows that report the same figure (name, kind, value, scale, votes) from different documents."""
    grouped: dict[tuple[str, str, float, float | None, int | None, bool], OutsideScore] = {}
    for score in scores:
        key = (score.name, score.kind, score.value, score.scale, score.votes, score.site_named)
        seen = grouped.get(key)
        if seen is None:
            grouped[key] = OutsideScore(
                name=score.name,
                kind=score.kind,
                value=score.value,
                scale=score.scale,
                votes=score.votes,
                as_of=score.as_of,
                sources=(score.source,),
                note=score.note,
                dated=score.dated,
                site_named=score.site_named,
            )
        else:
            grouped[key] = OutsideScore(
                name=seen.name,
                kind=seen.kind,
                value=seen.value,
                scale=seen.scale,
                votes=seen.votes,
                as_of=_latest(seen, score),
                sources=seen.sources if score.source in seen.sources else (*seen.sources, score.source),
                note=seen.note or score.note,
                dated=seen.dated or score.dated,
                site_named=seen.site_named,
            )
    return tuple(grouped.values())


def _latest(seen: OutsideScore, score: Score) -> date:
    """The most recent date a document gives for the figure; a dated report outranks an undated one."""
    if seen.dated != score.dated:
        return seen.as_of if seen.dated else score.as_of
    return max(seen.as_of, score.as_of)


def check_rating(value: float) -> float:
    """A rating as stored, or ``ValueError`` saying why not (0.5–10 in steps of 0.5)."""
    if not RATING_MIN <= value <= RATING_MAX:
        raise ValueError(f"a rating is between {RATING_MIN:g} and {RATING_MAX:g}, not {value:g}")
    if (value * 2) != round(value * 2):
        raise ValueError(f"a rating goes in steps of {RATING_STEP:g}, not {value:g}")
    return value


def aggregate(
    scores: Iterable[Score], ratings: Sequence[float], *, prior_weight: int = PRIOR_WEIGHT
) -> Aggregate:
    """Compute every figure from a film's outside scores and this server's ratings (see the module doc)."""
    grouped = group_scores(scores)
    averages = tuple(s for s in grouped if s.kind == "average")
    approvals = tuple(s for s in grouped if s.kind == "approval")
    for s in grouped:
        if s.kind == "average" and not (s.scale and s.scale > 0 and 0 <= s.value <= s.scale):
            raise ValueError(f"{s.name}: an average needs 0 <= value <= scale, got {s.value}/{s.scale}")
        if s.kind == "approval" and not 0 <= s.value <= 100:
            raise ValueError(f"{s.name}: an approval percentage is 0–100, got {s.value}")
        if s.kind not in ("average", "approval"):
            raise ValueError(f"{s.name}: unknown score kind {s.kind!r}")
    normalized = [n for s in averages if s.counted and (n := s.normalized) is not None]
    consensus = sum(normalized) / len(normalized) if normalized else None

    members: MemberScore | None = None
    if ratings:
        for r in ratings:
            check_rating(r)
        prior = consensus if consensus is not None else NEUTRAL_PRIOR
        total = sum(r * 10.0 for r in ratings)
        counts: dict[float, int] = {}
        for r in ratings:
            counts[r] = counts.get(r, 0) + 1
        members = MemberScore(
            count=len(ratings),
            mean=sum(ratings) / len(ratings),
            bayesian=(prior_weight * prior + total) / (prior_weight + len(ratings)),
            prior=prior,
            prior_is_consensus=consensus is not None,
            distribution=tuple(sorted(counts.items(), reverse=True)),
        )

    parts = [*normalized, *([members.bayesian] if members is not None else [])]
    overall = sum(parts) / len(parts) if parts else None
    return Aggregate(
        averages=averages,
        approvals=approvals,
        consensus=consensus,
        members=members,
        aggregate=overall,
        prior_weight=prior_weight,
    )
