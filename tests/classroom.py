"""Grade whole classes in throw-away copies of the course.

`grade_class` uses `python -m course grade` (parallel workers, one process for the whole class);
`nbgrader_grade_class` uses the plain `nbgrader autograde` command line, for the test that
checks both give the same scores.
"""
import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course.build import course_copy
from course.nbgrader_setup import nbgrader
from course.sample_class import write_submission
from course.sandbox import SandboxUnavailable, require_sandbox


GRADER_USER = "tf-grader"  # an ordinary user, made by `make setup` when it runs as root


def unprivileged(folder):
    """The command prefix that runs as GRADER_USER, with `folder` made its own; skip if impossible."""
    if subprocess.run(["id", GRADER_USER], capture_output=True).returncode != 0:
        pytest.skip(f"no user {GRADER_USER} (make setup creates it) / 没有用户{GRADER_USER}")
    prefix = ["runuser", "-u", GRADER_USER, "--", "env", f"HOME={folder}"]  # runuser keeps TMPDIR
    shutil.chown(folder, GRADER_USER, GRADER_USER)
    probe = subprocess.run([*prefix, sys.executable, "-c", "import course.grade"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"{GRADER_USER} cannot run the course's Python (make setup grants it): {probe.stderr[-300:]}")
    return prefix


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
# marks the page, which tests look for (tests/test_grade.py, tests/test_browser.py). Each markdown cell
# tries one way in, and names itself (NOTE n) where it is shown as text; tracker.invalid would learn
# who opened the page.
PWNED = "document.documentElement.dataset.pwned='yes'"
TRACKER = "https://tracker.invalid/pixel.png"
HOSTILE_MARKDOWN = [f"<script>{PWNED}</script>",
                    f'<img src="x" onerror="{PWNED}">',
                    f"[a link](javascript:{PWNED})",
                    f'<img attachment:x src="x" onerror="{PWNED}">',  # an attribute name with a colon
                    f"[my notes](files/javascript:{PWNED})",  # the templates strip files/
                    f"$\\style{{background-image:url({TRACKER})}}{{x}}$",
                    f'$\\text{{<img src="x" onerror="{PWNED}">}}$',  # stays: its math is text (TeX source in the feedback)
                    f"![a picture]({TRACKER})",
                    "![a picture](attachment:missing.png)",  # nbconvert cannot render it
                    # stays too; latex2mathml copies \\text{...} unescaped, and a browser reads "/" between attributes
                    f'$\\text{{</mtext></mrow></math><mi/tabindex="0"/autofocus/onfocus="{PWNED}"/style="animation-name:'
                    f'progress-bar-stripes;animation-duration:1s"/onanimationstart="{PWNED}">x</mi><math><mrow><mtext>}}$']
MATH_AS_TEXT = {6, 9}  # the cells shown as markdown: MathJax and the feedback show their \\text{...} as text
HOSTILE_OUTPUTS = f"""from IPython.display import HTML, SVG, Javascript, display, publish_display_data
display(HTML({'<b>bold</b><img src="x" onerror="' + PWNED + '">'!r}))
display(Javascript({PWNED!r}))
display(SVG({'<svg xmlns="http://www.w3.org/2000/svg" onload="' + PWNED + '"><script>' + PWNED + '</script></svg>'!r}))
publish_display_data({{"image/png": "iVBORw0KGgo="}}, metadata={{"filenames": {{"image/png": {TRACKER!r}}}}})"""


def with_hostile_html(notebooks_by_name):
    """Copies of the notebooks with the HOSTILE markdown cells and a cell of outputs (run before the
    tests), each of which would run script, or fetch from another server, in a page that showed it
    as it is."""
    result = {}
    for name, nb in notebooks_by_name.items():
        nb = nbformat.from_dict(json.loads(json.dumps(nb)))
        cells = [nbformat.v4.new_markdown_cell(f"{source}\n\nNOTE {n}") for n, source in enumerate(HOSTILE_MARKDOWN)]
        nb.cells[1:1] = [*cells, nbformat.v4.new_code_cell(HOSTILE_OUTPUTS)]
        result[name] = nb
    return result


class StartTags(HTMLParser):
    """An HTML text's start tags, each with its attributes, read as a browser reads them (with "/" or
    newlines between attributes, or unquoted values: `<mi/onfocus=...>`)."""

    def __init__(self, text):
        super().__init__()
        self.tags = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag
