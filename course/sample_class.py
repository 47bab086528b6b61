"""Submissions made from the sample answers in samples/: for the demo, `simulate` and the tests.

samples/<assignment>/<exercise>/<kind>_<what>.py holds a whole solution cell for one exercise
(kind: correct, wrong or cheat). A submission is the source notebook with that one cell replaced,
so everything else in it is right and the score of that exercise says what the sample is worth.
"""
import copy
import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import grade_id

KINDS = ("correct", "wrong", "cheat")


@dataclass(frozen=True)
class Sample:
    assignment: str
    exercise: str
    kind: str
    name: str
    path: Path

    @property
    def student_id(self):
        return f"{self.kind}-{self.exercise}-{self.name}".replace("_", "-")


def samples(assignment, root="."):
    found = []
    for path in sorted((Path(root) / "samples" / assignment).glob("*/*.py")):
        kind, _, name = path.stem.partition("_")
        if kind in KINDS:
            found.append(Sample(assignment, path.parent.name, kind, name, path))
    return found


def notebooks(assignment, folder="source", root="."):
    """{file name: notebook} of one assignment's folder (source/ or release/)."""
    return {p.name: nbformat.read(p, as_version=4) for p in sorted((Path(root) / folder / assignment).glob("*.ipynb"))}


def with_answer(notebooks_by_name, exercise, code):
    """Copies of the notebooks with the solution cell `exercise` replaced by `code`."""
    result, replaced = {}, False
    for name, nb in notebooks_by_name.items():
        nb = copy.deepcopy(nb)
        for cell in nb.cells:
            if grade_id(cell) == exercise:
                cell.source, replaced = code, True
        result[name] = nb
    if not replaced:
        raise KeyError(f"no solution cell with grade id {exercise!r}")
    return result


def solution_ids(notebooks_by_name):
    return [grade_id(c) for nb in notebooks_by_name.values() for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]


def write_submission(root, student, assignment, notebooks_by_name):
    folder = Path(root) / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for name, nb in notebooks_by_name.items():
        if isinstance(nb, (bytes, str)):  # deliberately broken files are written as they are
            (folder / name).write_bytes(nb if isinstance(nb, bytes) else nb.encode())
        else:
            nbformat.write(nb, folder / name)
    return folder


def broken_json(notebooks_by_name):
    """What a notebook looks like after a crash while saving: valid JSON cut in half."""
    return {name: json.dumps(nb)[: len(json.dumps(nb)) // 2] for name, nb in notebooks_by_name.items()}
