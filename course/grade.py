"""`python -m course grade ASSIGNMENT`: autograde a whole class in parallel.

Each worker process is forked once and grades many submissions with nbgrader's own Autograde
converter, configured from the course's nbgrader_config.py (TrustedExecute included), so the
gradebook ends up exactly as after `nbgrader autograde`. What a worker adds:

- kernels forked from one warm Python per worker (course/kernel_fork.py) instead of started one
  by one: a new interpreter with ipykernel, NumPy and matplotlib is most of nbgrader's time per
  submission;
- a vetted copy of each submission for nbgrader to read (course/vet.py);
- a verdict per submission (score, or the reasons it has none) read from the files
  (course/verdict.py), instead of one exception that hides which submission failed;
- the student's feedback HTML, generated right after grading, in parallel (unless --no-feedback).

The parent first runs the assignment's source notebooks as a canary (course/canary.py), then hands
out submissions, shows progress, replaces a worker that dies and removes what it left, then writes
the grades CSV, the summary and the instructor's report (course/report.py).
"""
import ast
import contextlib
import json
import logging
import multiprocessing
import os
import queue
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
import psutil
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import AutogradeApp
from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.plugins.export import CsvExportPlugin
from nbgrader.preprocessors import Execute
from traitlets.config import Config
from traitlets.utils.importstring import import_item

from .canary import BROKEN, problems
from .kernel_fork import ForkedKernelManager, ForkServer
from .sandbox import SandboxedKernelManager, SandboxUnavailable, remove_cgroups_named, require_sandbox
from .trusted_execute import TrustedExecute
from .verdict import (FAILED, GRADER_FAILED, KEPT, MISSING, TIMED_OUT, WORKER_DIED, after_grading, before_grading,
                      last_error)
from .vet import vetted_copy

# nbgrader's Execute already stops a looping cell (Execute.timeout); this only catches a worker
# stuck outside a cell, e.g. on a kernel that ignores interrupts and never dies.
WORKER_DEADLINE = 15 * 60
LOCK_RETRIES = 3  # another program (formgrader) can hold the SQLite gradebook for a moment


@dataclass
class Outcome:
    student: str
    graded: bool = False
    reasons: list = field(default_factory=list)
    seconds: float = 0.0
    cell_seconds: float = 0.0  # time the kernel spent running cells (the benchmark's floor)
    score: float = None
    max_score: float = None


