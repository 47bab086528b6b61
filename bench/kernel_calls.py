"""Benchmark: the grader's time per call into a student's kernel and per cell it runs there, waited
for as nbclient waits for a cell (execute_cell) and as TrustedExecute.run_call waits, taking turns.

    python bench/kernel_calls.py [--students 10] [--assignment 01_softmax] [--rounds 3]

A class of --students (`course simulate`) is graded by `course grade --no-feedback --jobs 1`
in this process, --rounds times with each kind, the kinds taking turns. Every call
(TrustedExecute.run_in_kernel) and every code cell run in the kernel (lessons, answers:
TrustedExecute.execute_cell, which nbconvert also hands markdown and blank cells: not counted) is timed: its wall time, and the worker's CPU time in it. Prints each
kind's median per call and per cell over the rounds (with the class's wall time), and how many
times less run_call takes. Exits 1 if the two kinds' scores differ.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course import ROOT  # noqa: E402
from course.build import course_copy  # noqa: E402
from course.grade import grade  # noqa: E402
from course.simulate import simulate  # noqa: E402
from course.trusted_execute import TrustedExecute  # noqa: E402

ORIGINAL = {name: getattr(TrustedExecute, name) for name in ("run_call", "run_in_kernel", "execute_cell")}


def call_through_nbclient(self, cell, cell_index, timeout):
    """The call waited for as a cell, by nbclient's execute_cell (which stores the cell it ran in the
    notebook: the test cell is put back)."""
    test_cell = self.nb.cells[cell_index]
    try:
        NotebookClient.execute_cell(self, cell, cell_index, store_history=False)
    finally:
        self.nb.cells[cell_index] = test_cell


KINDS = {"nbclient execute_cell": {"run_call": call_through_nbclient, "execute_cell": NotebookClient.execute_cell},
         "run_call": {}}


def timed(method, spent, times_folder, counted=lambda *args: True):
    """`method`, its calls (those `counted`, given the same arguments) counted and timed into `spent`,
    written to a file per worker process in `times_folder` (the worker, forked, starts from this `spent`)."""
    def run_timed(self, *args, **kwargs):
        if not counted(*args):
            return method(self, *args, **kwargs)
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return method(self, *args, **kwargs)
        finally:
            spent["n"] += 1
            spent["wall"] += time.perf_counter() - wall
            spent["cpu"] += time.process_time() - cpu
            (Path(times_folder) / str(os.getpid())).write_text(json.dumps(spent))
    return run_timed


def one_round(kind, course, assignment, tmp):
    """({"calls": (wall s, CPU s) per call, "cells": the same per cell}, the class's wall s, scores) of one
    grading of the class."""
    times = {what: Path(tempfile.mkdtemp(dir=tmp)) for what in ("calls", "cells")}
    methods = {**ORIGINAL, **KINDS[kind]}
    TrustedExecute.run_call = methods["run_call"]
    TrustedExecute.run_in_kernel = timed(methods["run_in_kernel"], {"n": 0, "wall": 0.0, "cpu": 0.0}, times["calls"])
    TrustedExecute.execute_cell = timed(methods["execute_cell"], {"n": 0, "wall": 0.0, "cpu": 0.0}, times["cells"],
                                        lambda cell, *rest: cell.cell_type == "code" and bool(cell.source.strip()))
    try:
        outcomes, seconds = grade(assignment, course, jobs=1, force=True, progress=False, with_feedback=False)
    finally:
        for name, method in ORIGINAL.items():
            setattr(TrustedExecute, name, method)
    per = {}
    for what, folder in times.items():
        spent = [json.loads(p.read_text()) for p in folder.iterdir()]
        n = sum(s["n"] for s in spent)
        per[what] = (sum(s["wall"] for s in spent) / n, sum(s["cpu"] for s in spent) / n)
    return per, seconds, {o.student: o.score for o in outcomes}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--assignment", default="01_softmax")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-calls-") as tmp:
        course = Path(tmp) / "course"
        course_copy(course, [args.assignment], ROOT)
        simulate(args.students, 0, course)
        runs = {kind: [] for kind in KINDS}
        for _ in range(args.rounds):
            for kind in KINDS:
                runs[kind].append(one_round(kind, course, args.assignment, tmp))
    print(f"{args.assignment}, {args.students} students, 1 worker: per call into the kernel and per cell run "
          f"there, median of {args.rounds}")
    median = {kind: {what: [statistics.median(run[0][what][i] for run in rounds) for i in range(2)]
                     for what in ("calls", "cells")} | {"class": statistics.median(run[1] for run in rounds)}
              for kind, rounds in runs.items()}
    for kind, m in median.items():
        print(f"  {kind:<22} " + "  ".join(f"{what[:-1]}: wall {m[what][0] * 1000:5.2f} ms, grader CPU "
                                           f"{m[what][1] * 1000:5.2f} ms" for what in ("calls", "cells"))
              + f"  class {m['class']:6.1f} s")
    before, after = median["nbclient execute_cell"], median["run_call"]
    print(f"  {'ratio':<22} " + "  ".join(f"{what[:-1]}: wall {before[what][0] / after[what][0]:5.2f} ×, grader CPU "
                                         f"{before[what][1] / after[what][1]:5.2f} ×" for what in ("calls", "cells"))
          + f"  class {before['class'] / after['class']:5.2f} ×")
    scores = {json.dumps(run[2], sort_keys=True) for rounds in runs.values() for run in rounds}
    if len(scores) != 1:
        sys.exit("scores differ / 分数不一致")
    print("scores identical / 分数一致")


if __name__ == "__main__":
    main()
