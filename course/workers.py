"""The worker pool of `course grade`: forked processes, each grading with its own Grader
(course/grader.py) and talking to the coordinator over its own pipe. A dead or stuck worker's
submission gets a reason, the worker is replaced, and what it left (its scratch folder, its
sandbox's cgroups) is removed. No queue or lock is shared: a worker killed at any moment cannot
leave one held and stall the others.

Before any grade counts, the set-up must be shown to work (course/canary.py). The workers first grade
the students who have nothing yet of the assignment (no gradebook entry, no autograded or feedback
folder), and hold their outcomes back. The first of them whose submission ran all of the lesson's
code unchanged and passed every test shows what the canary would (kernels start, the course
imports, the limits let the lesson and a correct answer run): the held outcomes count, and the
other students are graded. Once twice as many of them as there are workers have not shown it, or one has a
note (a timeout, a kernel that died, the grader's failure...), or none is left to hand out, a worker
runs the canary; if it fails, what those attempts wrote is removed, and the gradebook and folders
are as they were. Those students are also listed in reports/<assignment>/unproven.json until the set-up
is shown to work or they are undone: a run killed meanwhile (SIGKILL, a power cut) cannot undo them, so
the next run does first."""
import contextlib
import fcntl
import multiprocessing
import os
import shutil
import sys
import time
from collections import deque
from dataclasses import asdict
from multiprocessing.connection import wait
from pathlib import Path

import psutil

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import OperationalError

from . import CourseError, GraderFault
from .canary import BROKEN
from .grader import Grader, restore_entry, warm_up
from .journal import gradebook_digest, inflight, journal, read_inflight, read_journal, write_inflight, write_journal
from .kernel_fork import HELD, EarlyServers, empty, remove_scratch
from .limits import Limits, cap_grader_memory
from .table import shown
from .verdict import GRADER_FAILED, PAST_DEADLINE, WORKER_DIED, Outcome


GRADER_FAILED_SEE_LOG = GRADER_FAILED + "（原因见reports/{assignment}/grading.log / see reports/{assignment}/grading.log）"
WORKERS_DIED = ("评分程序无法运行：评分进程一再退出（原因见reports/{assignment}/grading.log），因此没有保留任何学生的评分，"
                "成绩册保持原样。\nThe grader cannot run: its grading processes kept dying (see "
                "reports/{assignment}/grading.log), so no student's grade was kept and the gradebook is as it was.")
NOT_UNDONE = ("但成绩册被锁定，以下学生这次的记录未能撤销；下一次python -m course grade会先撤销它们：\n"
              "But the gradebook was locked: what this run wrote for these students could not be undone; the next "
              "python -m course grade undoes it first:")
WAITING = ("另一个course grade正在评这个作业，或者一个被中止的运行的评分进程还在评完手上的提交：等它们结束（进程{processes}；"
           "卡住的可以用kill结束）…… / Another course grade is grading this assignment, or the grading processes of a run "
           "that was killed are finishing their submissions: waiting for them to end (processes {processes}; kill one "
           "that is stuck)...")
CANARY = ("canary",)  # the task of running the canary (course/canary.py); a student's id is a string


class SetUpBroken(Exception):
    """The set-up was not shown to work: `headline` says so (the canary failed: BROKEN; the workers died:
    WORKERS_DIED), `problems` why (course/canary.py); `not_undone`, which students begun meanwhile could
    not be undone (the gradebook stayed locked)."""

    def __init__(self, headline, problems, not_undone):
        super().__init__(headline, problems, not_undone)
        self.headline, self.problems, self.not_undone = headline, problems, not_undone


