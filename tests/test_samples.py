"""Every sample answer, graded through nbgrader: right ones keep full marks, wrong ones lose points
on their exercise, cheats (tests/cheats: templates tried on one exercise per kind of return value)
earn nothing there; the source scores full marks and the release zero. Samples that cannot meet
share a graded submission (tests/packing.py); each is judged on its own exercise's test cells."""
import json
import subprocess
import sys

import pytest

from cheats import EXAMPLES, TARGETS, cheats
from conftest import ASSIGNMENTS
from packing import uses
from course import exercise_of
from course.sample_class import notebooks, samples, solution_ids
from course.verdict import MISSING

# One xdist worker grades each assignment's class (the graded class is cached per worker).
BY_ASSIGNMENT = [pytest.param(a, marks=pytest.mark.xdist_group(a)) for a in ASSIGNMENTS]
SAMPLES = [pytest.param(s, marks=pytest.mark.xdist_group(a), id=f"{a}-{s.student_id}")
           for a in ASSIGNMENTS for s in samples(a)]
CHEATS = [pytest.param(c, marks=pytest.mark.xdist_group(c.assignment), id=f"{c.assignment}-{c.student_id}")
          for c in cheats() if c.assignment in ASSIGNMENTS]


def by_exercise(grades, assignment):
    exercises = solution_ids(notebooks(assignment))
    totals = {}
    for test_id, (score, max_score) in grades.items():
        exercise = exercise_of(test_id, exercises)
        if exercise:
            got, most = totals.get(exercise, (0.0, 0.0))
            totals[exercise] = (got + score, most + max_score)
    return totals


@pytest.mark.parametrize("assignment", BY_ASSIGNMENT)
def test_source_scores_full_marks(graded_corpus, assignment):
    grades = graded_corpus(assignment)["source"]
    lost = {k: v for k, v in grades.items() if v[0] != v[1]}
    assert grades and not lost, f"source lost points: {lost}"


@pytest.mark.parametrize("assignment", BY_ASSIGNMENT)
def test_release_scores_zero_on_every_exercise(graded_corpus, assignment):
    totals = by_exercise(graded_corpus(assignment)["release"], assignment)
    assert set(totals) == set(solution_ids(notebooks(assignment))), "every exercise has test cells"
    assert all(got == 0 for got, _ in totals.values()), totals


@pytest.mark.parametrize("assignment", BY_ASSIGNMENT)
def test_packed_submissions_keep_to_their_own_exercises(graded_corpus, assignment):
    """A submission of several samples was graded to its end (no kernel death, no time-out), and
    every exercise it left as in the source, and that uses none of its samples', kept full marks
    (in the notebooks it handed in: those that hold its samples' exercises, conftest.submissions)."""
    source = notebooks(assignment)
    graded, uses_ = graded_corpus(assignment), uses(source)
    summary = json.loads((graded.folder / "reports" / assignment / "summary.json").read_text())
    reasons = {o["student"]: o["reasons"] for o in summary["submissions"]}
    packed = {}
    for sample in samples(assignment):
        if graded.submission.get(sample.student_id, sample.student_id).startswith("pack"):
            packed.setdefault(graded.submission[sample.student_id], set()).add(sample.exercise)
    if not packed:
        pytest.skip(f"{assignment}: each sample's exercise uses the other's, so none share a submission")
    for student, exercises in packed.items():
        handed_in = {p.name for p in (graded.folder / "submitted" / student / assignment).glob("*.ipynb")}
        assert reasons[student] == ([] if handed_in == set(source) else [MISSING]), (student, reasons[student])
        present = set(solution_ids({name: source[name] for name in handed_in}))
        untouched = {e: v for e, v in by_exercise(graded[student], assignment).items()
                     if e in present and e not in exercises and not uses_[e] & exercises}
        assert all(got == most for got, most in untouched.values()), (student, untouched)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_exercise_has_enough_samples(assignment):
    for exercise in solution_ids(notebooks(assignment)):
        kinds = [s.kind for s in samples(assignment) if s.exercise == exercise]
        assert kinds.count("wrong") >= 5 and kinds.count("correct") >= 2, (exercise, kinds)


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample(graded_corpus, sample):
    grades = graded_corpus(sample.assignment)[sample.student_id]
    got, most = by_exercise(grades, sample.assignment)[sample.exercise]
    if sample.kind == "correct":
        lost = {k: v for k, v in grades.items() if v[0] != v[1]}
        assert not lost, f"a correct answer lost points: {lost}"
    elif sample.kind == "wrong":
        assert got < most, f"a wrong answer kept all {most} points of {sample.exercise}"
    else:
        assert got == 0, f"a cheat earned {got}/{most} on {sample.exercise}"


@pytest.mark.parametrize("cheat", CHEATS)
def test_cheat(graded_corpus, cheat):
    got, most = by_exercise(graded_corpus(cheat.assignment)[cheat.student_id], cheat.assignment)[cheat.exercise]
    assert most > 0 and got == 0, f"a cheat ({cheat.template}) earned {got}/{most} on {cheat.exercise}"


def test_cheats_cover_every_kind_of_return_value():
    assert set(TARGETS) == {"array", "tuple", "scalar", "bool mask", "shape tuple"}
    for assignment, exercise, _ in TARGETS.values():
        assert exercise in solution_ids(notebooks(assignment)), (assignment, exercise)


FOOLS = """
import json, sys
import numpy as np
real_equal = np.array_equal  # kept before a cheat patches NumPy

def fools(answer, right):
    try:
        if bool(np.all(answer == right)):
            return True
    except Exception:
        pass
    if isinstance(answer, tuple) and isinstance(right, tuple) and len(answer) == len(right):
        return all(fools(a, r) for a, r in zip(answer, right))
    return False

cheat = json.loads(sys.argv[1])
namespace = {}
exec(cheat["code"], namespace)
answer, right = eval(cheat["answer"], namespace), eval(cheat["right"], {"np": np})
if cheat["template"] == "patched_numpy":
    print(np.allclose(answer, right) and not real_equal(answer, right))
elif cheat["template"] == "patched_checks":
    import course.checks
    print(course.checks.expect_equal(answer, right, "x") is None and not real_equal(answer, right))
else:
    print(fools(answer, right))
"""


@pytest.mark.parametrize("cheat", [pytest.param(c, id=c.student_id) for c in cheats()])
def test_cheat_would_fool_a_plain_check(cheat):
    """Outside the grader the cheat's cell runs and its answer passes for right: a 0 from the
    grader is its defences at work, not a cheat that breaks by itself."""
    answer, right = EXAMPLES[cheat.exercise]
    arg = json.dumps(dict(code=cheat.code, template=cheat.template, answer=answer, right=right))
    run = subprocess.run([sys.executable, "-c", FOOLS, arg], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and run.stdout.strip() == "True", (run.stdout, run.stderr[-2000:])
