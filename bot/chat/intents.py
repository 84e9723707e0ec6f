"""What a message means: the intents the reader tells apart. A StrEnum, so an intent
compares equal to its name ("done") in labelled data and JSON."""

from __future__ import annotations

from enum import StrEnum


class Intent(StrEnum):
    QUESTION = "question"  # what does the rulebook require
    DONE = "done"  # a task was completed
    HAZARD = "hazard"  # a new hidden danger
    FIX = "fix"  # a hazard was put right
    VERIFY = "verify"  # the street office accepts a fix
    REJECT = "reject"  # the street office sends a fix back
    VOID = "void"  # a hazard report is cancelled: false alarm, duplicate, not ours
    EXTEND = "extend"  # more time for a hazard: asked, granted or refused
    PHOTO = "photo"  # more photos of a hazard, without saying it is fixed
    UNDO = "undo"  # take back one's own last entry
    CHECKLIST = "checklist"  # what is still open
    HELP = "help"
    START = "start"  # /start CODE: bind with an invite
    COMMAND = "command"  # a slash command that acts at once
    UNCLEAR = "unclear"


# intents that change the ledger or the task log: from free words they are proposed and
# confirmed; a slash command acts at once
RECORDING = frozenset(
    {Intent.DONE, Intent.HAZARD, Intent.FIX, Intent.VERIFY, Intent.REJECT, Intent.VOID,
     Intent.EXTEND, Intent.PHOTO, Intent.UNDO}
)  # fmt: skip
# intents that act on one hazard, named by its number
NUMBERED = frozenset(
    {Intent.FIX, Intent.VERIFY, Intent.REJECT, Intent.VOID, Intent.EXTEND, Intent.PHOTO}
)
