"""Discord's JSON error bodies and the exception the REST handlers raise."""

from __future__ import annotations

from typing import Any

# JSON error codes used by the emulator (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
GENERAL = 0
UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
UNKNOWN_USER = 10013
UNKNOWN_APPLICATION = 10002
UNKNOWN_COMMAND = 10063
UNKNOWN_INTERACTION = 10062
UNKNOWN_SCHEDULED_EVENT = 10070
UNAUTHORIZED = 40001
ALREADY_ACKNOWLEDGED = 40060
MISSING_ACCESS = 50001
CANNOT_EDIT_OTHERS_MESSAGE = 50005
EMPTY_MESSAGE = 50006
CANNOT_DM_USER = 50007
MISSING_PERMISSIONS = 50013
INVALID_FORM_BODY = 50035
INVALID_JSON = 50109


class DiscordHTTPError(Exception):
    """Raised by handlers; the server turns it into Discord's error response."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        errors: dict[str, Any] | None = None,
        *,
        violation: bool = False,
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        # True when Discord would only answer like this because the bot did something wrong.
        self.violation = violation

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def not_found(code: int, what: str) -> DiscordHTTPError:
    return DiscordHTTPError(404, code, f"Unknown {what}")


def missing_permissions() -> DiscordHTTPError:
    return DiscordHTTPError(403, MISSING_PERMISSIONS, "Missing Permissions")


def missing_access() -> DiscordHTTPError:
    return DiscordHTTPError(403, MISSING_ACCESS, "Missing Access")


def invalid_form(errors: dict[str, Any]) -> DiscordHTTPError:
    return DiscordHTTPError(400, INVALID_FORM_BODY, "Invalid Form Body", errors, violation=True)
