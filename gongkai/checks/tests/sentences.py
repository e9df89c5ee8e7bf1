"""The report-style sentences of data/sentences.tsv: (verdict, shape, sentence, known miss)."""

from pathlib import Path
from typing import NamedTuple

SENTENCES = Path(__file__).parent / "data" / "sentences.tsv"
HELDOUT = Path(__file__).parent / "data" / "heldout.tsv"  # written after the checker, not tuned on


class Sentence(NamedTuple):
    verdict: str  # "wrong" | "right"
    shape: str  # sum, nested, rate, share, yoy, other
    text: str
    known_miss: bool


def load_sentences(path: Path = SENTENCES) -> list[Sentence]:
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    header, *rows = rows
    assert header[:3] == ["verdict", "shape", "sentence"], header
    return [Sentence(row[0], row[1], row[2], row[3:4] == ["miss"]) for row in rows]
