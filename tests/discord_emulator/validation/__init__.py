"""Payload validation against Discord's documented limits (see ``limits.py``)."""

from .commands import validate_command, validate_command_list
from .components import validate_modal
from .core import FormErrors
from .guilds import validate_scheduled_event, validate_thread
from .messages import embed_length, is_empty_message, validate_autocomplete, validate_message

__all__ = [
    "FormErrors",
    "embed_length",
    "is_empty_message",
    "validate_autocomplete",
    "validate_command",
    "validate_command_list",
    "validate_message",
    "validate_modal",
    "validate_scheduled_event",
    "validate_thread",
]
