"""Feedback shows what each test cell found, never its hidden test code (nbgrader #917, #1363).

Runs in nbgrader's GenerateFeedback pipeline after GetGrades. The autograded notebook holds the
instructor's full test cells, hidden tests included (nbgrader restored them before grading);
nbgrader's feedback template would print them. `HideTestCode` rewrites every test cell (an nbgrader
grade cell that is not a solution) so the feedback shows its grade id, points and bilingual
verdict, the part of its code the release notebook already showed, and its outputs (the messages),
and nothing of what lies between `### BEGIN HIDDEN TESTS` and `### END HIDDEN TESTS`.

The visible part is taken from the gradebook's copy of the cell (the instructor's source), so
nothing a student wrote in their notebook decides what is hidden. A `BEGIN HIDDEN TESTS` without
its end hides the rest of the cell. Error outputs of test cells keep only the error's name and
message: a traceback may quote test code (course/trusted_execute.py writes none; nbgrader's own
Execute would).
"""
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution
from traitlets import Unicode

HIDDEN_NOTE = "# 隐藏测试，代码不公开 / hidden tests, code not shown"


def is_test_cell(cell):
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


def visible_part(source, begin="BEGIN HIDDEN TESTS", end="END HIDDEN TESTS"):
    """(the source without its hidden test regions, whether anything was hidden)."""
    kept, hidden, removed = [], False, False
    for line in source.split("\n"):
        if begin.lower() in line.lower():
            hidden = removed = True
        elif end.lower() in line.lower():
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept).strip("\n"), removed


def number(value):
    return "—" if value is None else f"{float(value):g}"


def verdict(score, points):
    if score is None or points is None:
        return "未评分 / not graded"
    if float(score) >= float(points):
        return "✓ 通过 / passed"
    return "✗ 部分通过 / partly passed" if float(score) > 0 else "✗ 未通过 / failed"


class HideTestCode(NbGraderPreprocessor):
    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS", help="Marks the start of hidden tests.").tag(config=True)
    end_test_delimeter = Unicode("END HIDDEN TESTS", help="Marks the end of hidden tests.").tag(config=True)

    def preprocess(self, nb, resources):
        self.sources, self.tests = self.gradebook_cells(resources.get("nbgrader", {}))
        return super().preprocess(nb, resources)

    def gradebook_cells(self, info):
        """({grade id: the instructor's source}, {grade ids of test cells}), empty without a gradebook."""
        try:
            with Gradebook(info["db_url"]) as gb:
                notebook = gb.find_notebook(info["notebook"], info["assignment"])
                solutions = {cell.name for cell in notebook.solution_cells}
                return ({cell.name: cell.source for cell in notebook.source_cells},
                        {cell.name for cell in notebook.grade_cells} - solutions)
        except (KeyError, MissingEntry):
            return {}, set()

    def hide(self, source):
        return visible_part(source, self.begin_test_delimeter, self.end_test_delimeter)

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if not (is_test_cell(cell) or grade_id in self.tests):
            if self.begin_test_delimeter.lower() in cell.source.lower():  # never show hidden tests, anywhere
                shown, _ = self.hide(cell.source)
                note = HIDDEN_NOTE if cell.cell_type == "code" else HIDDEN_NOTE.lstrip("# ")
                cell.source = f"{shown}\n{note}".lstrip("\n")
            return cell, resources
        shown, removed = self.hide(self.sources.get(grade_id, cell.source))
        removed = self.hide(cell.source)[1] or removed  # what the cell itself hides stays hidden too
        score, points = meta.get("score"), meta.get("points")
        header = (f"# 测试 / test: {grade_id} · 得分 / score: {number(score)}/{number(points)}"
                  f" · {verdict(score, points)}")
        cell.source = "\n".join(part for part in (header, shown, HIDDEN_NOTE if removed else "") if part)
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                output.traceback = [f"\x1b[0;31m{output.ename}\x1b[0m: {output.evalue}"]
        return cell, resources
