"""`python -m course grade`: one class with every kind of trouble, graded once by `course grade`
and once by plain `nbgrader autograde`; the scores agree, nothing stops the batch, every
submission has a score or a reason, re-runs change nothing and keep hand-entered grades.

The class is graded once (module fixture `graded`); no test changes that course: one that regrades
works on its own copy, so the tests pass in any order and one at a time."""
import contextlib
import copy
import csv
import html
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import nbformat
import psutil
import pytest
from nbgrader import preprocessors as nbgrader_steps
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.utils import is_grade, is_solution
from sqlalchemy import text

from classroom import (HOSTILE_MARKDOWN, MATH_AS_TEXT, TRACKER, StartTags, course_command, course_grade, class_copy,
                       hidden_lines, nbgrader_grade_class, sandbox_args, scores, with_hostile_html)
from course import ROOT, exercise_of, grade_id, gradebook_steps
from course.nbgrader_setup import nbgrader
from course.demo import sample_class
from course.preprocessors import (FORM_ASPECTS, MARKDOWN_IMAGE_CHARS, MARKDOWN_NOTEBOOK_CHARS, MARKDOWN_SHOWN_CHARS,
                                  NOT_VALUES, SHOWN_AS_TEXT, SafeHTML, left_out)
from course.table import table
from course.trusted_execute import NOT_RUN
from course.verdict import INVALID, KEPT, KERNEL_DIED, MISSING, TAMPERED, TIMED_OUT, last_error
from course.sample_class import notebooks, solution_ids, with_answer, write_submission
from course.simulate import MIX, simulate

SVG = "http://www.w3.org/2000/svg"

pytestmark = pytest.mark.xdist_group("grade")
ASSIGNMENT = "01_softmax"
CONFIG = "c.Execute.timeout = 10"  # for this class only: the looping student ends sooner


TRAILING = ["print('RAN AFTER THE LAST TEST')", "import os\nos._exit(1)", "print('OUTLIVED THE KERNEL')"]


def with_trailing_cells(notebooks_by_name):
    """Copies of the notebooks with the TRAILING cells at the end (the second kills the kernel), and
    the first code cell claiming (in its metadata) that it was not run."""
    result = {}
    for name, nb in notebooks_by_name.items():
        nb = nbformat.from_dict(json.loads(json.dumps(nb)))
        next(c for c in nb.cells if c.cell_type == "code").metadata[NOT_RUN] = True
        nb.cells += [nbformat.v4.new_code_cell(code) for code in TRAILING]
        result[name] = nb
    return result


def troubled_class(course):
    """The demo's four students, and one of each other kind of trouble, in alphabetical order
    around the broken ones, so a failure in the middle of the batch would show. The blank
    notebook is the copy's own release (the committed one may lag behind source/)."""
    source = notebooks(ASSIGNMENT)
    exercise = solution_ids(source)[0]
    tampered = {name: nbformat.from_dict(json.loads(json.dumps(nb))) for name, nb in source.items()}
    for nb in tampered.values():
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade") and not cell.metadata["nbgrader"].get("solution"):
                cell.source = "pass  # the student made the test pass"
    return {**sample_class(ASSIGNMENT),
            "cai-blank": notebooks(ASSIGNMENT, "release", course),
            "dan-copied": with_copies(source, [exercise, next(grade_id(c) for nb in source.values() for c in nb.cells
                                                             if is_grade(c) and not is_solution(c))]),
            "eve-missing": {},
            "fay-tampered": tampered,
            "gus-dies": with_answer(source, exercise, "import os\nos._exit(1)"),
            "hal-loops": with_answer(source, exercise, "while True:\n    pass"),
            "ivy-trailing": with_trailing_cells(source),
            "jo-html": with_hostile_html(source),
            "kim-unmarked": unmarked(with_answer(source, exercise, ZEROS), exercise),
            "lou-deleted": without_value_cells(with_answer(source, exercise, ZEROS), exercise),
            ODD_ID: source,
            "zed-correct": source}


ODD_ID = "=sum(1),<img src=x onerror=1>"  # a folder name as a spreadsheet formula, with a comma and HTML
ZEROS = "import numpy as np\n\ndef softmax(x, axis=-1):\n    return np.zeros(np.shape(x))"


def with_copies(notebooks_by_name, grade_ids):
    """Copies of the notebooks where each cell of `grade_ids` is there twice, as Jupyter's copy and paste leaves it:
    the copy right below, with a cell id of its own and the same nbgrader metadata."""
    result = {}
    for name, nb in notebooks_by_name.items():
        nb, cells = nbformat.from_dict(json.loads(json.dumps(nb))), []
        for cell in nb.cells:
            cells.append(cell)
            if cell.metadata.get("nbgrader", {}).get("grade_id") in grade_ids:
                cells.append(nbformat.from_dict({**copy.deepcopy(cell), "id": uuid.uuid4().hex[:8]}))
        nb.cells = cells
        result[name] = nb
    return result


def unmarked(notebooks_by_name, exercise):
    """Copies with the nbgrader metadata of the solution cell `exercise` removed."""
    result = {}
    for name, nb in notebooks_by_name.items():
        nb = nbformat.from_dict(json.loads(json.dumps(nb)))
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == exercise:
                del cell.metadata["nbgrader"]
        result[name] = nb
    return result


def without_value_cells(notebooks_by_name, exercise):
    """Copies without the test cells of `exercise` that check values (not its form, nor its errors)."""
    result = {}
    for name, nb in notebooks_by_name.items():
        nb = nbformat.from_dict(json.loads(json.dumps(nb)))
        exercises = solution_ids({name: nb})
        nb.cells = [cell for cell in nb.cells if not (
            is_grade(cell) and not is_solution(cell) and exercise_of(grade_id(cell), exercises) == exercise
            and not grade_id(cell).endswith((*FORM_ASPECTS, *NOT_VALUES)))]
        result[name] = nb
    return result


@pytest.fixture(scope="module")
def graded(tmp_path_factory, built_course):
    course = class_copy(tmp_path_factory.mktemp("grade") / "course", ASSIGNMENT, {}, CONFIG, built_course)
    students = troubled_class(course)
    for student, nbs in students.items():
        write_submission(course, student, ASSIGNMENT, nbs)
    run = course_grade(course, ASSIGNMENT, "--jobs", "2")
    summary = json.loads((course / "reports" / ASSIGNMENT / "summary.json").read_text())
    return dict(course=course, run=run, students=students, scores=scores(course, ASSIGNMENT),
                outcomes={o["student"]: o for o in summary["submissions"]})


