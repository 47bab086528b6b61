"""The worker pool of `course grade`: forked processes sharing one task queue, each grading with its
own Grader (course/grader.py). A dead or stuck worker's submission gets a reason, the worker is
replaced, and what it left (its scratch folder, its sandbox's cgroups) is removed."""
import multiprocessing
import os
import queue
import shutil
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import psutil

from .grader import Grader
from .limits import Limits
from .sandbox import remove_cgroups_named
from .verdict import GRADER_FAILED, TIMED_OUT, WORKER_DIED, Outcome

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


class Workers:
    """Worker processes sharing one task queue (see the module's docstring)."""

    def __init__(self, app, force, with_feedback, jobs, students, log_path):
        self.context = multiprocessing.get_context("fork")  # workers inherit the configured nbgrader
        self.args = (app, force, with_feedback, str(log_path))
        # nbgrader's Execute already stops a looping cell (Execute.timeout); this only catches a worker
        # stuck outside a cell, e.g. on a kernel that ignores interrupts and never dies.
        self.deadline = Limits(parent=app).worker_deadline
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
        stuck = [pid for pid, (_, since) in self.busy.items() if now - since > self.deadline]
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
