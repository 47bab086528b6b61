"""`python -m course check NOTEBOOK`: grade one notebook against the hidden tests, locally.

The notebook is graded by real nbgrader in a throw-away copy of the course, exactly as the
instructor's `course grade` would (course/grader.py: the same Autograde steps, sandbox and fork
server); the report shows each test's verdict and bilingual message, never the hidden test code.
The copy has its own gradebook, whatever nbgrader_config.py names: a self-check never writes to
the course's.

A student waits for this, so everything runs in this one process (no `nbgrader` command lines).
The fork server (course/kernel_fork.py) is launched first, before nbgrader is imported (a second),
and imports NumPy, matplotlib and ipykernel meanwhile. The assignment's gradebook and release,
which nbgrader's generate_assignment makes from source/ in about a second, are made once per
course version and kept in the user's cache folder.
"""
import contextlib
import io
import os
import shutil
import tempfile
import textwrap
from importlib.metadata import version
from pathlib import Path

from . import CourseError, assignments, course_version, grade_id, user_cache
from .kernel_fork import EarlyServers, remove_scratch
from .table import shown, shown_lines
from .verdict import MISSING

STUDENT = "self-check"
GRADEBOOK = "gradebook.db"


def find_assignment(notebook, course):
    for assignment in assignments(course):
        if (course / "source" / assignment / notebook.name).exists():
            return assignment
    return None


def test_messages(autograded):
    """{grade id: failure text}, in notebook order, from the graded cells' error outputs.

    Only what the tests printed, the error name and its message are kept: the traceback would show hidden test code."""
    import nbformat

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


def own_gradebook(copy):
    """The command-line option that gives nbgrader the course copy's own gradebook."""
    return f"--CourseDirectory.db_url=sqlite:///{Path(copy) / GRADEBOOK}"


def generate(assignment, copy):
    """`nbgrader generate_assignment ASSIGNMENT --force` in the course copy, in this process."""
    from nbgrader.apps import GenerateAssignmentApp
    from nbgrader.converters import GenerateAssignment

    from .nbgrader_setup import nbgrader_app
    app = nbgrader_app(assignment, copy, ["--force", own_gradebook(copy)], app_class=GenerateAssignmentApp)
    new_gradebook(app.coursedir.db_url)
    try:
        GenerateAssignment(coursedir=app.coursedir, parent=app).start()
    except Exception as error:
        raise CourseError(f"生成{assignment}失败 / building {assignment} failed: {error}") from error


def cached(assignment, course):
    """Where a check keeps the assignment's gradebook and release for this course version (source/,
    nbgrader_config.py, this package) and nbgrader: in the user's cache folder (None without one)."""
    cache = user_cache()
    name = f"{assignment}-{course_version(course)}-nbgrader{version('nbgrader')}"
    return None if cache is None else cache / "check" / name


def generated(assignment, copy, course):
    """The assignment's gradebook and release in the course copy, as `generate` makes them: copied
    from the cache if an earlier check kept them, else made, then kept in place of older versions."""
    gradebook, release, kept = copy / GRADEBOOK, copy / "release" / assignment, cached(assignment, course)
    if kept is not None and kept.is_dir():
        try:
            shutil.copy(kept / GRADEBOOK, gradebook)
            shutil.copytree(kept / "release", release)
            return
        except OSError:  # removed meanwhile by the check of a newer version: made here
            gradebook.unlink(missing_ok=True)
            shutil.rmtree(release, ignore_errors=True)
    generate(assignment, copy)
    if kept is not None:
        with contextlib.suppress(OSError):  # the cache only saves time: none where it cannot be written
            kept.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=kept.parent, prefix=".new-", ignore_cleanup_errors=True) as new:
                shutil.copy(gradebook, Path(new) / GRADEBOOK)
                shutil.copytree(release, Path(new) / "release")
                for older in kept.parent.glob(f"{assignment}-{'?' * 16}-nbgrader*"):
                    shutil.rmtree(older, ignore_errors=True)
                os.rename(new, kept)  # whole at once: another check copies all of it or none


def unreadable(notebook, name):
    """Why the notebook cannot be read (bilingual), or None: said here, not by a traceback."""
    try:
        if notebook.is_dir():
            return f"这是一个文件夹，不是笔记本：{name}\nThis is a folder, not a notebook: {name}"
        if not notebook.exists():
            return f"找不到这个文件：{name}\nNo such file: {name}"
        if not notebook.is_file():  # a FIFO, say: opened, it would wait for a writer
            return f"这不是一个普通文件：{name}\nThis is not a regular file: {name}"
        with open(notebook, "rb"):
            return None
    except OSError as error:  # e.g. a file, or a folder above it, this user may not read
        return f"无法读取这个文件：{name}（{error.strerror}）\nCannot read this file: {name} ({error.strerror})"


def main(path, course=".", sandboxed=True):
    notebook, course = Path(path).resolve(), Path(course).resolve()
    assignment = find_assignment(notebook, course)
    problem = unreadable(notebook, shown(path))
    if problem:
        print(problem)
        return 2
    if assignment is None:
        print(f"不是这门课的笔记本：{shown(path)}\nNot a notebook of this course: {shown(path)}\n"
              f"(expected one of / 应为: {', '.join(p.name for a in assignments(course) for p in (course / 'source' / a).glob('*.ipynb'))})")
        return 2
    # Launched with the default settings before nbgrader is imported; the grader takes it over if
    # the course's configuration asks for the same server (course/kernel_fork.py take_over), else
    # launches its own, whose errors it reports.
    with EarlyServers(course, [assignment], 1, sandboxed=sandboxed) as early:
        scratch, started = early.take()
    try:
        return check(notebook, assignment, course, scratch, started, sandboxed)
    finally:
        if started is not None:
            started.close()
        remove_scratch(scratch)


def check(notebook, assignment, course, scratch, started, sandboxed=True):
    """Grade the notebook in a throw-away copy of the course and print the verdict; the exit status."""
    from nbgrader.api import Gradebook

    from .build import course_files
    from .grader import Grader
    from .nbgrader_setup import nbgrader_app
    from .sandbox import require_sandbox
    from .trusted_execute import TrustedExecute

    with tempfile.TemporaryDirectory(prefix="course-check-") as tmp:
        copy = course_files(tmp, [assignment], course)
        submitted = copy / "submitted" / STUDENT / assignment
        submitted.mkdir(parents=True)
        shutil.copy(notebook, submitted / notebook.name)
        unsandboxed = [] if sandboxed else ["--TrustedExecute.sandbox=False"]
        app = nbgrader_app(assignment, copy, [own_gradebook(copy), *unsandboxed])
        grader = Grader(app, force=True, with_feedback=False, scratch=scratch, started=started)
        try:
            generated(assignment, copy, course)
            with contextlib.redirect_stderr(io.StringIO()):  # nbgrader's warnings: the verdict says what matters
                outcome = grader.grade(STUDENT)
            if TrustedExecute(parent=app).sandbox and not outcome.graded:
                require_sandbox()  # SandboxUnavailable: say so, rather than blame the notebook
        finally:
            grader.close()
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
        if reason != MISSING:  # the assignment's other notebooks: a check grades only this one
            print(f"说明 / note: {shown(reason)}")
    return 0
