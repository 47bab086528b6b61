"""Why a submission has no score, or what the instructor should know about its score.

Every reason is read from the files themselves, never from nbgrader's log text: the vetted copy of
the submission (course/vet.py) against the release, and the error outputs that the grading steps
write into the graded notebook (course/trusted_execute.py names each: CellTimeoutError,
OutputLost, KernelDied, KernelNotStarted, TimeBudgetSpent).
"""
import contextlib
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import grade_id

TIMED_OUT = "超时 / timed out"
OUTPUT_LOST = "内核输出丢失 / kernel output lost"
KERNEL_DIED = "内核已退出 / kernel died"
NOT_STARTED = "内核未能启动 / kernel did not start"
BUDGET_SPENT = "时间预算已用完 / time budget spent"
INVALID = "笔记本无效 / invalid notebook"
MISSING = "缺少笔记本 / notebook missing"
TAMPERED = "单元格被改动 / cells tampered"  # nbgrader restores changed locked cells; the rest is graded as is
WORKER_DIED = "评分进程退出 / grading process died"
GRADER_FAILED = "评分程序故障，未评分 / the grader failed, not graded"
# The notebooks' budgets (Limits.cell_budget, call_budget) hold a student's code well below the deadline
PAST_DEADLINE = (GRADER_FAILED + "：评分进程超过期限（c.Limits.worker_deadline = {seconds}秒）被终止 / the grading "
                 "process passed its deadline (c.Limits.worker_deadline = {seconds} s) and was stopped")
FAILED = "评分出错 / grading error"
KEPT = "未改动，沿用已有评分（--force重新评分） / unchanged, earlier grade kept (--force regrades)"
UNUSABLE_NAME = ("文件夹名含有*、?、[或控制字符，首尾有空白，或者不是UTF-8：nbgrader会把它当作通配符、去掉空白，评到别人的文件夹，"
                 "或者无法处理；未评分，请改名 / the folder's name holds *, ? or [ or a control character, begins or ends "
                 "with white space, or is not UTF-8: nbgrader would read it as a pattern or drop the spaces, and grade "
                 "other folders, or fail on it; not graded, rename it")


@dataclass
class Outcome:
    """One submission's result: its score, or the reasons it has none (and notes on the score)."""
    student: str
    graded: bool = False
    reasons: list = field(default_factory=list)
    seconds: float = 0.0
    cell_seconds: float = 0.0  # time the kernel spent running cells (the benchmark's floor)
    score: float = None
    max_score: float = None


def grader_failed(outcome):
    """Whether the grader, not the submission, failed: its process died, or it raised GraderFault."""
    return any(reason.startswith((GRADER_FAILED, WORKER_DIED)) for reason in outcome.reasons)


SUMMARY_HEADER = ("student / 学生", "score / 得分", "notes / 说明")


def summary_rows(outcomes):
    """A row per outcome, by student: (student, score, notes) for the printed summary and the report."""
    return [(o.student, "—" if o.score is None else f"{o.score:.4g}/{o.max_score:.4g}", "; ".join(o.reasons) or "正常 / ok")
            for o in sorted(outcomes, key=lambda o: o.student)]


# The error names the grading steps write into a graded notebook, and the reason each gives.
GRADED_ERRORS = {"CellTimeoutError": TIMED_OUT, "OutputLost": OUTPUT_LOST, "KernelDied": KERNEL_DIED,
                 "DeadKernelError": KERNEL_DIED, "KernelNotStarted": NOT_STARTED, "TimeBudgetSpent": BUDGET_SPENT}
# nbgrader metadata whose change in a submitted cell is tampering (the source of locked cells too).
GUARDED = ("grade", "solution", "locked", "task", "points")
# A reason names at most LISTED cells, each in at most NAME_CHARS characters: a student chooses the grade
# ids, and may add thousands of cells with long ones (the summary, report.md and summary.json repeat them).
LISTED, NAME_CHARS = 10, 60


def before_grading(submitted, release):
    """Reasons known from the submission alone: no notebook of the assignment, or one that is not a
    valid notebook. nbgrader then grades what it can (a missing notebook scores 0)."""
    names = {path.name for path in Path(release).glob("*.ipynb")}
    present = [Path(submitted) / name for name in sorted(names) if (Path(submitted) / name).is_file()]
    reasons = [] if present else [MISSING]
    for path in present:
        invalid = {}  # nbformat.read validates the notebook, and puts the error here instead of raising it
        try:
            nbformat.read(path, as_version=4, capture_validation_error=invalid)
        except Exception:  # not JSON, not UTF-8, not a notebook
            invalid["unreadable"] = True
        if invalid:
            reasons.append(INVALID)
            break
    if present and len(present) < len(names) and MISSING not in reasons:
        reasons.append(MISSING)
    return reasons


def after_grading(submitted, release, source, autograded):
    """Reasons from the graded notebooks: tampered cells, and what stopped the kernel."""
    reasons = []
    tampered = tampered_cells(submitted, release, source)
    if tampered:
        reasons.append(f"{TAMPERED}: {listed(tampered)}")
    names = graded_error_names(autograded)
    reasons += sorted({reason for name, reason in GRADED_ERRORS.items() if name in names},
                      key=list(GRADED_ERRORS.values()).index)
    return reasons


