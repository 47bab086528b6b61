"""What the class got wrong: the instructor's report under reports/<assignment>/.

Scores come from the gradebook, so the report covers every graded student, also those graded on
another machine against the same (PostgreSQL) gradebook. The mistakes the checks named
(course/diagnosis.py) come from the autograded notebooks under autograded/.
"""
import contextlib
import csv
import re
from pathlib import Path

import nbformat
from nbgrader.api import Assignment, Grade, GradeCell, Gradebook, Notebook, SubmittedAssignment, SubmittedNotebook

from . import grade_id
from .diagnosis import catalogue
from .preprocessors import is_test_cell
from .nbgrader_setup import nbgrader_app
from .table import table
from .verdict import SUMMARY_HEADER, summary_rows

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "SimHei")


def test_results(gb, assignment):
    """[(student, notebook, test cell, score, max score)] of every graded cell of the assignment."""
    return (gb.db.query(SubmittedAssignment.student_id, Notebook.name, GradeCell.name, Grade.score, GradeCell.max_score)
            .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
            .join(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .join(Notebook, Notebook.id == SubmittedNotebook.notebook_id)
            .join(Grade, Grade.notebook_id == SubmittedNotebook.id)
            .join(GradeCell, GradeCell.id == Grade.cell_id)
            .filter(Assignment.name == assignment).all())


def cell_order(course, assignment):
    """{(notebook, grade id): position} in the source notebooks, so the report follows the lesson."""
    order = {}
    for path in sorted((Path(course) / "source" / assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if grade_id(cell):
                order[(path.stem, grade_id(cell))] = len(order)
    return order


def pass_rates(results, order):
    """[{notebook, test, points, passed, students, rate, mean}] per test cell, in lesson order."""
    cells = {}
    for _, notebook, test, score, max_score in results:
        cell = cells.setdefault((notebook, test), {"notebook": notebook, "test": test, "points": max_score,
                                                   "passed": 0, "students": 0, "total": 0.0})
        cell["students"] += 1
        cell["passed"] += score >= max_score
        cell["total"] += score
    rows = sorted(cells.values(), key=lambda c: (order.get((c["notebook"], c["test"]), len(order)), c["test"]))
    for row in rows:
        row["rate"] = row["passed"] / row["students"]
        row["mean"] = row.pop("total") / row["students"]
    return rows


DIAGNOSED = re.compile(r"诊断 / diagnosis \[([\w.]+)\]")


def diagnosed_mistakes(course, assignment):
    """{student: sorted keys of the catalogued mistakes named in their autograded test cells}."""
    found = {}
    for path in sorted((Path(course) / "autograded").glob(f"*/{assignment}/*.ipynb")):
        keys = found.setdefault(path.parent.parent.name, set())
        for cell in nbformat.read(path, as_version=4).cells:
            if is_test_cell(cell):
                for output in cell.get("outputs", []):
                    text = "".join([output.get("text", ""), output.get("evalue", ""), *output.get("traceback", [])])
                    keys.update(DIAGNOSED.findall(text))
    return {student: sorted(keys) for student, keys in found.items()}


def mistake_counts(mistakes, known):
    """[{mistake, name, students, share}] for every mistake some student made, most frequent first."""
    names = {m.key: f"{m.zh} / {m.en}" for m in known}
    counts = {}
    for keys in mistakes.values():
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    order = list(names)
    rows = [{"mistake": key, "name": names.get(key, key), "students": n, "share": n / len(mistakes)}
            for key, n in counts.items()]
    return sorted(rows, key=lambda r: (-r["students"], order.index(r["mistake"]) if r["mistake"] in order else 0))


def add_mistakes_column(grades_csv, mistakes):
    """grades.csv with one more column: each student's diagnosed mistakes, separated by spaces."""
    with open(grades_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        return
    with open(grades_csv, "w", newline="") as f:
        writer = csv.DictWriter(f, [*rows[0].keys(), "mistakes"])
        writer.writeheader()
        writer.writerows({**row, "mistakes": " ".join(mistakes.get(row["student_id"], []))} for row in rows)


def fonts():
    """A CJK font if the machine has one (the charts' labels are bilingual), else matplotlib's default."""
    from matplotlib import font_manager
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [f for f in CJK_FONTS if f in installed] + ["DejaVu Sans"]


def bilingual(zh, en, cjk):
    return f"{zh} / {en}" if cjk else en


@contextlib.contextmanager
def chart(path, size):
    """A matplotlib figure saved to `path` on exit: (axes, pyplot, whether labels may be Chinese)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    families = fonts()
    with plt.rc_context({"font.sans-serif": families}):
        fig, ax = plt.subplots(figsize=size)
        yield ax, plt, families[0] != "DejaVu Sans"
        fig.tight_layout()
        fig.savefig(path, dpi=100)
        plt.close(fig)


def plot_pass_rates(rows, path):
    with chart(path, (8, 0.45 * len(rows) + 1.5)) as (ax, plt, cjk):
        rates = [100 * row["rate"] for row in rows]
        bars = ax.barh([row["test"] for row in rows], rates, color=[plt.cm.RdYlGn(r / 100) for r in rates])
        ax.bar_label(bars, labels=[f"{r:.0f}%" for r in rates], padding=3)
        ax.invert_yaxis()  # lesson order, top to bottom
        ax.set_xlim(0, 110)
        ax.set_xlabel(bilingual("通过的学生比例 (%)", "students who passed (%)", cjk))
        ax.set_title(bilingual("每个测试的通过率", "pass rate per test", cjk))


def plot_mistakes(rows, path):
    with chart(path, (9, 0.45 * len(rows) + 1.5)) as (ax, plt, cjk):
        labels = [row["name"] if cjk else row["name"].split(" / ")[-1] for row in rows]
        ax.bar_label(ax.barh(labels, [row["students"] for row in rows], color="tab:red"), padding=3)
        ax.invert_yaxis()  # most frequent on top
        ax.xaxis.get_major_locator().set_params(integer=True)  # students are counted in whole numbers
        ax.set_xlabel(bilingual("犯这个错误的学生人数", "students who made this mistake", cjk))
        ax.set_title(bilingual("检查认出的常见错误", "classic mistakes the checks named", cjk))


def plot_scores(scores, max_score, path):
    with chart(path, (7, 4)) as (ax, plt, cjk):
        ax.hist(scores, bins=min(20, max(5, int(max_score) + 1)), range=(0, max_score or 1), color="tab:blue",
                edgecolor="white")
        ax.set_xlabel(bilingual("总分", "score", cjk) + f" (max {max_score:g})")
        ax.set_ylabel(bilingual("学生人数", "students", cjk))
        ax.set_title(bilingual("分数分布", "score distribution", cjk))


def write_report(db_url, course_id, course, assignment, outcomes=None):
    """Write pass_rates.csv/.png, mistakes.csv/.png, scores.png and report.md; return the report's path."""
    folder = Path(course) / "reports" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    with Gradebook(db_url, course_id) as gb:
        rows = pass_rates(test_results(gb, assignment), cell_order(course, assignment))
        submissions = gb.submission_dicts(assignment)
    with open(folder / "pass_rates.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, ["notebook", "test", "points", "passed", "students", "rate", "mean"])
        writer.writeheader()
        writer.writerows(rows)
    mistakes = mistake_counts(diagnosed_mistakes(course, assignment), catalogue(Path(course) / "samples" / assignment))
    with open(folder / "mistakes.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, ["mistake", "name", "students", "share"])
        writer.writeheader()
        writer.writerows(mistakes)
    if mistakes:
        plot_mistakes(mistakes, folder / "mistakes.png")
    scores = [s["score"] for s in submissions]
    max_score = max((s["max_score"] for s in submissions), default=0)
    if rows:
        plot_pass_rates(rows, folder / "pass_rates.png")
        plot_scores(scores, max_score, folder / "scores.png")
    mean = sum(scores) / len(scores) if scores else 0
    text = [f"# {assignment}: 班级报告 / class report", "",
            f"{len(submissions)} 名学生 / students · 平均分 / mean score {mean:.2f} / {max_score:g}", "",
            "## 每个测试的通过率 / Pass rate per test", "",
            "通过率最低的测试指出全班最常出错的概念。/ The tests with the lowest pass rate show what the class misses.", "",
            table(["notebook", "test / 测试", "points / 分值", "passed / 通过", "rate / 通过率", "mean / 平均"],
                  [(r["notebook"], r["test"], f"{r['points']:g}", f"{r['passed']}/{r['students']}",
                    f"{100 * r['rate']:.0f}%", f"{r['mean']:.2f}") for r in rows], markdown=True),
            "", "![pass rates](pass_rates.png)", "",
            "## 常见错误 / Classic mistakes", "",
            "失败的检查认出的错误（course/diagnosis.py）：每名学生每个错误计一次。/ The mistakes failing checks "
            "recognised (course/diagnosis.py), each counted once per student.", ""]
    if mistakes:
        graded = len(diagnosed_mistakes(course, assignment))
        text += [table(["mistake / 错误", "id", "students / 学生"],
                       [(r["name"], r["mistake"], f"{r['students']} / {graded}") for r in mistakes], markdown=True),
                 "", "![mistakes](mistakes.png)"]
    else:
        text += ["没有认出的错误。/ No mistake was recognised."]
    text += ["", "## 分数分布 / Score distribution", "", "![scores](scores.png)"]
    if outcomes:
        text += ["", "## 本次评分 / This run", "",
                 table(SUMMARY_HEADER, summary_rows(outcomes), markdown=True)]
    (folder / "report.md").write_text("\n".join(text) + "\n")
    return folder / "report.md"


def main(assignment, course=".", db_url=None):
    """`python -m course report ASSIGNMENT`: the report again, e.g. after every machine has graded."""
    course = Path(course).resolve()
    app = nbgrader_app(assignment, course, [f"--CourseDirectory.db_url={db_url}"] if db_url else [])
    path = write_report(app.coursedir.db_url, app.coursedir.course_id, course, assignment)
    print(f"报告 / report: {path}")
