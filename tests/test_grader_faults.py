"""When the grader itself fails, the students do not pay for it: a set-up that cannot run the
course's own answers stops before any grade is written, a grader that fails while grading leaves no
score, and a grading process that dies is replaced, with nothing of it left behind."""
import contextlib
import csv
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from nbgrader.api import Gradebook

from classroom import class_copy, course_command, sandbox_args, scores
from course.kernel_fork import HELD, ForkServer
from course.nbgrader_setup import nbgrader
from course.sample_class import notebooks, write_submission
from course.sandbox import SandboxedKernelManager, _cgroup_parents, make_cgroups, remove_cgroups
from course.verdict import GRADER_FAILED, KEPT, KERNEL_DIED, PAST_DEADLINE, WORKER_DIED, Outcome, grader_failed

pytestmark = pytest.mark.xdist_group("faults")
ASSIGNMENT = "02_sigmoid"


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def gradebook_dump(course):
    """The SQLite gradebook's tables and rows (a removed row leaves other bytes in the file)."""
    with contextlib.closing(sqlite3.connect(course / "gradebook.db")) as db:
        return list(db.iterdump())


def files(folder):
    """{path: (digest, modification time)} of every file under `folder`."""
    return {str(p.relative_to(folder)): (digest(p), p.stat().st_mtime_ns)
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def sigmoid_answer(found):
    """The sigmoid answer cell among the notebooks `found`."""
    return next(c for nb in found for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "sigmoid")


def add_to_source_answer(course, code):
    """Append `code` to the source's sigmoid answer, which only the canary runs (unsandboxed in these
    tests, its kernel sees the course's folders and tmp_path)."""
    source = course / "source" / ASSIGNMENT / "sigmoid.ipynb"
    nb = nbformat.read(source, as_version=4)
    sigmoid_answer([nb]).source += "\n" + code
    nbformat.write(nb, source)


def answering_with(code):
    """A submission of ASSIGNMENT that passes every test, with `code` appended to its sigmoid answer."""
    found = notebooks(ASSIGNMENT)
    sigmoid_answer(found.values()).source += "\n" + code
    return found


def waiting_for(path):
    """Code that waits until `path` exists (the test makes it)."""
    return f"import pathlib, time\nwhile not pathlib.Path({str(path)!r}).exists():\n    time.sleep(0.05)\n"


def noting_start(path):
    """Code that adds a line to `path` each time it runs."""
    return f"with open({str(path)!r}, 'a') as f:\n    f.write('started\\n')\n"


def until(done, run):
    """Wait until `done()` or the run (a Popen) has ended: on its end, or every 50 ms."""
    while not done() and run.poll() is None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            run.wait(timeout=0.05)


def graded_once(course):
    """Grade the class as it is (no sandbox, no feedback); the run must succeed."""
    first = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--no-sandbox", "--no-feedback"),
                           capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stderr[-2000:]


def summary(course):
    """{student: outcome} of the last run's summary.json."""
    found = json.loads((course / "reports" / ASSIGNMENT / "summary.json").read_text())["submissions"]
    return {o["student"]: o for o in found}


def waiting_for_feedback(course, student, saw):
    """Code that waits until the student's feedback HTML is written, then touches `saw`."""
    feedback = course / "feedback" / student / ASSIGNMENT
    return (f"import pathlib, time\nwhile not list(pathlib.Path({str(feedback)!r}).glob('*.html')):\n"
            f"    time.sleep(0.05)\npathlib.Path({str(saw)!r}).touch()\n")


def failing_a_test():
    """A submission of ASSIGNMENT whose sigmoid_derivative is wrong: sigmoid's tests pass, not all."""
    found = notebooks(ASSIGNMENT)
    answer = next(c for nb in found.values() for c in nb.cells
                  if c.metadata.get("nbgrader", {}).get("grade_id") == "sigmoid_derivative")
    answer.source += "\n\ndef sigmoid_derivative(z):\n    return sigmoid(z)\n"
    return found


def without_a_lesson_cell():
    """A submission of ASSIGNMENT that passes every test, with the lesson's first plain code cell deleted."""
    found = notebooks(ASSIGNMENT)
    nb = next(iter(found.values()))
    nb.cells.remove(next(c for c in nb.cells if c.cell_type == "code" and "nbgrader" not in c.metadata))
    return found


@pytest.mark.parametrize("s1", ["passes", "fails a test", "passes without a lesson cell"])
def test_a_student_who_passes_every_test_spares_the_canary(tmp_path, s1):
    """A blank submission that ran the whole lesson and passed every test (s1's) shows what the canary
    would: the run needs no canary (the source's answer, edited, leaves a mark when it runs). When s1
    fails a test, or passes having deleted some of the lesson's code (lighter than the canary's
    notebook), the canary runs, then the class counts as graded."""
    submission = {"passes": lambda: notebooks(ASSIGNMENT), "fails a test": failing_a_test,
                  "passes without a lesson cell": without_a_lesson_cell}[s1]()
    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s1": submission, "s2": failing_a_test()})
    ran = tmp_path / "the canary ran"
    add_to_source_answer(course, f"import pathlib\npathlib.Path({str(ran)!r}).touch()\n")
    run = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--jobs", "1", "--no-sandbox", "--no-feedback"),
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    totals = {student: [sum(points) for points in zip(*grades.values())]
              for student, grades in scores(course, ASSIGNMENT).items()}
    assert totals.keys() == {"s1", "s2"} and 0 < totals["s2"][0] < totals["s2"][1], totals
    assert (totals["s1"][0] == totals["s1"][1]) == (s1 != "fails a test"), totals
    assert ran.exists() == (s1 != "passes"), "the canary ran" if ran.exists() else "the canary did not run"


def test_the_canary_runs_once_two_held_outcomes_per_worker_show_nothing(tmp_path):
    """One worker: s1 and s2 (new) fail a test, so their held outcomes do not show the set-up works; the
    canary runs next (workers.UNSHOWN_PER_WORKER), before s3, whose passing submission would have
    spared it. The source's answer, edited, notes whose graded notebooks the canary finds."""
    course = class_copy(tmp_path / "course", ASSIGNMENT,
                        {"s1": failing_a_test(), "s2": failing_a_test(), "s3": notebooks(ASSIGNMENT)})
    saw = tmp_path / "graded before the canary"
    add_to_source_answer(course, f"import pathlib\npathlib.Path({str(saw)!r}).write_text(' '.join(sorted("
                                 f"p.name for p in pathlib.Path({str(course / 'autograded')!r}).iterdir())))\n")
    run = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--jobs", "1", "--no-sandbox", "--no-feedback"),
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    assert saw.exists(), "the canary did not run"
    assert saw.read_text() == "s1 s2"
    assert summary(course).keys() == {"s1", "s2", "s3"}


def cgroups():
    return {p.name for parent in _cgroup_parents().values() for p in parent.glob("tf-forks-*")}


def working_in(process, folder):
    with contextlib.suppress(psutil.Error, ValueError):
        return Path(process.cwd()).is_relative_to(folder)
    return False


def test_a_broken_grader_stops_before_any_grade(tmp_path):
    """Kernels that cannot start (here: 40 MB of address space, too little for Python) must not
    become a zero for every student."""
    if sandbox_args():
        pytest.skip("needs the sandbox, whose memory limit breaks the kernels here")
    students = {f"s{i}": notebooks(ASSIGNMENT) for i in range(3)}
    course = class_copy(tmp_path / "course", ASSIGNMENT, students, "c.SandboxedKernelManager.memory = 40 * 2**20")
    before = gradebook_dump(course)
    run = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--jobs", "2"),
                         capture_output=True, text=True, timeout=900)
    assert run.returncode != 0
    assert "评分环境有问题" in run.stderr and "The grader's own set-up is broken" in run.stderr, run.stderr[-2000:]
    assert gradebook_dump(course) == before, "the gradebook was changed"
    for folder in ("autograded", "feedback"):
        assert not (course / folder).exists() or not any((course / folder).iterdir()), folder


