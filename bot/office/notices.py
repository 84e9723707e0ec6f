"""隐患整改通知书: a rectification notice for one hazard, as a Word file a street office can
print, sign and hand over: issuing office, notice number, place, enterprise, what was
found, the deadline, the rulebook item it falls under, and the site photos.

Invariants: only the hazard's own street issues a notice (the caller finds the hazard
with the ledger's visibility rules); the file is written under the given path and
nothing is recorded; a site photo missing on disk is named as missing in the notice.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt

from bot.records.hazards import SITE, Hazard
from bot.texts import t
from bot.workspace import Workspace

FONT = "宋体"  # the Chinese font of official documents, on every office PC
PHOTO_WIDTH = Cm(7.5)
MAX_PHOTOS = 6


def notice_number(ws: Workspace, hazard: Hazard) -> str:
    street = ws.org.unit(hazard.street_id)
    label = street.label if street else ""
    return t("notice.number", street=label, year=hazard.year, seq=hazard.seq)


def site_photos(ws: Workspace, hazard: Hazard) -> list[Path]:
    rows = ws.store.rows(
        "SELECT path, stage FROM evidence WHERE hazard_id = ? AND kind = 'photo' ORDER BY id",
        [hazard.id],
    )
    out = []
    for row in rows:
        if (row["stage"] or SITE) != SITE:
            continue
        path = Path(row["path"])
        if not path.is_absolute() and not path.is_file():
            path = ws.settings.data_dir / path
        out.append(path)
    return out


def write_notice(ws: Workspace, hazard: Hazard, out: Path) -> Path:
    """Write the notice of ``hazard`` at ``out`` (.docx); returns the path."""
    street = ws.org.unit(hazard.street_id)
    unit = ws.org.unit(hazard.unit_id)
    office = t("notice.office", street=street.name if street else "")
    item = ws.rulebook.unit(hazard.code)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(12)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    _centered(doc, t("notice.title"), Pt(20), bold=True)
    _centered(doc, notice_number(ws, hazard), Pt(12))
    addressee = hazard.enterprise or hazard.place or (unit.name if unit else "")
    doc.add_paragraph(t("notice.to", name=addressee))
    doc.add_paragraph(
        t(
            "notice.body",
            day=_ymd(hazard.reported_on),
            unit=unit.name if unit else "",
            number=hazard.number,
        )
    )
    fields = [
        (t("notice.field.place"), hazard.place or t("notice.blank")),
        (t("notice.field.enterprise"), hazard.enterprise or t("notice.blank")),
        (t("notice.field.found"), hazard.description),
        (t("notice.field.severity"), hazard.severity),
        (t("notice.field.deadline"), _ymd(hazard.deadline)),
        (
            t("notice.field.rule"),
            t("notice.rule", code=hazard.code, text=item.text if item else ""),
        ),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in fields:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].width, cells[1].width = Cm(3), Cm(13)
    doc.add_paragraph(t("notice.demand", deadline=_ymd(hazard.deadline)))
    _photos(doc, site_photos(ws, hazard))
    for line in (office, t("notice.sign"), t("notice.date_line")):
        paragraph = doc.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(t("notice.receipt"))
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def _centered(doc: DocxDocument, text: str, size: Length, bold: bool = False) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.font.size = size
    run.bold = bold


def _photos(doc: DocxDocument, photos: list[Path]) -> None:
    if not photos:
        doc.add_paragraph(t("notice.no_photos"))
        return
    doc.add_paragraph(t("notice.photos", n=len(photos)))
    for path in photos[:MAX_PHOTOS]:
        try:
            doc.add_picture(str(path), width=PHOTO_WIDTH)
        except (OSError, UnrecognizedImageError):  # missing or unreadable: named instead
            doc.add_paragraph(t("notice.photo_missing", name=path.name))


def _ymd(day: date) -> str:
    return t("notice.ymd", y=day.year, m=day.month, d=day.day)
