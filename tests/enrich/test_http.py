"""The providers' HTTP client against a local server: manners (User-Agent, maxlag, pacing, concurrency),
retries on 429/503/maxlag/dropped connections honouring Retry-After within the deadline, and one error
type, with a plain sentence, for every failure. Waiting is simulated (``FakeTime``), so no test sleeps."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from aiohttp import web

from bot import __version__
from bot.clock import ManualClock
from bot.enrich.http import ProviderError, ProviderHttp, user_agent, within
from tests.conftest import NOW
from tests.enrich.fake_api import FakeApi, Fault


class FakeTime:
    """A monotonic clock that only moves when the client sleeps: waits are recorded, never made."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@pytest.fixture
async def api() -> AsyncIterator[FakeApi]:
    async with FakeApi() as server:
        server.route("/w/api.php", lambda request: {"ok": request.query.get("q", "")})
        yield server


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
async def http(fake_time: FakeTime) -> AsyncIterator[ProviderHttp]:
    client = ProviderHttp(
        "Wikidata",
        contact="film-club@example.org",
        timeout=2.0,
        clock=ManualClock(NOW),
        sleep=fake_time.sleep,
        monotonic=fake_time.monotonic,
        jitter=lambda: 0.5,
    )
    yield client
    await client.close()


async def test_json_with_a_user_agent_that_names_the_operator(api: FakeApi, http: ProviderHttp) -> None:
    assert await http.get_json(f"{api.url}/w/api.php", {"q": "x"}) == {"ok": "x"}
    agent = api.log[0].headers["User-Agent"]
    assert agent.startswith(f"filmbot/{__version__} (film-club@example.org)")
    assert "maxlag" not in api.log[0].query


def test_user_agent_without_a_contact_says_so() -> None:
    assert "FILMBOT_CONTACT" in user_agent("")


async def test_maxlag_is_sent_when_asked_and_its_error_retried(
    api: FakeApi, http: ProviderHttp, fake_time: FakeTime
) -> None:
    api.fail(Fault.maxlag(lag=7, retry_after="3"), times=2)
    assert await http.get_json(f"{api.url}/w/api.php", {"q": "y"}, maxlag=5) == {"ok": "y"}
    assert [r.query["maxlag"] for r in api.log] == ["5", "5", "5"]
    # Retry-After (3 s) honoured, plus a jitter below the base backoff.
    assert len(fake_time.waits) == 2
    assert all(3.0 <= wait < 3.5 for wait in fake_time.waits)


async def test_a_503_with_the_maxlag_body_is_retried_after_its_retry_after(
    api: FakeApi, http: ProviderHttp, fake_time: FakeTime
) -> None:
    lagging = Fault.maxlag(lag=6, retry_after="2")
    api.fail(Fault(503, lagging.body, lagging.headers))
    assert await http.get_json(f"{api.url}/w/api.php", maxlag=5) == {"ok": ""}
    assert [r.status for r in api.log] == [503, 200]
    assert 2.0 <= fake_time.waits[0] < 2.5


async def test_429_waits_its_retry_after_in_seconds(
    api: FakeApi, http: ProviderHttp, fake_time: FakeTime
) -> None:
    api.fail(Fault.rate_limited("4"))
    assert await http.get_json(f"{api.url}/w/api.php") == {"ok": ""}
    assert len(api.log) == 2
    assert fake_time.waits and 4.0 <= fake_time.waits[0] < 4.5


async def test_429_retry_after_as_an_http_date(api: FakeApi, http: ProviderHttp, fake_time: FakeTime) -> None:
    api.fail(Fault.rate_limited(format_datetime(NOW + timedelta(seconds=20), usegmt=True)))
    assert await http.get_json(f"{api.url}/w/api.php") == {"ok": ""}
    assert 20.0 <= fake_time.waits[0] < 20.5


async def test_a_429_hold_ends_with_its_retry_after(
    api: FakeApi, http: ProviderHttp, fake_time: FakeTime
) -> None:
    api.fail(Fault.rate_limited("10"))
    await http.get_json(f"{api.url}/w/api.php")
    start = fake_time.now
    await http.get_json(f"{api.url}/w/api.php")
    assert fake_time.now == start  # the hold has passed: the next request goes at once


async def test_503_without_retry_after_backs_off_exponentially(
    api: FakeApi, http: ProviderHttp, fake_time: FakeTime
) -> None:
    api.fail(Fault.unavailable(), times=3)
    assert await http.get_json(f"{api.url}/w/api.php") == {"ok": ""}
    # jitter 0.5 of 0.5, 1, 2 s.
    assert fake_time.waits == [0.25, 0.5, 1.0]


async def test_gives_up_after_the_attempts_with_a_sentence(api: FakeApi, http: ProviderHttp) -> None:
    api.fail(Fault.unavailable(), times=10)
    with pytest.raises(ProviderError) as caught:
        await http.get_json(f"{api.url}/w/api.php")
    assert caught.value.kind == "unavailable"
    assert str(caught.value) == "Wikidata: was unavailable (503), 4 times"
    assert len(api.log) == 4


