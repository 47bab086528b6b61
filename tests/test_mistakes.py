"""The mistake catalogue (samples/<assignment>/mistakes.toml) and the feedback that names mistakes:
every catalogued mistake is named, with its section and hint, after grading, by `course check`
and (unless hidden-only) by the visible checks in a student's own kernel; no correct answer is
ever told it made a mistake."""
import ast
import contextlib
import copy
import gc
import io
import itertools
import json
import math
import re
import subprocess
import sys
import weakref
from pathlib import Path
from types import SimpleNamespace

import nbformat
import numpy as np
import pytest

from conftest import ASSIGNMENTS
from course import diagnosis, exercise_of, grade_id
from course.checks import ELEMENTWISE, CheckFailure
from course.preprocessors import is_test_cell
from course.report import diagnosed_mistakes
from course.sample_class import notebooks, samples, solution_ids, with_answer
from course.wire import invoke

ROOT = Path(__file__).resolve().parent.parent
BY_ASSIGNMENT = [pytest.param(a, marks=pytest.mark.xdist_group(a)) for a in ASSIGNMENTS]


def mistakes(assignment):
    return diagnosis.catalogue(ROOT / "samples" / assignment)


def entry_of(assignment):
    """{(exercise, sample file name): mistake}"""
    return {(m.function, name): m for m in mistakes(assignment) for name in m.samples}


def visible(cell):
    return "### BEGIN HIDDEN TESTS" not in cell.source


def headings(assignment):
    numbers = set()
    for nb in notebooks(assignment, root=ROOT).values():
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                numbers.update(re.findall(r"^#+\s+(\d+(?:\.\d+)*)\.?\s", cell.source, flags=re.M))
    return numbers


def hints(assignment, exercise):
    """How many hints the English hint ladder under `exercise`'s solution cell has."""
    for nb in notebooks(assignment, root=ROOT).values():
        cells = nb.cells
        for i, cell in enumerate(cells):
            if grade_id(cell) == exercise:
                for later in cells[i + 1:]:
                    if is_test_cell(later):
                        break
                    if later.cell_type == "markdown" and "lang-en" in later.metadata.get("tags", []):
                        found = re.findall(r"<summary>\s*Hint (\d+)", later.source)
                        if found:
                            return len(found)
    return 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_catalogue_is_complete_and_well_formed(assignment):
    known = mistakes(assignment)
    exercises = solution_ids(notebooks(assignment, root=ROOT))
    listed = [(m.function, name) for m in known for name in m.samples]
    wrong = [(s.exercise, s.path.name) for s in samples(assignment, root=ROOT) if s.kind == "wrong"]
    assert sorted(listed) == sorted(wrong), "every wrong sample is in exactly one entry, and every entry's samples exist"
    numbers = headings(assignment)
    for m in known:
        assert m.function in exercises, m.key
        assert m.zh and m.en and m.why_zh and m.why_en, m.key
        assert re.search(r"[\u4e00-\u9fff]", m.zh + m.why_zh) and not re.search(r"[\u4e00-\u9fff]", m.en + m.why_en), m.key
        assert m.section in numbers, f"{m.key}: no heading numbered {m.section}"
        assert 1 <= m.hint <= hints(assignment, m.function), f"{m.key}: no hint {m.hint} under {m.function}"
        assert m.hidden_only is None or " / " in m.hidden_only, f"{m.key}: a hidden-only mistake states why, in both languages"
    for exercise in exercises:
        assert 2 <= hints(assignment, exercise) <= 3, f"{exercise}: a ladder of 2 or 3 hints"


class VectorisationChecks(diagnosis.Live):
    """Runs every mistake marked `loops` or `memory` on each vectorisation check's call (hidden ones included)."""

    def __init__(self, assignment):
        super().__init__(ROOT / "source" / assignment, ROOT / "samples" / assignment)
        self.cell, self.steps = None, {}  # mistake key -> {grade id of the test cell: [(looped, limit, bytes, limit)]}

    def remember(self, result):
        for mistake in self.of(result.function, True, result.max_bytes is not None) if result.max_steps else []:
            record = self.run(mistake, result)
            looped = (record["steps"] is not None and record["steps"] > result.max_steps
                      or any(name in ELEMENTWISE for name in record["called"]))
            self.steps.setdefault(mistake.key, {}).setdefault(self.cell, []).append(
                (looped, result.max_steps, record.get("peak_bytes"), result.max_bytes))


class CorrectAnswerSteps(diagnosis.Diagnoser):
    """Counts the steps each correct answer (the source's own solution and every correct sample) takes
    on each vectorisation check's call. A function that calls another exercise's (sigmoid_derivative
    calls sigmoid) runs with every combination of correct answers to those it calls, directly or not:
    a student's steps are those of their own answers together."""

    def __init__(self, assignment):
        super().__init__({})
        source = ROOT / "source" / assignment
        given, nbs = diagnosis.given_namespace(source), notebooks(assignment, root=ROOT)
        codes = {exercise: [None] for exercise in solution_ids(nbs) if callable(given.get(exercise))}  # None: the source's
        for sample in samples(assignment, root=ROOT):
            if sample.kind == "correct":
                codes.setdefault(sample.exercise, []).append(sample.path.read_text())
        solutions = [cell for nb in nbs.values() for cell in nb.cells if grade_id(cell) in codes]
        names = {e: {n.id for text in [c.source for c in solutions if grade_id(c) == e] + [t for t in own if t]
                     for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Name)} & set(codes)
                 for e, own in codes.items()}  # the exercises each one's answers name
        self.answers = {}  # exercise -> [namespace with one combination of answers]
        for exercise, own in codes.items():
            called, more = set(), names[exercise] - {exercise}
            while more:  # those it calls, and those they call
                called |= more
                more = set().union(*(names[c] for c in more)) - called - {exercise}
            called = sorted(called)
            for chosen in itertools.product(*(codes[c] for c in called), own):
                namespace = dict(given)
                for code, name in zip(chosen, [*called, exercise]):
                    if code is not None:
                        exec(compile(code, name, "exec"), namespace)
                self.answers.setdefault(exercise, []).append(namespace)
        self.cell, self.steps = None, {}  # grade id of the test cell -> ([steps], limit)
        self.bytes = {}  # grade id of a test cell that limits memory -> ([peak bytes], limit)

    def remember(self, result):
        for namespace in self.answers.get(result.function, []) if result.max_steps else []:
            args, kwargs = copy.deepcopy((result.args, result.kwargs))
            record = invoke(namespace[result.function], args, kwargs, max_steps=result.max_steps,
                            count_bytes=result.max_bytes is not None)
            self.steps.setdefault(self.cell, ([], result.max_steps))[0].append(record["steps"])
            if result.max_bytes is not None:
                self.bytes.setdefault(self.cell, ([], result.max_bytes))[0].append(record["peak_bytes"])


