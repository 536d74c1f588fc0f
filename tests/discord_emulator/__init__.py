"""A loopback Discord for tests: REST under /api/v10, the gateway at /gateway, and a driver acting as members.

See ``driver.py`` for the test-facing API and ``plugin.py`` for the pytest fixtures.
"""

from .driver import Driver, NoAnswer
from .options import FileOption
from .server import Emulator, Violation
from .views import AutocompleteResult, InteractionResult, MessageView

__all__ = [
    "AutocompleteResult",
    "Driver",
    "Emulator",
    "FileOption",
    "InteractionResult",
    "MessageView",
    "NoAnswer",
    "Violation",
]
