"""What the class got wrong: the instructor's report under reports/<assignment>/.

Scores come from the gradebook, so the report covers every graded student, also those graded on
another machine against the same (PostgreSQL) gradebook. The mistakes the checks named
(course/diagnosis.py) come from the autograded notebooks under autograded/.
"""
import csv
import re
import sys
from html import escape
from pathlib import Path

import nbformat
from nbgrader.api import (Assignment, Grade, GradeCell, Gradebook, MissingEntry, Notebook, SubmittedAssignment,
                         SubmittedNotebook)
from nbgrader.plugins import ExportPlugin

from . import grade_id
from .diagnosis import MARK, catalogue
from .journal import gradebook_digest, journal, read_inflight, read_journal, unproven_students
from .preprocessors import is_test_cell
from .nbgrader_setup import nbgrader_app
from .table import shown, table
from .verdict import SUMMARY_HEADER, summary_rows


def test_results(gb, assignment):
    """[(student, notebook, test cell, score, max score)] of every graded cell of the assignment."""
    return (gb.db.query(SubmittedAssignment.student_id, Notebook.name, GradeCell.name, Grade.score, GradeCell.max_score)
            .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
            .join(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .join(Notebook, Notebook.id == SubmittedNotebook.notebook_id)
            .join(Grade, Grade.notebook_id == SubmittedNotebook.id)
            .join(GradeCell, GradeCell.id == Grade.cell_id)
            .filter(Assignment.name == assignment).all())


def course_notebook(path):
    """A notebook of the course's own or written by nbgrader, read without validating it again
    (7.5 -> 3 ms a notebook, and the command builds no validator)."""
    return nbformat.v4.reads(Path(path).read_text(encoding="utf-8"))  # nbformat.read without its validation


def cell_order(course, assignment):
    """{(notebook, grade id): position} in the source notebooks, so the report follows the lesson."""
    order = {}
    for path in sorted((Path(course) / "source" / assignment).glob("*.ipynb")):
        for cell in course_notebook(path).cells:
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


DIAGNOSED = re.compile(re.escape(MARK) + r"([\w.]+)\]")


def diagnosed_mistakes(course, assignment):
    """{student: sorted keys of the catalogued mistakes named in their autograded test cells}."""
    found = {}
    for path in sorted((Path(course) / "autograded").glob(f"*/{assignment}/*.ipynb")):
        keys = found.setdefault(path.parent.parent.name, set())
        for cell in course_notebook(path).cells:
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


GRADE_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email", "raw_score",
                 "late_submission_penalty", "score", "max_score"]  # nbgrader export's


def spreadsheet_safe(value):
    """A cell a spreadsheet shows as text: one starting like a formula (=, +, -, @) gets a quote first."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def awaiting_grade(coursedir, assignment, student_id):
    """Whether the student's folder in submitted/ holds a notebook of the assignment."""
    folder = Path(coursedir.format_path(coursedir.submitted_directory, student_id, assignment.name))
    return any((folder / f"{notebook.name}.ipynb").is_file() for notebook in assignment.notebooks)


def grade_rows(gb, assignment, students, coursedir):
    """nbgrader export's rows of one assignment, one per student, formula-like text made inert. A student
    without a submission in the gradebook scores 0, as in nbgrader's, unless a notebook of theirs awaits
    a grade (`awaiting_grade`; e.g. the grader failed on it): no score yet is a blank, not a zero. So is
    the grade of a student graded before a run showed its set-up works, or whose grading a run did not
    finish (course/journal.py)."""
    unproven = unproven_students(coursedir, assignment.name)
    if unproven:
        print(f"注意：作业{assignment.name}中{'、'.join(map(shown, sorted(unproven)))}的评分尚未确认（是在确认评分环境可用之前评的，"
              f"或者一次运行没有评完：它被中止了，或者还在评），这里留空；运行python -m course grade {assignment.name}撤销并重新评分\n"
              f"note: in {assignment.name}, {', '.join(map(shown, sorted(unproven)))} have no confirmed grade (graded before the "
              f"set-up was shown to work, or not finished by a run: it was killed, or is still grading), so their grades "
              f"are left blank here: run python -m course grade {assignment.name}, which undoes and regrades them",
              file=sys.stderr)
    for student in students:
        try:
            submission = None if student.id in unproven else gb.find_submission(assignment.name, student.id)
        except MissingEntry:
            submission = None
        if submission is not None:
            penalty = submission.late_submission_penalty
            scores = [submission.timestamp, submission.score, penalty, max(0.0, submission.score - (penalty or 0))]
        elif student.id in unproven or awaiting_grade(coursedir, assignment, student.id):
            scores = ["", "", "", ""]
        else:
            scores = ["", 0.0, 0.0, 0.0]
        yield [spreadsheet_safe(v) for v in (assignment.name, assignment.duedate, scores[0], student.id,
                                             student.last_name, student.first_name, student.email, *scores[1:],
                                             assignment.max_score)]


