"""Benchmark: where the CPU of grading one submission goes, per assignment, and the ceiling it puts on
`course grade`'s speed-up over plain `nbgrader autograde` on this machine.

    python bench/cpu_per_submission.py [--students 8] [--seed 0] [--assignment 01_softmax ...]

A class of --students (`course simulate`) is graded, assignment by assignment, by one Grader in this
process (what a `course grade` worker runs, sandboxed as the course is configured), the first
student left out of the figures (it pays the fork server's start and the first imports). Per
submission: the wall time; the grader's CPU time (this process); the machine's CPU time (/proc/stat:
the grader, its kernels and everything else running, so the machine should be quiet); the time in
cells. Then plain `nbgrader autograde` grades the same class, one command per assignment, and the
ceiling is printed: nbgrader's wall time per submission ÷ (the machine's CPU time per submission ÷
the cores this run may use), which is what `course grade` would reach with every core busy all the
time and no cost per run (start-up, canary, report). nbgrader's start-up per command is shared by the
class, so the ceiling falls as --students grows.
"""
import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course import ROOT, default_jobs  # noqa: E402
from course.build import course_copy  # noqa: E402
from course.grade import submissions  # noqa: E402
from course.grader import Grader  # noqa: E402
from course.kernel_fork import remove_scratch, worker_scratch  # noqa: E402
from course.nbgrader_setup import nbgrader, nbgrader_app  # noqa: E402
from course.simulate import released, simulate  # noqa: E402


def machine_cpu():
    """CPU seconds the machine has spent (user, nice and system) since it started."""
    with open("/proc/stat") as stat:
        user, nice, system = map(int, stat.readline().split()[1:4])
    return (user + nice + system) / os.sysconf("SC_CLK_TCK")


def graded_by_one_grader(course, assignment):
    """(wall, grader CPU, machine CPU, time in cells) per submission, in seconds, the first left out."""
    app = nbgrader_app(assignment, course, ["--force"])
    scratch = worker_scratch()
    grader = Grader(app, True, False, scratch)
    # what nbgrader says about each submission goes where a worker's log would keep it: nowhere here
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            first, *rest = submissions(course, assignment)
            grader.grade(first)
            wall, cpu, machine, cells = time.perf_counter(), time.process_time(), machine_cpu(), 0.0
            for student in rest:
                cells += grader.grade(student).cell_seconds
            n = len(rest)
            return ((time.perf_counter() - wall) / n, (time.process_time() - cpu) / n,
                    (machine_cpu() - machine) / n, cells / n)
        finally:
            grader.close()
            remove_scratch(scratch)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--assignment", nargs="+", default=[], help="only these assignments (default: all)")
    args = parser.parse_args()
    assignments = [a for a in released(ROOT) if not args.assignment or a in args.assignment]
    cores = default_jobs()
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp:
        ours, plain = Path(tmp) / "course", Path(tmp) / "nbgrader"
        for folder in (ours, plain):
            course_copy(folder, assignments, ROOT)
            simulate(args.students, args.seed, folder)
        print(f"{args.students} students, one grader, {cores} cores; per submission, the first student left out "
              "(seconds):")
        print(f"{'assignment':<24}{'wall':>8}{'grader CPU':>12}{'machine CPU':>13}{'in cells':>10}")
        totals = [0.0] * 4
        for assignment in assignments:
            figures = graded_by_one_grader(ours, assignment)
            totals = [t + f for t, f in zip(totals, figures)]
            print(f"{assignment:<24}" + "".join(f"{f:{w}.3f}" for f, w in zip(figures, (8, 12, 13, 10))), flush=True)
        print(f"{'all (sum)':<24}" + "".join(f"{f:{w}.3f}" for f, w in zip(totals, (8, 12, 13, 10))))
        start = time.perf_counter()
        for assignment in assignments:  # it exits 1 when a submission fails (the broken ones): part of the run
            nbgrader("autograde", assignment, root=plain, check=False)
        per_student = (time.perf_counter() - start) / args.students
        print(f"\nnbgrader autograde, all assignments: {per_student:.2f} s per student (wall, one core)")
        print(f"course grade, the machine's CPU:      {totals[2]:.2f} s per student "
              f"(the grader's own: {totals[1] / totals[2]:.0%})")
        print(f"ceiling of course grade ÷ nbgrader on {cores} cores: {per_student / (totals[2] / cores):.2f} ×")


if __name__ == "__main__":
    main()
