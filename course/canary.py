"""Before a class is graded, the assignment's own source notebooks are run by the grader's configured
Execute step, as a submission's are (the same sandbox, forked kernels and test cells run in the grader;
nothing is saved in the gradebook), and must pass every test.

If they do not, the grader's set-up is broken (no usable sandbox, kernels that cannot start, limits
too tight for Python, a course package the kernel cannot import), not the students' work: grading
stops with the reason and no student's grade is kept, instead of every student getting a zero.
`course grade` runs it only when no student's submission has shown the same first (one that passes
every test), and undoes the students graded meanwhile if it fails (course/workers.py)."""
import shutil
import tempfile
from pathlib import Path

import nbformat

from . import grade_id
from .preprocessors import is_test_cell

BROKEN = ("评分环境有问题：课程自己的答案（source/）没有通过全部测试，因此没有保留任何学生的评分，成绩册保持原样。\n"
          "The grader's own set-up is broken: the course's own answers (source/) did not pass every test, so no "
          "student's grade was kept and the gradebook is as it was.")


def problems(execute_class, app, source, scratch):
    """Run the source notebooks in `source` with the configured Execute step; return what failed."""
    found = []
    for path in sorted(Path(source).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        work = Path(tempfile.mkdtemp(prefix="canary-", dir=scratch))
        shutil.copytree(source, work, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.ipynb"))
        try:
            execute_class(parent=app).preprocess(nb, {"metadata": {"path": str(work)}})
        except Exception as error:  # the grader itself could not run the notebook
            found.append(f"{path.name}: {type(error).__name__}: {error}")
            continue
        for cell in nb.cells:
            if is_test_cell(cell):
                found += [f"{path.name} {grade_id(cell)}: {why}" for why in failures(cell)]
    return found


def failures(cell):
    """Why a test cell did not earn all its points, from its outputs."""
    for output in cell.outputs:
        if output.output_type == "error":
            yield f"{output.ename}: {output.evalue}"[:500]
        elif output.output_type == "execute_result":
            score = output.data.get("text/plain", "")
            try:
                if float(score) < cell.metadata.nbgrader.get("points", 0):
                    yield f"partial credit {score}"
            except ValueError:
                pass