class GradesExport(ExportPlugin):
    """`nbgrader export` for this course (nbgrader_config.py selects it): nbgrader's CSV, quoted as CSV
    must be (nbgrader's is not: a comma in a student id shifted every later column) and formula-safe."""

    def export(self, gradebook):
        wanted = {str(name) for name in self.student}
        students = [s for s in gradebook.students if not wanted or s.id in wanted]
        self.log.info("Exporting grades to %s", self.to or "grades.csv")
        with open(self.to or "grades.csv", "w", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")  # as nbgrader's lines end
            writer.writerow(GRADE_COLUMNS)
            for assignment in gradebook.assignments:
                if not self.assignment or assignment.name in map(str, self.assignment):
                    writer.writerows(grade_rows(gradebook, assignment, students, self.parent.coursedir))


def write_grades(gb, assignment, path, mistakes, coursedir):
    """grades.csv of one assignment as GradesExport writes it, and one more column: each student's
    diagnosed mistakes, separated by spaces."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow([*GRADE_COLUMNS, "mistakes"])
        students = gb.students
        for student, row in zip(students, grade_rows(gb, gb.find_assignment(assignment), students, coursedir)):
            writer.writerow([*row, " ".join(mistakes.get(student.id, []))])


def bar_chart(path, title, xlabel, bars, xmax):
    """A horizontal bar chart as SVG, written by hand (no matplotlib to import and draw: a second per
    report); the viewer's fonts draw the bilingual labels. `bars`: [(label, value, text, colour)]."""
    # Room for the longest label: a Chinese character is about as wide as the font is high, others about half.
    left = 16 + max((sum(13 if ord(c) > 0x2e80 else 7.5 for c in label) for label, *_ in bars), default=0)
    width, row, top = 420, 26, 56
    height = top + row * len(bars) + 48
    scale = width / (xmax or 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 70}" height="{height}" '
             f'font-family="sans-serif" font-size="13">',
             f'<text x="{(left + width) / 2}" y="24" text-anchor="middle" font-size="15">{escape(title)}</text>']
    for i, (label, value, text, colour) in enumerate(bars):
        y = top + i * row
        parts += [f'<text x="{left - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>',
                  f'<rect x="{left}" y="{y + 4}" width="{value * scale:.1f}" height="{row - 8}" fill="{colour}"/>',
                  f'<text x="{left + value * scale + 5:.1f}" y="{y + 17}">{escape(text)}</text>']
    axis = top + row * len(bars) + 4
    parts += [f'<line x1="{left}" y1="{top}" x2="{left}" y2="{axis}" stroke="#444"/>',
              f'<line x1="{left}" y1="{axis}" x2="{left + width}" y2="{axis}" stroke="#444"/>',
              f'<text x="{left + width / 2}" y="{axis + 30}" text-anchor="middle">{escape(xlabel)}</text>', "</svg>"]
    Path(path).write_text("\n".join(parts) + "\n", encoding="utf-8")


def red_to_green(share):
    """Red (0) through yellow to green (1), as a pass rate's colour."""
    red, green = (215, 48, 39), (26, 152, 80)
    yellow = (254, 224, 139)
    a, b, t = (red, yellow, share * 2) if share < 0.5 else (yellow, green, share * 2 - 1)
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b))


def plot_pass_rates(rows, path):
    bar_chart(path, "每个测试的通过率 / pass rate per test", "通过的学生比例 / students who passed (%)",
              [(row["test"], 100 * row["rate"], f"{100 * row['rate']:.0f}%", red_to_green(row["rate"])) for row in rows],
              100)


def plot_mistakes(rows, path):
    bar_chart(path, "检查认出的常见错误 / classic mistakes the checks named",
              "犯这个错误的学生人数 / students who made this mistake",
              [(row["name"], row["students"], str(row["students"]), "#d62728") for row in rows],
              max(row["students"] for row in rows))


def plot_scores(scores, max_score, path):
    bins = min(20, max(5, int(max_score) + 1))
    step = (max_score or 1) / bins
    counts = [0] * bins
    for score in scores:
        counts[max(0, min(bins - 1, int(score / step)))] += 1  # a hand-entered grade may lie outside
    bar_chart(path, f"分数分布（满分{max_score:g}）/ score distribution (max {max_score:g})", "学生人数 / students",
              [(f"{i * step:.3g} – {(i + 1) * step:.3g}", n, str(n), "#1f77b4") for i, n in enumerate(counts)],
              max(counts, default=0))