def test_a_failed_canary_leaves_no_record_of_the_attempt_it_stopped(tmp_path):
    """s1 (new) is being graded, her answer waiting, when the canary (the course's answer, broken once it
    sees her attempt recorded; s0 was graded before, so the second worker runs it) fails: her worker is
    stopped and her attempt undone with the early tries, and its record goes too (the next run would undo
    her again, and the export blank her meanwhile)."""
    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": notebooks(ASSIGNMENT)}, "c.Execute.timeout = 600")
    graded_once(course)
    write_submission(course, "s1", ASSIGNMENT, answering_with(waiting_for(tmp_path / "never made")))
    reports = course / "reports" / ASSIGNMENT
    add_to_source_answer(course, f"import pathlib, time\nwhile not list(pathlib.Path({str(reports)!r}).glob("
                                 "'inflight-*.json')):\n    time.sleep(0.05)\nsigmoid = None  # broken\n")
    run = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--jobs", "2", "--no-sandbox", "--no-feedback"),
                         capture_output=True, text=True, timeout=900)
    assert run.returncode != 0 and "The grader's own set-up is broken" in run.stderr, run.stderr[-2000:]
    assert not list(reports.glob("inflight-*")) and set(scores(course, ASSIGNMENT)) == {"s0"}


def test_grading_processes_that_die_as_they_start_are_named_not_the_course_answers(tmp_path):
    """Every grading process dies as it starts (a memory cap it cannot start under): the run stops with
    that reason, not "the course's own answers did not pass", and the gradebook as it was."""
    students = {f"s{i}": notebooks(ASSIGNMENT) for i in range(3)}
    course = class_copy(tmp_path / "course", ASSIGNMENT, students, "c.Limits.grader_memory = 2**20")
    before = gradebook_dump(course)
    run = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--jobs", "2", "--no-sandbox"),
                         capture_output=True, text=True, timeout=900)
    assert run.returncode != 0
    assert "评分进程一再退出" in run.stderr and "its grading processes kept dying" in run.stderr \
        and f"reports/{ASSIGNMENT}/grading.log" in run.stderr, run.stderr[-2000:]
    assert "course's own answers" not in run.stderr, run.stderr[-2000:]
    assert "MemoryError" in (course / "reports" / ASSIGNMENT / "grading.log").read_text()
    assert not (course / "reports" / ASSIGNMENT / "unproven.json").exists()
    assert gradebook_dump(course) == before, "the gradebook was changed"