def work(app, force, with_feedback, log_path, known, blank, scratch, conn, started, others, coordinator_ends):
    """A worker process: grade the students the coordinator sends (or run the canary) until it sends None.
    When the grader fails (GraderFault), the student's outcome says so and the worker retires: a fresh one
    with a new fork server takes its place. Each attempt is recorded before nbgrader begins and until it
    ends (course/journal.py `inflight`). `known`, `blank`: the students the gradebook knew, and those with
    nothing of the assignment (`known_and_blank`). `started`: the fork server the coordinator launched for it
    (course/kernel_fork.py EarlyServers), or None; `others`: the other servers whose pipes it inherited (those
    left for later workers, those of the other workers);
    `coordinator_ends`: the coordinator's ends of the pipes (its own and the other workers'), inherited."""
    for end in coordinator_ends:  # held here, they would keep a pipe open after the coordinator died: no EOF
        end.close()
    for server in others:  # theirs to talk to, not this worker's
        server.hand_over()
    cap_grader_memory(Limits(parent=app))
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(log, 1)  # nbgrader's and the kernels' own output goes to the log, not over the progress bar
    os.dup2(log, 2)
    grader = Grader(app, force, with_feedback, scratch, started)
    record = inflight(app.coursedir.root, app.coursedir.assignment_id, os.getpid())
    kept = None  # the pid of the command's server, if left running for its next assignment

    def began(student, entry):
        write_inflight(record, app.coursedir, student, student in known, student in blank, entry)
        conn.send({"began": entry})
    try:
        for task in iter(conn.recv, None):
            if task == CANARY:
                conn.send(grader.canary())
                continue
            try:
                outcome = grader.grade(task, began=lambda entry: began(task, entry))
                record.unlink(missing_ok=True)
                conn.send({**asdict(outcome), "whole_lesson": grader.whole_lesson})
            except GraderFault as fault:  # Grader.grade logged what nbgrader said, and put the entry back
                if getattr(fault, "entry_restored", False):  # else the next run does
                    record.unlink(missing_ok=True)
                conn.send({**asdict(Outcome(task, reasons=[f"{GRADER_FAILED}: {' '.join(str(fault).split())}"])),
                           "retired": True})
                break
        else:  # the coordinator said there is nothing more (None)
            kept = grader.server.hand_back()
            if kept is not None:
                conn.send({"kept": kept})
    finally:
        if kept is None:
            grader.close()
            shutil.rmtree(scratch, ignore_errors=True)
        else:  # the server's folder and the lock stay with the server
            empty(Path(scratch), keep=(Path(scratch) / HELD, Path(grader.server.folder)))


class Worker:
    def __init__(self, process, conn, scratch, server):
        self.process, self.conn, self.scratch = process, conn, scratch
        self.server = server  # the fork server launched for it, which only this process can reap (or None)
        self.kept = None  # the pid of that server if the worker left it running and clean as it ended
        self.student, self.since, self.stuck = None, None, False
        self.waiting = False  # for the canary to pass: it has nothing to grade until then
        self.began, self.entry = False, None  # nbgrader started on the student, whose entry was `entry`

    def began_message(self, data):
        """Whether `data`, a message from the worker, says nbgrader began (its entry is then kept)."""
        if "began" in data:
            self.began, self.entry = True, data["began"]
        return "began" in data


