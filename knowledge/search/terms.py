"""How text is cut into the terms that a question and the rulebook's units are compared by.

Owns the pattern of a content run (Chinese characters, digits, lower-case Latin letters and
%) and character bigrams. Invariants: the index (index.py) and the question
(query.py, scoring.py) are cut with these same functions, so that their terms can meet;
the text given is already normalised (knowledge.textnorm.normalize). A change here changes
what the on-disk index holds, so INDEX_VERSION (index.py) must change with it.
"""

from __future__ import annotations

import re

RUN = re.compile(r"[\u4e00-\u9fff0-9a-z%]+")
_BRACKETS = re.compile(r"[()（）《》“”\"'〔〕\[\]]")


def bigrams(text: str) -> list[str]:
    """Character bigrams of each content run of ``text``, brackets and quotes removed; a
    run of one character gives none."""
    grams: list[str] = []
    for run in RUN.findall(_BRACKETS.sub("", text)):
        if len(run) == 1:
            continue
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams
