"""The office in chat: /report (figures and a chart) and /export (the year's workbook and
evidence) for a street office, or for an admin naming a street. Writes only files under
the data folder."""

from __future__ import annotations

import re

from bot.chat.replies import Attachment, Reply
from bot.errors import UserError
from bot.office.charts import render_report_chart
from bot.office.export import export_year, safe_name
from bot.office.reports import build_report, report_text, scope_of
from bot.records.org import OrgUnit, Person
from bot.texts import t
from bot.workspace import Workspace


class Office:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def street_for(self, person: Person, args: str) -> OrgUnit:
        """The street a report or export is about: a street office's own; an admin names
        one (or gets the first)."""
        org = self.ws.org
        if person.role == "street" and person.unit_id is not None:
            unit = org.unit(person.unit_id)
            assert unit is not None
            return unit
        if person.role != "admin":
            raise UserError("report.street_only")
        streets = [u for u in org.units() if u.kind == "street"]
        named = [u for u in streets if u.name in args or u.label in args.split()]
        if named or streets:
            return (named or streets)[0]
        raise UserError("report.which_street")

    def report(self, person: Person, args: str) -> list[Reply]:
        ws = self.ws
        street = self.street_for(person, args)
        report = build_report(ws, street, scope_of(args), ws.today())
        folder = ws.settings.data_dir / "reports"
        folder.mkdir(parents=True, exist_ok=True)
        chart = render_report_chart(report, folder / f"{street.id}-{report.period.key}.png")
        return [Reply(report_text(report), files=(Attachment(str(chart), "photo"),))]

    def export(self, person: Person, args: str) -> list[Reply]:
        ws = self.ws
        street = self.street_for(person, args)
        years = re.findall(r"20\d\d", args)
        year = int(years[0]) if years else ws.today().year
        folder = ws.settings.data_dir / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        result = export_year(ws, street, year, folder / f"{safe_name(street.label)}_{year}.xlsx")
        text = t(
            "export.done",
            unit=street.name,
            year=year,
            records=result.records,
            hazards=result.hazards,
            files=result.files,
            missing=result.missing,
        )
        files = (Attachment(str(result.workbook)), Attachment(str(result.archive)))
        return [Reply(text, files=files)]
