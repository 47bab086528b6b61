"""Benchmark: one synthetic class graded by `course grade --no-feedback` of two commits, taking turns.

    python bench/two_commits.py BEFORE [AFTER] [--students 10] [--rounds 2] [--seed 0]
                                [--assignment 01_softmax ...] [--one-command]

Each commit's `course` package is checked out (`git worktree`) into a temporary folder; AFTER
defaults to this checkout as it is, uncommitted changes included. The class (`course simulate`) is
made once in a course copy built by this checkout (its notebooks and nbgrader_config.py, which the
package of an older commit must understand); each run grades a fresh copy of it, every
assignment as its own command, as an instructor would (with --one-command, all of them by one
`course grade A B ...`, which both commits must know). The two take turns, the first alternating
from round to round. Printed per run: the wall time and the machine's CPU time (/proc/stat: every
process, so the machine should be quiet); then the medians and BEFORE ÷ AFTER. Exits 1 if the
two disagree on any score.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course import ROOT  # noqa: E402
from course.build import course_copy  # noqa: E402
from course.simulate import released, simulate  # noqa: E402

from cpu_per_submission import machine_cpu  # noqa: E402
from grading import course_command, scores  # noqa: E402


def graded(package, course, assignments, one_command=False):
    """(wall, machine CPU) seconds of grading every assignment of `course` with the `course` package
    in the folder `package`, one command per assignment or (`one_command`) one for all."""
    wall, cpu = time.perf_counter(), machine_cpu()
    for names in [assignments] if one_command else [[a] for a in assignments]:
        # in `package`: `python -m course` finds the package of its folder first
        course_command("grade", *names, "--course", str(course), "--no-feedback", cwd=package, root=package)
    return time.perf_counter() - wall, machine_cpu() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="a commit")
    parser.add_argument("after", nargs="?", help="a commit (default: this checkout as it is)")
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--assignment", nargs="+", default=[], help="only these assignments (default: all)")
    parser.add_argument("--one-command", action="store_true", help="grade all assignments by one command")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="two-commits-") as tmp:
        packages = {"before": Path(tmp) / "before", "after": Path(tmp) / "after" if args.after else ROOT}
        try:
            for name, commit in (("before", args.before), ("after", args.after)):
                if packages[name] != ROOT:
                    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(packages[name]), commit],
                                   check=True, capture_output=True)
            for name, package in packages.items():  # which `course` each side's commands import
                found_at = subprocess.run([sys.executable, "-c", "import course; print(course.__file__)"], cwd=package,
                                          env=dict(os.environ, PYTHONPATH=str(package)), capture_output=True, text=True)
                if not Path(found_at.stdout.strip()).is_relative_to(package):
                    sys.exit(f"{name}: the course package found is not {package}: {found_at.stdout}{found_at.stderr}")
            base = Path(tmp) / "class"
            assignments = args.assignment or released(ROOT)
            course_copy(base, assignments, ROOT)
            simulate(args.students, args.seed, base)
            print(f"{args.students} students × {len(assignments)} assignments; before {args.before}, "
                  f"after {args.after or 'this checkout'}" + (", one command" if args.one_command else ""), flush=True)
            runs, found = {"before": [], "after": []}, {}
            for round_ in range(args.rounds):
                for name in (("before", "after") if round_ % 2 == 0 else ("after", "before")):
                    course = Path(tmp) / f"{name}-{round_}"
                    shutil.copytree(base, course)
                    runs[name].append(graded(packages[name], course, assignments, args.one_command))
                    if name not in found:
                        found[name] = {a: scores(course, a) for a in assignments}
                    print(f"round {round_ + 1} {name:<6} {runs[name][-1][0]:7.1f} s wall "
                          f"{runs[name][-1][1]:7.1f} s machine CPU", flush=True)
                    shutil.rmtree(course)
        finally:
            for name in ("before", "after"):
                if packages[name] != ROOT and packages[name].exists():
                    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(packages[name])],
                                   capture_output=True)
    medians = {name: [statistics.median(r[i] for r in runs[name]) for i in (0, 1)] for name in runs}
    for name in ("before", "after"):
        print(f"median {name:<6} {medians[name][0]:7.1f} s wall {medians[name][1]:7.1f} s machine CPU")
    print(f"before ÷ after: {medians['before'][0] / medians['after'][0]:.2f} × wall, "
          f"{medians['before'][1] / medians['after'][1]:.2f} × machine CPU")
    if found["before"] != found["after"]:
        sys.exit("the two commits disagree on some score / 两个版本的得分不一致")


if __name__ == "__main__":
    main()