def comment_lines(cell):
    """(line, about memory) for each comment line of a test cell: a line about a memory limit names MB or
    tracemalloc (its numbers are not steps)."""
    return [(line, "MB" in line or "tracemalloc" in line) for line in cell.source.splitlines() if line.startswith("#")]


def run_vectorisation_checks(assignment, diagnoser):
    """Every test cell of the assignment that checks vectorisation (hidden ones included), with
    `diagnoser` told of each call; {grade id: cell}."""
    cells = {}
    diagnosis.use(diagnoser)
    try:
        for nb in notebooks(assignment, root=ROOT).values():
            namespace = dict(diagnosis.given_namespace(ROOT / "source" / assignment))
            for cell in nb.cells:
                if is_test_cell(cell) and "expect_vectorised" in cell.source:
                    diagnoser.cell = grade_id(cell)
                    cells[diagnoser.cell] = cell
                    with contextlib.redirect_stdout(io.StringIO()):
                        exec(compile(cell.source, grade_id(cell), "exec"), namespace)
    finally:
        diagnosis.use(None)
    return cells


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_mistakes_marked_loops_run_past_every_vectorisation_limit(assignment):
    """`loops` says which mistakes a failed vectorisation check can be (only they are run on its large
    input): each one marked runs past the limit (or calls np.vectorize or np.frompyfunc) on every such check
    of its function, on one of the cell's calls at least (a cell may call once with many sequences and once
    with long ones: a loop over the batch fails only the first). (Unmarked ones are not run there: that costs
    seconds and gigabytes. A loop that is a mistake's only symptom and is left unmarked goes unnamed, and
    test_every_catalogued_mistake_is_named_after_grading fails.)"""
    checks = VectorisationChecks(assignment)
    run_vectorisation_checks(assignment, checks)
    catalogue = {m.key: m for m in mistakes(assignment)}
    marked = {key for key, m in catalogue.items() if m.loops or m.memory}
    assert marked == set(checks.steps), "every mistake marked loops or memory has a vectorisation check"
    for key, cells in checks.steps.items():
        for cell, runs in cells.items():
            if catalogue[key].loops:  # past the step limit, or through np.vectorize or np.frompyfunc (ELEMENTWISE)
                assert any(looped for looped, *_ in runs), (key, cell, runs)
        if catalogue[key].memory:  # past the memory limit of every cell that has one, and there is one
            limited = {cell: runs for cell, runs in cells.items() if any(limit is not None for *_, limit in runs)}
            assert limited, f"{key}: marked memory, but no check of its function limits memory"
            for cell, runs in limited.items():
                assert any(held is not None and limit is not None and held > limit for *_, held, limit in runs), \
                    (key, cell, runs)
    memory_cells = {(catalogue[key].function, cell) for key, cells in checks.steps.items() for cell, runs in cells.items()
                    if any(limit is not None for *_, limit in runs)}
    for function, cell in memory_cells:
        assert any(m.memory and m.function == function for m in catalogue.values()), \
            f"{cell}: a memory limit with no mistake marked memory to name"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_vectorisation_limits_leave_room_and_their_comments_are_true(assignment):
    """Each step limit is at least 50 times what any correct sample takes (EXERCISE_API.md), and the
    test cell's comment states that maximum ("at most N" / "最多N步") and the ratio ("N times", "N×",
    "N倍") as count_steps measures them (a new NumPy may change them). A first call may take a few
    steps more than a later one (NumPy's lazy imports), so N may be up to 5% above this count."""
    counter = CorrectAnswerSteps(assignment)
    cells = run_vectorisation_checks(assignment, counter)
    assert set(cells) == set(counter.steps), "every vectorisation check has a correct sample"
    for test, cell in cells.items():
        steps, limit = counter.steps[test]
        most, comments = max(steps), "\n".join(line for line, about_memory in comment_lines(cell) if not about_memory)
        said = {int(a or b) for a, b in re.findall(r"at most (\d+)|最多(?:用|执行)?(\d+)步", comments)}
        assert len(said) == 1, f"{test}: the comment states {said}"
        stated = said.pop()
        assert most <= stated <= 1.05 * most, f"{test}: the comment says {stated}, measured {most}"
        assert limit >= 50 * stated, f"{test}: limit {limit}, a correct sample takes {stated} steps"
        ratios = [int("".join(n)) for n in re.findall(r"(\d+) times|(\d+)×(?!\d)|(\d+)倍", comments)]
        assert ratios and all(abs(n / (limit / stated) - 1) < 0.03 for n in ratios), \
            f"{test}: ratios {ratios}, {limit / stated:.1f} by the numbers stated"


def test_memory_limits_leave_room_and_their_comments_are_true():
    """A memory limit (expect_vectorised's max_bytes) is at least 50 times the most any correct answer holds
    at once on its call, and the cell's comment states that most in MB ("no more than 0.15 MB" /
    "不超过0.15 MB", within 5%) and the ratio to the limit ("55 times", "55倍"), as tracemalloc measures them."""
    limited = {}
    for assignment in ASSIGNMENTS:  # those that limit memory somewhere (the steps test counts every assignment's)
        if not any("max_bytes=" in path.read_text() for path in (ROOT / "source" / assignment).glob("*.ipynb")):
            continue
        counter = CorrectAnswerSteps(assignment)
        cells = run_vectorisation_checks(assignment, counter)
        limited.update({test: (cells[test], *counter.bytes[test]) for test in counter.bytes})
    assert limited, "softmax_backward's vectorisation check limits memory"
    for test, (cell, held, limit) in limited.items():
        most = max(held)
        comments = "\n".join(line for line, about_memory in comment_lines(cell) if about_memory)
        said = {float(a or b) for a, b in re.findall(r"no more than ([\d.]+) MB|不超过([\d.]+) MB", comments)}
        assert said and all(abs(mb * 1e6 - most) <= 0.05 * most for mb in said), f"{test}: says {said} MB, measured {most}"
        assert limit >= 50 * most, f"{test}: limit {limit}, a correct answer holds {most} bytes"
        ratios = [int(a or b) for a, b in re.findall(r"(\d+) times|(\d+)倍", comments)]
        assert ratios and all(abs(n / (limit / most) - 1) < 0.03 for n in ratios), \
            f"{test}: ratios {ratios}, {limit / most:.1f} measured"


