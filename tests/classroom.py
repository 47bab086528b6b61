"""Grade whole classes in throw-away copies of the course.

`grade_class` uses `python -m course grade` (parallel workers, one process for the whole class);
`nbgrader_grade_class` uses the plain `nbgrader autograde` command line, for the test that
checks both give the same scores.
"""
import json
import subprocess
import sys
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from course.build import course_copy
from course.nbgrader_setup import nbgrader
from course.sample_class import write_submission
from course.sandbox import SandboxUnavailable, require_sandbox


def sandbox_args():
    """Grade sandboxed where bubblewrap works, so the suite still runs where it does not."""
    try:
        require_sandbox()
        return []
    except SandboxUnavailable:
        return ["--no-sandbox"]


def scores(folder, assignment, db_url=None):
    """{student: {grade id: (score, max score)}} from the course copy's gradebook."""
    with Gradebook(db_url or f"sqlite:///{Path(folder) / 'gradebook.db'}") as gb:
        return {sub.student_id: {g.name: (g.score, g.max_score) for nb in sub.notebooks for g in nb.grades}
                for sub in gb.assignment_submissions(assignment)}


def class_copy(folder, assignment, submissions, config="", built=None):
    """A course copy with the class in submitted/; `config` is appended to its nbgrader_config.py.
    `built`: conftest's built_course (a copy of one build per test run); else the copy is built here."""
    folder = built(folder, [assignment]) if built else course_copy(folder, [assignment])
    with open(folder / "nbgrader_config.py", "a") as f:
        f.write(f"\n{config}\n")
    for student, notebooks in submissions.items():
        write_submission(folder, student, assignment, notebooks)
    return folder


def course_command(folder, command, *args):
    """`python -m course COMMAND ARGS` for the course copy in `folder`."""
    return [sys.executable, "-m", "course", command, *args, "--course", str(folder)]


def course_grade(folder, assignment, *args):
    return subprocess.run(course_command(folder, "grade", assignment, *sandbox_args(), *args),
                          capture_output=True, text=True, timeout=1800)


def grade_class(tmp, assignment, submissions, config="", built=None, feedback=True):
    """Grade {student: {notebook name: notebook}} with `course grade`; return `scores` and the run."""
    folder = class_copy(Path(tmp) / "course", assignment, submissions, config, built)
    result = course_grade(folder, assignment, "--jobs", "2", *([] if feedback else ["--no-feedback"]))
    return scores(folder, assignment), result


def nbgrader_grade_class(tmp, assignment, submissions, config="", built=None):
    """The same with `nbgrader autograde` (one process, one submission after another)."""
    folder = class_copy(Path(tmp) / "nbgrader", assignment, submissions, config, built)
    config = ["--TrustedExecute.sandbox=False"] if sandbox_args() else []
    result = nbgrader("autograde", assignment, "--force", *config, root=folder, check=False)
    return scores(folder, assignment), result


def hidden_lines(course, assignment):
    """Lines (20 characters or more) of the hidden test regions of the assignment's source notebooks
    that nothing visible contains: not the release notebooks, nor the rest of the source (solutions)."""
    shown, hidden_ = set(), set()
    for path in [*(course / "release" / assignment).glob("*.ipynb"), *(course / "source" / assignment).glob("*.ipynb")]:
        for cell in nbformat.read(path, 4).cells:
            hidden = False
            for line in cell.source.splitlines():
                if "BEGIN HIDDEN TESTS" in line:
                    hidden = True
                elif "END HIDDEN TESTS" in line:
                    hidden = False
                else:
                    (hidden_ if hidden else shown).add(line.strip())
    lines = {line for line in hidden_ if len(line) >= 20 and not any(line in visible for visible in shown)}
    assert lines, f"{assignment}: no hidden test lines found"
    return lines


# What runs as script if a page shows a student's HTML unsanitised (formgrader, feedback): each
# marks the page, which tests look for (tests/test_grade.py, tests/test_browser.py).
PWNED = "document.documentElement.dataset.pwned = 'yes'"
HOSTILE_MARKDOWN = (f"<script>{PWNED}</script>\n<img src=\"x\" onerror=\"{PWNED}\">\n\n"
                    f"[a link](javascript:{PWNED.replace(' ', '')})\n\nMY NOTE, SHOWN AS TEXT")
HOSTILE_OUTPUTS = f"""from IPython.display import HTML, SVG, Javascript, display
display(HTML({'<b>bold</b><img src="x" onerror="' + PWNED + '">'!r}))
display(Javascript({PWNED!r}))
display(SVG({'<svg xmlns="http://www.w3.org/2000/svg" onload="' + PWNED + '"><script>' + PWNED + '</script></svg>'!r}))"""


def with_hostile_html(notebooks_by_name):
    """Copies of the notebooks with a markdown cell and a cell of outputs (run before the tests)
    that would run HOSTILE script in a page that shows them as they are."""
    result = {}
    for name, nb in notebooks_by_name.items():
        nb = nbformat.from_dict(json.loads(json.dumps(nb)))
        nb.cells[1:1] = [nbformat.v4.new_markdown_cell(HOSTILE_MARKDOWN), nbformat.v4.new_code_cell(HOSTILE_OUTPUTS)]
        result[name] = nb
    return result
