"""Benchmark: the grading steps that use the gradebook, as nbgrader runs them and as the course does
(course/gradebook_steps.py), taking turns in one run.

    python bench/gradebook_steps.py [--assignment 04_attention] [--students 4] [--rounds 5]

A synthetic class (`course simulate`) of one assignment is graded by `course grade --no-feedback` in a
copy of the course, which fills its gradebook. Then each round runs every step on every student's
notebooks (those handed in for the sanitising steps, the graded ones for the others), once as nbgrader
(a new database engine for each Gradebook, jsonschema.validate, nbgrader's OverwriteCells,
SaveAutoGrades and GetGrades) and once as the course (one engine per database, SchemaCheckedOnce, the
course's three steps). Prints the median over the rounds of each step's CPU time per notebook, their sum, and how
many times faster the course's is.
"""
import copy
import statistics
import sys
import tempfile
import time
from pathlib import Path

import jsonschema
import nbformat
from nbgrader import api
from nbgrader import preprocessors as nbgrader_steps
from nbgrader.nbgraderformat import common

from grading import graded_class, one_assignment_options

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course import gradebook_steps  # noqa: E402

AS_NBGRADER = {"engine": api.create_engine.__wrapped__, "opening": api.Gradebook.__init__.__wrapped__,
               "schema": jsonschema}
AS_COURSE = {"engine": api.create_engine, "opening": api.Gradebook.__init__,
             "schema": gradebook_steps.SchemaCheckedOnce}
# (step, whether it reads the notebooks handed in (else the graded ones), nbgrader's class, the course's)
STEPS = [("OverwriteKernelspec", True, nbgrader_steps.OverwriteKernelspec, nbgrader_steps.OverwriteKernelspec),
         ("OverwriteCells", True, nbgrader_steps.OverwriteCells, gradebook_steps.OverwriteCells),
         ("CheckCellMetadata", True, nbgrader_steps.CheckCellMetadata, nbgrader_steps.CheckCellMetadata),
         ("SaveAutoGrades", False, nbgrader_steps.SaveAutoGrades, gradebook_steps.SaveAutoGrades),
         ("AssignLatePenalties", False, nbgrader_steps.AssignLatePenalties, nbgrader_steps.AssignLatePenalties),
         ("GetGrades (feedback)", False, nbgrader_steps.GetGrades, gradebook_steps.GetGrades)]


def cpu_per_notebook(step, cases, db_url, setting):
    """ms of CPU per notebook for `step` on each (notebook, nbgrader resources) in `cases`."""
    api.create_engine, common.jsonschema = setting["engine"], setting["schema"]
    api.Gradebook.__init__ = setting["opening"]
    notebooks = [copy.deepcopy(nb) for nb, _ in cases]  # the steps change them
    start = time.process_time()
    for nb, (_, info) in zip(notebooks, cases):
        step()(nb, {"nbgrader": dict(info, db_url=db_url)})
    return 1000 * (time.process_time() - start) / len(cases)


def main():
    args = one_assignment_options(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory(prefix="bench-gradebook-") as tmp:
        course = graded_class(tmp, args.assignment, args.students)
        cases = {True: [], False: []}
        for path in sorted((course / "autograded").glob(f"*/{args.assignment}/*.ipynb")):
            student = path.parent.parent.name
            info = {"notebook": path.stem, "assignment": args.assignment, "student": student}
            cases[False].append((nbformat.read(path, 4), info))
            cases[True].append((nbformat.read(course / "submitted" / student / args.assignment / path.name, 4), info))
        db_url = f"sqlite:///{course / 'gradebook.db'}"
        times = {name: ([], []) for name, *_ in STEPS}
        for _ in range(args.rounds):
            for name, handed_in, *classes in STEPS:
                for kind, (step, setting) in enumerate(zip(classes, (AS_NBGRADER, AS_COURSE))):
                    times[name][kind].append(cpu_per_notebook(step, cases[handed_in], db_url, setting))
    print(f"{args.assignment}: {len(cases[False])} notebooks of {args.students} students, CPU per notebook, "
          f"median of {args.rounds} rounds")
    medians = {name: [statistics.median(kind) for kind in kinds] for name, kinds in times.items()}
    medians["all of them"] = [sum(m[kind] for m in medians.values()) for kind in (0, 1)]
    for name, (nbgrader, ours) in medians.items():
        print(f"{name:<22} nbgrader {nbgrader:6.1f} ms   course {ours:6.1f} ms   {nbgrader / ours:5.1f} ×")


if __name__ == "__main__":
    main()
