"""`python -m course check NOTEBOOK`: grade one notebook against the hidden tests, locally.

The notebook is graded by real nbgrader in a throw-away copy of the course, exactly as the
instructor's `course grade` would (course/grader.py: the same Autograde steps, sandbox and fork
server); the report shows each test's verdict and bilingual message, never the hidden test code.

A student waits for this, so everything runs in this one process (no `nbgrader` command lines),
and the fork server (course/kernel_fork.py) starts first: it imports NumPy, matplotlib and
ipykernel while this process builds the assignment's gradebook.
"""
import contextlib
import io
import shutil
import tempfile
import textwrap
import threading
from pathlib import Path

import nbformat

from . import CourseError, assignments, grade_id
from .build import course_files
from .table import shown, shown_lines

STUDENT = "self-check"


def find_assignment(notebook, course):
    for assignment in assignments(course):
        if (course / "source" / assignment / notebook.name).exists():
            return assignment
    return None


def test_messages(autograded):
    """{grade id: failure text}, in notebook order, from the graded cells' error outputs.

    Only what the tests printed, the error name and its message are kept: the traceback would show hidden test code."""
    messages = {}
    for cell in nbformat.read(autograded, as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
            printed = "".join(o.text for o in cell.get("outputs", []) if o.output_type == "stream").strip()
            messages[grade_id(cell)] = f"{errors[0].ename}: {errors[0].evalue}" if errors else printed
    return messages


def new_gradebook(url):
    """An empty gradebook exactly as nbgrader makes one (its tables and alembic version), without
    the `alembic heads` command nbgrader runs for it (a new Python: seconds)."""
    from alembic.script import ScriptDirectory
    from nbgrader.api import Base
    from nbgrader.dbutil import ALEMBIC_DIR
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        Base.metadata.create_all(bind=engine)
        with engine.begin() as db:
            db.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            db.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"),
                       {"head": ScriptDirectory(ALEMBIC_DIR).get_current_head()})
    finally:
        engine.dispose()


def generate(assignment, copy):
    """`nbgrader generate_assignment ASSIGNMENT --force` in the course copy, in this process."""
    from nbgrader.apps import GenerateAssignmentApp
    from nbgrader.converters import GenerateAssignment

    from .nbgrader_setup import nbgrader_app
    app = nbgrader_app(assignment, copy, ["--force"], app_class=GenerateAssignmentApp)
    new_gradebook(app.coursedir.db_url)
    try:
        GenerateAssignment(coursedir=app.coursedir, parent=app).start()
    except Exception as error:
        raise CourseError(f"生成{assignment}失败 / building {assignment} failed: {error}") from error


def main(path, course="."):
    notebook, course = Path(path).resolve(), Path(course).resolve()
    assignment = find_assignment(notebook, course)
    if not notebook.is_file() or assignment is None:
        print(f"找不到这门课的笔记本：{shown(path)}\nNot a notebook of this course: {shown(path)}\n"
              f"(expected one of / 应为: {', '.join(p.name for a in assignments(course) for p in (course / 'source' / a).glob('*.ipynb'))})")
        return 2
    from nbgrader.api import Gradebook

    from .grader import Grader
    from .nbgrader_setup import nbgrader_app
    from .sandbox import sandbox_problem, require_sandbox
    from .trusted_execute import TrustedExecute
    from .workers import remove_scratch, worker_scratch

    with tempfile.TemporaryDirectory(prefix="course-check-") as tmp:
        copy, scratch = course_files(tmp, [assignment], course), worker_scratch()
        submitted = copy / "submitted" / STUDENT / assignment
        submitted.mkdir(parents=True)
        shutil.copy(notebook, submitted / notebook.name)
        app = nbgrader_app(assignment, copy)
        grader = Grader(app, force=True, with_feedback=False, scratch=scratch)  # its fork server starts now
        sandboxed = TrustedExecute(parent=app).sandbox
        probe = threading.Thread(target=sandbox_problem if sandboxed else bool, daemon=True)
        probe.start()  # the sandbox's own check (a Python started in it) runs meanwhile too
        try:
            generate(assignment, copy)
            probe.join()
            if sandboxed:
                require_sandbox()  # SandboxUnavailable: say so, rather than fail on every cell
            with contextlib.redirect_stderr(io.StringIO()):  # nbgrader's warnings: the verdict says what matters
                outcome = grader.grade(STUDENT)
        finally:
            grader.close()
            remove_scratch(scratch)
        autograded = copy / "autograded" / STUDENT / assignment / notebook.name
        if not autograded.exists():
            print("无法评分：笔记本损坏或不是有效的nbgrader笔记本。\nCould not grade: the notebook is broken "
                  "or not a valid nbgrader notebook.\n" + "\n".join(map(shown, outcome.reasons))[-2000:])
            return 2
        messages = test_messages(autograded)
        with Gradebook(app.coursedir.db_url) as gb:
            submission = gb.find_submission_notebook(notebook.stem, assignment, STUDENT)
            scores = {g.name: (g.score, g.max_score) for g in submission.grades}
            total, most = submission.score, submission.max_score
    print(f"{notebook.name} ({assignment})")
    for name, message in messages.items():  # a grade id and a test's output may be the student's text: shown inert
        score, max_score = scores[name]
        print(f"  {'✓' if score == max_score else '✗'} {shown(name):<40} {score:g}/{max_score:g}")
        if message and score < max_score:
            print(textwrap.indent(shown_lines(message), "      "))
    print(f"总分 / total: {total:g}/{most:g}")
    for reason in outcome.reasons:  # e.g. tampered cells: what the instructor's summary will say too
        print(f"说明 / note: {shown(reason)}")
    return 0
