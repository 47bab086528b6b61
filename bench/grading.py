"""Benchmark: one synthetic class graded by plain `nbgrader autograde` and by `python -m course grade`.

    python bench/grading.py [--students 40] [--seed 0] [--jobs N] [--no-sandbox]

Each grader gets its own copy of the course with the same class (`course simulate`) and grades
every assignment with the course's nbgrader_config.py. Two comparisons of the same work:
`nbgrader autograde` against `course grade --no-feedback`, and `nbgrader autograde` followed by
`nbgrader generate_feedback` against `course grade` (which writes every student's feedback HTML).
Printed: each wall time, submissions per minute, the ratios, and the floor: the time kernels
spent running cells in `course grade`, summed over the class and divided by the number of cores.
Exits 1 if the gradebooks disagree on any score.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nbgrader.api import Gradebook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course import ROOT  # noqa: E402
from course.build import course_copy  # noqa: E402
from course.nbgrader_setup import nbgrader  # noqa: E402
from course.simulate import released, simulate  # noqa: E402


def scores(folder, assignment):
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gb:
        return {(sub.student_id, g.name): g.score for sub in gb.assignment_submissions(assignment)
                for nb in sub.notebooks for g in nb.grades}


def seconds(run):
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def course_grade(folder, assignment, options):
    result = subprocess.run([sys.executable, "-m", "course", "grade", assignment, "--course", str(folder), *options],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"course grade failed / 评分失败:\n{result.stderr[-3000:]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, help="course grade workers (default: cores + 1)")
    parser.add_argument("--no-sandbox", action="store_true", help="both graders without bubblewrap")
    args = parser.parse_args()
    cores = os.cpu_count()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        plain = Path(tmp) / "nbgrader"
        assignments = released(ROOT)
        course_copy(plain, assignments, ROOT)
        simulate(args.students, args.seed, plain)
        ours, ours_quick = Path(tmp) / "course", Path(tmp) / "course-no-feedback"
        shutil.copytree(plain, ours)
        shutil.copytree(plain, ours_quick)
        total = args.students * len(assignments)
        print(f"{args.students} students × {len(assignments)} assignments = {total} submissions, {cores} cores")

        # nbgrader exits 1 when a submission fails (the broken ones): that is part of the run
        sandbox = ["--TrustedExecute.sandbox=False"] if args.no_sandbox else []
        nbgrader_seconds = sum(seconds(lambda: nbgrader("autograde", a, *sandbox, root=plain, check=False))
                               for a in assignments)
        feedback_seconds = sum(seconds(lambda: nbgrader("generate_feedback", a, root=plain, check=False))
                               for a in assignments)
        options = (["--jobs", str(args.jobs)] if args.jobs else []) + (["--no-sandbox"] if args.no_sandbox else [])
        quick_seconds = sum(seconds(lambda: course_grade(ours_quick, a, [*options, "--no-feedback"]))
                            for a in assignments)
        course_seconds = sum(seconds(lambda: course_grade(ours, a, options)) for a in assignments)
        cell_seconds = sum(o["cell_seconds"] for a in assignments for o in json.loads(
            (ours / "reports" / a / "summary.json").read_text())["submissions"])

        for name, wall in (("nbgrader autograde", nbgrader_seconds),
                           ("course grade --no-feedback", quick_seconds),
                           ("nbgrader autograde + generate_feedback", nbgrader_seconds + feedback_seconds),
                           ("course grade", course_seconds)):
            print(f"{name:<40} {wall:7.1f} s  {60 * total / wall:6.1f} submissions/min")
        print(f"{'ratio, grading only':<40} {nbgrader_seconds / quick_seconds:7.2f} ×")
        print(f"{'ratio, grading and feedback':<40} {(nbgrader_seconds + feedback_seconds) / course_seconds:7.2f} ×")
        print(f"{'floor (course grade)':<40} {cell_seconds / cores:7.1f} s  "
              f"(kernel time in cells {cell_seconds:.1f} s / {cores} cores)")
        differ = [a for a in assignments if not scores(plain, a) == scores(ours, a) == scores(ours_quick, a)]
        if differ:
            sys.exit(f"scores differ / 分数不一致: {', '.join(differ)}")
        print("scores identical / 分数一致")


if __name__ == "__main__":
    main()
