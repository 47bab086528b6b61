"""The worker pool of `course grade`: forked processes, each grading with its own Grader
(course/grader.py) and talking to the coordinator over its own pipe. A dead or stuck worker's
submission gets a reason, the worker is replaced, and what it left (its scratch folder, its
sandbox's cgroups) is removed. No queue or lock is shared: a worker killed at any moment cannot
leave one held and stall the others."""
import contextlib
import multiprocessing
import os
import shutil
import time
from collections import deque
from dataclasses import asdict
from multiprocessing.connection import wait

import psutil

from . import GraderFault
from .grader import Grader, restore_entry
from .kernel_fork import remove_scratch, worker_scratch
from .limits import Limits, cap_grader_memory
from .verdict import GRADER_FAILED, TIMED_OUT, WORKER_DIED, Outcome


GRADER_FAILED_SEE_LOG = f"{GRADER_FAILED}: see reports/<assignment>/grading.log"
CANARY = ("canary",)  # the task of running the canary (course/canary.py); a student's id is a string


def work(app, force, with_feedback, log_path, scratch, conn, started, others):
    """A worker process: grade the students the coordinator sends (or run the canary) until it sends None.
    When the grader fails (GraderFault), the student's outcome says so and the worker retires: a fresh one
    with a new fork server takes its place. `started`: the fork server the coordinator launched for it
    (course/kernel_fork.py EarlyServers), or None; `others`: those left for later workers."""
    for server in others:  # theirs to talk to, not this worker's
        server.hand_over()
    cap_grader_memory(Limits(parent=app))
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(log, 1)  # nbgrader's and the kernels' own output goes to the log, not over the progress bar
    os.dup2(log, 2)
    grader = Grader(app, force, with_feedback, scratch, started)
    try:
        for task in iter(conn.recv, None):
            if task == CANARY:
                conn.send(grader.canary())
                continue
            try:
                conn.send(asdict(grader.grade(task, began=lambda entry: conn.send({"began": entry}))))
            except GraderFault as fault:  # Grader.grade logged what nbgrader said
                conn.send({**asdict(Outcome(task, reasons=[f"{GRADER_FAILED}: {' '.join(str(fault).split())}"])),
                           "retired": True})
                break
    finally:
        grader.close()
        shutil.rmtree(scratch, ignore_errors=True)


class Worker:
    def __init__(self, process, conn, scratch, server):
        self.process, self.conn, self.scratch = process, conn, scratch
        self.server = server  # the fork server launched for it, which only this process can reap (or None)
        self.student, self.since, self.stuck = None, None, False
        self.began, self.entry = False, None  # nbgrader started on the student, whose entry was `entry`

    def began_message(self, data):
        """Whether `data`, a message from the worker, says nbgrader began (its entry is then kept)."""
        if "began" in data:
            self.began, self.entry = True, data["began"]
        return "began" in data