class Workers:
    """Worker processes given one student at a time (see the module's docstring). They start at
    once (their fork servers import meanwhile) and get their first task when `outcomes` begins."""

    def __init__(self, app, force, with_feedback, jobs, students, log_path, early=None, meanwhile=None):
        self.context, self.jobs = multiprocessing.get_context("fork"), jobs  # workers inherit the configured nbgrader
        # called once every student has been handed out and a worker has nothing left to do (its core is
        # free while the others grade the last students): warm_up for the command's next assignment
        self.meanwhile = meanwhile
        # fork servers launched before nbgrader was imported; none: each worker launches its own. The command's
        # (`early`) are given back as their workers end, for its next assignment (`leave`).
        self.keep = early is not None
        self.early = early or EarlyServers(app.coursedir.root, [app.coursedir.assignment_id], count=0, sandboxed=False)
        self.app = app
        # nbgrader's Execute already stops a looping cell (Execute.timeout), and the notebooks' budgets a
        # slow one; this only catches a worker stuck outside a cell, e.g. on a kernel that never dies.
        self.deadline = Limits(parent=app).worker_deadline
        self.todo, self.remaining, self.workers = deque(students), len(students), {}
        self.spares = len(students) + jobs  # replacements before the grader itself is taken to be broken
        self.canary = DUE if students else PASSED
        self.journal = journal(app.coursedir.root, app.coursedir.assignment_id)  # undo_unproven emptied it
        self.known, self.blank = known_and_blank(app, students)
        self.args = (app, force, with_feedback, str(log_path), self.known, self.blank)
        self.early_tries, self.held = [], []  # students begun before the set-up was shown to work; their outcomes
        self.unshown, self.noted = 0, False  # outcomes held that did not show it; whether one had a note
        if students:
            warm_up(app)
        try:
            for _ in range(min(jobs, len(students))):
                self.spawn(assign=False)
        except BaseException:  # e.g. no fork left: the workers already started stop, not wait for EOF
            self.close()
            raise
        if not self.keep:
            self.early.close()  # more than the workers: a replacement worker starts its own

    def spawn(self, assign=True):
        ours, theirs = self.context.Pipe()
        scratch, server = self.early.take()  # (a new scratch folder, None) once none is left
        others = self.early.servers() + [w.server for w in self.workers.values() if w.server is not None]
        process = self.context.Process(target=work, args=(*self.args, scratch, theirs, server, others,
                                                          [ours, *self.workers]), daemon=True)
        try:
            process.start()
        except BaseException:  # no worker: what it was to take goes (close() sees only the workers)
            for end in (ours, theirs):
                end.close()
            self.clean_up(scratch, server)
            raise
        theirs.close()  # the worker holds the only other end: its death is our end's EOF
        if server is not None and not self.keep:
            server.hand_over()  # the worker's alone: it sees EOF once the worker is gone, as its own server would
        worker = self.workers[ours] = Worker(process, ours, scratch, server)
        if assign:
            self.assign(worker)

    def assign(self, worker):
        worker.began, worker.entry, worker.stuck = False, None, False  # stuck: killed as it answered, say
        worker.student, worker.waiting = self.next_task(), False
        if worker.student is None and self.canary != PASSED and self.todo:
            worker.waiting = True  # its students may not be graded before the set-up is shown to work
            return
        worker.since = time.monotonic()
        try:
            worker.conn.send(worker.student)
        except OSError:
            pass  # it died already: its end of the pipe says so next

    def next_task(self):
        """Once the set-up has been shown to work, any student; until then a blank one, else the canary if
        no worker runs it (None: nothing for now, or none left)."""
        if self.canary == PASSED:
            return self.todo.popleft() if self.todo else None
        student = next((s for s in self.todo if s in self.blank), None)
        if self.canary == DUE and (student is None or self.noted or self.unshown >= UNSHOWN_PER_WORKER * self.jobs):
            self.canary = RUNNING
            return CANARY
        if student is not None:
            self.todo.remove(student)
            self.early_tries.append(student)
            self.write_journal(self.early_tries)  # before nbgrader begins on her
        return student

    def outcomes(self):
        """Yield an Outcome per submission as workers finish them; those finished before the set-up was
        shown to work, once it has. Raises SetUpBroken if the canary fails, once the students begun meanwhile
        are undone."""
        for worker in list(self.workers.values()):
            if worker.since is None:
                self.assign(worker)
        while self.remaining or self.canary != PASSED:
            # the canary's answer last: a student's proof that came with a failing canary makes it a note
            for conn in sorted(wait(list(self.workers), timeout=1), key=lambda c: self.workers[c].student == CANARY):
                worker = self.workers[conn]
                try:
                    data = conn.recv()
                except (EOFError, OSError):
                    yield from self.released(self.bury(worker))
                    continue
                if type(data) is dict and "kept" in data:  # it ended, its server left for the next assignment
                    worker.kept = data["kept"]
                    continue
                if worker.student == CANARY:
                    yield from self.canary_said(worker, data)
                    continue
                if worker.began_message(data):
                    continue
                self.remaining -= 1
                retired, whole_lesson = data.pop("retired", False), data.pop("whole_lesson", False)
                outcome = Outcome(**data)
                yield from self.released([outcome])
                if self.canary != PASSED:
                    if whole_lesson and self.passed_every_test(outcome):
                        yield from self.set_up_works()
                    else:
                        self.unshown, self.noted = self.unshown + 1, self.noted or bool(outcome.reasons)
                if retired:
                    self.remove(worker)
                    self.take_spare()
                else:
                    self.assign(worker)
            if self.meanwhile is not None and not self.todo and self.canary == PASSED \
                    and any(worker.student is None for worker in self.workers.values()):
                self.meanwhile, meanwhile = None, self.meanwhile
                with contextlib.suppress(Exception, SystemExit):  # only a saving: what fails here fails again later,
                    # where it is reported
                    meanwhile()
            self.stop_stuck()
            if not self.workers:  # workers die as soon as they start: the grader is broken
                if self.canary != PASSED:
                    self.refuse([], WORKERS_DIED)
                yield from self.abandon()

    def released(self, outcomes):
        """The outcomes to report now: none before the set-up has been shown to work (held till then)."""
        if self.canary != PASSED:
            self.held.extend(outcomes)
            return []
        return outcomes

    def passed_every_test(self, outcome):
        """Whether the student's submission passed every test, as the canary's must (and with no note)."""
        if not outcome.graded or outcome.reasons:
            return False
        coursedir = self.app.coursedir
        try:
            with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
                submission = gb.find_submission(coursedir.assignment_id, outcome.student)
                return submission.max_score > 0 and submission.score >= submission.max_score
        except (MissingEntry, OperationalError):  # locked for a moment (formgrader): the canary will tell
            return False

    def canary_said(self, worker, problems):
        """The canary's answer, from `worker`, which is free again."""
        worker.student, worker.waiting = None, True
        if self.canary == PASSED:  # a student's submission showed it first
            if problems:
                print("注意：课程自己的答案（source/）没有通过全部测试，但有学生的提交通过了 / note: the course's own answers "
                      "(source/) did not pass every test, though a student's submission did:\n" + "\n".join(problems[:10]),
                      file=sys.stderr)
            self.assign(worker)
            return
        if problems:
            self.refuse(problems)
        yield from self.set_up_works()

    def set_up_works(self):
        """The set-up has been shown to work: the held outcomes, and every waiting worker gets a student."""
        self.canary = PASSED
        self.early_tries = []
        self.write_journal([])
        yield from self.held
        self.held = []
        for worker in list(self.workers.values()):
            if worker.waiting:
                self.assign(worker)

    def refuse(self, problems, headline=BROKEN):
        """The canary failed (or the workers died: `headline`): stop the students begun meanwhile and undo
        them; raise SetUpBroken."""
        for worker in self.workers.values():
            if worker.student not in (None, CANARY):
                kill_tree(worker.process.pid)
                end(worker.process)
                if worker.server is not None:  # the command's: its kernel would run on till close()
                    worker.server.stop()
                worker.student = None  # undone below (or listed in the journal); close() need not
                self.record(worker).unlink(missing_ok=True)
        raise SetUpBroken(headline.format(assignment=self.app.coursedir.assignment_id), problems,
                          self.undo_early_tries())

    def undo_early_tries(self):
        """Undo every student begun before the canary passed, whose workers have ended: the gradebook as
        it was, without the student if it did not know her. The reasons of those that could not be."""
        if not self.early_tries:  # none, or undone already (close() after refuse): the journal says what is left
            return []
        not_undone, left = [], []
        while self.early_tries:  # each off the list once undone: an interrupted undo goes on in close()
            student = self.early_tries[0]
            why = undo(self.app, student, None, blank=True, forget_student=student not in self.known)
            not_undone, left = not_undone + why, left + [student] * bool(why)
            self.early_tries.pop(0)
        self.write_journal(left)  # those the locked gradebook kept: the next run tries again
        return not_undone

    def write_journal(self, students):
        """List the early tries `students` in the journal (none: remove it)."""
        write_journal(self.journal, self.app.coursedir, students, self.known)

    def stop_stuck(self):
        now = time.monotonic()
        for worker in self.workers.values():
            if worker.student is not None and not worker.stuck and now - worker.since > self.deadline:
                worker.stuck = True
                kill_tree(worker.process.pid)  # its pipe's EOF comes next

    def bury(self, worker):
        """A worker that died: its submission gets a reason, its leftovers go, a spare takes over
        (the canary's: the canary is run by a new worker)."""
        self.remove(worker)
        if worker.student == CANARY and self.canary == PASSED:
            self.take_spare()
            return
        if worker.student == CANARY:
            if not self.spares:
                self.refuse([], WORKERS_DIED)
            self.canary, self.spares = DUE, self.spares - 1
            self.spawn()
            return
        if worker.student is not None:  # the grader's failure, stuck too: budgets stop a student's code sooner
            self.remaining -= 1
            why = (PAST_DEADLINE.format(seconds=self.deadline) if worker.stuck
                   else f"{WORKER_DIED} (exit {worker.process.exitcode})")
            yield Outcome(worker.student, reasons=[why, *self.undo_attempt(worker)])
        self.take_spare()

    def undo_attempt(self, worker):
        """What the unfinished attempt of a dead or stopped worker left, if nbgrader had begun: its
        student's gradebook entry as it was, and no autograded/ folder (nbgrader would skip a half-made one
        as graded); then its record goes. A reason if the gradebook stays locked: the record stays for the
        next run, under a name a later worker of this run with the same process id cannot take."""
        why = undo(self.app, worker.student, worker.entry, blank=worker.student in self.blank) if worker.began else []
        record = self.record(worker)
        if not why:
            record.unlink(missing_ok=True)
        elif record.exists():
            record.rename(record.with_name(f"{record.stem}-{time.time_ns()}.json"))
        return why

    def record(self, worker):
        """The file where `worker` records the attempt it has begun (course/journal.py `inflight`)."""
        return inflight(self.app.coursedir.root, self.app.coursedir.assignment_id, worker.process.pid)

    def take_spare(self):
        """A new worker in place of one removed, while students are left or the canary is due."""
        if (self.todo or self.canary == DUE) and self.spares:
            self.spares -= 1
            self.spawn()

    def remove(self, worker):
        """A dead or retired worker out of the pool, with its pipe and scratch folder."""
        del self.workers[worker.conn]
        worker.conn.close()
        end(worker.process)
        self.leave(worker)

    def abandon(self):
        """Every submission not yet graded, with the reason that the grader failed (not the student)."""
        while self.todo:
            self.remaining -= 1
            yield Outcome(self.todo.popleft(),
                          reasons=[GRADER_FAILED_SEE_LOG.format(assignment=self.app.coursedir.assignment_id)])

    def close(self):
        for worker in self.workers.values():  # all told, or stopped, before any is waited for
            if worker.since is None or worker.waiting:  # never given a task, or waiting: it stops on None
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
            elif worker.student is not None:  # still grading: the run was interrupted
                kill_tree(worker.process.pid)
                if worker.server is not None:  # the command's: its kernel would run on till leave()
                    worker.server.stop()
        for worker in self.workers.values():
            with contextlib.suppress(EOFError, OSError):  # what a stopped one said meanwhile
                while worker.student is not None and worker.conn.poll():
                    if not worker.began_message(worker.conn.recv()):
                        worker.student = None  # it finished
            end(worker.process)
            if worker.student is not None:
                self.undo_attempt(worker)
            with contextlib.suppress(EOFError, OSError):  # what it said as it ended
                while worker.conn.poll():
                    data = worker.conn.recv()
                    worker.kept = data["kept"] if type(data) is dict and "kept" in data else worker.kept
            worker.conn.close()
            self.leave(worker)
        if self.canary != PASSED:  # interrupted before it passed: the students graded meanwhile do not count
            not_undone = self.undo_early_tries()
            if not_undone:
                print("\n".join([NOT_UNDONE, *not_undone]), file=sys.stderr)

    def leave(self, worker):
        """What an ended worker leaves: the command's server back in its pool with the scratch folder, if the
        worker left that server running and clean (ForkServer.hand_back) and it still runs; else clean_up."""
        server = worker.server
        if self.keep and worker.kept is not None and server is not None and not server.ended() \
                and server.process.pid == worker.kept:
            self.early.give_back(worker.scratch, server)
        else:
            self.clean_up(worker.scratch, server)

    @staticmethod
    def clean_up(scratch, server):
        """What an ended (or never started) worker leaves: `server`, its fork server if the coordinator
        launched it (alive if the worker was killed; else reaped here), and its `scratch` folder and cgroups."""
        if server is not None:
            server.stop()
        remove_scratch(scratch)


