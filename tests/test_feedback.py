"""The feedback: course/preprocessors.py HideTestCode on hand-made cells (what is hidden stays hidden,
however the markers look), and course/feedback_html.py's self-contained page (every lesson formula as
MathML, nothing loaded from elsewhere, test cells numbered and named).
(tests/test_grade.py checks every feedback file of a graded class; tests/test_browser.py opens one offline.)"""
import html
import re

import nbformat
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config.loader import PyFileConfigLoader

from classroom import StartTags
from course import ROOT, assignments
from course.feedback_html import MATHML_ATTRIBUTES, MATHML_TAGS, FeedbackExporter, MathMLRenderer, math_html, tex_to_mathml
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


# ---------------------------------------------------------------- the self-contained feedback page
def lesson_formulas():
    """[(notebook, formula, display?)] of every markdown cell of every source notebook, found by
    nbconvert's own markdown parser (what the feedback page renders)."""
    found = []

    class Recorder(IPythonRenderer):
        def inline_math(self, body):
            found.append((body, False))
            return ""

        def block_math(self, body):
            found.append((body, True))
            return ""

        def latex_environment(self, name, body):
            found.append((f"\\begin{{{name}}}{body}\\end{{{name}}}", True))
            return ""

    formulas = []
    for path in sorted((ROOT / "source").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                MarkdownWithMath(renderer=Recorder(escape=False)).render(cell.source)
        formulas += [(path.parent.name, tex, display) for tex, display in found]
        found.clear()
    return formulas


def test_every_lesson_formula_converts_to_mathml():
    """The feedback shows a formula as TeX source only where it cannot convert it: no lesson's does."""
    formulas = lesson_formulas()
    assert {assignment for assignment, _, _ in formulas} == set(assignments()), "every assignment has formulas"
    failed = [(assignment, tex) for assignment, tex, display in formulas if tex_to_mathml(tex, display) is None]
    assert not failed, f"{len(failed)} of {len(formulas)} formulas do not convert: {failed[:10]}"


def test_tex_to_mathml():
    assert tex_to_mathml(r"\mathbf{x}^\top\theta").startswith('<math display="inline"><mrow><msup><mi>\U0001d431</mi>')
    assert 'display="block"' in tex_to_mathml(r"\frac{1}{2}", display=True)
    assert "\u2016" in tex_to_mathml(r"\bigl\lVert X\theta - \mathbf{y}\bigr\rVert^2")  # latex2mathml leaves \lVert
    assert tex_to_mathml(r"\unknowncommand{x}") is None and tex_to_mathml(r"\frac{1}{") is None
    assert math_html(r"\unknowncommand{x<y}", False) == r'<code class="tex-source">$\unknowncommand{x&lt;y}$</code>'


# latex2mathml writes \text{...} unescaped: markup that closes the formula, or that a browser reads
# otherwise than XML (attributes separated by "/" or newlines, unquoted values), as live HTML.
ESCAPE = "</mtext></mrow></math>{}<math><mrow><mtext>"
HOSTILE_TEXT = [ESCAPE.format('<mi/tabindex="0"/autofocus/onfocus="alert(1)"/style="animation-name:x;animation-duration:1s"'
                              '/onanimationstart="document.body.dataset.pwned=1">PWNED</mi>'),
                ESCAPE.format('<mi/onfocus="alert(1)"/autofocus>x</mi>'),
                ESCAPE.format('<mi\ntabindex="0"\nonfocus="alert(1)"\nautofocus>x</mi>'),
                ESCAPE.format("<mi tabindex=0 onfocus=alert(1) autofocus>x</mi>"),
                ESCAPE.format('<svg onload="alert(1)"></svg>'),
                '<img src="x" onerror="alert(1)"/>',
                '<mi/title="1"/onclick="alert(1)">x</mi>',
                '<mi xmlns:x="http://www.w3.org/1999/xlink" x:href="javascript:alert(1)">x</mi>',
                "&lt;b&gt;"]


def test_a_formula_shows_only_mathml_whatever_its_text_holds():
    """What a formula puts in the page is MathML's elements with MathML's harmless attributes, or its TeX
    source in a <code>: never a handler, a style or another element (latex2mathml copies \\text{...}
    unescaped; the page's MathML is written from the parsed tree)."""
    pages = [math_html(f"\\text{{{text}}}", display) for text in HOSTILE_TEXT for display in (False, True)]
    pages.append(MarkdownWithMath(renderer=MathMLRenderer(escape=False)).render(f"Note: $\\text{{{HOSTILE_TEXT[0]}}}$"))
    for page in pages:
        tags = [(tag, {name for name, _ in attributes}) for tag, attributes in StartTags(page).tags]
        assert tags and all(tag in MATHML_TAGS and attributes <= MATHML_ATTRIBUTES
                            or (tag, attributes) in [("p", set()), ("code", {"class"})] for tag, attributes in tags), page
    assert sum("tex-source" in page for page in pages) == len(pages) - 2, "only &lt;b&gt; is MathML"
    assert pages[-2] == '<math display="block"><mrow><mtext>&lt;b&gt;</mtext></mrow></math>', pages[-2]  # text, escaped


def feedback_page(nb, exporter=None):
    """`nb` through the feedback exporter (a new one unless given), configured by nbgrader_config.py as
    nbgrader runs it."""
    resources = {"nbgrader": {"notebook": "lesson", "score": 2.5, "max_score": 4.0, "late_penalty": 0}}
    html, _ = (exporter or FeedbackExporter(config=course_config())).from_notebook_node(nb, resources=resources)
    return html


def course_config():
    return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()


def test_a_workers_pages_are_as_an_exporter_that_keeps_nothing_writes_them():
    """One exporter writes every student's page of a worker and keeps the HTML of the cells it made
    (the lesson's, in every notebook): each page is the one an exporter that keeps nothing writes,
    with the student's own code and text; pygments tells a cell without `magics_language` from one
    with a value, even an empty one; what is kept stays within its budget."""
    shell = "echo $HOME"  # highlighted as Python, as bash, or as plain text (an empty magics_language)

    def student(answer):
        return new_notebook(cells=[
            new_markdown_cell(r"# Softmax $\sigma(\mathbf{z})$"), new_code_cell("import numpy as np"),
            new_code_cell(f"def softmax(x):\n    return {answer}"), new_markdown_cell(f"My answer: `{answer}`"),
            new_code_cell(shell), new_code_cell(shell, metadata={"magics_language": "bash"}),
            new_code_cell(shell, metadata={"magics_language": ""}),
            new_code_cell(shell, metadata={"magics_language": None}),
            new_markdown_cell("Long: $" + "+".join(f"x_{{{i}}}" for i in range(400)) + "$"),
            grade_cell("check()", grade_id="test_softmax_basic")])

    notebooks = [student(answer) for answer in ("np.exp(x)", "x / x.sum()", "np.exp(x)")]
    exporter = FeedbackExporter(config=course_config())
    pages = [feedback_page(nb, exporter) for nb in notebooks]
    assert pages == [feedback_page(nb, FeedbackExporter(config=course_config(), remembered_chars=0)) for nb in notebooks]
    text = html.unescape(re.sub(r"<[^>]+>", "", pages[1]))
    assert "np.exp(x)" not in text and "x / x.sum()" in text
    assert len({Highlight2HTML()(shell, metadata=metadata) for metadata in
                (None, {"magics_language": "bash"}, {"magics_language": ""})}) == 3, "the three cells differ"
    assert exporter.highlight.remembered.hits == 5 + 6 and exporter.plain_markdown.hits == 2 + 3  # None: not kept

    small = FeedbackExporter(config=course_config(), remembered_chars=3000)
    assert [feedback_page(nb, small) for nb in notebooks] == pages
    for remembered in (small.highlight.remembered, small.plain_markdown):
        assert remembered.size == sum(len(key[0]) + len(page) for key, page in remembered.kept.items()) <= 3000
    assert small.highlight.remembered.kept, "the last short cells are kept"


def test_a_long_formula_is_converted_but_not_kept():
    """tex_to_mathml keeps the lessons' formulas; a long one (only a student writes those) is converted
    each time, so a notebook of long formulas cannot fill the grader's memory."""
    long = "+".join(f"y_{{{i}}}" for i in range(300))
    before = tex_to_mathml.cache_info().currsize
    assert math_html(long, False).startswith("<math") and math_html("y_{1}", False).startswith("<math")
    assert tex_to_mathml.cache_info().currsize <= before + 1


def test_feedback_page_has_mathml_no_network_and_numbered_named_tests():
    nb = new_notebook(cells=[
        new_markdown_cell(r"# Softmax $\sigma(\mathbf{z})$"),
        new_markdown_cell(r"Softmax: $\mathrm{softmax}(\mathbf{x})_i = e^{x_i} / \sum_j e^{x_j}$, and"
                          "\n\n$$\\frac{\\partial L}{\\partial \\theta} = 0$$\n\n`a $ b` costs \\$5"),
        new_code_cell("def softmax(x): ...", metadata={"nbgrader": {
            "grade": False, "solution": True, "locked": False, "grade_id": "softmax"}}),
        grade_cell("check()", grade_id="test_softmax_basic", score=2.0, points=2.0),
        grade_cell("check()", grade_id="test_softmax_axis", score=0.5, points=2.0),
    ])
    page = feedback_page(nb)
    assert page.count("<math ") == 3 and 'display="block"' in page and "tex-source\">" not in page
    heading = re.search(r"<h1 .*?</h1>", page)[0]  # nbconvert's heading anchor keeps the formula MathML
    assert "<math " in heading and "ns0:" not in heading, heading
    assert not re.search(r"<script[^>]*\bsrc=|<link[^>]*\bhref=|@import|url\((?!\.\./fonts/glyphicons)", page, re.I), \
        "nothing is loaded from elsewhere (bootstrap's glyphicon font is declared, never used)"
    assert "mathjax" not in re.sub(r"<!--.*?-->", "", page, flags=re.S).lower()
    toc = re.findall(r'<li class="toc-test"><a href="#(\w+)">(.*?)</a> · (.*?)</li>', page)
    assert toc == [("test_softmax_basic", "测试1 / Test 1 · <code>test_softmax_basic</code>", "得分 / score: 2 / 2 ✓"),
                   ("test_softmax_axis", "测试2 / Test 2 · <code>test_softmax_axis</code>", "得分 / score: 0.5 / 2 ✗")]
    assert "lesson · 得分 / Score: 2.5 / 4" in page and "Test cell" not in page
