import pytest
from _pytest.nodeid import coerce_node_id

from course import assignments
from course.sample_class import notebooks, samples, with_answer

from classroom import grade_class

ASSIGNMENTS = assignments()
_graded = {}


def submissions(assignment):
    """The corpus class of an assignment: source (full marks), release (zero) and every sample."""
    source = notebooks(assignment, "source")
    class_ = {"source": source, "release": notebooks(assignment, "release")}
    for sample in samples(assignment):
        class_[sample.student_id] = with_answer(source, sample.exercise, sample.path.read_text())
    return class_


@pytest.fixture(scope="session")
def graded_corpus(tmp_path_factory):
    """Grades each assignment's corpus class once per session, on first use."""
    def get(assignment):
        if assignment not in _graded:
            scores, _ = grade_class(tmp_path_factory.mktemp(assignment), assignment, submissions(assignment))
            _graded[assignment] = scores
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
