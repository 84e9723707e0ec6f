"""The learned part of the message reader: two linear models (softmax regression) over
character n-grams, words and the rule reader's signals — one for the intent, one for the
rulebook item of a completion report. Trained by ``bench/train_reader.py`` on the tuned and
dev parts of tests/data/messages (never on held-out) and shipped as JSON beside this file.

Inference is a sum of a few hundred weights per label: well under a millisecond. The weights
are laid out once per model as a dense table (numpy, imported when a model first reads, never
when this module is imported: a fresh ``gridsafe ask`` does not load it), and each label's
weights are added one after another in the features' order, bias first, as a loop over them
would; a label a feature has no weight for gains 0.0, which changes no sum. So the
probabilities are the same to the bit. A model file that is missing or unreadable leaves the
reader to its rules (``load`` returns None); it never stops the assistant.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

MODEL_FILE = Path(__file__).with_name("reader_model.json")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def char_features(norm: str) -> list[str]:
    """Character 1-, 2- and 3-grams of the text, numbers folded to 0."""
    text = _SPACE.sub(" ", _DIGITS.sub("0", norm))
    out = [f"c1:{c}" for c in text if not c.isspace()]
    out += [f"c2:{text[i : i + 2]}" for i in range(len(text) - 1)]
    out += [f"c3:{text[i : i + 3]}" for i in range(len(text) - 2)]
    return out


def features(
    norm: str, words: Iterable[str], role: str, photo: bool, signals: Iterable[str]
) -> list[str]:
    feats = char_features(norm)
    feats += [f"w:{_DIGITS.sub('0', w)}" for w in words if w.strip()]
    feats += [f"role:{role or 'guest'}", f"photo:{int(photo)}", f"len:{min(len(norm) // 10, 8)}"]
    feats += [f"s:{s}" for s in signals]
    feats += [f"s:{s}|{role}" for s in signals]
    return list(dict.fromkeys(feats))


@dataclass(frozen=True)
class LinearModel:
    labels: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, dict[int, float]]

    def probabilities(self, feats: Iterable[str]) -> dict[str, float]:
        rows, table = self._table
        picked = [0]  # the bias, then each known feature's weights, in order
        picked += [row for f in feats if (row := rows.get(f))]
        scores: list[float] = table[picked].cumsum(axis=0)[-1].tolist()
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.labels, exps, strict=True)}

    @functools.cached_property
    def _table(self) -> tuple[dict[str, int], np.ndarray]:
        """Each feature's row (from 1) and the weights by row and label; row 0 the bias."""
        import numpy as np

        rows = {f: row for row, f in enumerate(self.weights, start=1)}
        table = np.zeros((len(rows) + 1, len(self.labels)))
        table[0] = self.bias
        for f, ws in self.weights.items():
            for i, w in ws.items():
                table[rows[f], i] = w
        return rows, table

    @classmethod
    def from_json(cls, data: dict) -> LinearModel:
        weights = {f: {int(i): w for i, w in ws.items()} for f, ws in data["weights"].items()}
        return cls(tuple(data["labels"]), tuple(data["bias"]), weights)

    def to_json(self) -> dict:
        return {
            "labels": list(self.labels),
            "bias": [round(b, 4) for b in self.bias],
            "weights": {
                f: {str(i): round(w, 4) for i, w in ws.items()} for f, ws in self.weights.items()
            },
        }


@dataclass(frozen=True)
class ReaderModel:
    intent: LinearModel
    item: LinearModel
    meta: dict

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> ReaderModel | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                LinearModel.from_json(data["intent"]),
                LinearModel.from_json(data["item"]),
                data.get("meta", {}),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, path: Path = MODEL_FILE) -> None:
        data = {"meta": self.meta, "intent": self.intent.to_json(), "item": self.item.to_json()}
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