def test_one_worker_per_core_the_grader_may_use():
    """Run on one of the machine's cores (as `taskset` or a container's cpuset allow), `course grade`
    starts one worker, not one per core of the machine."""
    code = ("import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "from course.grade import default_jobs; print(default_jobs())")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert run.stdout == "1\n", run.stdout


def test_every_submission_has_a_score_or_a_reason(graded):
    assert graded["run"].returncode == 0, graded["run"].stderr[-3000:]
    outcomes = graded["outcomes"]
    assert set(outcomes) == set(graded["students"])
    assert outcomes["dan-broken"]["reasons"] == [INVALID] and outcomes["dan-broken"]["score"] is None
    assert outcomes["eve-missing"]["reasons"] == [MISSING]
    assert outcomes["fay-tampered"]["reasons"][0].startswith(TAMPERED)
    assert KERNEL_DIED in outcomes["gus-dies"]["reasons"]
    assert TIMED_OUT in outcomes["hal-loops"]["reasons"]
    for student in ("ada-correct", "zed-correct", "fay-tampered", "ivy-trailing", "jo-html", ODD_ID):  # tampered: restored
        assert outcomes[student]["score"] == outcomes[student]["max_score"] > 0, outcomes[student]
    for student in ("ada-correct", "ben-mistakes", "cai-blank", "zed-correct", "ivy-trailing", "jo-html"):
        assert outcomes[student]["reasons"] == [], outcomes[student]
    assert outcomes["cai-blank"]["score"] == 0
    assert "dan-broken" in graded["run"].stdout and INVALID in graded["run"].stdout  # the summary table


def test_a_cell_copied_and_pasted_costs_no_points(graded):
    """Jupyter's copy and paste keeps a cell's nbgrader metadata. nbgrader keeps the last copy and empties the
    others' metadata, which its own metadata check then refused as an old format: the whole notebook went ungraded
    (nbgrader issue 1083). The other copies are plain cells now: an answer cell and a test cell, each there twice,
    score full marks, and the summary notes the copies."""
    outcome = graded["outcomes"]["dan-copied"]
    assert outcome["graded"] and outcome["score"] == outcome["max_score"] > 0, outcome
    assert any(reason.startswith(TAMPERED) for reason in outcome["reasons"]), outcome


def test_validate_takes_a_cell_copied_and_pasted_as_grading_does(graded, tmp_path):
    """Validate (the lab's button and `nbgrader validate`, both reading the course's nbgrader_config.py, or on the hub
    a student's hub/student/nbgrader_config.py) ended in nbgrader's English traceback ("the nbgrader metadata may be
    corrupted") on dan's notebook, which grading scores in full: it now runs the same notebook, copies and all, and
    finds every test passing."""
    course = graded["course"]
    notebook = course / "submitted" / "dan-copied" / ASSIGNMENT / "softmax.ipynb"
    home = tmp_path / "home"  # a hub student's: no course folder, the course importable, hub/student's config
    home.mkdir()
    shutil.copy(notebook, home)
    env = dict(os.environ, JUPYTER_CONFIG_PATH=str(ROOT / "hub" / "student"), PYTHONPATH=str(ROOT))
    hub = subprocess.run([sys.executable, "-m", "nbgrader", "validate", "softmax.ipynb"], cwd=home, env=env,
                         capture_output=True, text=True)
    for run in (nbgrader("validate", str(notebook), root=course, check=False), hub):
        assert run.returncode == 0 and "Success! Your notebook passes all the tests." in run.stdout, \
            (run.stdout + run.stderr)[-3000:]


def test_an_answer_that_computes_nothing_earns_nothing_for_its_form_whatever_its_metadata(graded):
    """kim's softmax returns zeros from a solution cell without its nbgrader metadata, lou's from a
    notebook without the exercise's value cells: the form cells (inputs unmodified, type, vectorised)
    still score 0, as the exercise and its test cells are the gradebook's."""
    exercises = solution_ids(notebooks(ASSIGNMENT))
    for student in ("kim-unmarked", "lou-deleted"):
        assert graded["outcomes"][student]["reasons"][0].startswith(TAMPERED)
        form = {t: v for t, v in graded["scores"][student].items()
                if exercise_of(t, exercises) == "softmax" and t.endswith(FORM_ASPECTS)}
        assert len(form) == 3 and all(score == 0 for score, _ in form.values()), (student, form)


def test_no_student_html_runs_as_script_where_the_graded_notebook_is_shown(graded):
    """jo's notebook has markdown cells that would each run a script or fetch from another server
    (tests/classroom.py), and a cell displaying such HTML, JavaScript, SVG and an image whose metadata
    names a URL. The autograded notebook (what formgrader renders in the instructor's session) shows
    those cells as their text and keeps only inert outputs, and so does jo's feedback; the lesson's
    own markdown is untouched (tests/test_browser.py opens both pages)."""
    course = graded["course"]
    nb = nbformat.read(course / "autograded" / "jo-html" / ASSIGNMENT / "softmax.ipynb", 4)
    hostile = nb.cells[1:1 + len(HOSTILE_MARKDOWN)]
    assert [n for n, cell in enumerate(hostile) if cell.source.startswith(SHOWN_AS_TEXT)] == \
        [n for n in range(len(HOSTILE_MARKDOWN)) if n not in MATH_AS_TEXT]
    assert all(f"NOTE {n}" in cell.source for n, cell in enumerate(hostile))
    outputs = [o for o in nb.cells[1 + len(HOSTILE_MARKDOWN)].outputs if o.output_type == "display_data"]
    assert len(outputs) == 4 and not [o for o in outputs if set(o.data) - {"text/plain", "text/html", "image/png"}]
    assert outputs[0].data["text/html"] == "<b>bold</b><img>", outputs  # the image fetches nothing
    assert "onerror" not in json.dumps([o.get("data") for o in outputs]) and TRACKER not in json.dumps(outputs)
    lesson = [c.source for c in notebooks(ASSIGNMENT)["softmax.ipynb"].cells if c.cell_type == "markdown"]
    shown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert shown[:1] + shown[1 + len(HOSTILE_MARKDOWN):] == lesson, "the lesson's cells as written"
    feedback = (course / "feedback" / "jo-html" / ASSIGNMENT / "softmax.html").read_text()
    assert all(f"NOTE {n}" in feedback for n in range(len(HOSTILE_MARKDOWN)))
    assert not active_tags(feedback), "active HTML or another server in the feedback"


def active_tags(page):
    """The tags of an HTML page that run script or fetch from another server."""
    return [(tag, attrs) for tag, attrs in StartTags(page).tags if tag == "script" or any(
        name.startswith("on") or re.search(r"javascript:|tracker\.invalid", value or "", re.I) for name, value in attrs)]


def test_a_student_id_is_text_in_the_grades_and_the_feedback(graded):
    """A student id with a comma, HTML and a leading "=": one row of grades.csv and of `nbgrader
    export`'s CSV (nbgrader's own does not quote, so the comma shifted every later column and the
    mistakes column failed), shown as text (not a formula) in a spreadsheet, and plain text in the
    feedback's header."""
    course = graded["course"]
    with open(course / "reports" / ASSIGNMENT / "grades.csv", newline="") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    assert set(rows) == set(graded["scores"]) - {ODD_ID} | {f"'{ODD_ID}"}, set(rows)
    assert float(rows[f"'{ODD_ID}"]["score"]) == graded["outcomes"][ODD_ID]["max_score"]
    nbgrader("export", "--to", "exported.csv", root=course)  # the course's export: the same rows, quoted
    with open(course / "exported.csv", newline="") as f:
        exported = {row["student_id"]: row for row in csv.DictReader(f) if row["assignment"] == ASSIGNMENT}
    assert exported == {student: {k: v for k, v in row.items() if k != "mistakes"} for student, row in rows.items()}
    page = (course / "feedback" / ODD_ID / ASSIGNMENT / "softmax.html").read_text()
    assert "<img src=x" not in page and "onerror" not in " ".join(re.findall(r"<[^>]*>", page))
    assert ODD_ID in page_text(course / "feedback" / ODD_ID / ASSIGNMENT / "softmax.html")


def test_a_student_id_names_one_folder_not_a_pattern(tmp_path, built_course):
    """nbgrader finds a student's folders by her id read as a glob pattern (twice), and strips white space from
    its ends: `[!x]*`, which matches every folder, and ` Ada` (release stubs) are not graded, and say why, and
    nbgrader grades Ada and Bo once each (graded after them by the same worker, either would have had it grade
    their folders again, with --force removing them first). Nor are a name with a line break (nbgrader's regular
    expressions stop there) and one that is not UTF-8 (the gradebook, and the summary, would fail on it)."""
    from course.verdict import UNUSABLE_NAME

    course = class_copy(tmp_path / "course", ASSIGNMENT, {
        **{s: notebooks(ASSIGNMENT) for s in ("Ada", "Bo")},
        **{s: notebooks(ASSIGNMENT, "release") for s in ("[!x]*", " Ada", "line\nbreak")}}, built=built_course)
    shutil.copytree(course / "submitted" / "Bo", os.fsdecode(bytes(course / "submitted") + b"/caf\xe9"))  # not UTF-8
    run = course_grade(course, ASSIGNMENT, "--jobs", "1", "--force")
    assert run.returncode == 0, run.stderr[-3000:]
    outcomes = json.loads((course / "reports" / ASSIGNMENT / "summary.json").read_text())["submissions"]
    assert {o["student"]: o["reasons"] for o in outcomes} == {
        "Ada": [], "Bo": [], "[!x]*": [UNUSABLE_NAME], " Ada": [UNUSABLE_NAME], "line\nbreak": [UNUSABLE_NAME],
        "caf\\udce9": [UNUSABLE_NAME]}, outcomes
    assert set(scores(course, ASSIGNMENT)) == {"Ada", "Bo"}
    log = (course / "reports" / ASSIGNMENT / "grading.log").read_text()
    assert "Removing existing" not in log, log[-3000:]
    assert "not graded, rename it" in run.stdout


def test_a_worker_keeps_no_copy_of_a_submission_it_has_graded(tmp_path, built_course):
    """nbgrader reads each submission from a vetted copy in the worker's scratch folder; once graded (feedback
    written), the copy goes: a worker, `course worker` above all, may grade thousands of submissions."""
    from course.grader import Grader
    from course.kernel_fork import remove_scratch, worker_scratch
    from course.nbgrader_setup import nbgrader_app

    course = class_copy(tmp_path / "course", ASSIGNMENT, {s: notebooks(ASSIGNMENT) for s in ("ada", "bo")},
                        built=built_course)
    scratch = worker_scratch()
    grader = Grader(nbgrader_app(ASSIGNMENT, course, ["--TrustedExecute.sandbox=False"] if sandbox_args() else []),
                    False, True, scratch)
    try:
        outcomes = [grader.grade(student) for student in ("ada", "bo")]
        left = sorted(p.name for p in (Path(scratch) / "vetted").iterdir())
    finally:
        grader.close()
        remove_scratch(scratch)
    assert all(o.graded and not o.reasons for o in outcomes), outcomes
    assert (course / "feedback" / "bo" / ASSIGNMENT / "softmax.html").is_file() and left == [], left


def test_after_warm_up_a_worker_reads_nothing_of_the_lesson_anew(tmp_path, built_course):
    """grader.warm_up, run by the process that forks the workers: a worker grading a submission then
    parses no test cell, reads no release or source notebook again and checks no lesson markdown cell
    (the course's release copy of them is taken as the instructor's: a student's own cell is checked)."""
    from course import preprocessors, verdict
    from course.grader import Grader, warm_up
    from course.kernel_fork import remove_scratch, worker_scratch
    from course.nbgrader_setup import nbgrader_app
    from course.trusted_execute import parsed_test_cell

    submission = notebooks(ASSIGNMENT)
    next(iter(submission.values())).cells.append(nbformat.v4.new_markdown_cell("My notes: <script>alert(1)</script>"))
    course = class_copy(tmp_path / "course", ASSIGNMENT, {"ada": submission}, built=built_course)
    app = nbgrader_app(ASSIGNMENT, course, ["--TrustedExecute.sandbox=False"] if sandbox_args() else [])
    caches = (parsed_test_cell, preprocessors._trust_lesson, verdict._course_cells, verdict._release_code)
    for cache in (*caches, preprocessors.plain_markdown):
        cache.cache_clear()
    preprocessors.LESSON_MARKDOWN.clear()
    warm_up(app)
    warmed = [cache.cache_info() for cache in caches]
    scratch = worker_scratch()
    grader = Grader(app, False, False, scratch)
    try:
        outcome = grader.grade("ada")
    finally:
        grader.close()
        remove_scratch(scratch)
    assert outcome.graded and not outcome.reasons, outcome
    assert all(info.currsize > 0 for info in warmed), warmed
    assert [cache.cache_info().misses for cache in caches] == [info.misses for info in warmed]
    assert preprocessors.plain_markdown.cache_info().misses == 1  # the student's cell alone
    autograded = (course / "autograded" / "ada" / ASSIGNMENT).glob("*.ipynb")
    shown = "".join(cell.source for path in autograded for cell in nbformat.read(path, as_version=4).cells)
    assert preprocessors.as_text("My notes: <script>alert(1)</script>") in shown and "<script>" not in shown


def test_markdown_too_costly_to_render_is_shown_as_text():
    """nbconvert's renderer and its strip_files_prefix take far more than linear time on some text (a
    line of 16,000 "[](" took 6.7 s, four times as long as 8,000): a cell too large, or too many
    characters of markdown in one notebook, repeated cells included (the pages render every copy), is
    shown as text, with no character those patterns look for; past MARKDOWN_SHOWN_CHARS characters
    shown (2,900 copies of a cell took formgrader 190 s), a cell is left out, with a note of its length."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("[](" * 32_000)] +
                                  [nbformat.v4.new_markdown_cell(f"note {i} " + "\\begin{a}" * 1100) for i in range(21)])
    safe = SafeHTML()
    safe.preprocess(nb, {})
    assert nb.cells[0].source.startswith(SHOWN_AS_TEXT) and "[" not in nb.cells[0].source.split("<pre>")[1]
    assert safe.rendered <= MARKDOWN_NOTEBOOK_CHARS and nb.cells[-1].source.startswith(SHOWN_AS_TEXT)
    assert "\\begin" not in nb.cells[-1].source and "&#92;begin" in nb.cells[-1].source

    repeated = ("[" * 19 + "\n") * 500  # renderable, costly to render; every copy after the first is in the cache
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(repeated) for _ in range(100)])
    safe.preprocess(nb, {})
    assert safe.rendered <= MARKDOWN_NOTEBOOK_CHARS
    assert sum(len(cell.source) for cell in nb.cells if cell.source == repeated) <= MARKDOWN_NOTEBOOK_CHARS

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("{" * 10_000) for _ in range(300)])
    safe.preprocess(nb, {})  # 3,000,000 characters; 6 times as many as text ("&#123;")
    sources = [cell.source for cell in nb.cells]
    assert sum(map(len, sources)) < MARKDOWN_SHOWN_CHARS + 300 * len(left_out("")) and SHOWN_AS_TEXT in sources[30]
    assert sources[-1] == left_out("{" * 10_000) and "10,000" in sources[-1] and "{" not in sources[-1]


def test_an_attachment_counts_once_for_every_image_that_names_it():
    """nbconvert writes a cell's attachment into the page once for every image that names it (found by
    a review: an attachment of 1,000,000 characters named by 30 images, in 689 characters of text, made
    a 30 MB page). Past MARKDOWN_IMAGE_CHARS characters of images in a notebook, a cell is shown as its
    text, without its attachments; screenshots pasted into cells, each shown once, stay."""
    screenshot = "A" * 300_000
    pasted = nbformat.v4.new_markdown_cell("![one](attachment:a.png) and ![two](attachment:b.png)")
    pasted.attachments = {"a.png": {"image/png": screenshot}, "b.png": {"image/png": screenshot}}
    many = nbformat.v4.new_markdown_cell(" ".join(["![a](attachment:a.png)"] * 30))
    many.attachments = {"a.png": {"image/png": "A" * 1_000_000}}
    nb = nbformat.v4.new_notebook(cells=[pasted, many] + [copy.deepcopy(pasted) for _ in range(20)])
    kept = copy.deepcopy(pasted)
    safe = SafeHTML()
    safe.preprocess(nb, {})
    assert nb.cells[0] == kept and safe.images <= MARKDOWN_IMAGE_CHARS
    assert nb.cells[1].source.startswith(SHOWN_AS_TEXT) and "attachments" not in nb.cells[1]
    shown = [cell for cell in nb.cells if "attachments" in cell]
    assert len(shown) == MARKDOWN_IMAGE_CHARS // (2 * (len(screenshot) + len("data:image/png;base64,"))), len(shown)
    assert all("attachment:a.png" in cell.source for cell in nb.cells)  # each cell's text stays

    # A review: one large screenshot and ten small images in a cell were charged as eleven large ones.
    mixed = nbformat.v4.new_markdown_cell(" ".join(f"![{i}](attachment:{i}.png)" for i in range(11)))
    mixed.attachments = {f"{i}.png": {"image/png": "A" * (2_700_000 if i == 0 else 4_000)} for i in range(11)}
    nb = nbformat.v4.new_notebook(cells=[copy.deepcopy(mixed)])
    safe.preprocess(nb, {})
    assert nb.cells[0] == mixed and safe.images == 2_740_000 + 11 * len("data:image/png;base64,")


def test_scores_equal_nbgrader_autograde(graded, tmp_path, built_course):
    expected, _ = nbgrader_grade_class(tmp_path, ASSIGNMENT, graded["students"], CONFIG, built_course)
    assert graded["scores"] == expected


def odd_cells(nb):
    """Copies of `nb` with a cell the gradebook does not expect: a test cell turned markdown, its points
    changed, a grade id the gradebook lacks, a solution cell claiming to be graded (the gradebook has no
    such graded cell: the step fails)."""
    test = next(i for i, cell in enumerate(nb.cells) if is_grade(cell) and not is_solution(cell))
    answer = next(i for i, cell in enumerate(nb.cells) if is_solution(cell))
    changes = [lambda cells: cells[test].update(cell_type="markdown"),
               lambda cells: cells[test].metadata.nbgrader.update(points=99),
               lambda cells: cells[test].metadata.nbgrader.update(grade_id="not-in-the-gradebook"),
               lambda cells: cells[answer].metadata.nbgrader.update(grade=True, points=1)]
    for change in changes:
        odd = copy.deepcopy(nb)
        change(odd.cells)
        yield odd


def test_the_gradebook_steps_decide_as_nbgraders(graded, tmp_path, caplog):
    """course/gradebook_steps.py reads a notebook's rows of the gradebook at once and commits once: each
    step leaves the notebook, the log and the gradebook as nbgrader's own does, on every notebook of
    the troubled class (OverwriteCells on what was handed in, SaveAutoGrades and GetGrades on the
    graded notebook, a hand grade kept) and on cells the gradebook does not expect."""
    course = graded["course"]
    databases = {kind: shutil.copy(course / "gradebook.db", tmp_path / f"{kind}.db") for kind in ("nbgrader", "course")}
    for database in databases.values():
        with Gradebook(f"sqlite:///{database}") as gb:
            grade = gb.find_submission(ASSIGNMENT, "ben-mistakes").notebooks[0].grades[0]
            grade.manual_score, by_hand = 0.5, ("ben-mistakes", "softmax", grade.name)
            gb.db.commit()

    def run(kind, step, nb, student=None):
        info = {"notebook": "softmax", "assignment": ASSIGNMENT, "db_url": f"sqlite:///{databases[kind]}",
                **({"student": student} if student else {})}
        caplog.clear()
        try:
            done, resources = step()(copy.deepcopy(nb), {"nbgrader": info})
            result = done, {key: value for key, value in resources["nbgrader"].items() if key != "db_url"}
        except Exception as error:  # noqa: BLE001 (the same failure is the point)
            result = f"{type(error).__name__}: {error}"
        return result, [record.getMessage() for record in caplog.records]

    checked = set()
    with caplog.at_level("WARNING"):
        for student in graded["students"]:
            handed_in = course / "submitted" / student / ASSIGNMENT / "softmax.ipynb"
            graded_nb = course / "autograded" / student / ASSIGNMENT / "softmax.ipynb"
            if not (handed_in.is_file() and graded_nb.is_file()):
                continue
            for case in [nbformat.read(handed_in, 4), *odd_cells(nbformat.read(handed_in, 4))]:
                assert run("nbgrader", nbgrader_steps.OverwriteCells, case) == run(
                    "course", gradebook_steps.OverwriteCells, case), student
            case = nbformat.read(graded_nb, 4)
            for step in ("SaveAutoGrades", "GetGrades"):
                assert run("nbgrader", getattr(nbgrader_steps, step), case, student) == run(
                    "course", getattr(gradebook_steps, step), case, student), (step, student)
            checked.add(student)
    assert {"fay-tampered", "kim-unmarked", "lou-deleted", "zed-correct"} <= checked and len(checked) >= 10, checked
    rows = {}
    for kind, database in databases.items():
        with Gradebook(f"sqlite:///{database}") as gb:
            rows[kind] = {(sub.student_id, nb.name, row.name): (row.auto_score, row.manual_score, row.needs_manual_grade)
                          if hasattr(row, "auto_score") else row.auto_comment
                          for sub in gb.assignment_submissions(ASSIGNMENT) for nb in sub.notebooks
                          for row in [*nb.grades, *nb.comments]}
    assert rows["nbgrader"] == rows["course"] and rows["course"][by_hand][1:] == (0.5, True)


def odd_notebooks(nb):
    """Files of copies of `nb` that nbformat mends or complains about: cells without ids (they get ids),
    two cells with one id, an output whose text is one string, a property the schema lacks, the format
    of 2014 (nbformat 3, read as 4 with a note of its own in the metadata, which is not written)."""
    without_ids, same_id, one_string, extra = (copy.deepcopy(nb) for _ in range(4))
    for cell in without_ids.cells:
        cell.pop("id", None)
    same_id.cells[1]["id"] = same_id.cells[0]["id"]
    code = next(cell for cell in one_string.cells if cell.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", text="一\ntwo\n"), nbformat.v4.new_output(
        "display_data", data={"text/plain": "a\nb", "image/svg+xml": "<svg>\n</svg>"})]
    extra.metadata["nbgrader_unknown"], extra["not_in_the_schema"] = {"x": 1}, True
    return ([json.dumps(odd, ensure_ascii=False) for odd in (without_ids, same_id, one_string, extra)]
            + [nbformat.writes(nbformat.convert(copy.deepcopy(nb), 3), 3)])


def test_the_autograde_exporter_writes_what_nbconverts_writes(graded, tmp_path, monkeypatch):
    """AutogradeExporter leaves out nbconvert's copies of the notebook, nothing else: the same file, the
    same resources and the same log as NotebookExporter's, after steps that change the notebook, on every
    notebook of the troubled class (handed in and graded) and on notebooks nbformat mends."""
    from nbconvert.exporters import NotebookExporter
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from traitlets.config import Config

    from course.autograde_exporter import AutogradeExporter
    course, cases = graded["course"], []
    for student in graded["students"]:
        for folder in ("submitted", "autograded"):
            path = course / folder / student / ASSIGNMENT / "softmax.ipynb"
            if path.is_file():
                cases.append(path)
    odd = odd_notebooks(nbformat.read(cases[0], 4))
    cases += [tmp_path / f"odd-{i}.ipynb" for i in range(len(odd))]
    for path, text in zip(cases[-len(odd):], odd):
        path.write_text(text)

    class Unnamed(nbgrader_steps.NbGraderPreprocessor):  # a step that leaves the notebook invalid
        def preprocess(self, nb, resources):
            del nb.cells[-1]["cell_type"]
            return nb, resources

    class Said(logging.Handler):  # a message as it reads when logged (it may quote the notebook), no address
        def emit(self, record):
            said.append(re.sub(" at 0x[0-9a-f]+", "", record.getMessage()))

    def export(kind, path, steps):
        exporter = kind(config=Config({"Exporter": {"optimistic_validation": True}}))
        for step in steps:
            exporter.register_preprocessor(step(), enabled=True)
        said.clear()
        ids = iter(range(1, 10**6))  # nbformat's new cell ids are random: here both exporters get the same
        monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(ids)))
        try:
            output, resources = exporter.from_filename(str(path), resources={"nbgrader": {"notebook": "softmax"}})
            result = output, dict(resources)
        except Exception as error:  # noqa: BLE001 (the same failure is the point)
            result = f"{type(error).__name__}: {error}"
        return result, list(said)

    said, handler = [], Said(logging.WARNING)
    logging.getLogger().addHandler(handler)
    try:
        results = {(path, steps): (export(NotebookExporter, path, steps), export(AutogradeExporter, path, steps))
                   for path in cases for steps in [(nbgrader_steps.DeduplicateIds, nbgrader_steps.LimitOutput),
                                                   (ClearMetadataPreprocessor, nbgrader_steps.ClearOutput),
                                                   (nbgrader_steps.ClearOutput, Unnamed)]}
    finally:
        logging.getLogger().removeHandler(handler)
    assert len(results) > 40 and all(ours == theirs for theirs, ours in results.values()), [
        (path.name, steps) for (path, steps), (theirs, ours) in results.items() if ours != theirs]
    mended = [results[path, steps][0] for path in cases[-len(odd):] for steps in {s for _, s in results}
              if Unnamed not in steps]
    assert all('"id": ' in output for (output, _), _ in mended)
    assert any("invalid" in line for _, lines in mended for line in lines)
    assert any('"orig_nbformat"' not in output and '"kernelspec"' in output for (output, _), _ in mended[-2:])
    assert all(isinstance(theirs[0], str) for (_, steps), (theirs, _) in results.items() if Unnamed in steps)  # failed


def test_nbgraders_metadata_schema_checked_once_finds_what_jsonschema_finds(graded):
    """SchemaCheckedOnce stands in for jsonschema.validate in nbgrader's metadata validator: the same
    error (or none) for every cell's metadata of the troubled class's notebooks, and for broken ones."""
    schema = MetadataValidator().schema
    metadata = [cell.metadata.nbgrader for path in (graded["course"] / "autograded").glob(f"*/{ASSIGNMENT}/*.ipynb")
                for cell in nbformat.read(path, 4).cells if "nbgrader" in cell.metadata]
    some = metadata[0]
    metadata += [{**some, "points": "many"}, {k: v for k, v in some.items() if k != "grade"},
                 {**some, "schema_version": "3"}, {**some, "grade_id": 7}, [], "text"]

    def error(validate, instance):
        try:
            validate(copy.deepcopy(instance), schema)
        except jsonschema.ValidationError as found:
            return str(found)

    found = [error(jsonschema.validate, instance) for instance in metadata]
    assert found == [error(gradebook_steps.SchemaCheckedOnce.validate, instance) for instance in metadata]
    assert found[-6:].count(None) == 0 and found.count(None) >= 20


def test_a_gradebook_opened_again_is_checked_as_nbgrader_would(tmp_path, monkeypatch):
    """Once a database has been opened in a process, tables_made_once opens it again without nbgrader's
    table checks; yet a course row removed comes back and a database removed meanwhile gets its tables
    again, as with nbgrader's own opening, and a locked database fails without a second wait."""
    import sqlite3

    from nbgrader import api
    from sqlalchemy.exc import OperationalError

    inspected = []
    monkeypatch.setattr(api, "inspect", lambda engine, inspect=api.inspect: inspected.append(engine) or inspect(engine))
    path = tmp_path / "gradebook.db"
    url = f"sqlite:///{path}"
    with Gradebook(url, "course_a") as gb:
        gb.add_student("ada")
    assert len(inspected) == 1
    with Gradebook(url, "course_a") as gb:  # the quick way
        assert [s.id for s in gb.students] == ["ada"]
        gb.db.execute(text("DELETE FROM course"))
        gb.db.commit()
    with Gradebook(url, "course_a") as gb:
        assert gb.db.execute(text("SELECT id FROM course")).scalars().all() == ["course_a"]
    assert len(inspected) == 1
    path.unlink()
    with Gradebook(url, "course_a") as gb:  # tried the quick way, then nbgrader's
        assert gb.students == [] and gb.db.execute(text("SELECT id FROM course")).scalars().all() == ["course_a"]
        assert gb.db.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    assert len(inspected) == 2
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            Gradebook(url, "course_a")
    finally:
        holder.close()
    assert len(inspected) == 2


