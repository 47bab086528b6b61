"""Benchmark: synthetic classes graded by plain `nbgrader autograde` and by `python -m course grade`,
and one `python -m course check NOTEBOOK`.

    python bench/grading.py [--students 10 40] [--seed 0] [--jobs N] [--no-sandbox]
                            [--assignment 01_softmax ...] [--checks 3] [--one-command]

For each class size, each grader gets its own copy of the course with the same class
(`course simulate`) and grades every assignment (or those given) with the course's
nbgrader_config.py. Two comparisons of the same work: `nbgrader autograde` against
`course grade --no-feedback`, and `nbgrader autograde` followed by `nbgrader generate_feedback`
against `course grade` (which writes every student's feedback HTML). Every command is started
afresh per assignment, as an instructor would when each assignment falls due, so each run pays its
own start-up; with --one-command each grader grades all of them with one command, as at the end of a
term: `nbgrader autograde "*"` (and `generate_feedback "*"`) against `course grade A B ...`.
Printed per class: each wall time, submissions per minute, the ratios, and the floor: the time
`course grade` spent in cells (a lesson cell's kernel running it; a test cell's checks in the
grader, with their calls into the kernel), summed over the class and divided by the number of
cores. Then the wall time of `python -m course check` on the first assignment's first source
notebook, from the command line to the printed verdict: once with an empty cache, then the median
of --checks runs.
Exits 1 if the gradebooks disagree on any score.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nbgrader.api import Gradebook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course import ROOT  # noqa: E402
from course.build import course_copy  # noqa: E402
from course.grade import default_jobs  # noqa: E402
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


def course_command(*args, cwd=None, root=ROOT, **environment):
    env = dict(os.environ, PYTHONPATH=str(root), **environment)  # the course package of `root` (this checkout's)
    result = subprocess.run([sys.executable, "-m", "course", *args], capture_output=True, text=True, cwd=cwd, env=env)
    if result.returncode != 0:
        sys.exit(f"course {args[0]} failed / 失败:\n{result.stderr[-3000:]}")
    return result.stdout


def one_assignment_options(description):
    """The options of a benchmark of one assignment's class graded once, then measured in rounds."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--assignment", default="04_attention")
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    return parser.parse_args()


def graded_class(tmp, assignment, students):
    """A copy of the course in `tmp` whose synthetic class of `students` (`course simulate`) has been graded
    by `course grade --no-feedback` (which fills its gradebook and autograded/)."""
    course = course_copy(Path(tmp) / "course", [assignment], ROOT)
    simulate(students, 0, course)
    course_command("grade", assignment, "--course", str(course), "--no-feedback")
    return course


def one_class(students, args, assignments, tmp, cores):
    """Grade one class of `students` with both graders; print the comparison; the names of the
    assignments whose scores differ."""
    plain = Path(tmp) / f"nbgrader-{students}"
    course_copy(plain, assignments, ROOT)
    simulate(students, args.seed, plain)
    ours, ours_quick = Path(tmp) / f"course-{students}", Path(tmp) / f"course-no-feedback-{students}"
    shutil.copytree(plain, ours)
    shutil.copytree(plain, ours_quick)
    total = students * len(assignments)
    print(f"\n{students} students × {len(assignments)} assignments = {total} submissions, {cores} cores"
          + (", one command per grader" if args.one_command else ""), flush=True)

    # nbgrader exits 1 when a submission fails (the broken ones): that is part of the run
    sandbox = ["--TrustedExecute.sandbox=False"] if args.no_sandbox else []
    # the course copies hold only these assignments, so "*" names them all
    commands = [("*", assignments)] if args.one_command else [(a, [a]) for a in assignments]
    nbgrader_seconds = sum(seconds(lambda: nbgrader("autograde", pattern, *sandbox, root=plain, check=False))
                           for pattern, _ in commands)
    feedback_seconds = sum(seconds(lambda: nbgrader("generate_feedback", pattern, root=plain, check=False))
                           for pattern, _ in commands)
    options = (["--jobs", str(args.jobs)] if args.jobs else []) + (["--no-sandbox"] if args.no_sandbox else [])
    quick_seconds = sum(seconds(lambda: course_command("grade", *names, "--course", str(ours_quick), *options,
                                                       "--no-feedback")) for _, names in commands)
    course_seconds = sum(seconds(lambda: course_command("grade", *names, "--course", str(ours), *options))
                         for _, names in commands)
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
          f"(kernel time in cells {cell_seconds:.1f} s / {cores} cores)", flush=True)
    return [a for a in assignments if not scores(plain, a) == scores(ours, a) == scores(ours_quick, a)]


def check_seconds(assignment, runs, tmp):
    """Wall times of `python -m course check` on the assignment's first source notebook: the first
    with an empty cache (it generates the assignment), then `runs` more (they copy it)."""
    notebook, cache = sorted((ROOT / "source" / assignment).glob("*.ipynb"))[0], str(Path(tmp) / "cache")
    times = [seconds(lambda: course_command("check", str(notebook), cwd=ROOT, XDG_CACHE_HOME=cache))
             for _ in range(runs + 1)]
    return notebook.relative_to(ROOT), times[0], times[1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[10, 40], help="class sizes (default: 10 40)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, help="course grade workers (default: one per core)")
    parser.add_argument("--no-sandbox", action="store_true", help="both graders without bubblewrap")
    parser.add_argument("--assignment", nargs="+", default=[], help="only these assignments (default: all)")
    parser.add_argument("--checks", type=int, default=3, help="runs of `course check` after the first (0: none)")
    parser.add_argument("--one-command", action="store_true", help="all the assignments graded by one command each")
    args = parser.parse_args()
    cores = default_jobs()  # the cores this run may use
    assignments = [a for a in released(ROOT) if not args.assignment or a in args.assignment]
    differ = []
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        for students in args.students:
            differ += one_class(students, args, assignments, tmp, cores)
        if args.checks:
            notebook, first, times = check_seconds(assignments[0], args.checks, tmp)
            print(f"\n{'python -m course check ' + str(notebook):<40} {statistics.median(times):7.1f} s  "
                  f"(median of {len(times)}: {', '.join(f'{t:.1f}' for t in times)}; "
                  f"the first, with an empty cache: {first:.1f} s)")
    if differ:
        sys.exit(f"scores differ / 分数不一致: {', '.join(sorted(set(differ)))}")
    print("scores identical / 分数一致")


if __name__ == "__main__":
    main()
