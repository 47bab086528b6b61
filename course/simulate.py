"""`python -m course simulate N`: a synthetic class of N students in submitted/, for every assignment.

Built from the sample answers in samples/ (see course/sample_class.py). The mix, per assignment:
correct (the source, or a correct sample for one exercise), partly correct (some exercises
answered by a wrong sample), classic mistakes (a wrong sample for every exercise), blank (the
release notebook) and broken JSON (a notebook cut off while saving). Students are named
sim-0001, ...; earlier simulated students are removed first, nobody else is touched.
"""
import random
import shutil
from pathlib import Path

from . import assignments, grade_id
from .sample_class import broken_json, notebooks, samples, solution_ids, with_answer, write_submission

MIX = {"correct": 0.35, "partial": 0.35, "mistakes": 0.15, "blank": 0.10, "broken": 0.05}
PREFIX = "sim-"


def kinds(students, rng):
    """Exactly round(share * N) students of each kind (the rest correct), in random order."""
    counts = {kind: round(share * students) for kind, share in MIX.items() if kind != "correct"}
    counts["correct"] = students - sum(counts.values())
    order = [kind for kind, count in counts.items() for _ in range(count)]
    rng.shuffle(order)
    return order


def answers(assignment, exercise, kind, course):
    return [s.path.read_text() for s in samples(assignment, course) if s.exercise == exercise and s.kind == kind]


def submission(assignment, kind, rng, course):
    """One student's notebooks of one kind. An exercise without a wrong sample is left blank
    (the release stub), which is what a student who gave up on it hands in."""
    source, release = notebooks(assignment, "source", course), notebooks(assignment, "release", course)
    exercises = solution_ids(source)

    def wrong(nbs, exercise):
        options = answers(assignment, exercise, "wrong", course)
        return with_answer(nbs, exercise, rng.choice(options)) if options else blank(nbs, exercise)

    def blank(nbs, exercise):
        stub = next(c.source for nb in release.values() for c in nb.cells
                    if grade_id(c) == exercise)
        return with_answer(nbs, exercise, stub)

    if kind == "blank":
        return release
    if kind == "broken":
        return broken_json(source)
    nbs = source
    if kind == "correct":
        exercise = rng.choice(exercises)
        options = answers(assignment, exercise, "correct", course)
        return with_answer(nbs, exercise, rng.choice(options)) if options else nbs
    chosen = exercises if kind == "mistakes" else rng.sample(exercises, rng.randint(1, max(1, len(exercises) - 1)))
    for exercise in chosen:
        nbs = wrong(nbs, exercise)
    return nbs


def released(course):
    """The assignments that have release notebooks (a blank submission is one)."""
    return [a for a in assignments(course) if notebooks(a, "release", course)]


def simulate(students, seed=0, course="."):
    """Write the class into course/submitted/ (samples come from course/samples/);
    return {student: {assignment: kind}}."""
    rng = random.Random(seed)
    submitted = Path(course) / "submitted"
    for old in submitted.glob(f"{PREFIX}*"):
        shutil.rmtree(old)
    names = [f"{PREFIX}{i:04d}" for i in range(1, students + 1)]
    made = {name: {} for name in names}
    for assignment in released(course):
        for name, kind in zip(names, kinds(students, rng)):
            write_submission(course, name, assignment, submission(assignment, kind, rng, course))
            made[name][assignment] = kind
    return made


def main(students, seed=0, course="."):
    made = simulate(students, seed, Path(course).resolve())
    counts = {}
    for per_assignment in made.values():
        for kind in per_assignment.values():
            counts[kind] = counts.get(kind, 0) + 1
    folder = Path(course).resolve() / "submitted"
    print(f"{students}名模拟学生，在{folder}中；各类提交的份数（每人每个作业一份） / {students} simulated students in "
          f"{folder}; submissions of each kind (one per student and assignment): "
          + ", ".join(f"{kind} {counts.get(kind, 0)}" for kind in MIX))
