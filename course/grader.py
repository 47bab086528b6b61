"""The nbgrader driver of one grading worker: nbgrader's Autograde and GenerateFeedback for one
student at a time, with kernels forked by the worker's fork server, and the submission's verdict.

Each worker grades many submissions with nbgrader's own Autograde converter, configured from the
course's nbgrader_config.py (TrustedExecute included), so the gradebook ends up exactly as after
`nbgrader autograde`. What the driver adds:

- kernels forked from one warm Python per worker (course/kernel_fork.py) instead of started one
  by one: a new interpreter with ipykernel, NumPy and matplotlib is most of nbgrader's time per
  submission;
- a vetted copy of each submission for nbgrader to read (course/vet.py);
- a verdict per submission (score, or the reasons it has none) read from the files
  (course/verdict.py), instead of one exception that hides which submission failed;
- the student's feedback HTML, generated right after grading (unless --no-feedback).
"""
import contextlib
import gc
import io
import logging
import shutil
import sqlite3
import sys
import time
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import nbformat
from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpecManager
from nbgrader.api import Gradebook, InvalidEntry, MissingEntry
from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.preprocessors import Execute
from sqlalchemy.exc import OperationalError
from traitlets.config import Config
from traitlets.utils.importstring import import_item

from . import GraderFault, diagnosis
from .canary import problems
from .kernel_fork import ForkedKernelManager, ForkServer, imported_modules
from .limits import Limits
from .preprocessors import is_test_cell, trust_lesson
from .sandbox import SandboxedKernelManager
from .table import shown, shown_lines
from .trusted_execute import TrustedExecute, parsed_test_cell
from .verdict import (FAILED, KEPT, Outcome, after_grading, before_grading, course_cells, last_error, release_code,
                      whole_lesson)
from .vet import vetted_copy

LOCK_RETRIES = 3  # another program (formgrader) can hold the SQLite gradebook for a moment


class ForkedKernels:
    """Mixed into the course's configured Execute preprocessor (TrustedExecute) by `forked_steps`,
    once per worker: every kernel comes from `kernel_manager` (bound to the worker's fork server,
    course/kernel_fork.py); time spent in cells is added to `state.cell_seconds`, and a GraderFault is
    kept in `state.fault` (nbgrader logs it as the submission's failure, Grader.grade raises it)."""

    kernel_manager = state = None  # set on the class that forked_steps makes
    # a forked kernel has imported all it needs (its server did) before it starts in the folder with the
    # submission's files: if it does not start, the grader failed (modules there named like ipykernel_launcher,
    # numpy, zmq... change nothing: tests/test_grader_faults.py)
    kernel_start_is_the_graders = True

    def __init__(self, **kw):
        super().__init__(**kw)
        self.kernel_manager_class = self.kernel_manager

    def preprocess(self, nb, resources=None, km=None):
        self.kernel_manager.server.ready()  # once ready in the sandbox, it spares require_sandbox its own Python
        try:
            return super().preprocess(nb, resources, km)
        except GraderFault as fault:
            self.state.fault = fault
            raise

    def preprocess_cell(self, cell, resources, index):
        start = time.perf_counter()
        try:
            return super().preprocess_cell(cell, resources, index)
        finally:
            self.state.cell_seconds += time.perf_counter() - start


class Records(logging.Handler):
    """Keeps nbgrader's warnings and errors about one submission, for the run's log (and the last error,
    when nbgrader refused a submission for a reason of its own). They quote the submission (a cell's
    grade id, a file's name), so each line is kept `shown`: the log is read in a terminal. nbgrader warns
    once per cell it does not know, so a submission may bring thousands: the first WARNINGS are kept."""

    WARNINGS = 100

    def __init__(self):
        super().__init__(logging.WARNING)
        self.clear()

    def clear(self):
        self.lines, self.warnings, self.left_out = [], 0, 0
        self.locked = False  # whether nbgrader failed on a locked SQLite gradebook

    def emit(self, record):
        self.locked = self.locked or gradebook_locked(sys.exc_info()[1])  # nbgrader logs as it handles the error
        if record.levelno < logging.ERROR and self.warnings == self.WARNINGS:
            self.left_out += 1
            return
        self.warnings += record.levelno < logging.ERROR
        self.lines.append(shown_lines(record.getMessage()))

    def text(self):
        left_out = [f"只记录了前{self.WARNINGS}条警告，另有{self.left_out}条 / the first {self.WARNINGS} warnings, "
                    f"and {self.left_out} more not logged"] if self.left_out else []
        return "\n".join(left_out + self.lines)  # the last line stays the last error's


