"""Fault injection for REST routes: error statuses, rate limits and slow answers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

DEFAULT_BODIES: dict[int, tuple[int, str]] = {
    400: (50035, "Invalid Form Body"),
    401: (0, "401: Unauthorized"),
    403: (50013, "Missing Permissions"),
    404: (0, "404: Not Found"),
    500: (0, "500: Internal Server Error"),
    502: (0, "502: Bad Gateway"),
    503: (0, "503: Service Unavailable"),
}


def _compile(pattern: str) -> re.Pattern[str]:
    """``/channels/{channel_id}/messages`` or ``/channels/*/messages``; ``**`` spans slashes."""
    if pattern.startswith("re:"):
        return re.compile(pattern[3:])
    parts = re.split(r"(\*\*|\*|\{[^}/]+\})", pattern)
    regex = ""
    for part in parts:
        if part == "**":
            regex += ".*"
        elif part == "*" or (part.startswith("{") and part.endswith("}")):
            regex += "[^/]+"
        else:
            regex += re.escape(part)
    return re.compile(regex + "$")


def _default_404(path: str) -> tuple[int, str]:
    if "/interactions/" in path:
        return 10062, "Unknown interaction"
    if "/messages" in path:
        return 10008, "Unknown Message"
    if "/scheduled-events" in path:
        return 10070, "Unknown Guild Scheduled Event"
    if path.startswith("/webhooks/"):
        return 10015, "Unknown Webhook"
    if path.startswith("/channels/"):
        return 10003, "Unknown Channel"
    return DEFAULT_BODIES[404]


@dataclass
class Fault:
    method: str
    pattern: str
    status: int | None = None
    delay: float = 0.0
    times: int | None = 1
    retry_after: float = 1.0
    is_global: bool = False
    code: int | None = None
    message: str | None = None
    hits: list[str] = field(default_factory=list)
    _regex: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        self._regex = _compile(self.pattern)

    @property
    def exhausted(self) -> bool:
        return self.times is not None and len(self.hits) >= self.times

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and bool(self._regex.match(path)) and not self.exhausted

    def response(self, path: str) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        """Status, JSON body and extra headers to answer with (None when the fault is only a delay)."""
        if self.status is None:
            return None
        if self.status == 429:
            body: dict[str, Any] = {
                "message": self.message or "You are being rate limited.",
                "retry_after": self.retry_after,
                "global": self.is_global,
            }
            if self.code is not None:
                body["code"] = self.code
            headers = {
                "Retry-After": str(max(1, round(self.retry_after))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": f"{self.retry_after:.3f}",
                "X-RateLimit-Scope": "global" if self.is_global else "user",
            }
            if self.is_global:
                headers["X-RateLimit-Global"] = "true"
            return 429, body, headers
        default_code, default_message = (
            _default_404(path)
            if self.status == 404
            else DEFAULT_BODIES.get(self.status, (0, f"{self.status}"))
        )
        code = self.code if self.code is not None else default_code
        return self.status, {"message": self.message or default_message, "code": code}, {}


class FaultInjector:
    """Rules consulted (in order) before a REST route runs. Paths are relative to ``/api/v10``."""

    def __init__(self) -> None:
        self.rules: list[Fault] = []

    def add(
        self,
        method: str,
        path: str,
        *,
        status: int | None = None,
        delay: float = 0.0,
        times: int | None = 1,
        retry_after: float = 1.0,
        is_global: bool = False,
        code: int | None = None,
        message: str | None = None,
    ) -> Fault:
        """Make the next ``times`` matching calls (None = all) answer ``status`` after ``delay`` seconds."""
        fault = Fault(method, path, status, delay, times, retry_after, is_global, code, message)
        self.rules.append(fault)
        return fault

    def fail(self, method: str, path: str, status: int, *, times: int | None = 1, **kw: Any) -> Fault:
        return self.add(method, path, status=status, times=times, **kw)

    def rate_limit(
        self,
        method: str,
        path: str,
        *,
        retry_after: float = 0.25,
        times: int | None = 1,
        is_global: bool = False,
    ) -> Fault:
        return self.add(method, path, status=429, retry_after=retry_after, times=times, is_global=is_global)

    def slow(self, method: str, path: str, delay: float, *, times: int | None = 1) -> Fault:
        return self.add(method, path, delay=delay, times=times)

    @contextmanager
    def injected(self, method: str, path: str, **kw: Any) -> Iterator[Fault]:
        fault = self.add(method, path, **kw)
        try:
            yield fault
        finally:
            self.remove(fault)

    def remove(self, fault: Fault) -> None:
        if fault in self.rules:
            self.rules.remove(fault)

    def clear(self) -> None:
        self.rules.clear()

    def match(self, method: str, path: str) -> Fault | None:
        for fault in self.rules:
            if fault.matches(method, path):
                fault.hits.append(f"{method} {path}")
                return fault
        return None