def test_a_sandbox_that_cannot_start_python_is_named_before_any_grade(tmp_path):
    """`course grade` checks only that bwrap exists before its workers start; that Python starts in the
    sandbox, their fork servers show. A bwrap that fails (here: a script that exits 1) stops the run
    at the canary with the sandbox's own reason, and the gradebook unchanged."""
    if sandbox_args():
        pytest.skip("needs bubblewrap")
    students = {f"s{i}": notebooks(ASSIGNMENT) for i in range(2)}
    course = class_copy(tmp_path / "course", ASSIGNMENT, students)
    (tmp_path / "bin").mkdir()
    calls = tmp_path / "bwrap-calls"
    (tmp_path / "bin" / "bwrap").write_text(f"#!/bin/sh\necho \"$*\" >> {calls}\n"
                                            "echo 'bwrap: cannot set up the namespace' >&2\nexit 1\n")
    (tmp_path / "bin" / "bwrap").chmod(0o755)
    before = gradebook_dump(course)
    run = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--jobs", "2"), capture_output=True, text=True,
                         timeout=900, env=dict(os.environ, PATH=f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"))
    assert run.returncode != 0
    assert "沙箱无法启动Python" in run.stderr and "The sandbox cannot start Python (bwrap exit 1)" in run.stderr \
        and "cannot set up the namespace" in run.stderr, run.stderr[-2000:]
    assert "The grader's own set-up is broken" not in run.stderr, "the reason is the sandbox, said as such"
    started = calls.read_text().splitlines()
    assert "course.kernel_fork" in started[0] and "import ipykernel, numpy" in started[-1], started
    assert gradebook_dump(course) == before, "the gradebook was changed"
    for folder in ("autograded", "feedback"):
        assert not (course / folder).exists() or not any((course / folder).iterdir()), folder


@pytest.mark.parametrize("ending", ["fails", "interrupted", "terminated", "killed"])
def test_students_graded_while_the_canary_runs_are_undone_unless_it_passes(tmp_path, ending):
    """Until the set-up is shown to work, only students with nothing yet of the assignment are graded.
    Here s0 was graded before, and s1 is new and fails a test (so she shows nothing): one worker grades
    her while the other runs the canary (the source's answer, edited), which waits until s1's feedback is
    written, then fails, or the instructor interrupts the run (SIGINT, as Ctrl-C; or SIGTERM). s1's grade, folders
    and gradebook row are gone; s0's entry and files, and the reports, are as they were (with --force
    she would be regraded, but only once the set-up had been shown to work). A run killed outright (SIGKILL)
    cannot undo s1: the next run does first, grades her again while its canary runs, and that canary fails."""
    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": notebooks(ASSIGNMENT)})
    first = subprocess.run(course_command(course, "grade", ASSIGNMENT, *sandbox_args()),
                           capture_output=True, text=True, timeout=900)
    assert first.returncode == 0 and set(scores(course, ASSIGNMENT)) == {"s0"}, first.stderr[-2000:]

    def kept():
        found = {f: files(course / f) for f in ("autograded", "feedback", "reports")}
        del found["reports"][f"{ASSIGNMENT}/grading.log"]  # each run begins its own
        return found
    before, graded = gradebook_dump(course), kept()
    write_submission(course, "s1", ASSIGNMENT, failing_a_test())
    saw = tmp_path / "the canary saw s1 graded"
    again = tmp_path / "the run was killed"
    add_to_source_answer(course, waiting_for_feedback(course, "s1", saw) + {
        "fails": "sigmoid = None  # broken: every test of it fails\n",
        "killed": waiting_for(again) + "sigmoid = None  # the next run's canary fails (the first is killed before)\n"
    }.get(ending, waiting_for(tmp_path / "never made")))  # till the run is interrupted
    command = course_command(course, "grade", ASSIGNMENT, "--jobs", "2", "--force", "--no-sandbox")
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # a child inherits an ignored SIGINT
    try:
        run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    finally:
        signal.signal(signal.SIGINT, previous)
    if ending != "fails":
        until(lambda: saw.exists(), run)
        if ending == "killed":
            family = psutil.Process(run.pid).children(recursive=True)
            run.kill()
            for process in family:  # the canary's kernel would sleep on
                with contextlib.suppress(psutil.NoSuchProcess):
                    process.kill()
            journal = course / "reports" / ASSIGNMENT / "unproven.json"
            assert json.loads(journal.read_text())["students"] == [{"student": "s1", "known": False}]
            again.touch()
            saw.unlink()
            run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        else:
            run.send_signal(signal.SIGINT if ending == "interrupted" else signal.SIGTERM)
    _, stderr = run.communicate(timeout=900)
    assert run.returncode != 0
    if ending in ("fails", "killed"):
        assert "The grader's own set-up is broken" in stderr and "sigmoid" in stderr, stderr[-2000:]
    if ending == "killed":
        assert "undone, to count only once graded again: s1" in stderr, stderr[-2000:]
    assert saw.exists(), "no student was graded while the canary ran"
    assert gradebook_dump(course) == before, "the gradebook was changed"
    assert kept() == graded, "s1's files stayed, or s0's or the reports changed"


def exported(course):
    """`nbgrader export` of the course: ({student: score as written}, what it printed on stderr)."""
    run = nbgrader("export", "--to", "exported.csv", root=course)
    with open(course / "exported.csv", newline="") as f:
        return {row["student_id"]: row["score"] for row in csv.DictReader(f)}, run.stderr


def test_an_early_try_the_locked_gradebook_kept_is_undone_by_the_next_run(tmp_path):
    """The canary fails while another program holds the gradebook (here the test, once s1, new and failing
    a test, has been graded meanwhile): s1's entry cannot be undone. The message says so after "as it
    was", and names her; `nbgrader export` leaves her grade blank, saying why, until the next run, with
    the course's answers mended, undoes her first and grades her."""
    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": notebooks(ASSIGNMENT)})
    graded_once(course)
    write_submission(course, "s1", ASSIGNMENT, failing_a_test())
    source = course / "source" / ASSIGNMENT / "sigmoid.ipynb"
    mended = source.read_bytes()
    saw, locked = tmp_path / "the canary saw s1 graded", tmp_path / "the gradebook is locked"
    add_to_source_answer(course, waiting_for_feedback(course, "s1", saw)
                         + waiting_for(locked)
                         + "sigmoid = None  # broken: every test of it fails\n")
    run = subprocess.Popen(course_command(course, "grade", ASSIGNMENT, "--jobs", "2", "--no-sandbox"),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    until(lambda: saw.exists(), run)
    with contextlib.closing(sqlite3.connect(course / "gradebook.db", isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        locked.touch()
        _, stderr = run.communicate(timeout=900)
    assert run.returncode != 0 and "The grader's own set-up is broken" in stderr, stderr[-2000:]
    assert "But the gradebook was locked" in stderr and "s1" in stderr.split("But the gradebook was locked")[1], \
        stderr[-2000:]
    journal = course / "reports" / ASSIGNMENT / "unproven.json"
    assert json.loads(journal.read_text())["students"] == [{"student": "s1", "known": False}]
    assert "s1" in scores(course, ASSIGNMENT), "s1's entry stayed while the gradebook was locked"
    given, stderr = exported(course)
    assert given["s1"] == "" and float(given["s0"]) > 0, given
    assert "s1 have no confirmed grade (graded before the set-up was shown to work, or not finished by a run" in stderr \
        and "so their grades are left blank" in stderr, stderr
    report = subprocess.run(course_command(course, "report", ASSIGNMENT), capture_output=True, text=True, timeout=900)
    assert report.returncode == 0 and "the next python -m course grade undoes and regrades them" in report.stderr \
        and "another gradebook" not in report.stderr, report.stderr
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:  # a mark a regrade alone would not remove
        [leftover] = [g for nb in gb.find_submission(ASSIGNMENT, "s1").notebooks for g in nb.grades][:1]
        leftover.manual_score = 0.5
        gb.db.commit()
    source.write_bytes(mended)
    again = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--no-sandbox", "--no-feedback"),
                           capture_output=True, text=True, timeout=900)
    assert again.returncode == 0 and "count only once graded again: s1" in again.stderr, again.stderr[-2000:]
    assert not journal.exists()
    given, stderr = exported(course)
    assert given["s1"] != "" and "left blank" not in stderr, (given, stderr)
    outcomes = summary(course)
    assert set(outcomes) == {"s0", "s1"} and outcomes["s1"]["score"] is not None, outcomes
    assert KEPT not in outcomes["s1"]["reasons"] and KEPT in outcomes["s0"]["reasons"], outcomes
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert all(g.manual_score is None for nb in gb.find_submission(ASSIGNMENT, "s1").notebooks for g in nb.grades)


def killing_the_server():
    """Notebooks whose answer kills the kernel's fork server."""
    hostile = notebooks(ASSIGNMENT)
    cell = next(c for nb in hostile.values() for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    # The kernel dies with its server (PR_SET_PDEATHSIG) once the server has run to its end: on a busy
    # machine it could answer a test or two first (seen in CI). It waits for its death in the cell instead.
    # The server is the sandbox's PID 1, which takes only the signals it handles: Python's SIGINT ends it.
    cell.source += ("\nimport os, signal, time\n"
                    "os.kill(os.getppid(), signal.SIGINT)  # the fork server\ntime.sleep(600)\n")
    return hostile


def bwrap_that_breaks(tmp_path):
    """An environment whose bubblewrap works once, then exits 1 saying 'bwrap: broken now'."""
    (tmp_path / "bin").mkdir()
    used = tmp_path / "bwrap-used"
    (tmp_path / "bin" / "bwrap").write_text(f"#!/bin/sh\nif [ -e {used} ]; then echo 'bwrap: broken now' >&2; exit 1; fi\n"
                                            f"touch {used}\nexec {shutil.which('bwrap')} \"$@\"\n")
    (tmp_path / "bin" / "bwrap").chmod(0o755)
    return dict(os.environ, PATH=f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")


def test_a_sandbox_that_breaks_before_the_set_up_was_shown_to_work_keeps_no_grade(tmp_path):
    """h0, the first student tried (new), kills the worker's fork server, and the sandbox breaks (bwrap
    works once): nothing can show the set-up works, neither a student nor the canary. The run refuses,
    saying why in the sandbox's own words, and what it wrote for h0 is undone: the gradebook, the folders
    and the reports are as before, and no journal is left."""
    if sandbox_args():
        pytest.skip("needs bubblewrap")
    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": notebooks(ASSIGNMENT)})
    graded_once(course)
    write_submission(course, "h0", ASSIGNMENT, killing_the_server())
    write_submission(course, "s1", ASSIGNMENT, notebooks(ASSIGNMENT))
    before = gradebook_dump(course), {f: files(course / f) for f in ("autograded", "feedback")}
    run = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--jobs", "1", "--no-feedback"),
                         capture_output=True, text=True, timeout=900, env=bwrap_that_breaks(tmp_path))
    assert run.returncode != 0 and "bwrap: broken now" in run.stderr, run.stderr[-3000:]
    assert (gradebook_dump(course), {f: files(course / f) for f in ("autograded", "feedback")}) == before
    assert not (course / "reports" / ASSIGNMENT / "unproven.json").exists()


def test_a_fork_server_lost_after_the_set_up_was_shown_to_work_costs_nobody_a_zero(tmp_path):
    """a0's submission passes every test (the set-up works: no canary is needed); then s0's answer kills
    the worker's fork server, and the sandbox breaks (bwrap works once, then exits 1), so the server
    cannot start again. s0 pays for her own answer; s1 and s2 are the grader's failure: no score in the
    gradebook, a blank in grades.csv, the reason in the summary. Run again with a working sandbox, they
    are graded and the grades of a0 and s0 are kept."""
    if sandbox_args():
        pytest.skip("needs bubblewrap")
    course = class_copy(tmp_path / "course", ASSIGNMENT, {"a0": notebooks(ASSIGNMENT), "s0": killing_the_server(),
                                                           "s1": notebooks(ASSIGNMENT), "s2": notebooks(ASSIGNMENT)})
    run = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--jobs", "1", "--no-feedback"),
                         capture_output=True, text=True, timeout=900, env=bwrap_that_breaks(tmp_path))
    assert run.returncode == 0, run.stderr[-3000:]
    reports = course / "reports" / ASSIGNMENT
    outcomes = summary(course)
    assert outcomes["s0"]["reasons"] == [KERNEL_DIED] and outcomes["s0"]["score"] == 0, outcomes["s0"]
    for student in ("s1", "s2"):
        assert outcomes[student]["score"] is None and not outcomes[student]["graded"], outcomes[student]
        assert [r[:len(GRADER_FAILED)] for r in outcomes[student]["reasons"]] == [GRADER_FAILED], outcomes[student]
    assert "fork server did not clean its sandbox" in outcomes["s1"]["reasons"][0]
    assert "bwrap: broken now" in outcomes["s2"]["reasons"][0], "a new worker's server: the sandbox's own reason"
    assert outcomes["a0"]["reasons"] == [] and outcomes["a0"]["score"] == outcomes["a0"]["max_score"], outcomes["a0"]
    assert set(scores(course, ASSIGNMENT)) == {"a0", "s0"}, "a grader failure left a score in the gradebook"
    with open(reports / "grades.csv", newline="") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    assert rows["s0"]["score"] == "0.0" and rows["s1"]["score"] == rows["s2"]["score"] == "", rows

    again = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--no-feedback"),
                           capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr[-3000:]
    graded = scores(course, ASSIGNMENT)
    assert all(score == most for student in ("s1", "s2") for score, most in graded[student].values()), graded
    outcomes = summary(course)
    assert outcomes["a0"]["reasons"] == outcomes["s0"]["reasons"] == [KEPT], outcomes


def test_workers_end_when_the_run_is_killed(tmp_path):
    """SIGKILL `course grade` (no handler runs): its workers, their fork servers and kernels must not
    wait for it forever. s0 was graded before; s1 (new, failing a test) goes to one worker, the canary
    to the other, which waits for s1's feedback: then the first waits for a task and the second ends
    the canary; both must see their pipe close. Each worker used to hold the run's ends of the pipes."""
    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": failing_a_test()})
    graded_once(course)
    write_submission(course, "s1", ASSIGNMENT, failing_a_test())
    saw = tmp_path / "the canary saw s1 graded"
    add_to_source_answer(course, waiting_for_feedback(course, "s1", saw))
    run = subprocess.Popen(course_command(course, "grade", ASSIGNMENT, "--jobs", "2", "--no-sandbox"),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    until(lambda: saw.exists(), run)
    family = psutil.Process(run.pid).children(recursive=True)
    assert saw.exists() and run.poll() is None, "s1 graded while the canary ran"
    run.kill()
    run.wait()
    _, alive = psutil.wait_procs(family, timeout=60)
    alive = [process for process in alive if not ended(process)]  # a zombie has ended (its parent may not reap it)
    for process in alive:
        process.kill()
    assert not alive, f"{[p.pid for p in alive]} still waiting for the killed run"


def test_workers_already_started_end_when_the_next_cannot_start(tmp_path, monkeypatch):
    """The second worker cannot be forked (say, no process left): the run stops with the error, the
    first worker (idle, its fork server started) ends then, not when the command exits, and the scratch
    folder the second was given is removed."""
    from multiprocessing.context import ForkProcess

    from course.grade import grade

    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": failing_a_test(), "s1": failing_a_test()})
    scratch = Path(tempfile.mkdtemp(prefix="tf-t-"))  # short: worker scratch folders go here (socket paths)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    start, spawned = ForkProcess.start, []

    def one_then_none(self):
        if spawned:
            raise OSError("no fork left / 无法再创建进程")
        spawned.append(psutil.Process().children(recursive=True))
        start(self)
        spawned.append(psutil.Process().children(recursive=True))

    monkeypatch.setattr(ForkProcess, "start", one_then_none)
    try:
        with pytest.raises(OSError, match="no fork left") as raised:  # held: its frames keep the pool (no GC)
            grade(ASSIGNMENT, course, jobs=2, overrides=["--TrustedExecute.sandbox=False"], progress=False)
        before, after = {p.pid for p in spawned[0]}, spawned[1]
        started = [p for p in after if p.pid not in before]
        assert started, "the first worker was started"
        _, alive = psutil.wait_procs(started, timeout=60)
        assert all(ended(p) for p in alive), f"{[p.pid for p in alive]} still running after the run stopped"
        assert not list(scratch.iterdir()), f"left behind: {list(scratch.iterdir())}"
        del raised
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def test_a_forked_kernel_that_does_not_start_costs_its_student_no_zero(tmp_path, monkeypatch):
    """A forked kernel has imported all it needs before it starts in the folder that holds the
    submission's files: s0's files named like the modules a kernel imports change nothing. So when one
    does not start (s1's, the second kernel forked by the one worker, is ended before it answers),
    the grader failed: s1 has no grade, not a zero for "kernel did not start"."""
    from course.grade import grade

    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": notebooks(ASSIGNMENT), "s1": notebooks(ASSIGNMENT)})
    for name in ("ipykernel_launcher", "ipykernel", "IPython", "numpy", "zmq", "jedi", "sqlite3", "asyncio", "json"):
        (course / "submitted" / "s0" / ASSIGNMENT / f"{name}.py").write_text("raise SystemExit('the student stops it')\n")
    fork, forks = ForkServer.fork, tmp_path / "forks"  # counted in a file: the worker is a process of its own

    def ending_the_second(self, argv, cwd):
        kernel = fork(self, argv, cwd)
        with open(forks, "a") as f:
            f.write("fork\n")
        if forks.read_text().count("fork") == 2:
            kernel.kill()
        return kernel

    monkeypatch.setattr(ForkServer, "fork", ending_the_second)
    outcomes, _ = grade(ASSIGNMENT, course, jobs=1, overrides=["--TrustedExecute.sandbox=False"], progress=False,
                        with_feedback=False)
    s0, s1 = sorted(outcomes, key=lambda o: o.student)
    assert s0.reasons == [] and s0.score == s0.max_score > 0, s0
    assert s1.score is None and [r[:len(GRADER_FAILED)] for r in s1.reasons] == [GRADER_FAILED], s1
    assert "the kernel did not start" in s1.reasons[0], s1
    assert "s1" not in scores(course, ASSIGNMENT), "no grade, rather than a zero"


def test_a_run_started_after_a_killed_one_waits_for_its_workers(tmp_path):
    """SIGKILL only `course grade` while a worker grades s1 (new: an early try) and the other runs the canary:
    both go on until their cell ends, and s1's worker writes the gradebook. The next run must wait for them
    (the run lock, which they inherited) before it undoes s1 and grades her; here both wait on a file."""
    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": notebooks(ASSIGNMENT)})
    graded_once(course)
    started, go = tmp_path / "s1 started", tmp_path / "go"
    write_submission(course, "s1", ASSIGNMENT, answering_with(noting_start(started) + waiting_for(go)))
    add_to_source_answer(course, waiting_for(go))
    command = course_command(course, "grade", ASSIGNMENT, "--jobs", "2", "--no-sandbox", "--no-feedback")
    killed = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    until(lambda: started.exists(), killed)
    assert killed.poll() is None, "the run ended before s1 was begun"
    orphans = psutil.Process(killed.pid).children()  # its workers (forked: its command line) and fork servers
    workers = [p.pid for p in orphans if p.cmdline() == psutil.Process(killed.pid).cmdline()]
    killed.kill()
    killed.wait()
    with open(tmp_path / "next.log", "w+") as log:
        following = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, text=True)
        until(lambda: "waiting for them to end" in (tmp_path / "next.log").read_text()
              or started.read_text().count("started") >= 2, following)  # without the lock it would grade s1 at once
        waited = "waiting for them to end" in (tmp_path / "next.log").read_text()
        go.touch()
        following.wait(timeout=900)
        log.seek(0)
        stderr = log.read()
    psutil.wait_procs(orphans, timeout=60)
    assert waited, stderr[-2000:]
    named = stderr.split("waiting for them to end (processes ")[1].split(";")[0]
    assert workers and sorted(map(int, named.split(", "))) == sorted(workers), (named, workers)
    assert following.returncode == 0 and "count only once graded again: s1" in stderr, stderr[-2000:]
    outcomes = summary(course)
    assert outcomes["s1"]["score"] == outcomes["s1"]["max_score"] and not outcomes["s1"]["reasons"], outcomes
    assert not (course / "reports" / ASSIGNMENT / "unproven.json").exists()


def test_a_journal_of_another_gradebook_is_not_undone_here(tmp_path):
    """A journal left by a run on another gradebook (--db) names students of that gradebook: a run on this
    one refuses, saying which --db to use, and changes nothing; `course report` warns while it is there."""
    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": notebooks(ASSIGNMENT)})
    graded_once(course)
    journal = course / "reports" / ASSIGNMENT / "unproven.json"
    journal.write_text(json.dumps({"gradebook": "0" * 16, "students": [{"student": "s0", "known": False}]}))
    before = gradebook_dump(course)
    run = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--no-sandbox", "--no-feedback"),
                         capture_output=True, text=True, timeout=900)
    assert run.returncode != 0 and "lists attempts made before the set-up was shown to work, in another gradebook" in run.stderr \
        and "run python -m course grade again with that run's --db" in run.stderr, run.stderr[-2000:]
    assert gradebook_dump(course) == before and journal.exists()
    report = subprocess.run(course_command(course, "report", ASSIGNMENT), capture_output=True, text=True, timeout=900)
    assert report.returncode == 0 and "were graded before the set-up was shown to work" in report.stderr \
        and "they are in another gradebook: run python -m course grade with that run's --db" in report.stderr \
        and "the next python -m course grade" not in report.stderr, report.stderr


def test_a_canary_whose_worker_dies_runs_again_on_a_new_worker(tmp_path):
    """With one worker, s0 (new, failing a test: she shows nothing) is graded first and held, then the
    same worker runs the canary, which waits on a file; the test kills that worker. A new worker runs the
    canary again, which passes this time, and s0's held grade counts: nobody's grade is lost to it."""
    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": failing_a_test()})
    started, go = tmp_path / "canary started", tmp_path / "go"
    add_to_source_answer(course, noting_start(started) + waiting_for(go))
    run = subprocess.Popen(course_command(course, "grade", ASSIGNMENT, "--jobs", "1", "--no-sandbox", "--no-feedback"),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    until(lambda: started.exists(), run)
    [worker] = [p for p in psutil.Process(run.pid).children() if "kernel_fork" not in " ".join(p.cmdline())]
    worker.kill()
    until(lambda: started.read_text().count("started") >= 2, run)  # the canary again, on a new worker
    go.touch()
    _, stderr = run.communicate(timeout=900)
    assert run.returncode == 0 and started.read_text().count("started") == 2, stderr[-2000:]
    [outcome] = summary(course).values()
    assert outcome["student"] == "s0" and not outcome["reasons"] and 0 < outcome["score"] < outcome["max_score"], outcome
    assert set(scores(course, ASSIGNMENT)) == {"s0"}


def test_a_canary_that_fails_after_a_student_showed_the_set_up_works_is_only_a_note(tmp_path):
    """s0 (new) passes every test: her grade shows the set-up works. The canary, run meanwhile by the other
    worker (no new student is left), fails only once that proof is in (the journal of unproven tries is
    gone), while s1 (graded before, regraded with --force) waits until the run has said so: the grades
    count, and the run ends normally with a note that the course's own answers failed."""
    go = tmp_path / "go"
    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s1": answering_with(waiting_for(go))})
    go.touch()
    graded_once(course)
    go.unlink()
    write_submission(course, "s0", ASSIGNMENT, notebooks(ASSIGNMENT))
    saw = tmp_path / "the canary saw s0 graded"
    journal = course / "reports" / ASSIGNMENT / "unproven.json"
    add_to_source_answer(course, waiting_for_feedback(course, "s0", saw)
                         + f"while pathlib.Path({str(journal)!r}).exists():\n    time.sleep(0.05)\n"
                         + "sigmoid = None  # broken: every test of it fails\n")
    note = "did not pass every test, though a student's submission did"
    with open(tmp_path / "run.log", "w+") as log:
        run = subprocess.Popen(course_command(course, "grade", ASSIGNMENT, "--jobs", "2", "--force", "--no-sandbox"),
                               stdout=subprocess.DEVNULL, stderr=log, text=True)
        until(lambda: note in (tmp_path / "run.log").read_text(), run)
        go.touch()
        run.wait(timeout=900)
        log.seek(0)
        stderr = log.read()
    assert run.returncode == 0 and saw.exists() and note in stderr, stderr[-2000:]
    outcomes = summary(course)
    assert set(outcomes) == {"s0", "s1"}, outcomes
    assert all(not o["reasons"] and o["score"] == o["max_score"] > 0 for o in outcomes.values()), outcomes


def ended(process):
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_a_grading_process_that_dies_costs_its_student_no_zero(tmp_path):
    """SIGKILL the grading process while it grades s0 (her answer sleeps 8 s, so it is busy with her): her
    note says it died, the gradebook holds no score of hers, grades.csv a blank, and autograded/ nothing
    that nbgrader would take as graded. Then the same when the instructor interrupts the run (SIGINT, as
    Ctrl-C). The next run grades her in full."""
    slow = notebooks(ASSIGNMENT)
    cell = next(c for nb in slow.values() for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    cell.source += "\nimport time\ntime.sleep(8)\n"
    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": slow})
    graded = course / "autograded" / "s0" / ASSIGNMENT  # nbgrader makes it as it begins her submission

    def stopped_while_grading(stop):
        """Run `course grade --jobs 1`; once nbgrader has begun on s0 (her folder made after the run started),
        `stop(the run's process)`. Also returns when that was, for a failure's message. The run answers
        Ctrl-C as in a terminal: an earlier test in this process may leave SIGINT ignored (seen in CI), and
        a child inherits an ignored signal, not a handled one."""
        with open(tmp_path / "grade.log", "w+") as log:
            start, previous = time.monotonic(), signal.signal(signal.SIGINT, signal.default_int_handler)
            try:
                grader = subprocess.Popen(course_command(course, "grade", ASSIGNMENT, "--jobs", "1", "--no-feedback",
                                                         *sandbox_args()), stdout=log, stderr=subprocess.STDOUT)
            finally:
                signal.signal(signal.SIGINT, previous)
            stopped, absent = False, False
            while grader.poll() is None:
                absent = absent or not graded.exists()
                if absent and not stopped and graded.exists():
                    stop(psutil.Process(grader.pid))
                    stopped = f"{time.monotonic() - start:.1f} s after the run began"
                with contextlib.suppress(subprocess.TimeoutExpired):
                    grader.wait(timeout=0.05)
            log.seek(0)
            return grader.returncode, stopped, log.read()[-3000:]

    def kill_worker(run):
        for worker in run.children():  # --jobs 1: the one grading process
            worker.kill()
    status, stopped, log = stopped_while_grading(kill_worker)
    assert status == 0 and stopped, log
    reports = course / "reports" / ASSIGNMENT
    [outcome] = summary(course).values()
    assert outcome["score"] is None and outcome["reasons"][0].startswith(WORKER_DIED), outcome
    assert "s0" not in scores(course, ASSIGNMENT) and not graded.exists()
    with open(reports / "grades.csv", newline="") as f:
        assert [row["score"] for row in csv.DictReader(f)] == [""]

    status, stopped, log = stopped_while_grading(lambda run: run.send_signal(signal.SIGINT))
    assert status != 0 and stopped and "KeyboardInterrupt" in log, (stopped, log)
    assert "s0" not in scores(course, ASSIGNMENT) and not graded.exists()

    again = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--no-feedback", *sandbox_args()),
                           capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr[-3000:]
    assert all(score == most for score, most in scores(course, ASSIGNMENT)["s0"].values())


def test_an_attempt_the_grader_failed_leaves_the_entry_as_it_was(tmp_path):
    """course/grader.py entry_state and restore_entry on a graded class: an entry an attempt changed (here
    every grade rescored 0, as nbgrader saves a notebook's grades before the next one fails) gets its
    earlier grades back, not a mix; an entry the attempt made goes. And grades.csv: a student of the roster
    whose folder holds no notebook of the assignment (nbgrader makes no entry) scores 0, as in nbgrader's
    export; only a notebook awaiting a grade is a blank."""
    from course.grader import entry_state, restore_entry
    from course.nbgrader_setup import nbgrader_app

    course = class_copy(tmp_path / "course", ASSIGNMENT,
                        {**{s: notebooks(ASSIGNMENT) for s in ("old", "new")}, "empty": {}})
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.add_student("empty")
    run = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--no-feedback", *sandbox_args()),
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    with open(course / "reports" / ASSIGNMENT / "grades.csv", newline="") as f:
        assert {row["student_id"]: row["score"] for row in csv.DictReader(f)}["empty"] == "0.0"
    app, before = nbgrader_app(ASSIGNMENT, course), scores(course, ASSIGNMENT)
    entry = entry_state(app, "old")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for notebook in gb.find_submission(ASSIGNMENT, "old").notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0.0
        manual = notebook.grades[0]  # and an instructor's grade given after the attempt began (it stays)
        manual.manual_score, manual_name = 0.5, manual.name
        gb.db.commit()
    assert scores(course, ASSIGNMENT)["old"] != before["old"]
    restore_entry(app, "old", entry)
    restore_entry(app, "new", None)
    assert scores(course, ASSIGNMENT) == {"old": {**before["old"], manual_name: (0.5, before["old"][manual_name][1])}}


def graded_then_sleeping(tmp_path):
    """A course copy of 04 where s0, graded with full marks (returned: `scores`), then submitted 04a blank
    and a 04b answer that sleeps: graded again, nbgrader saves 04a's new grades (all 0), then waits in 04b."""
    course = class_copy(tmp_path / "course", "04_attention", {"s0": notebooks("04_attention")})
    first = subprocess.run(course_command(course, "grade", "04_attention", "--no-feedback", *sandbox_args()),
                           capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stderr[-3000:]
    before = scores(course, "04_attention")
    assert all(score == most for score, most in before["s0"].values()), before
    blank, sleeping = (notebooks("04_attention", "release")["04a_shapes.ipynb"],
                       notebooks("04_attention")["04b_attention.ipynb"])
    next(c for c in sleeping.cells if c.metadata.get("nbgrader", {}).get("solution")).source += \
        "\nimport time\ntime.sleep(3600)"
    write_submission(course, "s0", "04_attention", {"04a_shapes.ipynb": blank, "04b_attention.ipynb": sleeping})
    return course, before


def test_a_grading_process_past_its_deadline_is_the_graders_failure_and_keeps_the_earlier_grade(tmp_path):
    """A grading process past Limits.worker_deadline is stopped, and that is the grader's failure: the
    notebooks' budgets hold a student's code below the deadline (README's limits), so only a grader that
    hangs reaches it. Here the deadline is set below an answer that sleeps, which stands in for such a
    grader, in the second notebook of 04, after nbgrader saved the first one's new grades (all 0: its
    answers are the release's). The note says the grader failed and names the deadline, and the student's
    earlier grade comes back whole, not mixed with the attempt's zeros."""
    assignment = "04_attention"
    course, before = graded_then_sleeping(tmp_path)
    with open(course / "nbgrader_config.py", "a") as f:  # the sleep ends the notebook's cell budget sooner
        f.write("\nc.Limits.worker_deadline = 30\nc.Execute.timeout = 3600\n")
    run = subprocess.run(course_command(course, "grade", assignment, "--force", "--no-feedback", *sandbox_args()),
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    [outcome] = json.loads((course / "reports" / assignment / "summary.json").read_text())["submissions"]
    assert outcome["score"] is None and outcome["reasons"] == [PAST_DEADLINE.format(seconds=30)], outcome
    assert grader_failed(Outcome(**outcome))
    assert scores(course, assignment) == before
    assert not (course / "autograded" / "s0" / assignment).exists()  # nbgrader would take it as graded


def test_a_run_killed_outright_while_it_grades_leaves_no_half_grade(tmp_path):
    """The whole run killed at once (`kill -9` of every process of it, as a power cut would) while a worker
    grades 04's second notebook, once nbgrader has saved the first one's new grades: the gradebook holds a
    mix of new and old, and nbgrader would skip the half-made autograded folder as graded. The worker's
    record of the attempt (course/journal.py `inflight`) stays: until the next run, the export leaves her
    grade blank; the next run puts her entry back as it was, says so, and grades her again, and removes the
    scratch folders the killed run left (her vetted copy among them), which no living process holds."""
    assignment = "04_attention"
    course, before = graded_then_sleeping(tmp_path)
    first_notebook = [c.metadata.nbgrader["grade_id"] for c in notebooks(assignment)["04a_shapes.ipynb"].cells
                      if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata.nbgrader.get("solution")]

    def mixed():
        with contextlib.suppress(Exception):  # SQLite busy while nbgrader writes: look again
            now = scores(course, assignment).get("s0", {})
            return bool(now) and all(now[g][0] == 0 for g in first_notebook) and now != before
        return False
    with open(tmp_path / "grade.log", "w+") as log:
        run = subprocess.Popen(course_command(course, "grade", assignment, "--force", "--jobs", "1", "--no-feedback",
                                              *sandbox_args()), stdout=log, stderr=subprocess.STDOUT)
        until(mixed, run)
        family = [psutil.Process(run.pid), *psutil.Process(run.pid).children(recursive=True)]
        scratch = {Path(f.path).parent for p in family for f in p.open_files() if Path(f.path).name == HELD}
        assert run.poll() is None, log.seek(0) or log.read()[-3000:]
    for process in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    run.wait()
    psutil.wait_procs(family, timeout=60)
    assert mixed() and list((course / "reports" / assignment).glob("inflight-*.json"))
    assert scratch and any(folder.glob("vetted/s0") for folder in scratch), scratch
    given, stderr = exported(course)
    assert given["s0"] == "" and "s0 have no confirmed grade" in stderr, (given, stderr)

    write_submission(course, "s0", assignment, notebooks(assignment))  # no newer than the half-made folder to nbgrader
    again = subprocess.run(course_command(course, "grade", assignment, "--no-feedback", *sandbox_args()),
                           capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr[-3000:]
    [outcome] = json.loads((course / "reports" / assignment / "summary.json").read_text())["submissions"]
    assert outcome["reasons"] == [] and scores(course, assignment) == before, (outcome, scores(course, assignment))
    assert "An earlier run left an attempt it did not finish (it was killed while it graded it, or" in again.stderr \
        and "undone, to count only once graded again: s0" in again.stderr, again.stderr[-2000:]
    assert not list((course / "reports" / assignment).glob("inflight-*.json"))
    assert not [folder for folder in scratch if folder.exists()]


def test_words_of_a_lock_in_the_log_do_not_make_a_submission_graded_again(tmp_path):
    """The grader grades a submission again when nbgrader failed on a locked SQLite gradebook, which it
    knows from SQLite's error, not from nbgrader's log. A kernel can put those words in the log itself
    (nbclient logs the type of an IOPub message it does not know): a submission that does so is still graded
    once (with --force, as always with --broker, each attempt would run it again)."""
    started = tmp_path / "started"
    forged = ("k = get_ipython().kernel\n"
              "k.session.send(k.iopub_socket, 'database is locked', {}, parent=k.get_parent('shell'))\n")
    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": answering_with(noting_start(started) + forged)})
    run = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--force", "--no-sandbox", "--no-feedback",
                                        "--jobs", "1"), capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    assert started.read_text() == "started\n"
    assert "unhandled iopub msg: database is locked" in (course / "reports" / ASSIGNMENT / "grading.log").read_text()
    assert all(score == most for score, most in scores(course, ASSIGNMENT)["s0"].values())


def graded_under_a_lock(tmp_path, with_feedback, grade):
    """s0 of a class copy graded in this process by a Grader, while another connection holds the SQLite gradebook
    from when `grade(grader, lock, failures)` calls `lock()` until nbgrader reports a failure (logs an error: the
    other program is done). Returns the outcome and the course; nbgrader must have met the lock."""
    import logging

    from course.grader import Grader
    from course.kernel_fork import remove_scratch, worker_scratch
    from course.nbgrader_setup import nbgrader_app

    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": notebooks(ASSIGNMENT)})
    scratch = worker_scratch()
    grader = Grader(nbgrader_app(ASSIGNMENT, course), False, with_feedback, scratch)
    holder, failures = sqlite3.connect(course / "gradebook.db", isolation_level=None), []

    class LetGo(logging.Handler):
        def emit(self, record):
            failures.append(record.getMessage())
            if holder.in_transaction:
                holder.execute("COMMIT")
    grader.app.log.addHandler(LetGo(logging.ERROR))
    try:
        outcome = grade(grader, lambda: holder.execute("BEGIN EXCLUSIVE"), failures)
    finally:
        holder.close()
        grader.close()
        remove_scratch(scratch)
    assert any("database is locked" in failure for failure in failures), failures
    return outcome, course


def test_a_gradebook_locked_for_a_moment_costs_an_attempt_not_a_grade(tmp_path):
    """Another program (formgrader, a backup) holds the SQLite gradebook as nbgrader begins on a student: nbgrader
    fails, and the grader, seeing SQLite's own error (not the words in the log: the test above), tries again
    once the gradebook is free. Here the lock is taken just before nbgrader begins and let go when nbgrader
    reports its failure, so the second attempt grades the submission in full, with no note."""
    outcome, course = graded_under_a_lock(tmp_path, False, lambda grader, lock, failures: grader.grade(
        "s0", began=lambda entry: lock()))
    assert outcome.graded and outcome.reasons == [], outcome
    assert all(score == most for score, most in scores(course, ASSIGNMENT)["s0"].values())


def test_a_gradebook_locked_as_the_feedback_is_written_costs_an_attempt_not_the_feedback(tmp_path):
    """The feedback reads the gradebook too (nbgrader's GetGrades): locked for a moment as it is written (here from
    just before, until nbgrader reports the failure), it is written at the next attempt, with no note."""
    def grade(grader, lock, failures):
        write = grader.write_feedback

        def locked_first(student):
            if not failures:
                lock()
            return write(student)
        grader.write_feedback = locked_first
        return grader.grade("s0")
    outcome, course = graded_under_a_lock(tmp_path, True, grade)
    assert outcome.graded and outcome.reasons == [], outcome
    assert (course / "feedback" / "s0" / ASSIGNMENT / "sigmoid.html").is_file()


def test_a_gradebook_locked_as_a_student_is_begun_costs_an_attempt_not_the_worker(tmp_path):
    """Before nbgrader begins, the grader reads the student's entry (entry_state, to put it back if the grader
    fails): locked then, longer than SQLite waits, it is read again once free, and the student graded in full."""
    def grade(grader, lock, failures):
        lock()
        return grader.grade("s0")
    outcome, course = graded_under_a_lock(tmp_path, False, grade)
    assert outcome.graded and outcome.reasons == [], outcome
    assert all(score == most for score, most in scores(course, ASSIGNMENT)["s0"].values())


def test_a_gradebook_that_stays_locked_is_the_graders_failure_before_nbgrader_begins(tmp_path):
    """Locked through every try, the entry cannot be read: the grader fails (GraderFault, which the worker
    reports as the grader's failure), before anything is written for the student, and nbgrader never begins."""
    from course import GraderFault
    from course.grader import entry_state
    from course.nbgrader_setup import nbgrader_app

    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": notebooks(ASSIGNMENT)})
    url = f"sqlite:///{course / 'gradebook.db'}?timeout=0"  # each try fails at once, not after SQLite's 5 s
    app = nbgrader_app(ASSIGNMENT, course, [f"--CourseDirectory.db_url={url}"])
    with contextlib.closing(sqlite3.connect(course / "gradebook.db")) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(GraderFault, match="the gradebook is locked: s0 not graded"):
            entry_state(app, "s0")
    # a gradebook that cannot be opened is not said to be locked
    unusable = f"sqlite:///{tmp_path / 'no-such-folder' / 'gb.db'}"
    app = nbgrader_app(ASSIGNMENT, course, [f"--CourseDirectory.db_url={unusable}"])
    with pytest.raises(GraderFault, match=r"the gradebook cannot be used \(OperationalError.*\): s0 not graded"):
        entry_state(app, "s0")


def test_a_tmpdir_that_reads_as_a_pattern_is_not_where_submissions_are_graded(tmp_path):
    """nbgrader reads a submission's path as a regular expression, escaping only the ids it puts in: with a
    $TMPDIR such as `t+m(p`, where the workers' scratch folders were made, every student's grading failed
    ("missing ), unterminated subpattern"). Their scratch folders are then made in /tmp; the class is graded."""
    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": notebooks(ASSIGNMENT)})
    odd = tempfile.mkdtemp(prefix="t+m(p", dir="/tmp")  # short: a long $TMPDIR gives way to /tmp anyway
    try:
        result = subprocess.run(course_command(course, "grade", ASSIGNMENT, *sandbox_args(), "--no-feedback"),
                                capture_output=True, text=True, timeout=1800, env=dict(os.environ, TMPDIR=odd))
    finally:
        shutil.rmtree(odd)
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(score == most for score, most in scores(course, ASSIGNMENT)["s0"].values()), result.stdout


def test_only_sqlites_own_error_says_the_gradebook_is_locked(tmp_path):
    """course/grader.py gradebook_locked: SQLite's error through SQLAlchemy, as nbgrader meets it, and an
    error nbgrader raises while it handles that one, say so; an error whose message only holds the words (as
    a student's code can make: a timeout's message quotes the cell) does not."""
    from nbgrader.api import InvalidEntry
    from nbclient.exceptions import CellTimeoutError

    from course.grader import gradebook_locked

    url = f"sqlite:///{tmp_path / 'gradebook.db'}?timeout=0"  # fail at once, not after SQLite's 5 s
    with Gradebook(url) as gb, contextlib.closing(sqlite3.connect(tmp_path / "gradebook.db")) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(Exception) as locked:
            gb.add_student("s0")
        try:
            try:
                raise locked.value
            except Exception as error:
                raise InvalidEntry(*error.args)
        except InvalidEntry as error:
            raised_meanwhile = error
    cell = nbformat.v4.new_code_cell("# sqlite3.OperationalError: database is locked\nwhile True: pass")
    quoting = CellTimeoutError.error_from_timeout_and_cell("A cell timed out", 30, cell)
    assert "database is locked" in str(quoting)
    assert gradebook_locked(locked.value) and gradebook_locked(raised_meanwhile)
    assert not any(map(gradebook_locked, [quoting, RuntimeError("database is locked"), None]))


def test_a_student_named_in_the_notes_on_an_earlier_run_is_text(tmp_path):
    """The notes on what a killed run left name the students (`nbgrader export`, the next `course grade`; `course
    report` names the file): a folder's name is the student's to choose, and escape sequences in it reach the
    instructor's terminal written out (`\\ec` would have reset it)."""
    from course.journal import journal, write_journal
    from course.nbgrader_setup import nbgrader_app

    course = class_copy(tmp_path / "course", ASSIGNMENT, {"s0": notebooks(ASSIGNMENT)})
    graded_once(course)
    odd = "eve\x1bc\x1b]0;pwned\x07"
    write_journal(journal(course, ASSIGNMENT), nbgrader_app(ASSIGNMENT, course).coursedir, [odd], known=set())
    _, exporting = exported(course)
    reporting = subprocess.run(course_command(course, "report", ASSIGNMENT), capture_output=True, text=True, timeout=900)
    grading = subprocess.run(course_command(course, "grade", ASSIGNMENT, "--no-sandbox", "--no-feedback"),
                             capture_output=True, text=True, timeout=900)
    for said in (exporting, grading.stderr):
        assert "eve\\x1bc\\x1b]0;pwned\\x07" in said, said[-2000:]
    for said in (exporting, reporting.stdout + reporting.stderr, grading.stdout + grading.stderr):
        assert "\x1b" not in said, said[-2000:]


def test_a_killed_worker_is_replaced_and_cleaned_up(tmp_path):
    """SIGKILL one grading process as soon as it exists (idle or busy): the run still ends with
    every submission graded or given a reason, and its scratch folders and cgroups are gone, and so is
    the fork server launched for it before nbgrader was imported (course/kernel_fork.py EarlyServers),
    which the grading process could not take with it."""
    students = {f"s{i}": notebooks(ASSIGNMENT) for i in range(4)}
    course = class_copy(tmp_path / "course", ASSIGNMENT, students)
    scratch = Path(tempfile.mkdtemp(prefix="faults-"))  # short: the kernels' socket paths are below it
    with open(tmp_path / "grade.log", "w+") as log:  # not a pipe: nobody reads it while the grader runs
        grader = subprocess.Popen(course_command(course, "grade", ASSIGNMENT, "--jobs", "2", *sandbox_args()),
                                  stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, TMPDIR=str(scratch)))
        parent, killed, forks, early = psutil.Process(grader.pid), None, set(), set()
        while grader.poll() is None:  # the fork servers' folders are watched to the end: their cgroups bear their names
            forks |= {p.name for p in scratch.glob("tf-worker-*/tf-forks-*")}
            children = []
            for child in parent.children():
                with contextlib.suppress(psutil.Error):  # it may end while it is looked at
                    children.append((child.pid, child.name(), " ".join(child.cmdline())))
            early |= {pid for pid, _, command in children if "course.kernel_fork" in command}
            workers = [pid for pid, name, command in children  # after the canary's; not a server launched early
                       if name.startswith("python") and "course.kernel_fork" not in command]
            if killed is None and workers and forks:
                killed = workers[0]
                os.kill(killed, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                grader.wait(timeout=0.05)
        log.seek(0)
        assert grader.returncode == 0, log.read()[-3000:]
    assert killed is not None, "no worker was seen"
    assert early, "no fork server was launched by the command itself"
    outcomes = summary(course)
    assert set(outcomes) == set(students)
    assert all(o["score"] == o["max_score"] or o["reasons"] for o in outcomes.values()), outcomes
    died = {s for s, o in outcomes.items() if any(r.startswith(WORKER_DIED) for r in o["reasons"])}
    assert not died & set(scores(course, ASSIGNMENT)), "a grading process that died left a score"  # when it was busy
    left = list(scratch.iterdir())
    running = [p.pid for p in psutil.process_iter() if working_in(p, scratch)]
    shutil.rmtree(scratch)
    assert not left, f"left behind: {left}"
    assert not running, f"still running there: {running}"
    assert not cgroups() & forks, cgroups() & forks  # other tests' graders may run meanwhile


def test_a_fork_server_starts_again_where_its_last_cgroups_were_left(tmp_path):
    """A server's cgroups bear its folder's name. When a stopped server's processes are too slow to
    leave them, they outlast the stop (seen once while a profiler held the processes: the new server
    could not make its cgroups, and a student went ungraded): the next start ends what is left there."""
    if os.geteuid() != 0:
        pytest.skip("cgroups are made as root only / 只有root才创建cgroup")
    if sandbox_args():
        pytest.skip("no sandbox here / 这里没有沙箱")
    server, left = ForkServer(["json"], SandboxedKernelManager(), tmp_path), ()
    try:
        server.clean()
        names = {p.name for p in server.cgroups}
        server.stop()
        left = make_cgroups(server.folder.name, 8, 2**30)  # as if the stop had not removed them
        join = left[0] / "cgroup.procs"
        stray = subprocess.Popen(["sleep", "600"], preexec_fn=lambda: join.write_text(str(os.getpid())))
        server.clean()  # starts it again
        assert {p.name for p in server.cgroups} == names and stray.wait(timeout=30) == -signal.SIGKILL
        assert server.ask(do="poll") == {"exit": None}
    finally:
        server.close()
        remove_cgroups(left)  # and the sleep in them, had the server not done it
    assert not cgroups() & names


def test_the_sweep_of_abandoned_scratch_folders_takes_only_this_users_unheld_ones(monkeypatch):
    """remove_abandoned_scratch removes a scratch folder nobody holds, and nothing else: not one a living
    process holds, not one of another user, not a link to a folder, and a lock file planted as a FIFO
    (on which open would wait for ever) is passed over at once."""
    from course import kernel_fork
    base = tempfile.mkdtemp(prefix="tfs-", dir="/tmp")  # short: scratch_base would give way to /tmp
    monkeypatch.setattr(tempfile, "tempdir", base)
    try:
        held = Path(kernel_fork.worker_scratch())
        abandoned = Path(kernel_fork.worker_scratch())
        (abandoned / "vetted" / "s0").mkdir(parents=True)
        kernel_fork.held_scratch.pop(str(abandoned)).close()  # as if its run had been killed
        fifo, foreign, elsewhere = (Path(base) / f"tf-worker-{name}" for name in ("fifo", "foreign", "target"))
        for folder in (fifo, foreign, elsewhere):
            folder.mkdir()
        os.mkfifo(fifo / HELD)
        for folder in (foreign, elsewhere):
            (folder / HELD).write_text("")
            (folder / "kept").write_text("")
        if os.geteuid() == 0:  # else another user's folder is one this user cannot open anyway
            os.chown(foreign, 65534, 65534)  # nobody's
        link = Path(base) / "tf-worker-link"
        link.symlink_to(elsewhere.rename(Path(base) / "not-scratch"))
        start = time.monotonic()
        kernel_fork.remove_abandoned_scratch()
        assert time.monotonic() - start < 10
        assert not abandoned.exists()
        assert held.is_dir() and (fifo / HELD).exists() and (foreign / "kept").exists() and link.is_symlink()
        assert (Path(base) / "not-scratch" / "kept").exists()
        kernel_fork.remove_scratch(held)
    finally:
        shutil.rmtree(base)