DUE, RUNNING, PASSED = "due", "running", "passed"  # the canary's state in Workers
# Held outcomes per worker that may fail to show the set-up works before the canary runs. Each one that
# shows it spares the canary (a submission's work, on one core); a broken set-up costs that many
# submissions per worker before the canary finds it. With one per worker, 3 of the 6 assignments of the
# simulated class (seed 0, 10 students) ran it; with two, 1.
UNSHOWN_PER_WORKER = 2


def known_and_blank(app, students):
    """The students the gradebook knows, and those of `students` with nothing yet of the assignment:
    no gradebook entry, no autograded or feedback folder (they may be graded before the canary passes)."""
    coursedir, assignment = app.coursedir, app.coursedir.assignment_id
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        known = {student.id for student in gb.students}
        entered = {submission.student_id for submission in gb.assignment_submissions(assignment)}
    folders = (coursedir.autograded_directory, coursedir.feedback_directory)
    return known, {s for s in students if s not in entered
                   and not any(os.path.lexists(coursedir.format_path(f, s, assignment)) for f in folders)}


def run_lock(app):
    """Hold the assignment for this run, and for the workers it forks (they inherit the lock), until the last
    of them has ended: the workers of a run killed outright finish their submission first, and another run
    must not undo or grade what they are still writing. Waits, saying so, while another run holds it.
    Keep the returned file open for the run."""
    path = Path(app.coursedir.root).resolve() / "reports" / app.coursedir.assignment_id / ".grading.lock"
    held = open(path, "a")
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(WAITING.format(processes=", ".join(map(str, holders(path)))), file=sys.stderr, flush=True)
        fcntl.flock(held, fcntl.LOCK_EX)
    return held


