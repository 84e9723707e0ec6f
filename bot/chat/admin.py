"""Administration in chat: units, invites, what search could not answer and teaching it,
the rulebook in force, and each person's own push settings.

Invariants: only an admin changes units, invites and rulebooks (Org checks it again); an
admin, or a street office for its own officers, takes access away (Access checks it);
every change is audited; a rulebook that does not load changes nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot import rulebooks
from bot.chat.commands import help_reply
from bot.chat.replies import Incoming, Reply
from bot.library import Library
from bot.records.org import Person
from bot.records.unanswered import open_questions_text, parse_teach
from bot.texts import t
from bot.workspace import Workspace
from knowledge.loader import RulebookError
from knowledge.phrasings import add_phrasing, phrasings_path

ROLE_WORDS = {
    "officer": "officer",
    "专干": "officer",
    "网格员": "officer",
    "street": "street",
    "街道": "street",
    "安办": "street",
    "admin": "admin",
    "管理员": "admin",
}
UNANSWERED_DAYS = 30
_HHMM = re.compile(r"([01]?\d|2[0-3])[:：]([0-5]\d)")


class Admin:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def start(self, person: Person, msg: Incoming, code: str) -> list[Reply]:
        """/start CODE: bind the sender to the person an invite was made for, in a
        private chat only."""
        if not code:
            return [help_reply(person)]
        if msg.is_group:  # a group's chat would receive this person's checklist and notices
            return [Reply(t("org.private_only"), public=True)]
        if person.id:
            return [Reply(t("org.already_bound"))]
        org = self.ws.org
        new = org.redeem(code, msg.channel, msg.user_id, msg.chat_id, msg.display_name)
        unit = org.unit(new.unit_id)
        welcome = t(
            "org.welcome",
            name=new.name,
            role=t(f"role.{new.role}"),
            unit=unit.name if unit else "",
        )
        return [Reply(welcome), help_reply(new)]

    # ---- taking access away ---------------------------------------------------------------

    def deactivate(self, person: Person, args: str) -> Reply:
        """/deactivate ID: an admin anyone, a street office an officer of its communities."""
        words = args.strip().lstrip("#").removesuffix("号")
        if not words.isdigit():
            return Reply(t("person.deactivate_usage"))
        target = self.ws.access.deactivate(int(words), by=person)
        return Reply(t("person.deactivated", name=target.name, id=target.id))

    def revoke(self, person: Person, args: str) -> Reply:
        code = args.strip()
        if not code:
            return Reply(t("invite.revoke_usage"))
        return Reply(t("invite.revoked", code=self.ws.access.revoke_invite(code, by=person)))

    # ---- a person's own settings --------------------------------------------------------

    def settings(self, person: Person, args: str) -> Reply:
        ws = self.ws
        words = args.strip()
        if words:
            if _HHMM.fullmatch(words):
                hour, minute = re.split("[:：]", words)
                person = ws.org.update_person(person, push_time=f"{int(hour):02d}:{minute}")
            elif words in ("暂停", "关闭", "静音", "mute", "off"):
                person = ws.org.update_person(person, muted=1)
            elif words in ("恢复", "打开", "开启", "unmute", "on"):
                person = ws.org.update_person(person, muted=0)
            else:
                return Reply(t("settings.usage"))
        push_time = person.push_time or ws.settings.push_time.strftime("%H:%M")
        days = t("settings.all_days") if ws.settings.push_all_days else t("settings.workdays")
        on = t("settings.on", time=push_time, days=days)
        state = t("settings.muted") if person.muted else on
        done = t("settings.changed") if words else ""
        return Reply(t("settings.show", state=state, done=done))

    # ---- units and invites ----------------------------------------------------------------

    def units(self) -> Reply:
        org = self.ws.org
        lines = [t("admin.units_head")]
        for street in [u for u in org.units() if u.kind == "street"]:
            lines.append(street.name)
            lines += [f"  └ {c.name}" for c in org.children(street.id)]
        return Reply("\n".join(lines))

    def unit(self, person: Person, args: str) -> Reply:
        parts = args.split()
        if len(parts) < 2 or parts[0] not in ("add", "新增", "添加"):
            return Reply(t("admin.unit_usage"))
        unit = self.ws.org.add_unit(parts[1], parts[2] if len(parts) > 2 else None, by=person)
        return Reply(t("cli.unit_added", name=unit.name, kind=t(f"unit.kind.{unit.kind}")))

    def invite(self, person: Person, args: str) -> Reply:
        parts = args.split()
        role = ROLE_WORDS.get(parts[0]) if parts else None
        if role is None:
            return Reply(t("admin.invite_usage"))
        unit_name = parts[1] if len(parts) > 1 and role != "admin" else None
        label = parts[2] if len(parts) > 2 else None
        code = self.ws.org.create_invite(role, unit_name, label, by=person)
        days = self.ws.org.invite_days
        return Reply(
            t("admin.invite", role=t(f"role.{role}"), unit=unit_name or "", code=code, days=days)
        )

    # ---- search and the rulebook ---------------------------------------------------------

    def unanswered(self) -> Reply:
        since = self.ws.today() - timedelta(UNANSWERED_DAYS)
        return Reply(open_questions_text(self.ws.unanswered, since, UNANSWERED_DAYS))

    def teach(self, person: Person, args: str) -> Reply:
        """Teach the search that a question (in officers' words) is about one unit."""
        ws = self.ws
        parsed = parse_teach(ws.rulebook, args)
        if isinstance(parsed, str):
            return Reply(t(parsed, code=args.strip().split(" ")[0]))
        code, question = parsed
        path = phrasings_path(ws.rulebook, ws.settings.taught_dir)
        try:
            add_phrasing(path, ws.rulebook, code, question)
            library = Library.load(ws.library.path, ws.settings.cache_dir, ws.settings.taught_dir)
        except RulebookError as error:
            return Reply(t("rulebook.invalid", error=str(error)))
        ws.use(library)
        ws.unanswered.mark_taught(question, code)
        with ws.store.write():
            ws.store.audit(person.id, "search.teach", code=code, question=question)
        result = library.search(question)
        key = "teach.done" if result.found and result.codes[:1] == [code] else "teach.not_first"
        unit = ws.rulebook.unit(code)
        return Reply(t(key, code=code, name=unit.name if unit else "", question=question))

    def rulebook(self, person: Person, args: str) -> Reply:
        ws = self.ws
        name = args.strip()
        if not name:
            names = "、".join(rulebooks.available(ws.settings))
            return Reply(
                t("rulebook.show", id=ws.rulebook.id, title=ws.rulebook.title, available=names)
            )
        path = rulebooks.resolve(ws.settings, name)
        if path is None:
            return Reply(t("rulebook.unknown", name=name))
        try:
            library = Library.load(path, ws.settings.cache_dir, ws.settings.taught_dir)
        except RulebookError as error:
            return Reply(t("rulebook.invalid", error=str(error)))
        ws.store.set_meta(rulebooks.ACTIVE_KEY, str(path))
        with ws.store.write():
            ws.store.audit(
                person.id, "rulebook.switch", rulebook=library.rulebook.id, path=str(path)
            )
        ws.use(library)
        return Reply(
            t(
                "rulebook.switched",
                id=library.rulebook.id,
                title=library.rulebook.title,
                units=len(library.rulebook.units),
            )
        )