async def test_a_retry_after_past_the_deadline_fails_at_once(
    api: FakeApi, http: ProviderHttp, fake_time: FakeTime
) -> None:
    api.fail(Fault.rate_limited("30"))
    with pytest.raises(ProviderError) as caught:
        await http.get_json(f"{api.url}/w/api.php", deadline=fake_time.now + 8)
    assert caught.value.kind == "rate_limited"
    assert "asked to wait 30 s" in caught.value.reason
    assert fake_time.waits == []
    assert len(api.log) == 1
    # The hold stays: a second call within the deadline is refused without asking the server again.
    with pytest.raises(ProviderError, match="longer than the time left"):
        await http.get_json(f"{api.url}/w/api.php", deadline=fake_time.now + 8)
    assert len(api.log) == 1


async def test_the_deadline_from_within_caps_waits(api: FakeApi, fake_time: FakeTime) -> None:
    client = ProviderHttp("Wikidata", jitter=lambda: 0.5)  # real time: within() uses time.monotonic
    api.fail(Fault.rate_limited("60"))
    try:
        with within(5.0), pytest.raises(ProviderError, match="asked to wait 60 s"):
            await client.get_json(f"{api.url}/w/api.php")
    finally:
        await client.close()


async def test_a_hung_server_times_out(api: FakeApi) -> None:
    client = ProviderHttp("Wikidata", timeout=0.2)
    api.fail(Fault.timeout())
    try:
        with pytest.raises(ProviderError) as caught:
            await client.get_json(f"{api.url}/w/api.php")
    finally:
        await client.close()
    assert caught.value.kind == "timeout"
    assert caught.value.reason == "did not answer within 0.2 s"


async def test_a_dropped_connection_is_retried(api: FakeApi, http: ProviderHttp) -> None:
    api.fail(Fault.disconnect())
    assert await http.get_json(f"{api.url}/w/api.php") == {"ok": ""}
    assert len(api.log) == 2


async def test_an_unreachable_server_fails_with_a_sentence(http: ProviderHttp) -> None:
    with pytest.raises(ProviderError) as caught:
        await http.get_json("http://127.0.0.1:9/w/api.php")
    assert caught.value.kind == "unreachable"
    assert caught.value.reason.startswith("could not be reached")


@pytest.mark.parametrize(
    ("fault", "kind", "reason"),
    [
        (Fault.malformed(), "malformed", "answered with a body that is not valid JSON"),
        (Fault.not_json(), "malformed", "answered text/html, not JSON"),
        (Fault.server_error(500), "error", "answered with an error (500)"),
        (Fault(404, b"{}", {"Content-Type": "application/json"}), "not_found", "has no such page (404)"),
        (Fault(401, b"{}", {"Content-Type": "application/json"}), "refused", "refused the request (401)"),
    ],
)
async def test_bad_answers_are_one_error_type(
    api: FakeApi, http: ProviderHttp, fault: Fault, kind: str, reason: str
) -> None:
    api.fail(fault)
    with pytest.raises(ProviderError) as caught:
        await http.get_json(f"{api.url}/w/api.php")
    assert (caught.value.kind, caught.value.reason) == (kind, reason)
    assert len(api.log) == 1  # not retried


async def test_an_unexpected_shape_is_malformed(api: FakeApi, http: ProviderHttp) -> None:
    def parse(data: Any) -> str:
        return str(data["entities"]["Q1"])

    with pytest.raises(ProviderError) as caught:
        await http.get_json(f"{api.url}/w/api.php", parse=parse)
    assert caught.value.kind == "malformed"
    assert await http.get_json(f"{api.url}/w/api.php", parse=lambda d: d["ok"]) == ""


async def test_concurrency_is_capped(api: FakeApi) -> None:
    active = 0
    peak = 0
    arrived = 0
    two_in = asyncio.Event()
    gate = asyncio.Event()

    async def slow(request: web.Request) -> dict[str, int]:
        nonlocal active, peak, arrived
        active += 1
        arrived += 1
        peak = max(peak, active)
        if arrived == 2:
            two_in.set()
        await gate.wait()
        active -= 1
        return {"n": 1}

    api.route("/slow", slow)
    client = ProviderHttp("TMDB", concurrency=2)
    try:
        calls = [asyncio.create_task(client.get_json(f"{api.url}/slow")) for _ in range(6)]
        await two_in.wait()
        await asyncio.sleep(0.05)  # room for a third request, were the cap broken
        assert arrived == 2
        gate.set()
        assert await asyncio.gather(*calls) == [{"n": 1}] * 6
    finally:
        await client.close()
    assert peak == 2


async def test_minimum_interval_paces_request_starts(api: FakeApi, fake_time: FakeTime) -> None:
    client = ProviderHttp("Wikipedia", min_interval=1.0, sleep=fake_time.sleep, monotonic=fake_time.monotonic)
    try:
        for _ in range(3):
            await client.get_json(f"{api.url}/w/api.php")
    finally:
        await client.close()
    assert fake_time.waits == [1.0, 1.0]
    assert client.requests == 3


async def test_extra_headers_are_sent_and_never_in_errors(api: FakeApi) -> None:
    client = ProviderHttp("TMDB", headers={"Authorization": "Bearer s3cret"})
    api.fail(Fault(401, b"{}", {"Content-Type": "application/json"}))
    try:
        with pytest.raises(ProviderError) as caught:
            await client.get_json(f"{api.url}/3/movie/1", {"api_key": "s3cret"})
    finally:
        await client.close()
    assert api.log[0].headers["Authorization"] == "Bearer s3cret"
    assert "s3cret" not in str(caught.value)
