"""The error embeds promise nothing they cannot know."""

from __future__ import annotations

from bot.ui.errors import internal_error_embed, not_saved_embed


def test_a_fault_promises_neither_loss_nor_safety() -> None:
    embed = internal_error_embed("abc12345")
    text = f"{embed.title} {embed.description}".lower()
    assert "abc12345" in text and "may not have done what you asked" in text
    for promise in ("nothing", "lost", "saved", "safe"):
        assert promise not in text


def test_a_refused_write_says_it_was_not_saved_and_why() -> None:
    embed = not_saved_embed("the disk holding the bot's database is full", "abc12345")
    assert embed.title == "Not saved"
    assert embed.description is not None
    assert "**not saved**: the disk holding the bot's database is full" in embed.description
    assert "abc12345" in embed.description