def gradebook_locked(error):
    """Whether `error`, or an error it arose from, is SQLite's "database is locked": the grader's own, which
    no student can raise (a kernel can write the words into nbgrader's log: an IOPub message's type, a cell
    quoted in a timeout's message)."""
    while error is not None:
        if isinstance(error, sqlite3.OperationalError) and "database is locked" in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


def forked_steps(app, scratch, started=None):
    """nbgrader's configured autograde steps with the Execute step's kernels forked by a new fork
    server (in `scratch`; it takes over `started`, a server already launched, if that imports at least
    what this configuration asks for in the same sandbox): (steps, the forked Execute class, the server)."""
    configured = Autograde(coursedir=app.coursedir, parent=app).autograde_preprocessors
    steps = [import_item(p) if isinstance(p, str) else p for p in configured]
    execute = next(p for p in steps if issubclass(p, Execute))
    sandbox = SandboxedKernelManager(parent=app) if TrustedExecute(parent=app).sandbox else None
    server = ForkServer(imported_modules(source_folder(app)), sandbox, scratch, Limits(parent=app))
    if started is not None:
        server.take_over(started)
    forked = type(f"Forked{execute.__name__}", (ForkedKernels, execute),
                  {"kernel_manager": ForkedKernelManager.bound_to(server), "state": SimpleNamespace(cell_seconds=0.0, fault=None)})
    return [forked if p is execute else p for p in steps], forked, server


def source_folder(app):
    return Path(app.coursedir.format_path(app.coursedir.source_directory, ".", app.coursedir.assignment_id))


def warm_up(app):
    """What each worker grading with `app` would do alike, done once by the process that forks them, which
    they inherit: on its first notebook, find the kernel spec (which imports IPython and reads the kernel
    provisioners' entry points), read the release and source notebooks the verdict compares with (which
    compiles nbformat's validator), compile the test cells and read the lesson's markdown (SafeHTML's); on its
    first failing check, load the catalogue's mistakes. Nothing is frozen out of garbage collection here, as
    a worker does: with the coordinator's objects frozen, a run interrupted while the canary ran now and then
    left its early tries in the gradebook (tests/test_grader_faults.py, 2 runs in 3; why was not found). Only
    a saving: a step that fails is left to the workers, which meet the error where it is reported, and what
    it prints is not shown over the progress bar."""
    coursedir, source = app.coursedir, source_folder(app)
    release = Path(coursedir.format_path(coursedir.release_directory, ".", coursedir.assignment_id))

    def lesson():
        release_code(release)
        course_cells(release)
        course_cells(source)
        for path in sorted(source.glob("*.ipynb")):  # the gradebook's copy of a test cell, which the grader runs
            for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
                if is_test_cell(cell):
                    parsed_test_cell(cell.source, index)
        trust_lesson(release)

    def mistakes():
        live = diagnosis.for_grading(source, Path(coursedir.root) / "samples" / coursedir.assignment_id)
        for mistake in live.mistakes.values():
            live.namespace(mistake)

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for step in (lambda: KernelSpecManager(parent=app).get_kernel_spec(NATIVE_KERNEL_NAME), lesson, mistakes):
            with contextlib.suppress(Exception, SystemExit):
                step()


def entry_state(app, student):
    """The student's gradebook entry of the assignment as it is (None: there is none), for restore_entry:
    what autograding writes (a manual grade is the instructor's, and stays as it is). Raises GraderFault if the
    gradebook stays locked (nbgrader has not begun: nothing to put back)."""
    def read():
        with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as gb:
            try:
                submission = gb.find_submission(app.coursedir.assignment_id, student)
            except MissingEntry:
                return None
            return {"timestamp": submission.timestamp,
                    "grades": {(nb.name, g.name): (g.auto_score, g.needs_manual_grade)
                               for nb in submission.notebooks for g in nb.grades},
                    "comments": {(nb.name, c.name): c.auto_comment
                                 for nb in submission.notebooks for c in nb.comments}}
    return despite_a_lock(app, read, (f"{shown(student)}未评分", f"{shown(student)} not graded"))


def despite_a_lock(app, step, failure):
    """`step()`'s result, tried again while it fails on the gradebook, which another program (formgrader) can
    hold for a moment (LOCK_RETRIES tries in all). If it still fails: GraderFault, saying why and `failure`
    ((Chinese, English): what is left undone)."""
    for attempt in range(LOCK_RETRIES):
        try:
            return step()
        except (OperationalError, InvalidEntry) as error:  # nbgrader's remove_* turn a failed commit into InvalidEntry
            app.log.error("%s: %s", type(error).__name__, error)  # the run's log says why it waited
            last = error
            if attempt + 1 < LOCK_RETRIES:
                time.sleep(1 + attempt)
    zh, en = failure
    if gradebook_locked(last):
        raise GraderFault(f"成绩册被锁定，{zh} / the gradebook is locked: {en}")
    why = " ".join(f"{type(last).__name__}: {last}".split())[:300]
    raise GraderFault(f"成绩册无法使用（{why}），{zh} / the gradebook cannot be used ({why}): {en}")


