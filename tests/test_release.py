"""release/ is generated from source/, leaks nothing, and both stay clean and bilingual."""
import ast
import filecmp
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbconvert.preprocessors import ExecutePreprocessor

from course import ROOT, assignments
from course.build import build, course_copy
from course.diagnosis import TABLE, same_table
from course.preprocessors import LANGUAGE_TAGS
from course.sandbox import KernelManager
from course.sample_class import grade_id
from course.wire import decode, encode

LEAKS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
NOTEBOOKS = sorted(p for folder in ("source", "release") for p in (ROOT / folder).glob("*/*.ipynb"))
SOURCES = sorted((ROOT / "source").glob("*/*.ipynb"))


def tags(cell):
    return set(cell.metadata.get("tags", []))


def grade_ids(nb):
    return [grade_id(c) for c in nb.cells if grade_id(c)]


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """A fresh build of every assignment, from a copy of source/."""
    return course_copy(tmp_path_factory.mktemp("rebuilt"), assignments())


def test_release_is_the_build_of_source(rebuilt):
    """Byte for byte, but for the mistakes' tables: their floating-point values may differ in the last
    bits on another CPU (same_table)."""
    comparison = filecmp.dircmp(ROOT / "release", rebuilt / "release")
    differing = []

    def walk(cmp, prefix=""):
        differing.extend(prefix + name for name in cmp.left_only + cmp.right_only + cmp.diff_files
                         if not (name == TABLE and same_table(*(json.loads(Path(folder, name).read_text("utf-8"))
                                                                for folder in (cmp.left, cmp.right)))))
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(comparison)
    assert not differing, f"release/ differs from `python -m course build` (run it and commit): {differing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_outputs_or_execution_counts_committed(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"cells with outputs: {dirty}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_chinese_cell_has_its_english_twin_right_after(path):
    cells = nbformat.read(path, as_version=4).cells
    for i, cell in enumerate(cells):
        if "lang-zh" in tags(cell):
            assert i + 1 < len(cells) and "lang-en" in tags(cells[i + 1]), f"cell {i} has no lang-en twin"
            assert cell.cell_type == cells[i + 1].cell_type == "markdown"
        if "lang-en" in tags(cell):
            assert i > 0 and "lang-zh" in tags(cells[i - 1]), f"cell {i} (lang-en) has no lang-zh twin before it"


@pytest.mark.parametrize("path", sorted((ROOT / "release").glob("*/*.ipynb")), ids=lambda p: str(p.relative_to(ROOT)))
def test_release_has_no_solution_and_no_hidden_test(path):
    source = nbformat.read(ROOT / "source" / path.parent.name / path.name, as_version=4)
    release = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in release.cells)
    assert not [m for m in LEAKS if m in text]
    hidden = [c.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0].strip()
              for c in source.cells if "### BEGIN HIDDEN TESTS" in c.source]
    solutions = [c.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0].strip()
                 for c in source.cells if "### BEGIN SOLUTION" in c.source]
    leaked = [h[:60] for h in hidden + solutions if h and h in text]
    assert not leaked, f"release contains source-only code: {leaked}"


def answer_checks(path):
    """The hidden tests' checks of an answer the student writes down as a value (04's predicted shapes):
    `expect_equal(fetch(NAME), EXPECTED, ...)`, as (the call, whether it keeps EXPECTED back: reveal=False)."""
    for cell in nbformat.read(path, as_version=4).cells:
        if "### BEGIN HIDDEN TESTS" not in cell.source:
            continue
        hidden = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
        for node in ast.walk(ast.parse(hidden)):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "expect_equal" and node.args
                    and isinstance(node.args[0], ast.Call) and getattr(node.args[0].func, "id", None) == "fetch"):
                yield node, any(k.arg == "reveal" and getattr(k.value, "value", True) is False for k in node.keywords)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_a_hidden_test_of_an_answer_given_as_a_value_does_not_tell_it(path):
    """Where the answer is a value the student writes down (04's predicted shapes), the expected value of a
    hidden test is the answer itself: its failure message must leave it out (expect_equal's reveal=False),
    or the feedback hands out the answer key."""
    assert not [ast.unparse(call) for call, kept_back in answer_checks(path) if not kept_back]