def test_grades_feedback_and_report(graded):
    course, reports = graded["course"], graded["course"] / "reports" / ASSIGNMENT
    rows = (reports / "grades.csv").read_text().splitlines()
    assert rows[0].startswith("assignment,") and rows[0].endswith(",mistakes") and len(rows) == 1 + len(graded["scores"])
    mistakes = {row.split(",")[3]: row.split(",")[-1] for row in rows[1:]}
    assert mistakes["ada-correct"] == "" and mistakes["cai-blank"] == "" and mistakes["ben-mistakes"], mistakes
    feedback = (course / "feedback" / "ada-correct" / ASSIGNMENT / "softmax.html").read_text()
    assert "评分反馈 / Feedback" in feedback
    assert not (course / "feedback" / "dan-broken").exists()
    rates = (reports / "pass_rates.csv").read_text().splitlines()
    assert rates[0].startswith("notebook,test,") and len(rates) > 2
    report = (reports / "report.md").read_text()
    assert "pass_rates.svg" in report and "dan-broken" in report
    named = mistakes["ben-mistakes"].split()
    assert "Classic mistakes" in report and all(f"| {key} | 1 / " in report for key in named), report
    assert "诊断 / diagnosis" in (course / "feedback" / "ben-mistakes" / ASSIGNMENT / "softmax.html").read_text()
    bars = {picture: ElementTree.parse(reports / f"{picture}.svg").getroot().findall(f"{{{SVG}}}rect")
            for picture in ("pass_rates", "scores", "mistakes")}
    counted = (reports / "mistakes.csv").read_text().splitlines()
    assert len(bars["pass_rates"]) == len(rates) - 1 and len(bars["mistakes"]) == len(counted) - 1 > 0, bars
    assert bars["scores"] and {float(b.get("width")) for b in bars["pass_rates"]} - {0.0}, "bars drawn to scale"