def listed(names):
    """The first LISTED of `names`, each cut to NAME_CHARS characters, and how many more there are."""
    cut = [name if len(name) <= NAME_CHARS else name[:NAME_CHARS - 1] + "…" for name in names[:LISTED]]
    more = len(names) - len(cut)
    return ", ".join(cut) + (f", 另有{more}个 / and {more} more" if more else "")


def grade_cells(folder):
    """[(notebook, grade id, cell)] of the nbgrader cells in `folder`, in notebook order."""
    found = []
    for path in sorted(Path(folder).glob("*.ipynb")):
        with contextlib.suppress(Exception):  # an unreadable notebook has no cells to compare
            found += [(path.stem, grade_id(c), c) for c in nbformat.read(path, as_version=4).cells if grade_id(c)]
    return found


def course_cells(folder):
    """grade_cells of the release or the source folder, read once per process while its notebooks
    stay as they are: every submission is compared with them."""
    return _course_cells(str(folder), notebooks_stamp(folder))


def notebooks_stamp(folder):
    """What says that the notebooks in `folder` are as they were: names, modification times, sizes."""
    stamp = []
    for path in sorted(Path(folder).glob("*.ipynb")):
        with contextlib.suppress(OSError):  # gone since: the readers pass it over too
            info = path.stat()
            stamp.append((path.name, info.st_mtime_ns, info.st_size))
    return tuple(stamp)


@functools.lru_cache(maxsize=8)
def _course_cells(folder, stamp):
    return grade_cells(folder)


def lesson_code(folder):
    """{notebook: its code cells in order}, each an nbgrader cell's grade id (nbgrader puts the locked
    and test cells back as they were; an answer is the student's) or a plain cell's source."""
    found = {}
    for path in sorted(Path(folder).glob("*.ipynb")):
        with contextlib.suppress(Exception):  # an unreadable notebook is left out
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            found[path.stem] = [("cell", c["metadata"]["nbgrader"]["grade_id"]) if "grade_id" in
                                c.get("metadata", {}).get("nbgrader", {}) else ("code", "".join(c["source"]))
                                for c in cells if c["cell_type"] == "code"]
    return found


@functools.lru_cache(maxsize=8)
def _release_code(folder, stamp):
    return lesson_code(folder)


def whole_lesson(submitted, release):
    """Whether the submission has every notebook of the release, each with the same code cells in the
    same order, the plain ones as they are, and nothing more: grading it ran all of the lesson's code."""
    return lesson_code(submitted) == release_code(release)


def release_code(release):
    """lesson_code of the release, read once per process while its notebooks stay as they are."""
    return _release_code(str(release), notebooks_stamp(release))


def tampered_cells(submitted, release, source):
    """The cells the student changed, added, deleted, duplicated or moved (nbgrader restores changed
    locked cells and grades the rest as handed in). A cell is unchanged if it is as in the release,
    or as in the source: the gradebook's copy of a test cell is the source's, hidden tests included."""
    originals = [{(nb, gid): cell for nb, gid, cell in course_cells(folder)} for folder in (release, source)]
    handed_in = grade_cells(submitted)
    names, seen = set(), set()
    for nb, gid, cell in handed_in:
        if (nb, gid) in seen or not any(same_cell(cell, cells.get((nb, gid))) for cells in originals):
            names.add(gid)  # changed, not in the release, or there twice
        seen.add((nb, gid))
    for notebook in {path.stem for path in Path(submitted).glob("*.ipynb")}:
        expected = [gid for nb, gid in originals[0] if nb == notebook]
        kept = list(dict.fromkeys(gid for nb, gid, _ in handed_in if nb == notebook and gid in expected))
        names |= set(expected) - set(kept)  # deleted
        names |= {got for got, want in zip(kept, [g for g in expected if g in kept]) if got != want}  # moved
    return sorted(names)


def same_cell(cell, original):
    """`cell` is `original` where a student may not change it: its kind, its nbgrader flags and
    points, and the source of a locked cell."""
    if original is None or cell.cell_type != original.cell_type:
        return False
    flags, expected = cell.metadata.get("nbgrader", {}), original.metadata.nbgrader
    if any(flags.get(key) != expected.get(key) for key in GUARDED):
        return False
    return not expected.get("locked") or cell.source == original.source


def graded_error_names(folder):
    """The error names in the graded notebooks of one submission."""
    found = set()
    for path in Path(folder).glob("*.ipynb"):
        with contextlib.suppress(Exception):
            for cell in json.loads(path.read_text()).get("cells", []):
                found |= {o.get("ename") for o in cell.get("outputs", []) if o.get("output_type") == "error"}
    return found


# A traceback's last line, e.g. "MemoryError" or "nbformat.reader.NotJSONError: ...".
EXCEPTION_LINE = re.compile(r"(?:\w+\.)*\w+(?:Error|Exception)\b")


def last_error(log):
    """What nbgrader's log says went wrong last: its last exception line other than its own
    NbGraderException (which says only "see the above traceback"), else its last line."""
    lines = [line for line in log.splitlines() if line.strip()]
    named = [line for line in lines if EXCEPTION_LINE.match(line) and not line.startswith("NbGraderException")]
    return (named or lines or ["?"])[-1][:300]
