"""The office in chat: /report (figures and a chart) and /export (the year's workbook and
evidence) for a street office, or for an admin naming a street; /notice (a hazard's
rectification notice, Word) for a street office and its own street's hazards only.
Writes only files under the data folder."""

from __future__ import annotations

import re

from bot.chat.replies import Attachment, Reply
from bot.errors import UserError
from bot.office.charts import render_report_chart
from bot.office.export import export_year, safe_name
from bot.office.notices import notice_number, write_notice
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

    def notice(self, person: Person, args: str) -> list[Reply]:
        ws = self.ws
        if person.role != "street" or person.unit_id is None:
            raise UserError("notice.street_only")
        ref = args.strip()
        if not ref:
            raise UserError("notice.usage")
        hazard = ws.ledger.find(person, ref, ws.today())
        if hazard.street_id != person.unit_id:  # only the hazard's own street issues it
            raise UserError("hazard.unknown", ref=ref)
        folder = ws.settings.data_dir / "notices"
        path = write_notice(ws, hazard, folder / f"{safe_name(hazard.number)}_整改通知书.docx")
        addressee = hazard.enterprise or hazard.place or hazard.description[:20]
        text = t(
            "notice.sent",
            number=hazard.number,
            notice=notice_number(ws, hazard),
            name=addressee,
        )
        return [Reply(text, files=(Attachment(str(path)),))]