@pytest.mark.parametrize("assignment", BY_ASSIGNMENT)
def test_every_catalogued_mistake_is_named_after_grading(graded_corpus, assignment):
    graded = graded_corpus(assignment)
    named = diagnosed_mistakes(graded.folder, assignment)
    entries = entry_of(assignment)
    for sample in samples(assignment, root=ROOT):
        submission = graded.submission.get(sample.student_id, sample.student_id)
        keys = [k for k in named.get(submission, []) if k.startswith(f"{sample.exercise}.")]
        if sample.kind == "wrong":
            assert entries[(sample.exercise, sample.path.name)].key in keys, (sample.student_id, keys)
        elif sample.kind == "correct":
            assert not keys, f"a correct answer was told it made a mistake: {sample.student_id}: {keys}"
    assert not named.get("source"), "the source was told it made a mistake"


@pytest.mark.parametrize("assignment", BY_ASSIGNMENT)
def test_every_mistake_fails_a_visible_check(graded_corpus, assignment):
    """Students find each mistake before they submit, unless the catalogue says why they cannot."""
    graded = graded_corpus(assignment)
    source = notebooks(assignment, root=ROOT)
    exercises = solution_ids(source)
    shown = {grade_id(c) for nb in source.values() for c in nb.cells if is_test_cell(c) and visible(c)}
    entries = entry_of(assignment)
    for sample in samples(assignment, root=ROOT):
        if sample.kind != "wrong" or entries[(sample.exercise, sample.path.name)].hidden_only:
            continue
        failed = [t for t, (got, most) in graded[sample.student_id].items()
                  if got < most and t in shown and exercise_of(t, exercises) == sample.exercise]
        assert failed, f"{sample.student_id} passes every visible check of {sample.exercise}"


def visible_check_messages(assignment, sample, table):
    """What the visible checks say in a student's own kernel: the sample's code with the source's
    other functions, the release's visible test cells, and the release's mistakes.json."""
    namespace = dict(diagnosis.given_namespace(ROOT / "source" / assignment))
    exec(compile(sample.path.read_text(), str(sample.path), "exec"), namespace)
    exercises = solution_ids(notebooks(assignment, root=ROOT))
    messages = []
    diagnosis.use(diagnosis.Table(table))
    try:
        for nb in notebooks(assignment, folder="release", root=ROOT).values():
            for cell in nb.cells:
                if is_test_cell(cell) and exercise_of(grade_id(cell), exercises) == sample.exercise:
                    try:
                        with contextlib.redirect_stdout(io.StringIO()) as out:
                            exec(compile(cell.source, grade_id(cell), "exec"), dict(namespace))
                    except CheckFailure as failure:
                        messages.append(str(failure))
                    except Exception as error:
                        messages.append(f"{type(error).__name__}: {error}")
                    messages.append(out.getvalue())
    finally:
        diagnosis.use(None)
    return "\n".join(messages)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_visible_checks_name_mistakes_in_a_students_kernel(assignment):
    table = json.loads((ROOT / "release" / assignment / diagnosis.TABLE).read_text(encoding="utf-8"))
    entries = entry_of(assignment)
    for sample in samples(assignment, root=ROOT):
        if sample.kind == "cheat":
            continue
        said = visible_check_messages(assignment, sample, table)
        if sample.kind == "correct":
            assert "诊断 / diagnosis" not in said, (sample.student_id, said[-2000:])
            continue
        mistake = entries[(sample.exercise, sample.path.name)]
        if mistake.hidden_only:
            continue
        assert f"[{mistake.key}]" in said and f"§{mistake.section}" in said and f"hint {mistake.hint}" in said, \
            (sample.student_id, said[-3000:])


def test_release_table_holds_no_implementation():
    """Students' kernels get outputs on visible inputs, never code: no sample text in mistakes.json."""
    for assignment in ASSIGNMENTS:
        text = (ROOT / "release" / assignment / diagnosis.TABLE).read_text(encoding="utf-8")
        assert not re.search(r"\bdef \w+\(|\bimport numpy", text) and '"samples"' not in text


@pytest.mark.parametrize("assignment", BY_ASSIGNMENT)
def test_course_check_prints_the_mistake(tmp_path, built_course, assignment):
    """One wrong sample per assignment, checked as a self-learner would, from the command line."""
    course = built_course(tmp_path / "course", [assignment])
    entries = entry_of(assignment)
    sample = next(s for s in samples(assignment, root=ROOT) if s.kind == "wrong"
                  and not entries[(s.exercise, s.path.name)].hidden_only)
    release = notebooks(assignment, folder="release", root=course)
    work = tmp_path / "work"
    work.mkdir()
    for name, nb in with_answer(release, sample.exercise, sample.path.read_text()).items():
        nbformat.write(nb, work / name)
    notebook = next(name for name, nb in release.items() if any(grade_id(c) == sample.exercise for c in nb.cells))
    run = subprocess.run([sys.executable, "-m", "course", "check", "--course", str(course), notebook],
                         cwd=work, capture_output=True, text=True, timeout=600)
    key = entries[(sample.exercise, sample.path.name)].key
    assert f"[{key}]" in run.stdout, run.stdout[-3000:] + run.stderr[-2000:]


FLOAT32_ATTENTION = '''
def scaled_dot_product_attention(Q, K, V, mask=None):
    Q, K, V = (np.asarray(a, dtype=np.float32) for a in (Q, K, V))
    scores = Q @ np.swapaxes(K, -1, -2) / np.float32(np.sqrt(Q.shape[-1]))
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)
    return (weights @ V).astype(np.float64), weights.astype(np.float64)
'''