def holders(path):
    """The processes other than this one that have `path` open (whoever holds the run lock is among them)."""
    found = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if process.pid != os.getpid() and any(f.path == str(path) for f in process.open_files()):
                found.append(process.pid)
    return found


def undo_unproven(app):
    """Undo what an earlier run left (it was killed, or the gradebook was locked): the attempts its
    workers began and did not end, and the early tries it listed in the journal. CourseError if they are
    in another gradebook, or this one stays locked (the files stay for the next run). Call with the run
    lock held: the workers of earlier runs have ended."""
    root, assignment = app.coursedir.root, app.coursedir.assignment_id
    for path, gradebook, student, known, blank, entry in read_inflight(root, assignment):
        undo_left(app, path, gradebook, [(student, entry, blank, known)],
                  ("没有评完的评分", "an attempt it did not finish"),
                  ("它在评分途中被中止，或者成绩册被锁定而没能撤销；成绩册中可能只有部分笔记本的新成绩",
                   "it was killed while it graded it, or the gradebook was locked when it undid it; the gradebook "
                   "may have held new grades for some notebooks only"))
    path = journal(root, assignment)
    found = read_journal(path)
    if found is not None:
        undo_left(app, path, found[0], [(student, None, True, known) for student, known in found[1]],
                  ("确认评分环境可用之前的评分", "attempts made before the set-up was shown to work"),
                  ("它被中止，或者成绩册被锁定", "it was killed, or the gradebook was locked"))


