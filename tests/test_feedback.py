"""course/preprocessors.py HideTestCode on hand-made cells: what is hidden stays hidden, however the markers look.
(tests/test_grade.py checks every feedback file of a graded class.)"""
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course.preprocessors import HIDDEN_NOTE, HideTestCode, visible_part


def grade_cell(source, grade_id="test_x", score=1.0, points=2.0, outputs=()):
    return new_code_cell(source, outputs=list(outputs), metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": grade_id, "points": points, "score": score}})


def test_visible_part():
    assert visible_part("a\n### BEGIN HIDDEN TESTS\nsecret\n### END HIDDEN TESTS\nb") == ("a\nb", True)
    assert visible_part("a\n#### begin hidden tests (edited)\nsecret") == ("a", True)  # no end: the rest is hidden
    assert visible_part("a\n### END HIDDEN TESTS\nb") == ("a\nb", False)
    assert visible_part("a\nb") == ("a\nb", False)


def test_test_cells_show_id_points_verdict_message_never_hidden_code():
    traceback = ["Traceback", "----> 3 secret_oracle = lambda x: x  # hidden", "AssertionError: wrong"]
    nb = new_notebook(cells=[
        grade_cell("visible_check()\n### BEGIN HIDDEN TESTS\nsecret_oracle = 1\n### END HIDDEN TESTS", score=0.0,
                   outputs=[new_output("error", ename="CheckFailure", evalue="值不对\nwrong values", traceback=traceback)]),
        grade_cell("### BEGIN HIDDEN TESTS\nsecret_seed = 2024", grade_id="test_all_hidden", score=2.0),
        grade_cell("### BEGIN HIDDEN TESTS\nsecret_partial = 3\n### END HIDDEN TESTS", grade_id="test_partly", score=0.5),
        new_code_cell("print(1)\n### BEGIN HIDDEN TESTS\nsecret_elsewhere = 4"),  # metadata lost: still hidden
        new_markdown_cell("text\n### BEGIN HIDDEN TESTS\nsecret_markdown\n### END HIDDEN TESTS"),
        new_code_cell("softmax = lambda x: x"),
    ])
    nb, _ = HideTestCode().preprocess(nb, {"nbgrader": {}})
    sources = [cell.source for cell in nb.cells]
    assert not any("secret" in s or "HIDDEN TESTS\n" in s for s in sources), sources
    first, hidden, partly, elsewhere, markdown, plain = sources
    assert first.splitlines() == ["# 测试 / test: test_x · 得分 / score: 0/2 · ✗ 未通过 / failed",
                                  "visible_check()", HIDDEN_NOTE]
    assert hidden.splitlines() == ["# 测试 / test: test_all_hidden · 得分 / score: 2/2 · ✓ 通过 / passed",
                                   HIDDEN_NOTE]
    assert "✗ 部分通过 / partly passed" in partly
    assert elsewhere == f"print(1)\n{HIDDEN_NOTE}" and markdown.startswith("text\n") and plain == "softmax = lambda x: x"
    error = nb.cells[0].outputs[0]
    assert error.evalue == "值不对\nwrong values" and "secret" not in "".join(error.traceback)
