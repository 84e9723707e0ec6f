from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.textpath import TextPath
from PIL import Image

from bot.office.charts import (
    build_figure,
    cjk_font_family,
    cjk_font_path,
    cjk_text,
    render_report_chart,
)
from bot.office.reports import build_report

CJK = re.compile(r"[\u4e00-\u9fff]")


@contextmanager
def font_complaints() -> Iterator[list[str]]:
    """Every warning and matplotlib log message about glyphs or fonts, as text."""
    found: list[str] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            found.append(record.getMessage())

    handler, logger = Catch(logging.WARNING), logging.getLogger("matplotlib")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield found
        found += [str(w.message) for w in caught]
    finally:
        logger.removeHandler(handler)


@pytest.fixture
def report(assistant, street_org):
    street = assistant.ws.org.unit_named("连然街道")
    officer = assistant.ws.org.add_person("张专干", "officer", "金色社区")
    assistant.ws.tasklog.record(
        officer, officer.unit_id, "4.2.3", "patrol", "2026-W48", date(2026, 11, 25)
    )
    assistant.ws.ledger.report(officer, "加油站电线乱拉", date(2026, 11, 2))
    return build_report(assistant.ws, street, "month", date(2026, 11, 25))


def test_chart_is_a_png_without_missing_glyphs(report, tmp_path):
    with font_complaints() as complaints:
        path = render_report_chart(report, tmp_path / "charts" / "report.png")
    assert complaints == []
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width > 600 and image.height > 200
        pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
        assert len(np.unique(pixels, axis=0)) > 10  # something was drawn


def test_chinese_text_is_set_in_the_packaged_cjk_font(report):
    font = cjk_font_path()
    assert font.is_file() and "mplfonts" in font.parts  # shipped by a pip package
    with cjk_text():
        figure = build_figure(report)
        figure.draw_without_rendering()  # tick labels exist once drawn
    texts = [x for x in figure.findobj(Text) if CJK.search(x.get_text())]
    shown = "\n".join(x.get_text() for x in texts)
    for words in ("连然街道", "2026年11月", "金色社区", "大屯村委会", "已完成", "逾期未整改"):
        assert words in shown
    for text in texts:
        found = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
        assert Path(found) == font, text.get_text()


def _glyph(char: str) -> np.ndarray:
    prop = font_manager.FontProperties(family=cjk_font_family())
    return TextPath((0, 0), char, size=10, prop=prop).vertices


def test_distinct_characters_have_distinct_glyphs():
    with font_complaints() as complaints:
        shapes = {char: _glyph(char) for char in "街道社区隐患整改销号"}
    assert complaints == []
    chars = list(shapes)
    for i, a in enumerate(chars):
        for b in chars[i + 1 :]:
            same = shapes[a].shape == shapes[b].shape and np.allclose(shapes[a], shapes[b])
            assert not same, (a, b)
    tofu = _glyph("\U000f0000")  # a private-use character no font has: the tofu box
    assert all(tofu.shape != s.shape or not np.allclose(tofu, s) for s in shapes.values())


def test_a_missing_glyph_would_be_noticed():
    """The complaint catcher sees tofu, so the tests above would have caught it."""
    with font_complaints() as complaints, cjk_text():
        figure = Figure()
        figure.text(0.1, 0.5, "街道\U000f0000")
        figure.savefig(BytesIO(), format="png")
    assert any("missing from font" in c for c in complaints)


def test_hazard_bars_show_their_counts_and_the_legends_are_inside(assistant, report):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    ledger = assistant.ws.ledger
    officer = next(p for p in assistant.ws.org.people() if p.name == "张专干")
    fixed = ledger.report(officer, "楼道堆放杂物", date(2026, 11, 20)).hazard
    ledger.fix(officer, fixed, date(2026, 11, 21))
    street = assistant.ws.org.unit_named("连然街道")
    report = build_report(assistant.ws, street, "month", date(2026, 11, 25))
    with cjk_text():
        figure = build_figure(report)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        renderer = canvas.get_renderer()
    hazard_ax = figure.axes[1]
    shown = [x.get_text().strip() for x in hazard_ax.texts if x.get_text().strip()]
    golden = next(r for r in report.units if r.unit.name == "金色社区")
    assert golden.hazards == 2 and "共 2" in shown
    assert shown.count("1") >= 2  # one overdue, one awaiting review, each on its segment
    box = figure.bbox
    for ax in figure.axes:
        legend = ax.get_legend()
        assert legend is not None
        extent = legend.get_window_extent(renderer)
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1, extent
        assert box.y0 <= extent.y0 and extent.y1 <= box.y1, extent