class Workers:
    """Worker processes given one student at a time (see the module's docstring). They start at
    once (their fork servers import meanwhile); one runs the canary (`canary`), and they get their
    first student when `outcomes` begins."""

    def __init__(self, app, force, with_feedback, jobs, students, log_path, early=None):
        self.context = multiprocessing.get_context("fork")  # workers inherit the configured nbgrader
        self.early = early  # fork servers launched before nbgrader was imported (EarlyServers), or None
        self.app, self.args = app, (app, force, with_feedback, str(log_path))
        # nbgrader's Execute already stops a looping cell (Execute.timeout); this only catches a worker
        # stuck outside a cell, e.g. on a kernel that ignores interrupts and never dies.
        self.deadline = Limits(parent=app).worker_deadline
        self.todo, self.remaining, self.workers = deque(students), len(students), {}
        self.spares = len(students) + jobs  # replacements before the grader itself is taken to be broken
        for _ in range(min(jobs, len(students))):
            self.spawn(assign=False)
        if early is not None:
            early.close()  # more than the workers: a replacement worker starts its own

    def spawn(self, assign=True):
        ours, theirs = self.context.Pipe()
        scratch, server = self.early.take() if self.early is not None else (worker_scratch(), None)
        others = self.early.servers() if self.early is not None else []
        process = self.context.Process(target=work, args=(*self.args, scratch, theirs, server, others), daemon=True)
        process.start()
        theirs.close()  # the worker holds the only other end: its death is our end's EOF
        if server is not None:
            server.hand_over()  # the worker's alone: it sees EOF once the worker is gone, as its own server would
        worker = self.workers[ours] = Worker(process, ours, scratch, server)
        if assign:
            self.assign(worker)

    def assign(self, worker):
        worker.began, worker.entry = False, None
        worker.student = self.todo.popleft() if self.todo else None
        worker.since = time.monotonic()
        try:
            worker.conn.send(worker.student)
        except OSError:
            pass  # it died already: its end of the pipe says so next

    def canary(self):
        """The canary's problems, found by the oldest worker with its own kernels while the others
        start. A worker that dies or is stuck meanwhile is replaced, and the next one runs it."""
        while self.workers:
            worker = next(iter(self.workers.values()))
            with contextlib.suppress(OSError):  # it died already: its end of the pipe says so next
                worker.conn.send(CANARY)
            if wait([worker.conn], timeout=self.deadline):
                with contextlib.suppress(EOFError, OSError):
                    return worker.conn.recv()
            else:
                kill_tree(worker.process.pid)
            self.remove(worker)
            if self.spares:
                self.spares -= 1
                self.spawn(assign=False)
        return [GRADER_FAILED_SEE_LOG]

    def outcomes(self):
        """Yield an Outcome per submission as workers finish them."""
        for worker in list(self.workers.values()):
            if worker.since is None:
                self.assign(worker)
        while self.remaining:
            for conn in wait(list(self.workers), timeout=1):
                worker = self.workers[conn]
                try:
                    data = conn.recv()
                except (EOFError, OSError):
                    yield from self.bury(worker)
                    continue
                if worker.began_message(data):
                    continue
                self.remaining -= 1
                retired = data.pop("retired", False)
                yield Outcome(**data)
                if retired:
                    self.remove(worker)
                    self.take_spare()
                else:
                    self.assign(worker)
            self.stop_stuck()
            if not self.workers and self.remaining:  # workers die as soon as they start: the grader is broken
                yield from self.abandon()

    def stop_stuck(self):
        now = time.monotonic()
        for worker in self.workers.values():
            if worker.student is not None and not worker.stuck and now - worker.since > self.deadline:
                worker.stuck = True
                kill_tree(worker.process.pid)  # its pipe's EOF comes next

    def bury(self, worker):
        """A worker that died: its submission gets a reason, its leftovers go, a spare takes over."""
        self.remove(worker)
        if worker.student is not None:
            self.remaining -= 1
            if worker.stuck:  # the student's: her code would not stop
                yield Outcome(worker.student, reasons=[TIMED_OUT])
            else:  # the grader's failure
                yield Outcome(worker.student, reasons=[f"{WORKER_DIED} (exit {worker.process.exitcode})",
                                                       *self.undo_attempt(worker)])
        self.take_spare()

    def undo_attempt(self, worker):
        """What the unfinished attempt of a dead or stopped worker left, if nbgrader had begun: its
        student's gradebook entry as it was, and no autograded/ folder (nbgrader would skip a half-made one
        as graded). A reason if the gradebook stays locked."""
        if not worker.began:
            return []
        coursedir = self.app.coursedir
        shutil.rmtree(coursedir.format_path(coursedir.autograded_directory, worker.student, coursedir.assignment_id),
                      ignore_errors=True)
        try:
            restore_entry(self.app, worker.student, worker.entry)
            return []
        except GraderFault as fault:
            return [f"{GRADER_FAILED}: {fault}"]

    def take_spare(self):
        """A new worker in place of one removed, while students are left."""
        if self.todo and self.spares:
            self.spares -= 1
            self.spawn()

    def remove(self, worker):
        """A dead or retired worker out of the pool, with its pipe and scratch folder."""
        del self.workers[worker.conn]
        worker.conn.close()
        end(worker.process)
        self.clean_up(worker)

    def abandon(self):
        """Every submission not yet graded, with the reason that the grader failed (not the student)."""
        while self.todo:
            self.remaining -= 1
            yield Outcome(self.todo.popleft(), reasons=[GRADER_FAILED_SEE_LOG])

    def close(self):
        for worker in self.workers.values():
            if worker.since is None:  # never given a student (the canary failed): it stops on None
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
            elif worker.student is not None:  # still grading: the run was interrupted
                kill_tree(worker.process.pid)
                with contextlib.suppress(EOFError, OSError):  # what it said meanwhile
                    while worker.student is not None and worker.conn.poll():
                        if not worker.began_message(worker.conn.recv()):
                            worker.student = None  # it finished
            end(worker.process)
            if worker.student is not None:
                self.undo_attempt(worker)
            worker.conn.close()
            self.clean_up(worker)

    @staticmethod
    def clean_up(worker):
        """What an ended worker leaves: its fork server if the coordinator launched it (alive if the
        worker was killed; else reaped here), its scratch folder and cgroups."""
        if worker.server is not None:
            worker.server.stop()
        remove_scratch(worker.scratch)


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
