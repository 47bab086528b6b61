"""Every cell that quotes the learner's original notes quotes them exactly.

A quoting cell is a code cell whose first line is NOTES_MARK; every line after it must appear,
as one contiguous run of lines, in ../shared/original_notes.txt. Only indentation may differ
(the notes indent with tabs, the lessons with spaces) and trailing blanks are ignored."""

import nbformat
import pytest

from course import ROOT

NOTES_MARK = "# 原笔记 / the original notes"
NOTES = ROOT.parent / "shared" / "original_notes.txt"
SOURCES = sorted((ROOT / "source").glob("*/*.ipynb"))


def normalised(lines):
    """Leading tabs as four spaces, trailing blanks dropped."""
    out = []
    for line in lines:
        body = line.lstrip("\t ")
        indent = line[: len(line) - len(body)].replace("\t", "    ")
        out.append((indent + body).rstrip())
    return out


def quoted_cells(path):
    cells = nbformat.read(path, as_version=4).cells
    return [(i, c.source) for i, c in enumerate(cells)
            if c.cell_type == "code" and c.source.splitlines()[:1] == [NOTES_MARK]]


def appears_in(block, notes):
    block = list(block)
    while block and not block[-1]:
        block.pop()
    return any(notes[i:i + len(block)] == block for i in range(len(notes) - len(block) + 1))


@pytest.fixture(scope="module")
def notes():
    if not NOTES.exists():
        pytest.skip(f"{NOTES} is not beside the project")
    return normalised(NOTES.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_quoted_cells_are_verbatim(path, notes):
    for index, source in quoted_cells(path):
        block = normalised(source.splitlines()[1:])
        assert any(block), f"cell {index} quotes nothing"
        assert appears_in(block, notes), f"cell {index} is not verbatim from original_notes.txt:\n{source}"


def test_every_notes_lesson_quotes_the_notes():
    """Lessons 01-04 grew out of the notes: each quotes them at least once."""
    quoting = {p.parent.name for p in SOURCES if quoted_cells(p)}
    assert {"01_softmax", "02_sigmoid", "03_linear_regression", "04_attention"} <= quoting, quoting
