"""Letterboxd records: an export's ratings and what importing them did, diary entries read from a member's
public feed, the follows and feeds the store keeps, and what a poll or a follow did."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from bot.films.models import FilmSummary

# -- importing an export ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportRating:
    """One rated film of an export: ``stars`` on Letterboxd's scale (0.5–5 in halves), ``rated_on`` the
    row's Date (when it was rated or logged), ``line`` its line in the CSV file."""

    name: str
    year: int | None
    stars: float
    rated_on: date
    line: int


@dataclass(frozen=True, slots=True)
class Export:
    """What an uploaded file held: the rated films (one per film), and what could not be used."""

    source: Literal["ratings.csv", "diary.csv"]
    ratings: tuple[ExportRating, ...]
    rows: int  # data rows read
    unrated: int  # rows without a rating (diary entries logged without stars)
    bad_lines: tuple[int, ...] = ()  # rows whose rating or date could not be read


MatchKind = Literal["matched", "missing", "ambiguous"]


@dataclass(frozen=True, slots=True)
class FilmMatch:
    """A title and year looked up in the catalog: the film, or why there is none."""

    kind: MatchKind
    film: FilmSummary | None = None
    candidates: tuple[FilmSummary, ...] = ()  # same-title films when ``ambiguous``


ImportOutcome = Literal["added", "replaced", "kept", "same"]


@dataclass(frozen=True, slots=True)
class ImportedRating:
    """What one matched rating did: ``added`` (new), ``replaced`` (the export was newer), ``kept`` (this
    server's rating was as new or newer), ``same`` (already that score)."""

    film: FilmSummary
    score: float  # on this server's scale (stars × 2)
    rated_on: date
    outcome: ImportOutcome
    previous: float | None = None
    previous_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ImportSummary:
    source: str
    rows: int
    unrated: int
    bad_lines: tuple[int, ...]
    imported: tuple[ImportedRating, ...]
    missing: tuple[ExportRating, ...]  # not in the catalog
    ambiguous: tuple[ExportRating, ...]  # several catalog films share the title and year: never picked

    def count(self, outcome: ImportOutcome) -> int:
        return sum(1 for r in self.imported if r.outcome == outcome)

    @property
    def rated(self) -> int:
        return len(self.imported) + len(self.missing) + len(self.ambiguous)


# -- the diary feed -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DiaryEntry:
    """One diary entry of a member's feed (``rating`` in stars, ``review`` as plain text)."""

    guid: str
    film_title: str
    film_year: int | None
    rating: float | None
    rewatch: bool
    liked: bool
    watched_on: date | None
    published_at: datetime
    link: str | None = None
    poster: str | None = None
    tmdb_id: int | None = None
    review: str | None = None
    spoiler: bool = False


@dataclass(frozen=True, slots=True)
class FeedPage:
    """A feed as answered (200): its diary entries, newest first, and the validators to send next time."""

    entries: tuple[DiaryEntry, ...]
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class NotModified:
    """304: nothing changed since the validators were given."""


FailureKind = Literal["not_found", "refused", "rate_limited", "unavailable", "unreachable", "malformed"]


@dataclass(frozen=True, slots=True)
class FeedFailure:
    """A request that did not give a feed: what happened, in a sentence, and how long to wait (429)."""

    kind: FailureKind
    detail: str
    status: int | None = None
    retry_after: float | None = None  # seconds, from a Retry-After header


FetchResult = FeedPage | NotModified | FeedFailure


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    username: str
    etag: str | None
    last_modified: str | None
    checked_at: datetime | None
    ok_at: datetime | None
    failures: int
    last_error: str | None
    next_poll_at: datetime | None


@dataclass(frozen=True, slots=True)
class Follow:
    guild_id: int
    user_id: int
    feed_id: int
    username: str
    created_at: datetime
    primed_at: datetime


@dataclass(frozen=True, slots=True)
class PostDecision:
    """What a poll decided for one follow: entries to post (oldest first), entries to record as seen, and
    how many new entries were left out of the posts (said in the last one)."""

    post: tuple[str, ...] = ()
    seen: tuple[str, ...] = ()
    more: int = 0


@dataclass(frozen=True, slots=True)
class PendingPost:
    """An entry recorded for posting (before it is posted) and everything the post shows."""

    guild_id: int
    user_id: int
    feed_id: int
    username: str
    entry: DiaryEntry
    attempts: int
    more: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DiaryPost:
    """A post for the delivery: the entry, who logged it, the catalog film if any, its nonce."""

    pending: PendingPost
    film: FilmSummary | None
    profile_url: str
    nonce: str

    @property
    def retry(self) -> bool:
        """An earlier attempt began: it may have posted before the bot stopped."""
        return self.pending.attempts > 1


@dataclass(frozen=True, slots=True)
class Delivered:
    """What the delivery did with a post: the message, or the reason Discord refused it."""

    message_id: int | None = None
    error: str | None = None
    lasting: bool = False  # a refusal that retrying will not fix (a deleted channel, a missing permission)


@dataclass(frozen=True, slots=True)
class FollowResult:
    username: str
    channel_id: int
    posted: int
    failed: tuple[str, ...] = ()  # why posts were refused
    replaced: str | None = None  # the username this member followed here before


@dataclass(frozen=True, slots=True)
class FollowStatus:
    follow: Follow
    feed: Feed
    channel_id: int | None
    posted: int
    failed: int
    last_failure: str | None = None


@dataclass(frozen=True, slots=True)
class FollowList:
    follows: tuple[Follow, ...] = field(default=())
    channel_id: int | None = None