def test_no_mistake_with_right_values_is_named_for_a_near_miss():
    """A float32 attention misses a tight tolerance by rounding alone. With scores this large the
    weights are one-hot, and a catalogued mistake whose whole result is right here (no division by
    √d_k) cannot tell, so none is named: for a function that returns a tuple, the whole tuple is
    compared with the right one, not the one array that failed (which named no_scaling)."""
    from course.checks import call, expect_close
    source = ROOT / "source" / "04_attention"
    live = diagnosis.Live(source, ROOT / "samples" / "04_attention")
    namespace = dict(diagnosis.given_namespace(source))
    exec(FLOAT32_ATTENTION, namespace)
    rng = np.random.default_rng(7)
    Q, K, V = rng.normal(size=(2, 3, 4)) * 60, rng.normal(size=(2, 5, 4)) * 60, rng.normal(size=(2, 5, 6))
    scores = Q @ np.swapaxes(K, -1, -2) / 2.0
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    diagnosis.use(live)
    try:
        with pytest.raises(CheckFailure) as failure:
            expect_close(call(namespace["scaled_dot_product_attention"], Q, K, V), (weights @ V, weights), rtol=1e-8,
                         atol=1e-12)
    finally:
        diagnosis.use(None)
    assert "has wrong values" in str(failure.value) and "diagnosis" not in str(failure.value), str(failure.value)


def test_a_loop_in_disguise_is_named_by_the_first_watched_function_it_runs():
    """np.vectorize runs np.frompyfunc only until it has made its ufunc: a softmax through an np.vectorize made
    at the top level and called before is still named softmax.vectorize (the first of the watched functions
    it reaches, as for the catalogued sample, which makes its own), and one through np.frompyfunc,
    softmax.frompyfunc (not softmax.vectorize, whose sample runs np.frompyfunc too)."""
    from course.checks import expect_vectorised
    source = ROOT / "source" / "01_softmax"
    live = diagnosis.Live(source, ROOT / "samples" / "01_softmax")
    live.sources = lambda: []
    catalogue = {m.key: m for m in mistakes("01_softmax")}
    vexp = np.vectorize(math.exp, otypes=[float])
    vexp(np.zeros(2))  # its ufunc made

    def softmax(x, axis=-1):
        x = np.asarray(x, dtype=float)
        e = vexp(x - x.max(axis=axis, keepdims=True)) if elementwise == "vectorize" else \
            np.frompyfunc(math.exp, 1, 1)(x - x.max(axis=axis, keepdims=True)).astype(float)
        return e / e.sum(axis=axis, keepdims=True)

    diagnosis.use(live)
    try:
        for elementwise in ("vectorize", "frompyfunc"):
            with pytest.raises(CheckFailure) as failure:
                expect_vectorised(softmax, np.random.default_rng(5).normal(size=5000), max_steps=1000)
            named = [key for key in ("softmax.vectorize", "softmax.frompyfunc")
                     if catalogue[key].en in str(failure.value)]
            assert named == [f"softmax.{elementwise}"], (elementwise, str(failure.value))
    finally:
        diagnosis.use(None)


def test_a_mistake_is_named_only_within_the_failed_checks_tolerance(tmp_path):
    """σ'(-400) ≈ 1.9e-174 off by a relative 1e-8 fails a check with rtol 1e-9 and atol 0. A catalogued
    mistake that gives 0 there (tanh_cancellation, "becomes 0") was within matching's own atol of 1e-10,
    and was named in the student's kernel though her value is not 0: a mistake is named only when the
    student's value is at least as near its value as the right one (finite_difference is not either)."""
    answer = tmp_path / "almost.py"
    answer.write_text("import numpy as np\n\n\ndef sigmoid_derivative(z):\n    s = sigmoid(z)\n"
                      "    return s * (1 - s) * np.where(np.asarray(z) < -300, 1 + 1e-8, 1.0)\n")
    table = json.loads((ROOT / "release" / "02_sigmoid" / diagnosis.TABLE).read_text(encoding="utf-8"))
    said = visible_check_messages("02_sigmoid", SimpleNamespace(path=answer, exercise="sigmoid_derivative"), table)
    assert "sigmoid_derivative(-400.0) has wrong values" in said and "diagnosis" not in said, said[-3000:]


def test_a_mistake_is_matched_through_rounding_under_a_tight_check():
    """The same mistake computed another way differs in the last bits: under a check with rtol 0 and
    atol 1e-15 it is still that mistake, its values far from the right ones. A value nearer the right
    one than the mistake's is not (the -400 case above), even where matching's own atol calls them alike."""
    rng = np.random.default_rng(0)
    right, wrong = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    theirs = SimpleNamespace(error=None, value=wrong)
    rounded = SimpleNamespace(error=None, value=wrong + 4e-15 * rng.choice([-1, 1], size=(3, 4)))
    tight = diagnosis.Expected(right, rtol=0.0, atol=1e-15)
    assert not tight.met_by(rounded.value) and diagnosis.matches(rounded, theirs, "values", tight)
    tiny = 1.9151695967140057e-174
    near_right = SimpleNamespace(error=None, value=np.float64(tiny * (1 + 1e-8)))
    zero = SimpleNamespace(error=None, value=np.float64(0.0))
    assert diagnosis.matches(near_right, zero, "values")  # matching's own atol 1e-10
    assert not diagnosis.matches(near_right, zero, "values", diagnosis.Expected(tiny, rtol=1e-9, atol=0.0))
    # a tuple: only the part the check failed is weighed
    pair = diagnosis.Expected(right, part=1, rtol=0.0, atol=1e-15)
    assert diagnosis.matches(SimpleNamespace(error=None, value=(right, rounded.value)),
                             SimpleNamespace(error=None, value=(right, wrong)), "values", pair)


def test_a_cached_diagnosis_belongs_to_its_own_call():
    """The grader keeps each mistake's result per call, by the call's id. Python gives a freed
    object's id to a new one, so a cache that let its calls go served another input's result (the
    mistake went unnamed now and then): the cache keeps each call it has a result for, and a call
    with new inputs gets its own result."""
    from course.checks import call
    live = diagnosis.Live(ROOT / "source" / "01_softmax", ROOT / "samples" / "01_softmax")
    mistake = live.mistakes["softmax.default_axis_0"]
    namespace = dict(diagnosis.given_namespace(ROOT / "source" / "01_softmax"))
    exec((ROOT / "samples" / "01_softmax" / "softmax" / "wrong_default_axis_0.py").read_text(), namespace)
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = rng.normal(size=(3, 4))
        first = call(namespace["softmax"], x)
        assert np.array_equal(live.outcome(mistake, first).value, namespace["softmax"](x))
        kept = weakref.ref(first)
        del first
        gc.collect()
        assert kept() is not None, "the cache lets its call go, and the call's id may be reused"


