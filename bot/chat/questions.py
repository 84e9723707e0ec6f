"""Questions about the rulebook: the answer in its own words with the item's code, the
asker's own progress on that item (never in a group chat), and a log of what search could
not answer (registered people only). Reads only."""

from __future__ import annotations

from dataclasses import replace

from bot.chat.answers import answer
from bot.chat.replies import Reply
from bot.chat.views import status_text
from bot.records.hazards import CODE_BY_ROLE
from bot.records.org import Person
from bot.texts import t
from bot.workspace import Workspace


class Questions:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def answer(self, person: Person, text: str, public: bool = False) -> Reply:
        """The rulebook's answer; in a group chat (public) without the asker's own status."""
        ws = self.ws
        result = ws.library.search(text)
        if person.id and not result.found and result.mode == "none" and not result.unknown_ref:
            ws.unanswered.record(person.id, text, result.offtopic)
        status = {}
        if person.id and result.found and not public:
            today = ws.today()
            for code in result.codes[:1]:
                line = status_text(ws.checklists.status_of_code(person, code, today), today)
                if line:
                    status[code] = line
        reply = answer(ws.rulebook, ws.library.index, result, status)
        return replace(reply, public=public)

    def is_it_a_hazard(self, person: Person, text: str) -> str:
        """Whether a condition is a hazard: the rulebook's answer when search finds one, else
        that the rulebook lists no such thing and the person's hazards are recorded under
        their own item; either way followed by the offer to report it."""
        result = self.ws.library.search(text)
        code = CODE_BY_ROLE[person.role]
        if result.found and result.codes[0] != code:
            found = answer(self.ws.rulebook, self.ws.library.index, result, {}).text
            return found + "\n\n" + t("question.report_it")
        return t(f"question.is_hazard.{person.role}", code=code) + "\n" + t("question.report_it")

    def hazard_answer(self, person: Person, text: str, public: bool) -> Reply:
        """Whether a condition is a hazard, asked by a guest or in a group chat, where no
        hazard is recorded: the rulebook's answer when search finds one, else who reports
        such a condition (and, to a registered person, that a private chat records it)."""
        result = self.ws.library.search(text)
        if result.found and result.codes[0] not in CODE_BY_ROLE.values():
            return self.answer(person, text, public)
        line = t("question.is_hazard.other")
        if public and person.role in CODE_BY_ROLE:  # who can record one, in a private chat
            line += "\n" + t("question.is_hazard.in_private")
        return Reply(line, public=public)

    def asks_rulebook(self, text: str) -> bool:
        """Whether the words name something in the rulebook, or a topic it does not cover."""
        result = self.ws.library.search(text)
        return result.found or bool(result.offtopic)
