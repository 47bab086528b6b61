"""Benchmark: the CPU a submission costs as the large payloads of its calls travel three ways,
taking turns in one run.

    python bench/call_payloads.py [--students 8] [--assignment 04_attention ...] [--rounds 3]

A vectorisation check calls the student's function on a large input: its arguments go to the kernel
and, before `steps_only` (course/wire.py invoke), its value came back, up to 12 MB each way. The three
kinds: "as before" (arrays as base64 in the message's JSON, every value sent back), "steps only" (the
checks' values left out) and "frames" (the arguments' arrays as the message's binary frames too, as
the grader now sends them). Each round grades the class of every assignment with one Grader in this
process per kind (bench/cpu_per_submission.py: the first student left out, the machine's CPU from
/proc/stat, so the machine should be quiet). Prints, per assignment and kind, the median over the
rounds of: the wall time of the vectorisation checks' calls per submission (the kernel's work and
the grader's, one after the other) and the machine's CPU time per submission; then the ratios of
"as before" to "frames".
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.cpu_per_submission import graded_by_one_grader  # noqa: E402
from course import ROOT  # noqa: E402
from course.build import course_copy  # noqa: E402
from course.simulate import released, simulate  # noqa: E402
import course.trusted_execute as trusted_execute  # noqa: E402
from course.trusted_execute import KernelName, TrustedExecute  # noqa: E402

INVOKE, KERNEL_RECORD, ENCODE = KernelName.invoke, TrustedExecute.kernel_record, trusted_execute.encode


def with_values(self, args, kwargs, max_steps=None, steps_only=False):
    """KernelName.invoke as before steps_only: the kernel sends every call's value back."""
    return INVOKE(self, args, kwargs, max_steps, False)


def in_json(value, budget, frames=None):
    """wire.encode as before frames: every array as base64 in the message's JSON."""
    return ENCODE(value, budget)


KINDS = {"as before": (with_values, in_json), "steps only": (INVOKE, in_json), "frames": (INVOKE, ENCODE)}


def timed(counted):
    """TrustedExecute.kernel_record, the wall time of counted calls (vectorisation checks) added to `counted`."""
    def kernel_record(self, request, frames=()):
        start = time.perf_counter()
        try:
            return KERNEL_RECORD(self, request, frames)
        finally:
            if request.get("max_steps") is not None:
                counted[0] += time.perf_counter() - start
    return kernel_record


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=8)
    parser.add_argument("--assignment", nargs="+", default=[], help="only these assignments (default: all)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    assignments = [a for a in released(ROOT) if not args.assignment or a in args.assignment]
    runs = {kind: {a: [] for a in assignments} for kind in KINDS}  # (checks' wall, machine CPU) per submission
    with tempfile.TemporaryDirectory(prefix="bench-payloads-") as tmp:
        course = Path(tmp) / "course"
        course_copy(course, assignments, ROOT)
        simulate(args.students, 0, course)
        for _ in range(args.rounds):
            for kind, (invoke, encode) in KINDS.items():
                KernelName.invoke, trusted_execute.encode = invoke, encode
                try:
                    for assignment in assignments:
                        counted = [0.0]
                        TrustedExecute.kernel_record = timed(counted)
                        machine = graded_by_one_grader(course, assignment)[2]
                        # the first student's checks are counted too: their time is over all students
                        runs[kind][assignment].append((counted[0] / args.students, machine))
                finally:
                    KernelName.invoke, TrustedExecute.kernel_record, trusted_execute.encode = (
                        INVOKE, KERNEL_RECORD, ENCODE)
    print(f"{args.students} students, one grader; per submission (s), median of {args.rounds} rounds: the "
          "vectorisation checks' calls (wall), the machine's CPU (the first student left out)")
    print(f"{'':<24}{'checks':>46}{'machine CPU':>46}")
    print(f"{'assignment':<24}" + 2 * ("".join(f"{kind:>12}" for kind in KINDS) + f"{'ratio':>10}"))
    medians = {kind: {a: [statistics.median(r[i] for r in rounds) for i in range(2)] for a, rounds in per.items()}
               for kind, per in runs.items()}
    for assignment in assignments + ["all (sum)"]:
        line = f"{assignment:<24}"
        for i in range(2):
            row = [sum(m[i] for m in medians[kind].values()) if assignment == "all (sum)" else medians[kind][assignment][i]
                   for kind in KINDS]
            line += "".join(f"{v:12.3f}" for v in row) + f"{row[0] / row[-1]:8.2f} ×"
        print(line)


if __name__ == "__main__":
    main()