def test_an_advice_hashes_each_calls_arguments_once(monkeypatch):
    """Every mistake of the function is looked up by the call's arguments: they are hashed once per
    advice, not once per mistake, and anew for the next advice (a test may have changed them since)."""
    from course.checks import call
    from course.diagnosis import Expected
    source = ROOT / "source" / "01_softmax"
    live = diagnosis.Live(source, ROOT / "samples" / "01_softmax")
    live.sources = lambda: []
    namespace = dict(diagnosis.given_namespace(source))
    exec((ROOT / "samples" / "01_softmax" / "softmax" / "wrong_default_axis_0.py").read_text(), namespace)
    hashed, exact_key = [], diagnosis.exact_key
    monkeypatch.setattr(diagnosis, "exact_key", lambda value: hashed.append(value) or exact_key(value))
    x = np.random.default_rng(0).normal(size=(3, 4))
    result = call(namespace["softmax"], x)
    right = Expected(np.exp(x) / np.exp(x).sum(axis=1, keepdims=True))
    assert "softmax.default_axis_0" in live.advice(result, "values", right)
    assert len(live.of("softmax")) > 5 and len(hashed) == 1 and live._arguments == {}  # no call kept after it
    live._outcomes.clear()
    assert "softmax.default_axis_0" in live.advice(result, "values", right) and len(hashed) == 2


def test_a_students_text_cannot_plant_a_named_mistake():
    """An error message the student's code raised is quoted in the failure message; a diagnosis line
    in it is defused, so the report (course/report.py) counts only what the grader named."""
    from course.checks import call, expect_close
    from course.report import DIAGNOSED

    def softmax(x, axis=-1):
        raise ValueError("\n诊断 / diagnosis [softmax.default_axis_0]:\n  planted")
    with pytest.raises(CheckFailure) as failure:
        expect_close(call(softmax, np.ones(3)), np.full(3, 1 / 3))
    assert "planted" in str(failure.value) and not DIAGNOSED.findall(str(failure.value))


class RunsTwice(diagnosis.Recorder):
    """Runs every mistake (hidden-only ones too) twice on each call the visible checks make (the peak memory,
    where measured, to within tracemalloc's noise)."""

    def remember(self, result):
        for mistake in self.of(result.function, result.max_steps is not None, result.max_bytes is not None):
            first, second = (self.run(mistake, result) for _ in range(2))
            peaks = [record.pop("peak_bytes", None) for record in (first, second)]
            self.calls[(mistake.key, len(self.calls))] = (diagnosis.near_bytes(*peaks) and
                                                          json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True))


@pytest.mark.parametrize("assignment", BY_ASSIGNMENT)
def test_a_catalogued_mistake_is_a_function_of_its_arguments(assignment):
    """The grader keeps a mistake's record by the call's arguments, from one notebook to the next
    (diagnosis.Live.record), which is right only if the implementation gives the same record for the
    same arguments: no state, no randomness of its own."""
    source = ROOT / "source" / assignment
    runs = RunsTwice(source, ROOT / "samples" / assignment)
    diagnosis.use(runs)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            diagnosis._run_visible_checks(source, ROOT / "release" / assignment)
    finally:
        diagnosis.use(None)
    assert runs.calls, "no visible check called a catalogued function"
    assert all(runs.calls.values()), sorted({key for (key, _), same in runs.calls.items() if not same})


def test_a_mistake_runs_uncounted_where_its_steps_are_not_read(monkeypatch):
    """On a plain call the grader runs a mistake without counting its steps (several times faster) and
    stops it past MISTAKE_SECONDS of CPU time; on a vectorisation check, or off the main thread (where no
    timer can stop it), it counts them, and stops past the check's limit or MISTAKE_STEPS."""
    import threading
    import time

    from course.checks import call
    from course.wire import Call
    live = diagnosis.Live(ROOT / "source" / "04_attention", ROOT / "samples" / "04_attention")
    loop = live.mistakes["causal_mask.loop_elements"]

    def causal_mask(L):  # the student's, right
        return np.tri(L, dtype=bool)
    monkeypatch.setattr(diagnosis, "MISTAKE_STEPS", 10_000)
    # 90,000 steps, not counted
    assert np.array_equal(Call.from_record("", live.run(loop, call(causal_mask, 300))).value, np.tri(300, dtype=bool))
    monkeypatch.setattr(diagnosis, "MISTAKE_SECONDS", 0.1)
    started = time.process_time()
    stopped = call(causal_mask, 3_000)  # 9 million steps
    record = live.run(loop, stopped)
    assert time.process_time() - started < 0.5 and record["value"]["value"] is None and "steps" not in record
    ran = []  # a record stopped by CPU time is not kept for the next notebook: it depends on the moment
    monkeypatch.setattr(live, "run", lambda mistake, c: ran.append(c) or diagnosis.Live.run(live, mistake, c))
    for _ in range(2):
        assert live.record(loop, stopped)["cpu_stopped"]
    assert len(ran) == 2
    monkeypatch.undo()
    monkeypatch.setattr(diagnosis, "MISTAKE_SECONDS", 0.1)
    monkeypatch.setattr(diagnosis, "MISTAKE_STEPS", 10_000)
    counted = call(causal_mask, 3_000)
    counted.max_steps = 500
    assert live.run(loop, counted)["steps"] == 501
    off_main = []
    thread = threading.Thread(target=lambda: off_main.append(live.run(loop, call(causal_mask, 3_000))))
    thread.start()
    thread.join()
    assert off_main[0]["value"]["value"] is None and off_main[0]["error"] is None and "steps" not in off_main[0]
    recorder = diagnosis.Recorder(ROOT / "source" / "04_attention", ROOT / "samples" / "04_attention")
    assert recorder.run(loop, call(causal_mask, 300))["value"]["value"] is None  # the build's table: counted


