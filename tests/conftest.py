import contextlib
import fcntl
import os
import shutil
from pathlib import Path

import pytest
from _pytest.nodeid import coerce_node_id

from course import assignments, exercise_of, grade_id
from course.build import course_copy
from course.sample_class import notebooks, samples, solution_ids, with_answer

from cheats import cheats
from classroom import grade_class
from packing import pack, packed_submission

ASSIGNMENTS = assignments()
CGROUPS = Path("/sys/fs/cgroup")
_graded = {}


BEFORE = pytest.StashKey()


def pytest_sessionstart(session):
    """What exists before this session's graders run (test_adversarial's leftover check)."""
    session.config.stash[BEFORE] = leftovers_snapshot()


def cgroup_folders():
    """The cgroups a grader running as root makes (course/sandbox.py make_cgroups), named after a
    kernel's or fork server's private folder (tf-kernel-*, tf-forks-*): at the cgroup v2 root, or
    in the v1 pids and memory hierarchies below this process's own cgroup."""
    parents = {CGROUPS}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, names, path = line.split(":", 2)
            for controller in set(names.split(",")) & {"pids", "memory"}:
                parents.add(CGROUPS / controller / path.lstrip("/"))
    return {p for parent in parents if parent.is_dir() for p in parent.glob("tf-*") if p.is_dir()}


def leftovers_snapshot():
    return {"pids": {int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()},
            "cgroups": cgroup_folders()}


@pytest.fixture(scope="session")
def before_session(request):
    return request.config.stash[BEFORE]


def submissions(assignment):
    """The corpus class of an assignment: source (full marks), release (zero), every sample (packed
    several to a submission where they cannot meet, tests/packing.py) and every cheat (tests/cheats
    and samples' cheat_*), each of those alone. Only the source and the release hand in every notebook:
    the others only those that hold their exercises (each notebook has a kernel of its own, so the
    rest could not change their scores). Returns the class and {submission: its samples}."""
    source = notebooks(assignment, "source")
    class_ = {"source": source, "release": notebooks(assignment, "release")}
    members = {}
    for student, group in pack(source, [s for s in samples(assignment) if s.kind != "cheat"]):
        class_[student], members[student] = holding(packed_submission(source, group), group), group
    for sample in samples(assignment):
        if sample.kind == "cheat":
            class_[sample.student_id] = holding(with_answer(source, sample.exercise, sample.path.read_text()), [sample])
    for cheat in cheats(assignment):
        class_[cheat.student_id] = holding(with_answer(source, cheat.exercise, cheat.code), [cheat])
    return class_, members


def holding(notebooks_by_name, answers):
    """The notebooks that hold one of the answers' exercises."""
    exercises = {answer.exercise for answer in answers}
    return {name: nb for name, nb in notebooks_by_name.items() if exercises & {grade_id(c) for c in nb.cells}}


@pytest.fixture(scope="session")
def built_course(tmp_path_factory):
    """built_course(folder, assignments): a course copy in `folder` (config, source/, release/ and
    gradebook), copied from one build per test run. The build is shared by the xdist workers
    (in the run's common temporary folder, under a lock) and made by the first one to need it."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    shared = shared / "built-courses"
    shared.mkdir(exist_ok=True)

    def copy(folder, only):
        name = "+".join(only)
        built = shared / name
        with open(shared / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (shared / f"{name}.done").exists():
                shutil.rmtree(built, ignore_errors=True)
                course_copy(built, only)
                (shared / f"{name}.done").touch()
        shutil.copytree(built, folder, symlinks=True)
        return Path(folder)
    return copy


class Graded(dict):
    """{student: {test id: (score, max score)}}, a packed sample's student id giving its exercise's
    test cells only; `folder`: the course folder it was graded in; `submission`: {student id: the
    submission it was graded in}."""
    folder = None
    submission = None


@pytest.fixture(scope="session")
def graded_corpus(tmp_path_factory, built_course):
    """Grades each assignment's corpus class once per session, on first use (without feedback)."""
    def get(assignment):
        if assignment not in _graded:
            tmp = tmp_path_factory.mktemp(assignment)
            class_, members = submissions(assignment)
            scores, run = grade_class(tmp, assignment, class_, built=built_course, feedback=False)
            assert run.returncode == 0, run.stderr[-3000:]
            graded = Graded(scores)
            graded.folder, graded.submission = tmp / "course", {}
            exercises = solution_ids(notebooks(assignment))
            for student, group in members.items():
                for sample in group:
                    graded.submission[sample.student_id] = student
                    graded[sample.student_id] = {t: v for t, v in scores[student].items()
                                                 if exercise_of(t, exercises) == sample.exercise}
            _graded[assignment] = graded
        return _graded[assignment]
    return get


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Make `--dist loadgroup` keep each xdist_group on one worker: pytest 9.2 reads item._id,
    while xdist 3.8 still writes item._nodeid (pytest-xdist#1386). Without this every worker
    would grade every assignment's class."""
    for item in items:
        if "_nodeid" in vars(item):
            item._id = coerce_node_id(item._nodeid)
