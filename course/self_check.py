"""`python -m course check NOTEBOOK`: grade one notebook against the hidden tests, locally.

The notebook is graded by real nbgrader in a throw-away copy of the course, exactly as the
instructor's autograder would; the report shows each test's verdict and bilingual message,
never the hidden test code.
"""
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from . import assignments, grade_id
from .build import course_copy
from .nbgrader_setup import nbgrader

STUDENT = "self-check"


def find_assignment(notebook, course):
    for assignment in assignments(course):
        if (course / "source" / assignment / notebook.name).exists():
            return assignment
    return None


def test_messages(autograded):
    """{grade id: failure text}, in notebook order, from the graded cells' error outputs.

    Only what the tests printed, the error name and its message are kept: the traceback would show hidden test code."""
    messages = {}
    for cell in nbformat.read(autograded, as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
            printed = "".join(o.text for o in cell.get("outputs", []) if o.output_type == "stream").strip()
            messages[grade_id(cell)] = f"{errors[0].ename}: {errors[0].evalue}" if errors else printed
    return messages


def main(path, course="."):
    notebook, course = Path(path).resolve(), Path(course).resolve()
    assignment = find_assignment(notebook, course)
    if not notebook.is_file() or assignment is None:
        print(f"找不到这门课的笔记本：{path}\nNot a notebook of this course: {path}\n"
              f"(expected one of / 应为: {', '.join(p.name for a in assignments(course) for p in (course / 'source' / a).glob('*.ipynb'))})")
        return 2
    with tempfile.TemporaryDirectory(prefix="course-check-") as tmp:
        copy = course_copy(Path(tmp), [assignment], course, tables=False)  # the grader diagnoses from samples/
        submitted = copy / "submitted" / STUDENT / assignment
        submitted.mkdir(parents=True)
        shutil.copy(notebook, submitted / notebook.name)
        result = nbgrader("autograde", assignment, "--student", STUDENT, root=copy, check=False)
        autograded = copy / "autograded" / STUDENT / assignment / notebook.name
        if not autograded.exists():
            print("无法评分：笔记本损坏或不是有效的nbgrader笔记本。\nCould not grade: the notebook is broken "
                  "or not a valid nbgrader notebook.\n" + "\n".join(
                      line for line in result.stderr.splitlines() if "ERROR" in line)[-2000:])
            return 2
        messages = test_messages(autograded)
        with Gradebook(f"sqlite:///{copy / 'gradebook.db'}") as gb:
            submission = gb.find_submission_notebook(notebook.stem, assignment, STUDENT)
            scores = {g.name: (g.score, g.max_score) for g in submission.grades}
            total, most = submission.score, submission.max_score
    print(f"{notebook.name} ({assignment})")
    for name, message in messages.items():
        score, max_score = scores[name]
        print(f"  {'✓' if score == max_score else '✗'} {name:<40} {score:g}/{max_score:g}")
        if message and score < max_score:
            print("      " + message.replace("\n", "\n      "))
    print(f"总分 / total: {total:g}/{most:g}")
    return 0