def test_a_mistakes_record_is_kept_for_equal_arguments_only(monkeypatch):
    """Between notebooks the grader runs a mistake again only on arguments it has not seen: equal
    arrays (dtype, shape, memory layout and every bit) share a record, others get their own; values
    of other kinds, arguments that hold one array twice (or two views of it) and a run out of memory
    are never kept; past KEPT_RECORDS_CHARS the kept records start afresh."""
    from course.checks import call
    source, samples = ROOT / "source" / "01_softmax", ROOT / "samples" / "01_softmax"
    namespace = dict(diagnosis.given_namespace(source))
    ran = []

    def outcome(x, **kwargs):
        live = diagnosis.for_grading(source, samples)  # as for each notebook
        live.run = lambda mistake, c: ran.append(c) or diagnosis.Live.run(live, mistake, c)
        try:
            return live.outcome(live.mistakes["softmax.default_axis_0"], call(namespace["softmax"], x, **kwargs)).value
        finally:
            del live.run

    x = np.random.default_rng(0).normal(size=(3, 4))
    nudged = x.copy()
    nudged[2, 3] = np.nextafter(nudged[2, 3], np.inf)
    for value, kwargs, runs in [(x, {}, 1), (x.copy(), {}, 0), (x, {"axis": 0}, 1), (np.asfortranarray(x), {}, 1),
                                (x.astype(np.float32), {}, 1), (nudged, {}, 1), (x.tolist(), {}, 1),
                                (x.tolist(), {}, 0), (range(3), {}, 1), (range(3), {}, 1)]:
        before = len(ran)
        expected = namespace["softmax"](np.asarray(value), axis=kwargs.get("axis", 0))
        assert np.array_equal(outcome(value, **kwargs), expected)
        assert len(ran) - before == runs, (type(value), kwargs)
    live, before = diagnosis.for_grading(source, samples), len(ran)
    live.run = lambda mistake, c: ran.append(c) or {"value": None, "error": "MemoryError: ", "warnings": [], "modified": []}
    try:  # the grader's trouble at the time, not the arguments': run again
        for _ in range(2):
            live.record(live.mistakes["softmax.default_axis_0"], call(namespace["softmax"], x + 3))
    finally:
        del live.run
    assert len(ran) - before == 2
    key = diagnosis.exact_key
    assert key(np.zeros(2, "f8,f8")) != key(np.zeros(2, [("x", "i8"), ("y", "i8")]))
    assert key(np.ones(2, ">f8")) != key(np.ones(2, "<f8")) and key(-0.0) != key(0.0) and key(True) != key(1)
    assert key(np.array([1, "a"], dtype=object)) is None and key(np.ma.masked_array([1.0])) is None
    assert key(np.zeros(2, [("a", "O"), ("b", "f8")])) is None
    assert key((x, x)) is None and key((x, x[::-1])) is None and key([[1.0], [1.0]]) is not None
    assert key(np.float64(1.0)) != key(np.array(1.0)) and key({"a": 1, "b": 2}) != key({"b": 2, "a": 1})
    monkeypatch.setattr(diagnosis, "KEPT_RECORDS_CHARS", 1)
    before, y, z = len(ran), x + 1, x + 2
    assert all(np.array_equal(outcome(value), namespace["softmax"](value, axis=0)) for value in (y, z, y, x))
    assert len(ran) - before == 4  # each new record made room for itself alone


X3, Y3 = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]]), np.array([1.0, 2.0, 3.0])
PREDICT = "def predict(X, theta):\n    return {body}\n"
GRADIENT = "def mse_gradient(X, y, theta):\n    return {body}\n"
WRONG_GRADIENT = GRADIENT.format(body="np.mean(X, axis=0) * 0")
DESCENT = ("def step(X, y, theta, alpha):\n    return theta - alpha * mse_gradient(X, y, theta)\n\n\n"
           "def linear_regression_gradient_descent(X, y, alpha, iterations):\n"
           "    theta = np.zeros(np.shape(X)[1])\n    for _ in range(iterations):\n"
           "        theta = step(X, y, theta, alpha)\n    return theta\n")
NOTE = "which failed its own tests above: fix it first"


def failures(assignment, steps):
    """Run `steps` in order with the grader's diagnosis of `assignment`: a string is a cell run (and read),
    a (label, check) pair a test that must fail, check(namespace) calling a checks.py expectation.
    Returns each test's message by label."""
    live = diagnosis.for_grading(ROOT / "source" / assignment, ROOT / "samples" / assignment)
    sources, namespace, said = [], {"np": np}, {}
    live.sources = lambda: sources
    diagnosis.use(live)
    try:
        for step in steps:
            if isinstance(step, str):
                with contextlib.suppress(SyntaxError, NameError):  # a magic runs only in IPython: here it is read
                    exec(step, namespace)
                sources.append(step)
                continue
            label, check = step
            with pytest.raises(CheckFailure) as failure:
                check(namespace)
            said[label] = str(failure.value)
    finally:
        diagnosis.use(None)
    return said


def gradient_fails(ns):
    from course.checks import call, expect_close
    expect_close(call(ns["mse_gradient"], X3, Y3, np.zeros(2)), [-2.0, -14 / 3])


def descent_fails(ns):
    from course.checks import call, expect_close
    expect_close(call(ns["linear_regression_gradient_descent"], X3, Y3, 0.1, 3), [0.2, 0.45])


def descent_message(*cells, after=()):
    """The failing descent check's message: `cells` run before a failing mse_gradient check, `after` after it."""
    return failures("03_linear_regression", [*cells, ("gradient", gradient_fails), *after,
                                             ("descent", descent_fails)])["descent"]


def test_a_function_that_uses_a_failed_one_says_to_fix_that_first():
    """Gradient descent built on the student's own mse_gradient inherits its failure: its message names
    mse_gradient, found through a helper (step) in the code run before the check; not when a name
    mse_gradient was bound again after its check failed (a def, a lambda), nor when code run since
    cannot be read (a cell magic: it may have bound it), nor when the descent only has a local variable of
    that name. A cell with a syntax error ran nothing."""
    said = descent_message(WRONG_GRADIENT, DESCENT)
    assert f"`linear_regression_gradient_descent` uses your `mse_gradient`, {NOTE}" in said, said
    assert "`linear_regression_gradient_descent`用到了你的`mse_gradient`，而它自己的测试在前面没有通过" in said, said
    assert NOTE in descent_message(WRONG_GRADIENT, after=[DESCENT, "def mse_gradient(:\n"])  # ran nothing
    for after in (WRONG_GRADIENT, "mse_gradient = lambda X, y, theta: np.zeros(2)\n",
                  "get_ipython().run_cell_magic('time', '', 'mse_gradient = 0')\n"):
        said = descent_message(WRONG_GRADIENT, DESCENT, after=[after])
        assert "has wrong values" in said and NOTE not in said, (after, said)
    local = DESCENT.replace("    return theta - alpha * mse_gradient(X, y, theta)",
                            "    mse_gradient = 0.0\n    return theta - alpha * mse_gradient")
    assert NOTE not in descent_message(WRONG_GRADIENT, local)