# ---------------------------------------------------------------- worker side
def imported_modules(folder):
    """The modules the notebooks in `folder` import at top level (numpy, matplotlib.pyplot, ...)."""
    modules = set()
    for path in sorted(Path(folder).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
            try:
                tree = ast.parse(code) if cell.cell_type == "code" else ast.Module([], [])
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    modules.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules.add(node.module)
    return sorted(modules)


class ForkedKernels:
    """Mixed into the course's configured Execute preprocessor (TrustedExecute): every kernel is
    forked by the worker's fork server (course/kernel_fork.py); time spent in cells is counted."""

    cell_seconds = 0.0

    def __init__(self, **kw):
        super().__init__(**kw)
        self.kernel_manager_class = ForkedKernelManager

    def preprocess_cell(self, cell, resources, index):
        start = time.perf_counter()
        try:
            return super().preprocess_cell(cell, resources, index)
        finally:
            ForkedKernels.cell_seconds += time.perf_counter() - start


class Records(logging.Handler):
    """Keeps nbgrader's warnings and errors about one submission, for the run's log (and the last error,
    when nbgrader refused a submission for a reason of its own)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())

    def text(self):
        return "\n".join(self.lines)


def forked_steps(app, scratch):
    """nbgrader's configured autograde steps with the Execute step's kernels forked by a new fork
    server (in `scratch`): (steps, the forked Execute class, the server)."""
    configured = Autograde(coursedir=app.coursedir, parent=app).autograde_preprocessors
    steps = [import_item(p) if isinstance(p, str) else p for p in configured]
    execute = next(p for p in steps if issubclass(p, Execute))
    forked = type(f"Forked{execute.__name__}", (ForkedKernels, execute), {})
    sandbox = SandboxedKernelManager(parent=app) if TrustedExecute(parent=app).sandbox else None
    ForkedKernelManager.server = server = ForkServer(imported_modules(source_folder(app)), sandbox, scratch)
    return [forked if p is execute else p for p in steps], forked, server


def source_folder(app):
    return Path(app.coursedir.format_path(app.coursedir.source_directory, ".", app.coursedir.assignment_id))


class Grader:
    """One worker's nbgrader: the app is configured once, then grades one student at a time.

    nbgrader reads each submission from a vetted copy in the worker's scratch folder
    (course/vet.py), never from submitted/ itself."""

    def __init__(self, app, force, with_feedback, scratch):
        self.app, self.force, self.with_feedback = app, force, with_feedback
        self.records, self.feedback = Records(), None
        app.log.handlers = [self.records]
        app.log.propagate = False
        app.log.setLevel(logging.WARNING)
        steps, _, self.server = forked_steps(app, scratch)
        app.update_config(Config(Autograde={"autograde_preprocessors": steps}))
        self.submitted = app.coursedir.submitted_directory
        app.coursedir.submitted_directory = str(Path(scratch) / "vetted")

    def grade(self, student):
        outcome, start = Outcome(student), time.perf_counter()
        ForkedKernels.cell_seconds = 0.0
        coursedir = self.app.coursedir
        left_out = vetted_copy(coursedir.format_path(self.submitted, student, coursedir.assignment_id),
                               self.folder("submitted_directory", student))
        graded = self.folder("autograded_directory", student)
        before = {p.name: p.stat().st_mtime_ns for p in graded.glob("*.ipynb")}
        for attempt in range(LOCK_RETRIES):
            self.records.lines.clear()
            converted = self.autograde(student)
            if "database is locked" not in self.records.text():
                break
            time.sleep(1 + attempt)
        log = self.records.text()
        kept = bool(before) and before == {p.name: p.stat().st_mtime_ns for p in graded.glob("*.ipynb")}
        outcome.reasons = left_out + self.verdict(student, converted, kept)
        outcome.graded = converted and KEPT not in outcome.reasons
        if outcome.graded and self.with_feedback:
            self.records.lines.clear()
            if not self.write_feedback(student):
                outcome.reasons.append(f"反馈未生成 / no feedback: {last_error(self.records.text())}")
            log += self.records.text()
        if log:  # the run's log file keeps what nbgrader said about each submission
            print(f"== {student} ==\n{log}", file=sys.stderr, flush=True)
        outcome.seconds, outcome.cell_seconds = time.perf_counter() - start, ForkedKernels.cell_seconds
        return outcome

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


def work(app, force, with_feedback, log_path, scratch, tasks, results):
    """A worker process: grade students from `tasks` until it receives None."""
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(log, 1)  # nbgrader's and the kernels' own output goes to the log, not over the progress bar
    os.dup2(log, 2)
    grader = Grader(app, force, with_feedback, scratch)
    try:
        for student in iter(tasks.get, None):
            results.put(("start", os.getpid(), student))
            results.put(("done", os.getpid(), asdict(grader.grade(student))))
    finally:
        grader.close()
        shutil.rmtree(scratch, ignore_errors=True)


# ---------------------------------------------------------------- parent side
def submissions(course, assignment, students=()):
    found = sorted(p.parent.name for p in (Path(course) / "submitted").glob(f"*/{assignment}") if p.is_dir())
    return [s for s in found if s in students] if students else found


@contextlib.contextmanager
def inside(folder):
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def nbgrader_app(assignment, overrides=()):
    """nbgrader configured as `nbgrader autograde ASSIGNMENT [overrides]` in the current folder."""
    app = AutogradeApp()
    app.initialize([assignment, *overrides])
    app.coursedir.assignment_id = assignment
    app.log.setLevel(logging.WARNING)  # the progress bar and the summary say what happened
    return app


class Workers:
    """Worker processes sharing one task queue. A dead or stuck worker's submission gets a reason, the
    worker is replaced and what it left (its scratch folder, its sandbox's cgroups) is removed."""

    def __init__(self, app, force, with_feedback, jobs, students, log_path):
        self.context = multiprocessing.get_context("fork")  # workers inherit the configured nbgrader
        self.args = (app, force, with_feedback, str(log_path))
        self.tasks, self.results = self.context.Queue(), self.context.Queue()
        for student in students:
            self.tasks.put(student)
        self.remaining, self.processes, self.busy, self.scratch = len(students), {}, {}, {}
        self.spares = len(students) + jobs  # replacements before the grader itself is taken to be broken
        for _ in range(min(jobs, len(students))):
            self.tasks.put(None)  # after every task: a worker stops only when the queue is empty
            self.spawn()

    def spawn(self):
        scratch = worker_scratch()
        process = self.context.Process(target=work, args=(*self.args, scratch, self.tasks, self.results),
                                       daemon=True)
        process.start()
        self.processes[process.pid], self.scratch[process.pid] = process, scratch

    def outcomes(self):
        """Yield an Outcome per submission as workers finish them."""
        while self.remaining:
            yield from self.receive(timeout=1)
            yield from self.reap()

    def receive(self, timeout=None):
        while True:
            try:
                kind, pid, data = self.results.get(timeout=timeout) if timeout else self.results.get_nowait()
            except queue.Empty:
                return
            timeout = None
            if kind == "start":
                self.busy[pid] = (data, time.monotonic())
            else:
                self.busy.pop(pid, None)
                self.remaining -= 1
                yield Outcome(**data)

    def reap(self):
        now = time.monotonic()
        stuck = [pid for pid, (_, since) in self.busy.items() if now - since > WORKER_DEADLINE]
        for pid in stuck:
            kill_tree(pid)
        dead = [pid for pid, process in self.processes.items() if not process.is_alive()]
        if not dead:
            return
        yield from self.receive()  # what the dead sent before they died
        for pid in dead:
            process = self.processes.pop(pid)
            process.join()
            remove_scratch(self.scratch.pop(pid))
            if pid in self.busy:
                student, _ = self.busy.pop(pid)
                self.remaining -= 1
                yield Outcome(student, reasons=[TIMED_OUT if pid in stuck else f"{WORKER_DIED} (exit {process.exitcode})"])
            elif process.exitcode == 0 and (self.processes or not self.remaining):
                continue  # it found its None: done
            if self.spares:  # takes over the dead worker's share of the queue, including its None
                self.spares -= 1
                self.spawn()
        if not self.processes and self.remaining:  # workers die as soon as they start: the grader is broken
            yield from self.abandon()

    def abandon(self):
        """Every submission not yet graded, with the reason that the grader failed (not the student)."""
        while self.remaining:
            try:
                student = self.tasks.get(timeout=1)
            except queue.Empty:
                return
            if student is not None:
                self.remaining -= 1
                yield Outcome(student, reasons=[f"{GRADER_FAILED}: see reports/<assignment>/grading.log"])
        self.remaining = 0

    def close(self):
        for process in self.processes.values():
            process.join(timeout=10)  # a finished worker first stops its spare kernels
        for pid, process in self.processes.items():
            if process.is_alive():
                kill_tree(pid)
                process.join()
        for folder in self.scratch.values():
            remove_scratch(folder)


def worker_scratch():
    """A new scratch folder for a worker. The kernels' sockets live three levels below it and a
    socket's path has at most 107 bytes, so a long $TMPDIR gives way to /tmp."""
    base = tempfile.gettempdir()
    return tempfile.mkdtemp(prefix="tf-worker-", dir=base if len(base) <= 48 else "/tmp")


def remove_scratch(folder):
    """A worker's scratch folder, and the cgroups named after its fork servers' folders."""
    for forks in Path(folder).glob("tf-forks-*"):
        remove_cgroups_named(forks.name)
    shutil.rmtree(folder, ignore_errors=True)


def kill_tree(pid):
    """Stop a worker and the kernels it started (they run in their own sessions)."""
    try:
        process = psutil.Process(pid)
        family = process.children(recursive=True) + [process]
    except psutil.NoSuchProcess:
        return
    for member in family:
        try:
            member.kill()
        except psutil.NoSuchProcess:
            pass


def read_scores(app, outcomes):
    """Fill in the gradebook's score of every submission the gradebook knows."""
    with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as gb:
        for outcome in outcomes:
            try:
                submission = gb.find_submission(app.coursedir.assignment_id, outcome.student)
            except MissingEntry:
                continue
            if outcome.graded or KEPT in outcome.reasons or outcome.reasons == [MISSING]:
                outcome.score, outcome.max_score = submission.score, submission.max_score


def summary_table(outcomes):
    rows = [("student / 学生", "score / 得分", "notes / 说明")]
    for o in sorted(outcomes, key=lambda o: o.student):
        score = "—" if o.score is None else f"{o.score:.4g}/{o.max_score:.4g}"
        rows.append((o.student, score, "; ".join(o.reasons) or "ok"))
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    return "\n".join(f"{r[0].ljust(widths[0])}  {r[1].ljust(widths[1])}  {r[2]}" for r in rows)


def default_jobs():
    """One worker more than cores: a worker and its kernel take turns (the grader waits while the
    kernel runs a cell, and the other way round), so one per core leaves a core idle now and then.
    Measured here on 2 cores: 3 workers grade about 10% faster than 2, 4 no faster than 3."""
    return (os.cpu_count() or 1) + 1


def check_assignment(app):
    with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as gb:
        try:
            return bool(gb.find_assignment(app.coursedir.assignment_id).notebooks)
        except MissingEntry:
            return False


def check_grader(app):
    """Exit, leaving the gradebook untouched, unless the assignment's source scores full marks."""
    scratch = worker_scratch()
    try:
        _, forked, server = forked_steps(app, scratch)
        try:
            found = problems(forked, app, source_folder(app), scratch)
        finally:
            server.close()
    finally:
        remove_scratch(scratch)
    if found:
        sys.exit(BROKEN + "\n" + "\n".join(found[:10]))


def grade(assignment, course=".", jobs=None, students=(), force=False, overrides=(), progress=True, with_feedback=True):
    """Grade the class; return the outcomes (also written to reports/<assignment>/summary.json)."""
    from tqdm import tqdm

    from .report import write_report

    course = Path(course).resolve()
    reports = course / "reports" / assignment
    reports.mkdir(parents=True, exist_ok=True)
    with inside(course):
        app = nbgrader_app(assignment, overrides)
        if TrustedExecute(parent=app).sandbox:
            try:
                require_sandbox()
            except SandboxUnavailable as problem:  # refuse, rather than run student code unsandboxed
                sys.exit(str(problem))
        if not check_assignment(app):
            sys.exit(f"成绩册里没有作业{assignment}：请先运行 python -m course build\n"
                     f"The gradebook has no assignment {assignment}: run `python -m course build` first.")
        todo = submissions(course, assignment, students)
        if todo:
            check_grader(app)
        (reports / "grading.log").write_text("")
        outcomes, start = [], time.perf_counter()
        jobs = jobs or default_jobs()
        workers = Workers(app, force, with_feedback, jobs, todo, reports / "grading.log")
        bar = tqdm(total=len(todo), desc=assignment, unit="sub", disable=not progress, dynamic_ncols=True)
        try:
            for outcome in workers.outcomes():
                outcomes.append(outcome)
                bar.update()
                bar.set_postfix_str(f"问题 / problems: {sum(bool(o.reasons) for o in outcomes)}", refresh=False)
        finally:
            bar.close()
            workers.close()
        seconds = time.perf_counter() - start
        read_scores(app, outcomes)
        with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as gb:
            CsvExportPlugin(parent=app, to=str(reports / "grades.csv"), assignment=[assignment]).export(gb)
        (reports / "summary.json").write_text(json.dumps(
            {"assignment": assignment, "seconds": seconds, "jobs": jobs,
             "submissions": [asdict(o) for o in outcomes]}, ensure_ascii=False, indent=1))
        write_report(app.coursedir.db_url, app.coursedir.course_id, course, assignment, outcomes)
    return outcomes, seconds


def main(assignment, course=".", jobs=None, students=(), force=False, overrides=(), with_feedback=True):
    outcomes, seconds = grade(assignment, course, jobs, students, force, overrides, with_feedback=with_feedback)
    print(summary_table(outcomes))
    problems = sum(bool(o.reasons) for o in outcomes)
    reports = Path(course).resolve() / "reports" / assignment
    print(f"\n{len(outcomes)} 份提交，{seconds:.1f} 秒，{problems} 份有说明 / "
          f"{len(outcomes)} submissions in {seconds:.1f} s, {problems} with notes\n"
          f"报告 / report: {reports / 'report.md'}\n"
          f"成绩 / grades: {reports / 'grades.csv'}"
          + (f"\n反馈 / feedback: {Path(course).resolve() / 'feedback'}" if with_feedback else ""))
    return outcomes
