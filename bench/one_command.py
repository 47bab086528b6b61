"""Benchmark: `course grade --no-feedback` of one synthetic class, every assignment by one command
(`course grade A B ...`) against one command per assignment, taking turns.

    python bench/one_command.py [--students 10] [--rounds 2] [--seed 0] [--assignment 01_softmax ...]

The class (`course simulate`) is graded once first (which fills the gradebook); then each round
regrades it (--force) both ways, the first alternating from round to round; no student is new to an
assignment then, so every assignment runs its canary, either way. Printed per run: the
wall time and the machine's CPU time (/proc/stat: every process, so the machine should be quiet);
then the medians and how many times less one command takes.
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course import ROOT  # noqa: E402
from course.build import course_copy  # noqa: E402
from course.simulate import released, simulate  # noqa: E402

from cpu_per_submission import machine_cpu  # noqa: E402
from grading import course_command  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--assignment", nargs="+", default=[], help="only these assignments (default: all)")
    args = parser.parse_args()
    assignments = [a for a in released(ROOT) if not args.assignment or a in args.assignment]
    ways = {"one command": [assignments], "one per assignment": [[a] for a in assignments]}
    runs = {way: [] for way in ways}
    with tempfile.TemporaryDirectory(prefix="bench-one-command-") as tmp:
        course = course_copy(Path(tmp) / "course", assignments, ROOT)
        simulate(args.students, args.seed, course)
        course_command("grade", *assignments, "--course", str(course), "--no-feedback")
        print(f"{args.students} students × {len(assignments)} assignments, `course grade --no-feedback --force`")
        for round_ in range(args.rounds):
            for way in (list(ways) if round_ % 2 == 0 else list(reversed(ways))):
                wall, cpu = time.perf_counter(), machine_cpu()
                for names in ways[way]:
                    course_command("grade", *names, "--course", str(course), "--no-feedback", "--force")
                runs[way].append((time.perf_counter() - wall, machine_cpu() - cpu))
                print(f"round {round_ + 1} {way:<20} {runs[way][-1][0]:6.1f} s wall {runs[way][-1][1]:7.1f} s machine CPU",
                      flush=True)
    medians = {way: [statistics.median(run[i] for run in runs[way]) for i in (0, 1)] for way in ways}
    for way, (wall, cpu) in medians.items():
        print(f"median {way:<21} {wall:6.1f} s wall {cpu:7.1f} s machine CPU")
    (one_wall, one_cpu), (each_wall, each_cpu) = medians["one command"], medians["one per assignment"]
    print(f"one per assignment ÷ one command: {each_wall / one_wall:.2f} × wall, {each_cpu / one_cpu:.2f} × machine CPU")


if __name__ == "__main__":
    main()