def test_only_the_first_failed_helper_in_a_chain_is_named():
    """A wrong predict makes the right mse_gradient that calls it fail too: the descent is told to fix
    predict, not mse_gradient."""
    from course.checks import call, expect_close
    said = failures("03_linear_regression", [
        PREDICT.format(body="np.asarray(X).T[0] * 0 + 1"),
        GRADIENT.format(body="np.asarray(X).T @ (predict(X, theta) - y) / len(y)"), DESCENT,
        ("predict", lambda ns: expect_close(call(ns["predict"], X3, np.zeros(2)), np.zeros(3))),
        ("gradient", gradient_fails), ("descent", descent_fails)])
    assert f"`mse_gradient` uses your `predict`, {NOTE}" in said["gradient"], said["gradient"]
    assert f"`linear_regression_gradient_descent` uses your `predict`, {NOTE}" in said["descent"], said["descent"]


def test_only_failed_values_are_passed_on():
    """The descent's own failures of type or vectorisation are its own, and a helper that only failed to
    raise an error (or returned the wrong type) passes nothing on."""
    from course.checks import call, expect_error, expect_type, expect_vectorised
    typed = failures("03_linear_regression", [WRONG_GRADIENT, DESCENT, ("gradient", gradient_fails), (
        "type", lambda ns: expect_type(call(ns["linear_regression_gradient_descent"], X3, Y3, 0.1, 3), "scalar"))])
    assert "should return" in typed["type"] and "uses your" not in typed["type"], typed["type"]
    looping = DESCENT.replace("    for _ in range(iterations):", "    for _ in range(iterations * len(X)):")
    steps = failures("03_linear_regression", [WRONG_GRADIENT, looping, ("gradient", gradient_fails), (
        "loop", lambda ns: expect_vectorised(ns["linear_regression_gradient_descent"], X3, Y3, 0.1, 400,
                                             max_steps=100))])
    assert "Python steps" in steps["loop"] and "uses your" not in steps["loop"], steps["loop"]
    wrong_error = GRADIENT.format(body="np.mean(X, axis=0) * 0 if len(theta) == 2 else {}['no ValueError']")
    for gradient, helper_fails in (
            (WRONG_GRADIENT, lambda ns: expect_error(call(ns["mse_gradient"], X3, Y3, np.zeros(3)), "ValueError", "shapes")),
            (wrong_error, lambda ns: expect_error(call(ns["mse_gradient"], X3, Y3, np.zeros(3)), "ValueError", "shapes")),
            (WRONG_GRADIENT, lambda ns: expect_type(call(ns["mse_gradient"], X3, Y3, np.zeros(2)), "scalar"))):
        said = failures("03_linear_regression", [gradient, DESCENT, ("helper", helper_fails), ("descent", descent_fails)])
        assert "has wrong values" in said["descent"] and "uses your" not in said["descent"], said


def test_a_chain_whose_first_failure_was_defined_again_names_nobody():
    """A wrong predict, defined again (the same) after its tests: the right mse_gradient that fails through
    it is still not named to the descent, and predict, maybe mended since, is not either."""
    from course.checks import call, expect_close
    wrong_predict = PREDICT.format(body="np.asarray(X).T[0] * 0 + 1")
    said = failures("03_linear_regression", [
        wrong_predict, GRADIENT.format(body="np.asarray(X).T @ (predict(X, theta) - y) / len(y)"), DESCENT,
        ("predict", lambda ns: expect_close(call(ns["predict"], X3, np.zeros(2)), np.zeros(3))),
        ("gradient", gradient_fails), wrong_predict, ("descent", descent_fails)])
    assert "has wrong values" in said["descent"] and "uses your" not in said["descent"], said["descent"]


def test_a_helpers_failure_is_passed_on_only_to_failures_it_can_cause():
    """A sigmoid that only warns (overflow) is not blamed for the derivative's wrong values, which name the
    derivative's own mistake; a sigmoid that only changes its input is (the derivative may read z again),
    and a value match of the derivative's own mistake is named beside it."""
    from course.checks import call, expect_close, expect_unmodified
    samples = ROOT / "samples" / "02_sigmoid"
    z = np.array([-2.0, 0.5, 3.0])
    derivative = (samples / "sigmoid_derivative" / "wrong_tanh_derivative.py").read_text()
    check = ("derivative", lambda ns: expect_close(call(ns["sigmoid_derivative"], z), np.exp(-z) / (1 + np.exp(-z)) ** 2))
    warns = failures("02_sigmoid", [(samples / "sigmoid" / "wrong_naive_overflow.py").read_text(), derivative, (
        "sigmoid", lambda ns: expect_close(call(ns["sigmoid"], np.array([-1000.0])), np.array([0.0]))), check])
    assert "RuntimeWarning" in warns["sigmoid"], warns["sigmoid"]
    assert "[sigmoid_derivative.tanh_derivative]" in warns["derivative"] and "uses your" not in warns["derivative"], warns
    changes = failures("02_sigmoid", [(samples / "sigmoid" / "wrong_modifies_input.py").read_text(), derivative, (
        "sigmoid", lambda ns: expect_unmodified(call(ns["sigmoid"], np.array([-1.0, 2.0])))), check])
    assert "[sigmoid_derivative.tanh_derivative]" in changes["derivative"] \
        and "uses your `sigmoid`" in changes["derivative"], changes["derivative"]


def test_code_that_may_bind_unseen_is_not_read():
    """A function that assigns a global, a star import, %run and %time may bind a helper again: after them
    no helper counts as unchanged (after %timeit, which binds nothing, it does)."""
    first = "def sigmoid(z):\n    return z\n"
    for later in ("def mend():\n    global sigmoid\n    sigmoid = abs\n", "from math import *\n",
                  "get_ipython().run_line_magic('run', 'mine.py')\n",
                  "get_ipython().run_line_magic('time', 'sigmoid = abs')\n"):
        assert not diagnosis.Code([first, later], {}).unchanged_since("sigmoid", 1), later
    for later in ("def other():\n    return sigmoid(1)\n", "get_ipython().run_line_magic('timeit', 'sigmoid(1)')\n"):
        assert diagnosis.Code([first, later], {}).unchanged_since("sigmoid", 1), later


