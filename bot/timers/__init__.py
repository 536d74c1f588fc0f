"""Timers: every timer is a row (``bot.store.timers``), fired by the one dispatcher (``dispatcher``)."""

from bot.timers.dispatcher import FireHandler, MissedHandler, TimerDispatcher
from bot.timers.models import Firing, Timer

__all__ = ["FireHandler", "Firing", "MissedHandler", "Timer", "TimerDispatcher"]
