"""Text normalisation shared by the importer, the reference parser and the search index.

``normalize`` is a pure function of its text; the results for recent texts are kept
(bounded, ``NORMALIZE_CACHE``), as reading one message normalises the same words many times.
"""

from __future__ import annotations

import functools
import re
import unicodedata

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_NUMERAL = "〇零一二两三四五六七八九十"
_SPACES = re.compile(r"\s+")


def cn_to_int(text: str) -> int:
    """Chinese numeral (一 … 九十九) or Arabic digits to int; ValueError otherwise."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in CN_NUMERAL for c in text):
        raise ValueError(text)
    if "十" not in text:
        if len(text) != 1:
            raise ValueError(text)
        return CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    if (tens and tens not in CN_DIGITS) or (ones and ones not in CN_DIGITS):
        raise ValueError(text)  # 一一十, 十十: no number
    value = (CN_DIGITS[tens] if tens else 1) * 10
    if ones:
        value += CN_DIGITS[ones]
    return value


_DIGIT_PLUS = re.compile(r"(?<=\d)\s*\+\s*(?=\d)")


NORMALIZE_CACHE = 8192  # texts whose normal form is kept


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), lower case, collapse white space; 8+2 → 8加2."""
    return _normalized(text)


@functools.lru_cache(maxsize=NORMALIZE_CACHE)
def _normalized(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _DIGIT_PLUS.sub("加", text)
    return _SPACES.sub(" ", text).strip().lower()


def clean_line(line: str) -> str:
    line = re.sub(r"\[bookmark:[^\]]*\]", "", line)
    return line.strip().strip("\t ")