def test_cells_that_are_not_python_are_read_within_bounds():
    """IPython's transform of a cell costs its size times its magics, in the grader, outside every budget:
    a cell with more than MOST_MAGICS magics, one over TRANSFORMED_SOURCE characters, and every such cell
    after the first MOST_TRANSFORMED are not read (so no helper before them counts as unchanged); one
    within them is read as IPython runs it."""
    first, rebinds = "def sigmoid(z):\n    return z\n", "def sigmoid(z):\n    return -z\n"
    magics = lambda n: "%who\n" * n
    assert diagnosis.Code([first, magics(diagnosis.MOST_MAGICS) + rebinds], {}).bound["sigmoid"] == 1
    for later in (magics(diagnosis.MOST_MAGICS + 1) + rebinds,
                  magics(1) + "x = 1\n" * (diagnosis.TRANSFORMED_SOURCE // 6) + rebinds):
        code = diagnosis.Code([first, later], {})
        assert code.unread == [1] and not code.unchanged_since("sigmoid", 1), later[:40]
    many = [magics(1) + f"x = {i}\n" for i in range(diagnosis.MOST_TRANSFORMED)]
    parsed = {}
    assert diagnosis.Code([first, *many], parsed).unread == [] and parsed[diagnosis.TRANSFORMS] == len(many)
    code = diagnosis.Code([first, *many, magics(1) + "y = 1\n"], parsed)
    assert code.unread == [len(many) + 1] and not code.unchanged_since("sigmoid", 1)


def test_a_helpers_wrong_type_is_passed_on_to_an_error():
    """A sigmoid that returns a list fails only its type check; the derivative that multiplies its lists
    raises TypeError, and is told to fix sigmoid (not that it made the derivative's math.exp mistake)."""
    from course.checks import call, expect_close, expect_type
    samples = ROOT / "samples" / "02_sigmoid"
    z = np.array([-2.0, 0.5, 3.0])
    said = failures("02_sigmoid", [
        (samples / "sigmoid" / "wrong_returns_list.py").read_text(),
        (samples / "sigmoid_derivative" / "correct_sigmoid_product.py").read_text(),
        ("sigmoid", lambda ns: expect_type(call(ns["sigmoid"], z), "array")),
        ("derivative", lambda ns: expect_close(call(ns["sigmoid_derivative"], z), np.exp(-z) / (1 + np.exp(-z)) ** 2))])
    assert "TypeError" in said["derivative"] and "uses your `sigmoid`" in said["derivative"] \
        and "diagnosis" not in said["derivative"], said["derivative"]


def test_a_helpers_failure_is_not_taken_for_a_mistake_it_resembles():
    """A derivative that calls the student's sigmoid, which fails on arrays (math.exp), raises the same
    TypeError as the catalogued derivative written with math.exp: the message says to fix sigmoid, and
    names no mistake of the derivative, whose catalogue runs with the lesson's own sigmoid."""
    from course.checks import call, expect_close
    samples = ROOT / "samples" / "02_sigmoid"
    z = np.array([-2.0, 0.5, 3.0])
    said = failures("02_sigmoid", [
        (samples / "sigmoid" / "wrong_math_exp.py").read_text(),
        (samples / "sigmoid_derivative" / "correct_sigmoid_product.py").read_text(),
        ("sigmoid", lambda ns: expect_close(call(ns["sigmoid"], z), 1 / (1 + np.exp(-z)))),
        ("derivative", lambda ns: expect_close(call(ns["sigmoid_derivative"], z), np.exp(-z) / (1 + np.exp(-z)) ** 2))])
    assert "diagnosis [sigmoid." in said["sigmoid"], said["sigmoid"]
    assert "TypeError" in said["derivative"] and "uses your `sigmoid`" in said["derivative"] \
        and "diagnosis" not in said["derivative"], said["derivative"]


def test_a_students_kernel_reads_the_code_it_ran():
    """In a student's own kernel the code run so far is IPython's input history, in order; a cell magic
    there is code in a string, which is not read."""
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    try:
        for cell in (WRONG_GRADIENT, DESCENT, "%%capture\nmse_gradient = 0\n"):
            shell.run_cell(cell, store_history=True)
        sources = diagnosis.ipython_sources()
    finally:
        InteractiveShell.clear_instance()
    code = diagnosis.Code(sources[:-1], {})
    assert code.reached_from("linear_regression_gradient_descent") == {"step", "mse_gradient"}
    assert code.bound["mse_gradient"] < code.bound["step"] == code.bound["linear_regression_gradient_descent"]
    assert code.unchanged_since("mse_gradient", len(sources) - 1)
    assert not diagnosis.Code(sources, {}).unchanged_since("mse_gradient", len(sources) - 1)


def test_in_a_students_kernel_a_failed_helper_is_named(monkeypatch):
    """The release notebook run in a real kernel, its answers the source's but a wrong mse_gradient: the
    visible check of gradient descent, which calls mse_gradient, says to fix mse_gradient first."""
    from nbclient import NotebookClient
    assignment, folder = "03_linear_regression", ROOT / "release" / "03_linear_regression"
    source = notebooks(assignment, root=ROOT)
    answers = {grade_id(c): c.source for nb in source.values() for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    answers["mse_gradient"] = (ROOT / "samples" / assignment / "mse_gradient" / "wrong_product_of_means.py").read_text()
    [(name, nb)] = notebooks(assignment, folder="release", root=ROOT).items()
    for exercise, code in answers.items():
        nb = with_answer({name: nb}, exercise, code)[name]
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the kernel imports this checkout's course package
    NotebookClient(nb, kernel_name="python3", timeout=120, allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    said = {grade_id(c): "\n".join(o.get("evalue", "") + o.get("text", "") for o in c.outputs)
            for c in nb.cells if is_test_cell(c)}
    descent = said["test_linear_regression_gradient_descent_basic"]
    assert "`linear_regression_gradient_descent` uses your `mse_gradient`, which failed its own tests" in descent, descent
    assert "[mse_gradient.product_of_means]" in said["test_mse_gradient_basic"], said["test_mse_gradient_basic"]
