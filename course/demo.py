"""`python -m course demo`: a small sample class in submitted/, graded by `course grade`, and its score table."""
import shutil

from nbgrader.api import Gradebook

from pathlib import Path

from . import assignments, exercise_of
from .grade import grade
from .sample_class import (broken_json, notebooks, samples, solution_ids, with_answer,
                           write_submission)
from .table import table

STUDENTS = ("ada-correct", "ben-mistakes", "cai-blank", "dan-broken")


def sample_class(assignment, root="."):
    """The four demo students' notebooks for one assignment."""
    source = notebooks(assignment, "source", root)
    mistakes = source
    for exercise in solution_ids(source):
        wrong = [s for s in samples(assignment, root) if s.exercise == exercise and s.kind == "wrong"]
        if wrong:
            mistakes = with_answer(mistakes, exercise, wrong[0].path.read_text())
    return dict(zip(STUDENTS, (source, mistakes, notebooks(assignment, "release", root), broken_json(source))))


def score_table(root, assignment):
    exercises = solution_ids(notebooks(assignment, "source", root))
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        rows = []
        for student in STUDENTS:
            try:
                submission = gb.find_submission(assignment, student)
            except Exception:
                rows.append([student] + ["—"] * len(exercises) + ["not graded / 未评分"])
                continue
            totals = {e: [0.0, 0.0] for e in exercises}
            for nb in submission.notebooks:
                for cell in nb.grades:
                    exercise = exercise_of(cell.name, exercises)
                    if exercise:
                        totals[exercise][0] += cell.score
                        totals[exercise][1] += cell.max_score
            rows.append([student] + [f"{g:g}/{m:g}" for g, m in totals.values()]
                        + [f"{submission.score:g}/{submission.max_score:g}"])
    return table(["student / 学生"] + exercises + ["total / 总分"], rows)


def main(root="."):
    root = Path(root).resolve()
    shutil.rmtree(root / "submitted", ignore_errors=True)
    for assignment in assignments(root):
        for student, nbs in sample_class(assignment, root).items():
            write_submission(root, student, assignment, nbs)
    for assignment in assignments(root):
        print(f"\n== {assignment} ==")
        outcomes, _ = grade(assignment, root, force=True)
        print(score_table(root, assignment))
        for outcome in outcomes:
            if outcome.reasons:
                print(f"  {outcome.student}: {'; '.join(outcome.reasons)}")
        print(f"报告 / report: {root / 'reports' / assignment / 'report.md'}")
