"""Sample data for trying GridSafe: a street, two communities and one person of each role,
all marked as samples (示例), each bound to a console identity."""

from __future__ import annotations

from bot.workspace import Workspace

DEMO_STREET = "连然街道（示例）"
DEMO_COMMUNITIES = ("金色社区（示例）", "大屯村委会（示例）")
DEMO_PEOPLE = (
    ("示例管理员", "admin", None),
    ("示例安办", "street", DEMO_STREET),
    ("示例专干", "officer", DEMO_COMMUNITIES[0]),
    ("示例专干二", "officer", DEMO_COMMUNITIES[1]),
)


def seed_demo(ws: Workspace) -> dict[str, int]:
    """Create what is missing; returns role name → person id (the console identities)."""
    org = ws.org
    if not org.unit_named(DEMO_STREET):
        org.add_unit(DEMO_STREET, short="连然", sample=True)
        for community in DEMO_COMMUNITIES:
            org.add_unit(community, DEMO_STREET, sample=True)
    ids: dict[str, int] = {}
    existing = {p.name: p for p in org.people(active_only=False)}
    for name, role, unit in DEMO_PEOPLE:
        person = existing.get(name) or org.add_person(name, role, unit, sample=True)
        org.bind_account(person.id, "console", f"person-{person.id}", f"console-{person.id}")
        ids.setdefault(role, person.id)
    return ids