def test_cells_after_the_last_graded_cell_are_not_run(graded):
    """They cannot change a grade (course/trusted_execute.py): ivy's last cell would kill the
    kernel, and she has full marks; her feedback says which cells did not run."""
    course = graded["course"]
    for student in ("ada-correct", "ivy-trailing"):
        nb = nbformat.read(course / "autograded" / student / ASSIGNMENT / "softmax.ipynb", 4)
        last = max(i for i, cell in enumerate(nb.cells) if is_grade(cell))
        code = [(i, cell) for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and cell.source.strip()]
        trailing = [cell for i, cell in code if i > last]
        assert trailing and all(cell.metadata.get(NOT_RUN) and not cell.outputs and cell.execution_count is None
                                for cell in trailing), student
        assert not any(cell.metadata.get(NOT_RUN) for i, cell in code if i < last), f"{student}: a claim kept"
        assert code[0][1].execution_count, student
        if student == "ivy-trailing":
            feedback = page_text(course / "feedback" / student / ASSIGNMENT / "softmax.html")
            assert feedback.count("Not run when graded") == len(trailing), "one note per cell"
            assert f"The {len(trailing)} code cell(s) after the last graded cell were not run when graded" in feedback


def test_running_trailing_cells_changes_no_score(graded, tmp_path, built_course):
    """With c.TrustedExecute.run_trailing_cells they run (ivy's kills the kernel) and every score,
    a partial one included, is as when they do not."""
    students = {name: graded["students"][name] for name in ("ben-mistakes", "ivy-trailing")}
    course = class_copy(tmp_path / "course", ASSIGNMENT, students, "c.TrustedExecute.run_trailing_cells = True",
                        built_course)
    run = course_grade(course, ASSIGNMENT, "--no-feedback")
    assert run.returncode == 0, run.stderr[-3000:]
    nb = nbformat.read(course / "autograded" / "ivy-trailing" / ASSIGNMENT / "softmax.ipynb", 4)
    assert not any(cell.metadata.get(NOT_RUN) for cell in nb.cells)
    assert "RAN AFTER THE LAST TEST" in json.dumps(nb.cells[-3].outputs) and not nb.cells[-1].outputs  # killed
    assert scores(course, ASSIGNMENT) == {name: graded["scores"][name] for name in students}