def undo_left(app, path, gradebook, attempts, what, why):
    """Undo the `attempts` [(student, entry, blank, known)] an earlier run left in the file `path` of
    `gradebook`, then remove it; say so, `what` they were and `why` they were left ((Chinese, English) each)."""
    if gradebook != gradebook_digest(app.coursedir):
        raise CourseError(f"{path}列出了另一个成绩册中{what[0]}：请用那次运行的--db再运行一次python -m course grade，先撤销\n"
                          f"{path} lists {what[1]}, in another gradebook: run python -m course grade again with that "
                          "run's --db, which undoes it first.")
    not_undone = [reason for student, entry, blank, known in attempts
                  for reason in undo(app, student, entry, blank=blank, forget_student=not known)]
    if not_undone:
        raise CourseError("\n".join([
            f"更早的一次运行的{what[0]}无法撤销（成绩册被锁定），因此这次没有评分：请稍后再运行。\n"
            f"An earlier run's {what[1]} could not be undone (the gradebook is locked), so nothing was graded: "
            "run again later.", *not_undone]))
    path.unlink()
    students = [student for student, *_ in attempts]
    print(f"更早的一次运行留下了{what[0]}（{why[0]}），现已撤销，重新评分后才算数：{'、'.join(map(shown, students))}\n"
          f"An earlier run left {what[1]} ({why[1]}): undone, to count only once graded again: "
          f"{', '.join(map(shown, students))}",
          file=sys.stderr)


def undo(app, student, entry, blank, forget_student=False):
    """Remove what an attempt at the student wrote: its autograded/ folder (and, for a `blank` student,
    the feedback folder) and its gradebook entry, put back as `entry` (restore_entry; with
    `forget_student`, her row goes too). A reason if the gradebook stays locked."""
    coursedir, assignment = app.coursedir, app.coursedir.assignment_id
    for kind in ("autograded_directory", "feedback_directory")[:1 + blank]:
        folder = Path(coursedir.format_path(getattr(coursedir, kind), student, assignment))
        shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            folder.parent.rmdir()  # the student's, if nbgrader made it for this assignment only
    try:
        restore_entry(app, student, entry, forget_student)
        return []
    except GraderFault as fault:
        return [f"{GRADER_FAILED}: {fault}"]


def end(process):
    """Wait for a worker that is stopping (it first stops its fork server), killed if it takes long."""
    process.join(timeout=10)
    if process.is_alive():
        kill_tree(process.pid)
        process.join()


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
