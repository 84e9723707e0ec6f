"""Questions officers have asked about each unit: ``data/phrasings/<rulebook id>.yaml``.

Officers ask about the same requirement in much the same everyday words, and many of those
words are nowhere in the rulebook ("隐患整改好一个就销一个吗" for 销号管理). The search index
learns them from these questions: a word that only such a question explains still counts
towards a unit as the rulebook's own words do (see ``knowledge/search/``).
A rulebook without such a file simply has no phrasings. The office can teach more (``gridsafe
teach``): those go to a file of the same shape in the data folder, merged with this one.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from knowledge.loader import RulebookError
from knowledge.model import Rulebook

PHRASINGS_DIR = Path(__file__).parent / "data" / "phrasings"


def phrasings_path(rulebook: Rulebook, folder: Path = PHRASINGS_DIR) -> Path:
    return folder / f"{rulebook.id}.yaml"


def load_phrasings(rulebook: Rulebook, path: Path | None = None) -> dict[str, list[str]]:
    """Unit code → questions asked about it. Raises RulebookError naming the file and the
    code when the file is malformed or names a unit the rulebook does not have."""
    path = path or phrasings_path(rulebook)
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    quick = _quick_load(text, rulebook)
    if quick is not None:
        return quick
    return _load_with_lines(path, text, rulebook)


def _quick_load(text: str, rulebook: Rulebook) -> dict[str, list[str]] | None:
    """The file parsed by libyaml when it is well-formed, else None. Every start reads
    it, and the pure-Python parser that knows line numbers takes most of a second."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError:
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        return None
    out: dict[str, list[str]] = {}
    for code, questions in data.items():
        # an unquoted 9.10 would read as the number 9.1: leave those to the careful path
        if not isinstance(code, str) or rulebook.unit(code) is None:
            return None
        if not isinstance(questions, list):
            return None
        if not all(isinstance(q, str) for q in questions):
            return None
        out[code] = questions
    return out


def _load_with_lines(path: Path, text: str, rulebook: Rulebook) -> dict[str, list[str]]:
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise RulebookError(path, line, None, "phrasings", "YAML 格式错误") from None
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise RulebookError(
            path, root.start_mark.line + 1, None, "phrasings", "应为“条款编号: [问题, …]”的映射"
        )
    out: dict[str, list[str]] = {}
    for key, value in root.value:
        code, line = str(key.value), key.start_mark.line + 1
        if rulebook.unit(code) is None:
            raise RulebookError(path, line, code, "phrasings", "细则中没有这个条款")
        questions = yaml.safe_load(yaml.serialize(value))
        if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
            raise RulebookError(path, line, code, "phrasings", "应为问题（字符串）的列表")
        out[code] = questions
    return out


def merge_phrasings(*sources: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for source in sources:
        for code, questions in source.items():
            known = out.setdefault(code, [])
            known.extend(q for q in questions if q not in known)
    return out


def add_phrasing(path: Path, rulebook: Rulebook, code: str, question: str) -> bool:
    """Append one question under ``code`` in the file at ``path``; False if it is there."""
    taught = load_phrasings(rulebook, path)
    if question in taught.get(code, []):
        return False
    taught.setdefault(code, []).append(question)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.safe_dump(taught, allow_unicode=True, sort_keys=False, width=200)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(path)
    return True