def prose(value):
    """The texts in JSON data: its strings with a space (not the base64 of the calls' arrays)."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in prose(item)]
    return [value] if isinstance(value, str) and " " in value else []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_the_released_mistakes_do_not_tell_an_answer_given_as_a_value(path):
    """The released table of mistakes (release/<assignment>/mistakes.json: the visible checks and the feedback
    explain a mistake with it) explains a mistake in such an answer without the answer itself, however written:
    (8, 7, 2), [8, 7, 2], 8×7×2."""
    table = ROOT / "release" / path.parent.name / "mistakes.json"
    text = "\n".join(prose(json.loads(table.read_text()))) if table.exists() else ""
    answers = [ast.literal_eval(call.args[1]) for call, _ in answer_checks(path)]
    written = [r"(?<!\d)" + r"\D{1,4}".join(map(str, answer)) + r"(?!\d)" for answer in answers]
    assert not [answer for answer, pattern in zip(answers, written) if re.search(pattern, text)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_single_language_release_keeps_grade_ids(rebuilt, lang, tmp_path):
    from course.build import build
    build(lang=lang, root=rebuilt, release_dir=str(tmp_path), tables=False)  # the notebooks are what is checked
    other = LANGUAGE_TAGS["en" if lang == "zh" else "zh"]
    for path in sorted((rebuilt / "release").glob("*/*.ipynb")):
        both = nbformat.read(path, as_version=4)
        single = nbformat.read(tmp_path / path.parent.name / path.name, as_version=4)
        assert grade_ids(single) == grade_ids(both)
        assert not [c for c in single.cells if other in tags(c)]
        kept = [c for c in single.cells if LANGUAGE_TAGS[lang] in tags(c)]
        assert kept and len(kept) == len([c for c in both.cells if LANGUAGE_TAGS[lang] in tags(c)])


@pytest.mark.parametrize("path", sorted((ROOT / "release").glob("*/*.ipynb")), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_lesson_markdown_cell_is_plain_formatting(path):
    """`course grade` shows the lesson's own cells unchecked (preprocessors.trust_lesson): they must be
    what SafeHTML's check lets through anyway, as plain `nbgrader autograde` checks them."""
    from course.preprocessors import plain_markdown
    cells = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"]
    assert cells and all(plain_markdown(cell.source, json.dumps(cell.get("attachments") or {}, sort_keys=True))
                         == (True, 0) for cell in cells)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_partial_credit_cells_claim_their_own_points(path):
    """`partial_credit(..., points=N)` must give the cell's points, or nbgrader caps or shrinks it."""
    for cell in nbformat.read(path, as_version=4).cells:
        for node in ast.walk(ast.parse(cell.source) if cell.cell_type == "code" else ast.Module([], [])):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "partial_credit":
                points = [k.value.value for k in node.keywords if k.arg == "points"]
                assert points == [cell.metadata["nbgrader"]["points"]], grade_id(cell)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_lessons_leave_figure_layout_to_drawing(path):
    """A graded kernel never draws a figure, so `layout="constrained"` costs it nothing, while
    `tight_layout()` measures every label in the cell itself (most of 04's lesson-cell time)."""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            assert "tight_layout" not in cell.source, grade_id(cell) or cell.source[:200]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_whole_source_notebook_runs_in_under_ten_seconds(path):
    """Measured as the kernel's own CPU time (start-up included), so that a busy machine — the
    rest of this suite grading on the other core — does not decide the verdict."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import resource; _r = resource.getrusage(resource.RUSAGE_SELF); print(_r.ru_utime + _r.ru_stime)"))
    # The course's kernel client (PatientChannel): nbclient's own once waited out its 120 s on a missed ZeroMQ edge
    run = ExecutePreprocessor(timeout=120, kernel_manager_class=KernelManager)
    run.preprocess(nb, {"metadata": {"path": str(path.parent)}})
    seconds = float(nb.cells[-1].outputs[0].text)
    assert seconds < 10, f"{path.name} needed {seconds:.1f} s of CPU time"


def _float_arrays(node):
    """The encoded float arrays of a table, depth first."""
    if type(node) is list:
        for item in node:
            yield from _float_arrays(item)
    elif type(node) is dict:
        if "b64" in node and decode(node).dtype.kind == "f":
            yield node
        for item in node.values():
            yield from _float_arrays(item)


def _scaled(node, factor):
    """Scale one encoded array in place, as another CPU's last bits would."""
    node["b64"] = _encoded(decode(node) * factor)["b64"]


def test_a_rebuild_keeps_a_table_whose_values_differ_only_in_the_last_bits(tmp_path):
    course = course_copy(tmp_path, ["02_sigmoid"])
    path = course / "release" / "02_sigmoid" / TABLE
    built = path.read_text("utf-8")
    for factor, kept in ((1 + 4e-16, True), (1 + 1e-9, False)):
        table = json.loads(built)
        target = next(a for a in _float_arrays(table)
                      if np.abs(decode(a)).max() > 0)
        _scaled(target, factor)
        edited = json.dumps(table, ensure_ascii=False, sort_keys=True) + "\n"
        assert edited != built and same_table(json.loads(built), table) is kept
        path.write_text(edited, "utf-8")
        build(root=course, only=["02_sigmoid"])
        assert path.read_text("utf-8") == (edited if kept else built)


def test_tables_differ_in_anything_but_the_last_bits():
    table = {"calls": {"c": {"f.m": {"error": None, "steps": 12, "value": {"kind": "float", "value": 0.5}}}}}
    assert same_table(table, json.loads(json.dumps(table)))
    for path, other in ((("steps",), 13), (("error",), "ValueError: x"), (("value", "value"), 0.5000001),
                        (("value", "kind"), "plain")):
        changed = json.loads(json.dumps(table))
        record = changed["calls"]["c"]["f.m"]
        for key in path[:-1]:
            record = record[key]
        record[path[-1]] = other
        assert not same_table(table, changed), path
    nan, zero = (_encoded(v) for v in ([np.nan], [0.0]))
    assert not same_table(nan, zero) and same_table(nan, dict(nan))
    # rounding noise where the exact value is 0 (01's dot_not_outer): one last bit doubles it
    noise, doubled = (_encoded([[0.3, v], [v, 0.2]]) for v in (-5.55e-17, -1.11e-16))
    assert same_table(noise, doubled) and not same_table(noise, _encoded([[0.3, -1e-12], [-1e-12, 0.2]]))
    # an array of noise alone (03's lstsq_tuple: the residual of an exact fit) has no scale of its own
    residual = _encoded([1.97e-31])
    assert same_table(residual, _encoded([1.18e-31])) and same_table(residual, _encoded([0.0]))
    assert not same_table(residual, _encoded([1e-12]))


def _encoded(values):
    return encode(np.array(values))
