"""`python -m course check NOTEBOOK`, as a student runs it: the course's own answers score full
marks, the release notebook 0 with a bilingual message per failed test, and a file that is not a
notebook of the course exits 2."""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import compute_checksum

from classroom import sandbox_args, unprivileged
from course import ROOT, grade_id
from course.build import course_files
from course.kernel_fork import ForkServer, imported_modules
from course.limits import Limits
from course.nbgrader_setup import nbgrader_app
from course.sample_class import notebooks, with_answer
from course.sandbox import SandboxedKernelManager
from course.verdict import TAMPERED

NOTEBOOK = "01_softmax/softmax.ipynb"


def check(path, course=ROOT, cache=None, path_env=None, options=(), user=()):
    """`python -m course check PATH --course COURSE OPTIONS`, with the cache folder in `cache` if given; `user`: a
    command prefix that runs it as another user."""
    env = dict(os.environ, **({"XDG_CACHE_HOME": str(cache)} if cache else {}), **({"PATH": path_env} if path_env else {}))
    return subprocess.run([*user, sys.executable, "-m", "course", "check", "--course", str(course), *options, str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)


def line_of(run, test):
    """A test's verdict line in a check's output: its grade id, score and points."""
    return re.search(rf"{test} +([\d.]+)/([\d.]+)", run.stdout)[0]


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


def test_one_notebook_of_two_is_checked_without_a_note_about_the_other():
    run = check(ROOT / "source" / "04_attention" / "04a_shapes.ipynb")
    score, most = total(run)
    assert score == most > 0 and "说明 / note" not in run.stdout, run.stdout


def test_a_function_built_on_a_failed_one_says_to_fix_that_first(tmp_path):
    """The lesson's gradient descent calls mse_gradient: with a wrong mse_gradient, its tests name that one,
    reading only the cells before each test, as IPython runs them: %timeit and !true bind nothing, but
    %time between two tests may bind mse_gradient again."""
    wrong = (ROOT / "samples" / "03_linear_regression" / "mse_gradient" / "wrong_product_of_means.py").read_text()
    [(name, nb)] = with_answer(notebooks("03_linear_regression", root=ROOT), "mse_gradient", wrong).items()
    basic = next(i for i, c in enumerate(nb.cells) if grade_id(c) == "test_linear_regression_gradient_descent_basic")
    nb.cells.insert(basic + 1, nbformat.v4.new_code_cell("%time mse_gradient = mse_gradient"))  # binds unseen
    descent = next(i for i, c in enumerate(nb.cells) if grade_id(c) == "linear_regression_gradient_descent")
    nb.cells.insert(descent, nbformat.v4.new_code_cell("%timeit -n1 -r1 x = 1\n!true"))  # bind nothing
    nbformat.write(nb, tmp_path / name)
    run = check(tmp_path / name)

    def said(test):
        return run.stdout.split(f"{test} ")[1].split("✗ test_")[0]
    note = "`linear_regression_gradient_descent` uses your `mse_gradient`, which failed its own tests above"
    assert note in said("test_linear_regression_gradient_descent_basic"), run.stdout[-3000:]
    after = said("test_linear_regression_gradient_descent_column_y")
    assert "has wrong values" in after and "uses your" not in after, after
    gradient = said("test_mse_gradient_basic")
    assert "[mse_gradient.product_of_means]" in gradient and "uses your" not in gradient, gradient


def test_the_release_scores_zero_with_messages():
    run = check(ROOT / "release" / NOTEBOOK)
    assert total(run)[0] == 0
    assert "✗" in run.stdout and "NotImplementedError" in run.stdout
    assert "BEGIN HIDDEN TESTS" not in run.stdout


def test_not_a_notebook_of_the_course(tmp_path):
    (tmp_path / "mine.ipynb").write_text("{}")
    assert check(tmp_path / "mine.ipynb").returncode == 2


def test_outside_a_course_folder_a_command_says_so(tmp_path):
    """A student on the hub runs `course check` from her home, or names a folder she cannot read (or, as root reads
    every folder, one without assignments): a bilingual message, no traceback; and `course report` on a folder that
    is no course writes nothing there."""
    locked = tmp_path / "locked"
    (locked / "source").mkdir(parents=True)
    (locked / "nbgrader_config.py").write_text("")
    locked.chmod(0o000)
    try:
        runs = [check(ROOT / "release" / NOTEBOOK, course) for course in (tmp_path, locked)] + [subprocess.run(
            [sys.executable, "-m", "course", "report", "01_softmax", "--course", str(tmp_path)], capture_output=True,
            text=True, timeout=600)]
    finally:
        locked.chmod(0o700)
    for run in runs:
        assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr[-2000:]
        assert "不是可读的课程文件夹" in run.stderr and "is not a course folder that can be read" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["locked"]


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


def test_the_generated_assignment_is_kept_per_course_version(tmp_path):
    """The first check of a course version generates the assignment and keeps it in the cache; the next
    one copies it from there (a changed points value in the kept gradebook shows); a changed source/
    is a new version, generated again, and replaces the older one."""
    course, cache = course_files(tmp_path / "course", ["01_softmax"], ROOT), tmp_path / "cache"
    notebook = course / "source" / NOTEBOOK
    assert line_of(check(notebook, course, cache), "test_softmax_basic").endswith(" 2/2")
    kept = list((cache / "transformer-foundations" / "check").iterdir())
    assert [k.name.startswith("01_softmax-") for k in kept] == [True], kept
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if grade_id(c) == "test_softmax_basic")
    cell.metadata.nbgrader.points = 7  # and its checksum, which covers the points, to match
    with sqlite3.connect(kept[0] / "gradebook.db") as db:
        db.execute("UPDATE grade_cells SET max_score = 7 WHERE id = (SELECT id FROM base_cell "
                   "WHERE name = 'test_softmax_basic' AND type = 'GradeCell')")
        db.execute("UPDATE source_cell SET checksum = ? WHERE name = 'test_softmax_basic'", (compute_checksum(cell),))
    assert line_of(check(notebook, course, cache), "test_softmax_basic").endswith(" 7/7")

    cell.metadata.nbgrader.points = 5
    nbformat.write(nb, notebook)
    assert line_of(check(notebook, course, cache), "test_softmax_basic").endswith(" 5/5")
    now = list((cache / "transformer-foundations" / "check").iterdir())
    assert len(now) == 1 and now[0].name != kept[0].name, now