def entry_json(entry):
    """entry_state's entry as plain JSON data (for a file or Redis); entry_from_json reads it back."""
    return None if entry is None else {
        "timestamp": entry["timestamp"] and entry["timestamp"].isoformat(),
        "grades": [[*k, *v] for k, v in entry["grades"].items()],
        "comments": [[*k, v] for k, v in entry["comments"].items()]}


def entry_from_json(kept):
    return kept and {"timestamp": kept["timestamp"] and datetime.fromisoformat(kept["timestamp"]),
                     "grades": {(nb, name): tuple(v) for nb, name, *v in kept["grades"]},
                     "comments": {(nb, name): v for nb, name, v in kept["comments"]}}


def restore_entry(app, student, entry, forget_student=False):
    """Put the student's gradebook entry back as entry_state found it before an attempt the grader failed:
    removed if there was none (it would count as a zero), else its earlier grades and comments (nbgrader
    saves each notebook's as it goes: not a mix of new and old). `forget_student`: the gradebook did not
    know the student before the run (nbgrader adds her): her row goes too, if she has no other submission
    by then. Raises GraderFault if the gradebook stays locked."""
    assignment = app.coursedir.assignment_id

    def put_back():
        with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as gb:
            try:
                submission = gb.find_submission(assignment, student)
            except MissingEntry:
                submission = None
            if entry is None:
                if submission is not None:
                    gb.remove_submission(assignment, student)
                if forget_student:
                    with contextlib.suppress(MissingEntry):
                        if not gb.find_student(student).submissions:
                            gb.remove_student(student)
                return
            if submission is None:
                return
            submission.timestamp = entry["timestamp"]
            for nb in submission.notebooks:  # a manual grade given since (the next day, say) stays
                for g in nb.grades:
                    if (nb.name, g.name) in entry["grades"]:
                        g.auto_score, g.needs_manual_grade = entry["grades"][nb.name, g.name]
                for c in nb.comments:
                    if (nb.name, c.name) in entry["comments"]:
                        c.auto_comment = entry["comments"][nb.name, c.name]
            gb.db.commit()
    despite_a_lock(app, put_back, (f"{shown(student)}的记录可能有误", f"{shown(student)}'s entry may be wrong"))