def test_rerun_is_idempotent_and_keeps_hand_grades(graded, tmp_path):
    course, before = shutil.copytree(graded["course"], tmp_path / "course", symlinks=True), graded["scores"]
    url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url) as gb:
        grade = gb.find_submission("01_softmax", "ben-mistakes").notebooks[0].grades[0]
        grade.manual_score, grade.extra_credit = grade.max_score, 1.0
        gb.db.commit()
        by_hand = {"ben-mistakes": {**before["ben-mistakes"], grade.name: (grade.max_score + 1, grade.max_score)}}
    stale = [course / "reports" / ASSIGNMENT / f"{chart}.png" for chart in ("pass_rates", "mistakes", "scores")]
    for chart in stale:  # as an earlier version of the report left them
        chart.write_bytes(b"\x89PNG")

    nobody = course_grade(course, ASSIGNMENT, "--student", "ada", "ben")  # not names of this class
    assert nobody.returncode != 0 and f"No submission of {ASSIGNMENT} in submitted/ from: ada, ben" in nobody.stderr, \
        nobody.stderr[-3000:]
    again = course_grade(course, ASSIGNMENT, "--student", "ada-correct", "ben-mistakes", "ada")
    assert again.returncode == 0 and "from: ada\n" in again.stderr, again.stderr[-3000:]
    summary = json.loads((course / "reports" / ASSIGNMENT / "summary.json").read_text())
    assert sorted(o["student"] for o in summary["submissions"]) == ["ada-correct", "ben-mistakes"]
    assert all(o["reasons"] == [KEPT] for o in summary["submissions"])
    assert not any(chart.exists() for chart in stale) and (course / "reports" / ASSIGNMENT / "scores.svg").exists()
    forced = course_grade(course, ASSIGNMENT, "--force", "--student", "ada-correct", "ben-mistakes")
    assert forced.returncode == 0, forced.stderr[-3000:]
    assert scores(course, ASSIGNMENT) == {**before, **by_hand}


