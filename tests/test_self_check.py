"""`python -m course check NOTEBOOK`, as a student runs it: the course's own answers score full
marks, the release notebook 0 with a bilingual message per failed test, and a file that is not a
notebook of the course exits 2."""
import json
import re
import subprocess
import sys

import pytest

from classroom import sandbox_args
from course import ROOT
from course.verdict import TAMPERED

NOTEBOOK = "01_softmax/softmax.ipynb"


def check(path):
    return subprocess.run([sys.executable, "-m", "course", "check", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(autouse=True)
def sandboxed():
    if sandbox_args():
        pytest.skip("`course check` grades in the sandbox, which this machine cannot start")


def total(run):
    found = re.search(r"总分 / total: ([\d.]+)/([\d.]+)", run.stdout)
    assert run.returncode == 0 and found, run.stdout + run.stderr[-2000:]
    return float(found[1]), float(found[2])


def test_the_source_scores_full_marks():
    score, most = total(check(ROOT / "source" / NOTEBOOK))
    assert score == most > 0


def test_the_release_scores_zero_with_messages():
    run = check(ROOT / "release" / NOTEBOOK)
    assert total(run)[0] == 0
    assert "✗" in run.stdout and "NotImplementedError" in run.stdout
    assert "BEGIN HIDDEN TESTS" not in run.stdout


def test_not_a_notebook_of_the_course(tmp_path):
    (tmp_path / "mine.ipynb").write_text("{}")
    assert check(tmp_path / "mine.ipynb").returncode == 2


def test_tampered_cells_are_noted(tmp_path):
    """The answer cell without its nbgrader metadata still scores (nbgrader grades it as written),
    and the check says what the instructor's summary will say: cells tampered."""
    nb = json.loads((ROOT / "source" / NOTEBOOK).read_text())
    next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "softmax")["metadata"].pop("nbgrader")
    (tmp_path / "softmax.ipynb").write_text(json.dumps(nb))
    run = check(tmp_path / "softmax.ipynb")
    assert total(run)[0] > 0 and f"说明 / note: {TAMPERED}" in run.stdout, run.stdout


def test_a_notebook_that_cannot_be_graded_prints_no_terminal_escape(tmp_path):
    """Not gradable (a test cell's grade flag cleared: nbgrader refuses its checksum), with a cell whose
    grade id sets the terminal's title, writes its clipboard and clears it: the reasons name that id as text."""
    nb = json.loads((ROOT / "source" / NOTEBOOK).read_text())
    next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade"))["metadata"]["nbgrader"]["grade"] = False
    nb["cells"].insert(1, {"cell_type": "markdown", "id": "added", "source": "x", "metadata": {"nbgrader": {
        "grade": False, "solution": False, "locked": False, "schema_version": 3,
        "grade_id": "x\x1b]0;PWNED\x07\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J"}}})
    (tmp_path / "softmax.ipynb").write_text(json.dumps(nb))
    run = check(tmp_path / "softmax.ipynb")
    assert run.returncode == 2 and TAMPERED in run.stdout, run.stdout + run.stderr[-2000:]
    assert "\x1b" not in run.stdout and "x\\x1b]0;PWNED\\x07" in run.stdout, run.stdout
