"""Benchmark: the grader's time per call into a student's kernel, waited for as nbclient waits for a
cell (execute_cell) and as TrustedExecute.run_call waits for it, taking turns in one run.

    python bench/kernel_calls.py [--students 10] [--assignment 01_softmax] [--rounds 3]

A class of --students (`course simulate`) is graded by `course grade --no-feedback --jobs 1`
in this process, --rounds times with each kind, the kinds taking turns. Every call
(TrustedExecute.run_in_kernel) is timed: its wall time, and the worker's CPU time in it. Prints
each kind's median per call over the rounds (with the class's wall time), and how many times
less run_call takes. Exits 1 if the two kinds' scores differ.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course import ROOT  # noqa: E402
from course.build import course_copy  # noqa: E402
from course.grade import grade  # noqa: E402
from course.simulate import simulate  # noqa: E402
from course.trusted_execute import TrustedExecute  # noqa: E402

RUN_CALL, RUN_IN_KERNEL = TrustedExecute.run_call, TrustedExecute.run_in_kernel


def through_nbclient(self, cell):
    """The call waited for as a cell, by nbclient's execute_cell (which stores the cell it ran in the
    notebook: the test cell is put back)."""
    test_cell = self.nb.cells[self.test_index]
    try:
        self.execute_cell(cell, self.test_index, store_history=False)
    finally:
        self.nb.cells[self.test_index] = test_cell


KINDS = {"nbclient execute_cell": through_nbclient, "run_call": RUN_CALL}


def timed(times_folder):
    """run_in_kernel, timed into a file per worker process in `times_folder` (the worker, forked,
    starts from this `spent`)."""
    spent = {"calls": 0, "wall": 0.0, "cpu": 0.0}

    def run_timed(self, code, request=None):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return RUN_IN_KERNEL(self, code, request)
        finally:
            spent["calls"] += 1
            spent["wall"] += time.perf_counter() - wall
            spent["cpu"] += time.process_time() - cpu
            (Path(times_folder) / str(os.getpid())).write_text(json.dumps(spent))
    return run_timed


def one_round(kind, course, assignment, tmp):
    """(wall s per call, CPU s per call, the class's wall s, scores) of one grading of the class."""
    times = Path(tempfile.mkdtemp(dir=tmp))
    TrustedExecute.run_call = KINDS[kind]
    TrustedExecute.run_in_kernel = timed(times)
    try:
        outcomes, seconds = grade(assignment, course, jobs=1, force=True, progress=False, with_feedback=False)
    finally:
        TrustedExecute.run_call, TrustedExecute.run_in_kernel = RUN_CALL, RUN_IN_KERNEL
    spent = [json.loads(p.read_text()) for p in times.iterdir()]
    calls = sum(s["calls"] for s in spent)
    return (sum(s["wall"] for s in spent) / calls, sum(s["cpu"] for s in spent) / calls, seconds,
            {o.student: o.score for o in outcomes})


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
    print(f"{args.assignment}, {args.students} students, 1 worker: per call into the kernel, median of {args.rounds}")
    medians = {kind: [statistics.median(run[i] for run in rounds) for i in range(3)] for kind, rounds in runs.items()}
    for kind, (wall, cpu, seconds) in medians.items():
        print(f"  {kind:<22} wall {wall * 1000:5.2f} ms  grader CPU {cpu * 1000:5.2f} ms  class {seconds:6.1f} s")
    before, after = medians["nbclient execute_cell"], medians["run_call"]
    print(f"  ratio                  wall {before[0] / after[0]:5.2f} ×   grader CPU {before[1] / after[1]:5.2f} ×"
          f"   class {before[2] / after[2]:5.2f} ×")
    scores = {json.dumps(run[3], sort_keys=True) for rounds in runs.values() for run in rounds}
    if len(scores) != 1:
        sys.exit("scores differ / 分数不一致")
    print("scores identical / 分数一致")


if __name__ == "__main__":
    main()
