"""What a message means: the intents the reader tells apart. A StrEnum, so an intent
compares equal to its name ("done") in labelled data and JSON."""

from __future__ import annotations

from enum import StrEnum


class Intent(StrEnum):
    QUESTION = "question"  # what does the rulebook require
    DONE = "done"  # a task was completed
    HAZARD = "hazard"  # a new hidden danger
    FIX = "fix"  # a hazard was put right
    CHECKLIST = "checklist"  # what is still open
    HELP = "help"
    START = "start"  # /start CODE: bind with an invite
    COMMAND = "command"  # a slash command that acts at once
    UNCLEAR = "unclear"