def fork_servers_seen(command, timeout):
    """Run `command` to its end (it must end within `timeout` seconds), noting the fork servers among its
    children: (returncode, stdout, stderr, their pids)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        run, servers = subprocess.Popen(command, stdout=out, stderr=err, text=True), set()
        parent, ends = psutil.Process(run.pid), time.monotonic() + timeout
        while run.poll() is None and time.monotonic() < ends:
            for child in parent.children():
                with contextlib.suppress(psutil.Error):  # it may end while it is looked at
                    if "course.kernel_fork" in " ".join(child.cmdline()):
                        servers.add(child.pid)
            with contextlib.suppress(subprocess.TimeoutExpired):
                run.wait(timeout=0.05)
        if run.poll() is None:
            run.kill()
        run.wait()
        out.seek(0), err.seek(0)
        return run.returncode, out.read(), err.read(), servers


def test_one_command_grades_several_assignments_in_turn(tmp_path, built_course):
    """`course grade A B ...` grades each as its own command would (its report, its summary), in the order
    given, each once, with the same fork servers (launched once, cleaned between assignments); a name that
    is not an assignment, or an assignment after --student, stops it before any is graded, an assignment
    that cannot be graded stops it there, saying what was and was not graded."""
    pair = ["01_softmax", "02_sigmoid"]
    course = built_course(tmp_path / "course", pair)
    for assignment in pair:
        write_submission(course, "ada", assignment, notebooks(assignment))
    write_submission(course, "bo", "01_softmax", notebooks("01_softmax", "release"))

    returncode, stdout, stderr, servers = fork_servers_seen(
        course_command(course, "grade", "02_sigmoid", "01_softmax", "02_sigmoid", *sandbox_args(), "--jobs", "1",
                       "--no-feedback"), timeout=1800)
    assert returncode == 0, stderr[-3000:]
    assert len(servers) == 1, f"one worker's fork server for both assignments, seen: {servers}"
    reports = [line for line in stdout.splitlines() if line.startswith("报告 / report:")]
    assert reports == [f"报告 / report: {course / 'reports' / a / 'report.md'}" for a in ("02_sigmoid", "01_softmax")]
    for assignment, students in (("01_softmax", ["ada", "bo"]), ("02_sigmoid", ["ada"])):
        summary = json.loads((course / "reports" / assignment / "summary.json").read_text())
        assert sorted(o["student"] for o in summary["submissions"]) == students, summary
        graded = scores(course, assignment)
        assert all(score == most for score, most in graded["ada"].values()), graded
    assert all(score == 0 for score, _ in scores(course, "01_softmax")["bo"].values())

    summary = course / "reports" / "02_sigmoid" / "summary.json"
    before = summary.read_text()
    refused = subprocess.run(course_command(course, "grade", "02_sigmoid", "03_nosuch", *sandbox_args(), "--force"),
                             capture_output=True, text=True, timeout=600)
    assert refused.returncode != 0 and "source/里没有这些作业：03_nosuch" in refused.stderr \
        and "source/ has no such assignment: 03_nosuch" in refused.stderr, refused.stderr[-3000:]
    assert summary.read_text() == before
    swallowed = subprocess.run(course_command(course, "grade", "01_softmax", "--student", "ada", "02_sigmoid",
                                              *sandbox_args()), capture_output=True, text=True, timeout=600)
    assert swallowed.returncode != 0 and "--student后面的02_sigmoid是作业" in swallowed.stderr \
        and "02_sigmoid after --student is an assignment" in swallowed.stderr, swallowed.stderr[-3000:]
    assert summary.read_text() == before
    stopped = subprocess.run(course_command(course, "grade", "01_softmax", "02_sigmoid", *sandbox_args(), "--jobs", "1",
                                            "--no-feedback", "--student", "bo"), capture_output=True, text=True,
                             timeout=600)  # bo handed in 01 only: 02 has nobody to grade
    assert stopped.returncode != 0 and "No submission of 02_sigmoid in submitted/ from: bo" in stopped.stderr \
        and "未评完：02_sigmoid（已评完：01_softmax）\nNot finished: 02_sigmoid (finished: 01_softmax)" in stopped.stderr, \
        stopped.stderr[-3000:]


def test_simulate_makes_the_requested_mix(tmp_path):
    for folder in ("source", "release"):
        shutil.copytree(ROOT / folder / ASSIGNMENT, tmp_path / folder / ASSIGNMENT)
    made = simulate(20, seed=4, course=tmp_path)
    assert sorted(made) == [f"sim-{i:04d}" for i in range(1, 21)]
    kinds = [per[ASSIGNMENT] for per in made.values()]
    assert {k: kinds.count(k) for k in MIX} == {k: round(share * 20) for k, share in MIX.items()}
    release = (ROOT / "release" / ASSIGNMENT / "softmax.ipynb").read_text()
    for student, per in made.items():
        text = (tmp_path / "submitted" / student / ASSIGNMENT / "softmax.ipynb").read_text()
        if per[ASSIGNMENT] == "broken":
            with pytest.raises(json.JSONDecodeError):
                json.loads(text)
        elif per[ASSIGNMENT] == "blank":
            assert nbformat.reads(text, as_version=4) == nbformat.reads(release, as_version=4)
    assert simulate(20, seed=4, course=tmp_path) == made  # the same seed gives the same class


def test_feedback_never_shows_hidden_tests(graded):
    """nbgrader's feedback would print every test cell with its hidden tests (nbgrader #917, #1363);
    here each test cell shows its grade id, points, verdict and message, for `course grade` and for
    plain `nbgrader generate_feedback`."""
    course = graded["course"]
    cli = nbgrader("generate_feedback", ASSIGNMENT, "--force", "--CourseDirectory.feedback_directory=feedback-cli",
                   root=course, check=False)
    assert cli.returncode == 0, cli.stderr[-3000:]
    checked = 0
    for folder in ("feedback", "feedback-cli"):
        for path in sorted((course / folder).rglob("*")):
            if not path.is_file():
                continue
            student, assignment = path.relative_to(course / folder).parts[:2]
            text = page_text(path)
            assert "BEGIN HIDDEN TESTS" not in text.upper() and "END HIDDEN TESTS" not in text.upper(), path
            leaked = [line for line in hidden_lines(course, assignment) if line in text]
            assert not leaked, f"{path}: {leaked[:3]}"
            if path.suffix == ".html":
                autograded = nbformat.read(course / "autograded" / student / assignment / f"{path.stem}.ipynb", 4)
                for cell in autograded.cells:
                    if is_grade(cell) and not is_solution(cell):
                        assert f"test: {cell.metadata.nbgrader['grade_id']} · 得分 / score:" in text, path
                        for output in cell.get("outputs", []):  # the message of a failing test
                            if output.output_type == "error":
                                assert all(line.strip() in text for line in output.evalue.splitlines()), path
                checked += 1
    assert checked == 2 * len([s for s, o in graded["outcomes"].items() if o["score"] is not None])
    mistakes = page_text(course / "feedback" / "ben-mistakes" / ASSIGNMENT / "softmax.html")
    assert "✗ 未通过 / failed" in mistakes and "的数值不对" in mistakes and "has wrong values" in mistakes
    assert "# 隐藏测试，代码不公开 / hidden tests, code not shown" in mistakes


def page_text(path):
    """A feedback file's text as a reader sees it: tags removed (highlighted code is split into spans)."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(errors="replace")))