class Grader:
    """One worker's nbgrader: the app is configured once, then grades one student at a time.

    nbgrader reads each submission from a vetted copy in the worker's scratch folder
    (course/vet.py), never from submitted/ itself."""

    def __init__(self, app, force, with_feedback, scratch, started=None):
        self.app, self.force, self.with_feedback = app, force, with_feedback
        self.records, self.feedback = Records(), None
        app.log.handlers = [self.records]
        app.log.propagate = False
        app.log.setLevel(logging.WARNING)
        steps, self.execute, self.server = forked_steps(app, scratch, started)
        self.server.prewarm()  # it imports while this worker sets up and waits for its first student
        app.update_config(Config(Autograde={"autograde_preprocessors": steps}))
        self.submitted, self.scratch = app.coursedir.submitted_directory, scratch
        trust_lesson(self.folder("release_directory"))  # in a worker forked after warm_up, already done
        app.coursedir.submitted_directory = str(Path(scratch) / "vetted")
        self.settled = False  # see grade
        self.whole_lesson = False  # whether the last submission graded ran the lesson's code unchanged

    def canary(self):
        """The problems of the course's own answers graded with this worker's kernels (course/canary.py)."""
        try:
            return problems(self.execute, self.app, source_folder(self.app), self.scratch)
        except Exception as error:  # the grader itself could not run
            return [f"{type(error).__name__}: {error}"]

    def grade(self, student, began=lambda entry: None):
        """Grade one student's submission: its Outcome. Just before nbgrader starts on it, `began` is given
        the student's gradebook entry as it is (`entry_state`), which a pool that sees this worker die puts
        back. When the grader fails (GraderFault), the entry is put back here, then the fault raised."""
        outcome, start = Outcome(student), time.perf_counter()
        self.execute.state.cell_seconds, self.execute.state.fault = 0.0, None
        coursedir = self.app.coursedir
        left_out = vetted_copy(coursedir.format_path(self.submitted, student, coursedir.assignment_id),
                               self.folder("submitted_directory", student), Limits(parent=self.app))
        graded = self.folder("autograded_directory", student)
        before = {p.name: p.stat().st_mtime_ns for p in graded.glob("*.ipynb")}
        entry = entry_state(self.app, student)
        began(entry)

        def autograded():
            converted = self.autograde(student)
            if self.execute.state.fault is not None:
                print(f"== {shown(student)} ==\n{self.records.text()}", file=sys.stderr, flush=True)
                restore_entry(self.app, student, entry)  # GraderFault if locked: the worker keeps its record
                self.execute.state.fault.entry_restored = True
                raise self.execute.state.fault
            return converted
        converted = self.while_locked(autograded)
        log = self.records.text()
        kept = bool(before) and before == {p.name: p.stat().st_mtime_ns for p in graded.glob("*.ipynb")}
        outcome.reasons = left_out + self.verdict(student, converted, kept)
        outcome.graded = converted and KEPT not in outcome.reasons
        self.whole_lesson = outcome.graded and not outcome.reasons and whole_lesson(
            self.folder("submitted_directory", student), self.folder("release_directory"))
        if outcome.graded and self.with_feedback:
            if not self.while_locked(lambda: self.write_feedback(student)):  # GetGrades reads the gradebook too
                outcome.reasons.append(f"反馈未生成 / no feedback: {last_error(self.records.text())}")
            log = "\n".join(filter(None, (log, self.records.text())))  # not glued to grading's last line
        # the vetted copy is done with: a worker (`course worker` above all) grades thousands of submissions
        shutil.rmtree(self.folder("submitted_directory", student).parent, ignore_errors=True)
        if log:  # the run's log file keeps what nbgrader said about each submission
            print(f"== {shown(student)} ==\n{log}", file=sys.stderr, flush=True)
        outcome.seconds, outcome.cell_seconds = time.perf_counter() - start, self.execute.state.cell_seconds
        gc.collect()  # cycles would keep this notebook's memory into the next one's, under Limits.grader_memory
        if not self.settled:  # what survives the first notebook (imports, set-up, caches) lives as long as the
            gc.freeze()  # worker: frozen, later collections do not walk its 176,000 objects (0.1–0.2 s each time)
            self.settled = True
        return outcome

    def while_locked(self, step):
        """`step()`, tried again while it fails on a locked SQLite gradebook (LOCK_RETRIES tries in all): whether it
        succeeded. `self.records` keeps what nbgrader said in the last try."""
        for attempt in range(LOCK_RETRIES):
            self.records.clear()
            done = step()
            if done or not self.records.locked:
                break
            time.sleep(1 + attempt)
        return done

    def autograde(self, student):
        """nbgrader's Autograde converter for one student; False if it failed (nbgrader logged why)."""
        self.app.coursedir.student_id = student
        return self.attempt(Autograde(coursedir=self.app.coursedir, parent=self.app, force=self.force).start)

    def write_feedback(self, student):
        """nbgrader's GenerateFeedback for one student. The converter is kept between students:
        its HTML exporter compiles the templates once, as one `nbgrader generate_feedback` run does."""
        self.app.coursedir.student_id = student
        if self.feedback is None:
            self.feedback = GenerateFeedback(coursedir=self.app.coursedir, parent=self.app, force=True)
            return self.attempt(self.feedback.start)
        return self.attempt(self.feedback.init_notebooks) and self.attempt(self.feedback.convert_notebooks)

    def attempt(self, step):
        try:
            step()
            return True
        except Exception as error:  # nbgrader logged the details; the verdict reads them
            self.app.log.error("%s: %s", type(error).__name__, error)
            return False

    def verdict(self, student, converted, kept):
        """The reasons of one graded (or not gradable) submission, from the files (course/verdict.py)."""
        if converted and kept:
            return [KEPT]
        submitted, release = self.folder("submitted_directory", student), self.folder("release_directory")
        reasons = before_grading(submitted, release)
        if converted or not reasons:  # a missing or unreadable notebook has no cells to compare
            reasons += after_grading(submitted, release, self.folder("source_directory"),
                                     self.folder("autograded_directory", student))
        if not converted and not reasons:  # nbgrader refused it for a reason of its own
            reasons.append(f"{FAILED}: {last_error(self.records.text())}")
        return reasons

    def folder(self, kind, student="."):
        coursedir = self.app.coursedir
        return Path(coursedir.format_path(getattr(coursedir, kind), student, coursedir.assignment_id))

    def close(self):
        self.server.close()
