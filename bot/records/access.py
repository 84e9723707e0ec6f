"""Taking access away: a person deactivated (refused from then on, no push or notice, their
records kept), a person's chat accounts unbound, an unused invite revoked.

Who may: the command line (``by`` None) and an admin anything; a street office may
deactivate an officer of its own communities and nothing else. Every change is audited.
"""

from __future__ import annotations

from dataclasses import replace

from bot.errors import UserError
from bot.records.org import Org, Person
from bot.records.store import now_iso


class Access:
    def __init__(self, org: Org) -> None:
        self.org = org
        self.store = org.store

    def revoke_invite(self, code: str, by: Person | None = None) -> str:
        """An unused invite is made unusable (an admin's, or the command line's)."""
        if by is not None and by.role != "admin":
            raise UserError("org.admin_only")
        code = code.strip().upper()
        with self.store.write():
            cursor = self.store.db.execute(
                "UPDATE invites SET revoked_at = ? WHERE code = ? AND used_by IS NULL "
                "AND revoked_at IS NULL",
                [now_iso(), code],
            )
            if cursor.rowcount != 1:
                raise UserError("invite.unknown", code=code)
            self.store.audit(by.id if by else None, "invite.revoke", code=code)
        return code

    def deactivate(self, person_id: int, by: Person | None = None) -> Person:
        """The person is refused from now on and gets no push or notice; their records stay.
        ``by`` None is the command line; an admin may deactivate anyone, a street office
        only an officer of its own communities."""
        target = self.org.person(person_id)
        if target is None:
            raise UserError("person.unknown", id=person_id)
        if by is not None and by.role != "admin":
            own = by.role == "street" and target.role == "officer" and by.unit_id is not None
            if not (own and target.unit_id in {c.id for c in self.org.children(by.unit_id or 0)}):
                raise UserError("person.not_yours")
        with self.store.write():
            self.store.db.execute("UPDATE people SET active = 0 WHERE id = ?", [person_id])
            self.store.audit(by.id if by else None, "person.deactivate", person=person_id)
        return replace(target, active=False)

    def unbind(self, person_id: int, by: Person | None = None) -> int:
        """Every chat account of the person is unbound (it can then join with a new invite);
        returns how many. The person and their records stay."""
        if self.org.person(person_id) is None:
            raise UserError("person.unknown", id=person_id)
        if by is not None and by.role != "admin":
            raise UserError("org.admin_only")
        with self.store.write():
            cursor = self.store.db.execute("DELETE FROM accounts WHERE person_id = ?", [person_id])
            self.store.audit(by.id if by else None, "person.unbind", person=person_id,
                             accounts=cursor.rowcount)  # fmt: skip
        return int(cursor.rowcount)