# The end of nbgrader's log for a submission that ran a worker out of memory (tests/adversarial:
# many-arrays, graded with Limits.notebook_containers raised), as the worker recorded it.
MEMORY_LOG = """There was an error processing assignment: /tmp/tf-worker-biou44t0/vetted/zz-memhog/01_softmax
Traceback (most recent call last):
  File "/venv/lib/python3.11/site-packages/nbconvert/exporters/exporter.py", line 147, in from_notebook_node
    nb_copy = copy.deepcopy(nb)
  File "/python3.11/copy.py", line 254, in _keep_alive
    memo[id(memo)].append(x)
MemoryError

There was an error processing assignment '01_softmax' for student 'zz-memhog'
Please see the the above traceback for details on the specific errors on the above failures.
NbGraderException: Please see the the above traceback for details on the specific errors on the above failures.
"""


def test_a_grading_error_names_nbgraders_exception_not_its_see_above():
    assert last_error(MEMORY_LOG) == "MemoryError"
    assert last_error("nbformat.reader.NotJSONError: Notebook does not appear to be JSON: ''\n") \
        == "nbformat.reader.NotJSONError: Notebook does not appear to be JSON: ''"
    assert last_error("a warning\nthe last line\n") == "the last line"


def test_a_students_text_cannot_redraw_the_terminal_or_add_rows():
    """A reason quotes text a student chose (a tampered cell's grade id, a file's name): in the
    printed summary and report.md it stays one inert cell of its row."""
    chosen = "x |\n| witness | 0/29 | kernel died |\x1b[2J\x1b]0;title\x07\u202e<img src=x onerror=alert(1)>"
    plain = table(["student", "reasons"], [["eve", chosen], ["witness", "ok"]])
    assert len(plain.splitlines()) == 3 and not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e]", plain), plain
    markdown = table(["student", "reasons"], [["eve", chosen], ["witness", "ok"]], markdown=True)
    rows = markdown.splitlines()
    assert len(rows) == 4 and all(len(re.findall(r"(?<!\\)\|", row)) == 3 for row in rows), markdown
    assert "<img" not in markdown and "\\x1b[2J" in markdown