def write_report(db_url, course_id, course, assignment, outcomes=None, named=None):
    """Write pass_rates.csv/.svg, mistakes.csv/.svg, scores.svg and report.md; return the report's path.
    `named`: diagnosed_mistakes(course, assignment), if the caller has read them already."""
    folder = Path(course) / "reports" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for chart in ("pass_rates", "mistakes", "scores"):  # no chart of an earlier run outlives it (PNG until Dec 2026)
        for suffix in (".svg", ".png"):
            (folder / f"{chart}{suffix}").unlink(missing_ok=True)
    with Gradebook(db_url, course_id) as gb:
        rows = pass_rates(test_results(gb, assignment), cell_order(course, assignment))
        submissions = gb.submission_dicts(assignment)
    with open(folder / "pass_rates.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, ["notebook", "test", "points", "passed", "students", "rate", "mean"])
        writer.writeheader()
        writer.writerows(rows)
    named = diagnosed_mistakes(course, assignment) if named is None else named
    mistakes = mistake_counts(named, catalogue(Path(course) / "samples" / assignment))
    with open(folder / "mistakes.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, ["mistake", "name", "students", "share"])
        writer.writeheader()
        writer.writerows(mistakes)
    if mistakes:
        plot_mistakes(mistakes, folder / "mistakes.svg")
    scores = [s["score"] for s in submissions]
    max_score = max((s["max_score"] for s in submissions), default=0)
    if rows:
        plot_pass_rates(rows, folder / "pass_rates.svg")
        plot_scores(scores, max_score, folder / "scores.svg")
    mean = sum(scores) / len(scores) if scores else 0
    text = [f"# {assignment}: 班级报告 / class report", "",
            f"{len(submissions)} 名学生 / students · 平均分 / mean score {mean:.2f} / {max_score:g}", "",
            "## 每个测试的通过率 / Pass rate per test", "",
            "通过率最低的测试指出全班最常出错的概念。/ The tests with the lowest pass rate show what the class misses.", "",
            table(["notebook / 笔记本", "test / 测试", "points / 分值", "passed / 通过", "rate / 通过率", "mean / 平均"],
                  [(r["notebook"], r["test"], f"{r['points']:g}", f"{r['passed']}/{r['students']}",
                    f"{100 * r['rate']:.0f}%", f"{r['mean']:.2f}") for r in rows], markdown=True),
            "", "![pass rates](pass_rates.svg)", "",
            "## 常见错误 / Classic mistakes", "",
            "失败的检查认出的错误（course/diagnosis.py）：每名学生每个错误计一次。/ The mistakes failing checks "
            "recognised (course/diagnosis.py), each counted once per student.", ""]
    if mistakes:
        graded = len(named)
        text += [table(["mistake / 错误", "id", "students / 学生"],
                       [(r["name"], r["mistake"], f"{r['students']} / {graded}") for r in mistakes], markdown=True),
                 "", "![mistakes](mistakes.svg)"]
    else:
        text += ["没有认出的错误。/ No mistake was recognised."]
    text += ["", "## 分数分布 / Score distribution", "", "![scores](scores.svg)"]
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
    here = gradebook_digest(app.coursedir)

    def then(gradebook):
        if gradebook == here:
            return "下一次python -m course grade会撤销并重新评分", "the next python -m course grade undoes and regrades them"
        # undo_unproven refuses to grade here until that gradebook's run undid them
        return ("它们在另一个成绩册中：请用那次运行的--db再运行python -m course grade，撤销并重新评分",
                "they are in another gradebook: run python -m course grade with that run's --db, which "
                "undoes and regrades them")
    listed = journal(course, assignment)
    found = read_journal(listed)
    if found is not None:
        then_zh, then_en = then(found[0])
        print(f"注意：{listed}列出的学生的评分是在确认评分环境可用之前做的；{then_zh}\n"
              f"note: the students listed in {listed} were graded before the set-up was shown to work; {then_en}",
              file=sys.stderr)
    for path, gradebook, student, *_ in read_inflight(course, assignment):
        then_zh, then_en = then(gradebook)
        print(f"注意：一次运行没有评完{shown(student)}（{path}；它被中止了，或者还在评）；{then_zh}\n"
              f"note: a run did not finish grading {shown(student)} ({path}; it was killed, or is still grading); {then_en}",
              file=sys.stderr)
