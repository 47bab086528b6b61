"""Benchmark: autograde's exporter, nbconvert's NotebookExporter against the course's AutogradeExporter
(course/autograde_exporter.py), taking turns in one run.

    python bench/autograde_exporter.py [--assignment 04_attention] [--students 4] [--rounds 5]

A synthetic class (`course simulate`) of one assignment is graded by `course grade --no-feedback` in a
copy of the course. Then each round exports every student's notebooks as autograde's two passes read
them (the one handed in, then the graded one) with each exporter, without steps (the steps are the
same either way): reading, copying, validating and writing the notebook. Prints the median over the
rounds of the CPU time per notebook (both passes) and how many times faster the course's is. Exits 1 if
the two exporters write different files.
"""
import statistics
import sys
import tempfile
import time
from pathlib import Path

from nbconvert.exporters import NotebookExporter
from traitlets.config import Config

from grading import graded_class, one_assignment_options

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course.autograde_exporter import AutogradeExporter  # noqa: E402


def exported(kind, paths):
    """(ms of CPU per notebook of both passes, the files written) of exporter class `kind` on `paths`."""
    exporter = kind(config=Config({"Exporter": {"optimistic_validation": True}}))  # as nbgrader_config.py
    start = time.process_time()
    outputs = [exporter.from_filename(str(path))[0] for path in paths]
    return 2000 * (time.process_time() - start) / len(paths), outputs


def main():
    args = one_assignment_options(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory(prefix="bench-exporter-") as tmp:
        course = graded_class(tmp, args.assignment, args.students)
        graded = sorted((course / "autograded").glob(f"*/{args.assignment}/*.ipynb"))
        paths = [course / "submitted" / p.relative_to(course / "autograded") for p in graded] + graded
        times = {NotebookExporter: [], AutogradeExporter: []}
        for _ in range(args.rounds):
            outputs = []
            for kind, kept in times.items():
                ms, written = exported(kind, paths)
                kept.append(ms)
                outputs.append(written)
            if outputs[0] != outputs[1]:
                sys.exit("the exporters wrote different files / 两个导出器写出的文件不同")
    nbconvert, ours = (statistics.median(kept) for kept in times.values())
    print(f"{args.assignment}: {len(graded)} notebooks of {args.students} students, CPU per notebook (both passes), "
          f"median of {args.rounds} rounds")
    print(f"NotebookExporter {nbconvert:6.1f} ms   AutogradeExporter {ours:6.1f} ms   {nbconvert / ours:5.2f} ×")


if __name__ == "__main__":
    main()