def test_a_check_writes_to_no_gradebook_of_the_course(tmp_path):
    """Whatever gradebook nbgrader_config.py names (here a SQLite file beside the course; a shared
    PostgreSQL one alike), a check generates and grades in its own; with no cache it can write, it
    still grades."""
    course = course_files(tmp_path / "course", ["01_softmax"], ROOT)
    named = tmp_path / "the-course-gradebook.db"
    with (course / "nbgrader_config.py").open("a") as config:
        config.write(f"\nc.CourseDirectory.db_url = 'sqlite:///{named}'\n")
    (tmp_path / "not-a-folder").write_text("")
    score, most = total(check(ROOT / "source" / NOTEBOOK, course, tmp_path / "not-a-folder"))
    assert score == most > 0 and not named.exists()


def test_without_bubblewrap_the_check_says_so(tmp_path):
    """The fork server cannot start in a sandbox without bwrap: the check ends with the sandbox's own
    bilingual reason (exit 1), not a verdict on the notebook."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "prlimit").symlink_to("/usr/bin/prlimit")
    run = check(ROOT / "source" / NOTEBOOK, path_env=str(tmp_path / "bin"))
    assert run.returncode == 1 and "bubblewrap (bwrap) was not found" in run.stderr, run.stdout + run.stderr[-2000:]
    assert "总分 / total" not in run.stdout


def test_without_bubblewrap_a_check_without_the_sandbox_works_as_its_message_says(tmp_path):
    """A self-learner's machine without bubblewrap (macOS, say): the message names `--no-sandbox`, which `check`
    takes as `grade` does (it named `grade`'s alone), and the check then grades her notebook."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "prlimit").symlink_to("/usr/bin/prlimit")
    said = check(ROOT / "source" / NOTEBOOK, path_env=str(tmp_path / "bin")).stderr
    assert "`--no-sandbox`, given to `python -m course grade` or `check`" in said, said[-2000:]
    run = check(ROOT / "source" / NOTEBOOK, path_env=str(tmp_path / "bin"), options=["--no-sandbox"])
    score, most = total(run)
    assert run.returncode == 0 and score == most > 0, run.stdout + run.stderr[-2000:]


def test_a_folder_or_a_notebook_that_cannot_be_read_is_said_so(tmp_path):
    """Bilingual, exit 2, no traceback: a folder given for the notebook, a FIFO, and a notebook its user may not
    read (root reads every file: then the ordinary user of the adversarial tests checks it)."""
    folder = check(tmp_path)
    assert folder.returncode == 2 and "This is a folder, not a notebook" in folder.stdout, folder.stdout + folder.stderr
    os.mkfifo(tmp_path / "softmax.ipynb")  # opened, it would wait for a writer: the check would hang
    fifo = check(tmp_path / "softmax.ipynb")
    assert fifo.returncode == 2 and "This is not a regular file" in fifo.stdout, fifo.stdout + fifo.stderr
    (tmp_path / "softmax.ipynb").unlink()
    mine = Path(tempfile.mkdtemp(prefix="check-unreadable-"))  # in /tmp: reachable by GRADER_USER
    try:
        user = unprivileged(mine) if os.geteuid() == 0 else []
        notebook = mine / "softmax.ipynb"
        notebook.write_text((ROOT / "release" / NOTEBOOK).read_text())
        notebook.chmod(0)
        run = check(notebook, cache=mine / "cache", user=user)
    finally:
        shutil.rmtree(mine)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stdout + run.stderr[-2000:]
    assert "无法读取这个文件" in run.stdout and "Cannot read this file" in run.stdout, run.stdout


def test_the_server_launched_before_the_configuration_is_read_is_used_only_if_it_fits(tmp_path):
    """`course check` launches its fork server with the default settings before nbgrader is imported.
    The course's configuration asks for the same server; a grader configured otherwise (other limits, a
    module the early server did not import) launches its own and stops the early one; one that needs
    fewer modules takes it (a command grading several assignments launches one for all of them)."""
    modules = imported_modules(ROOT / "source" / "01_softmax")
    app = nbgrader_app("01_softmax", ROOT)
    early = ForkServer(modules, SandboxedKernelManager(), tmp_path, Limits())
    assert ForkServer(modules, SandboxedKernelManager(parent=app), tmp_path, Limits(parent=app)).launch_settings() \
        == early.launch_settings() != ForkServer(modules, SandboxedKernelManager(memory=2**30), tmp_path).launch_settings()

    early = ForkServer(["json"], None, tmp_path)
    early.prewarm()
    same = ForkServer(["json"], None, tmp_path)
    same.take_over(early)
    assert early.process is None and same.ask(do="poll") == {"exit": None}
    other = ForkServer(["json", "math"], None, tmp_path)
    process = same.process
    other.take_over(same)
    assert other.process is None and same.process is None and process.poll() is not None
    other.close()
    more = ForkServer(["json", "math"], None, tmp_path)
    more.prewarm()
    fewer = ForkServer(["json"], None, tmp_path)
    fewer.take_over(more)
    assert more.process is None and fewer.modules == ["json", "math"] and fewer.ask(do="poll") == {"exit": None}
    fewer.close()
