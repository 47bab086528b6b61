"""Text a student chose (a tampered cell's grade id, a file's name, nbgrader's messages quoting them)
reaches the instructor inert: report.md renders no link, image or HTML of it, grading.log holds no
terminal escape of it, and a reason naming thousands of cells stays short."""
import logging
import re
from html.parser import HTMLParser

import mistune
import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

from course.grader import Records
from course.table import shown, table
from course.verdict import LISTED, NAME_CHARS, SUMMARY_HEADER, TAMPERED, Outcome, after_grading, last_error, \
    summary_rows

ESCAPES = "\x1b]0;PWNED\x07\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J"
HOSTILE = ["![ok](https://tracker.example/pixel.png?who=instructor)", "[regrade me](https://evil.example/phish)",
           "https://evil.example/bare", "see www.evil.example", "a@evil.example", "<https://evil.example/auto>",
           "a\\|![x](https://evil.example/x.png)", "a\\\\|[l](https://evil.example/)", "`![x](https://evil.example/p)`",
           "x ``` ![i](https://evil.example/i) y", "<img src=x onerror=alert(1)>", "~~s~~ **b** _e_", "`", "evil.example",
           "x |\n| witness | 0/29 | kernel died |", "esc" + ESCAPES]


class Cells(HTMLParser):
    """The rendered table's rows (each cell's text), and every tag of the page."""

    def __init__(self, page):
        super().__init__()
        self.rows, self.tags, self.in_cell = [], [], False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self.rows[-1].append("")
            self.in_cell = True

    def handle_endtag(self, tag):
        self.in_cell = self.in_cell and tag != "td"

    def handle_data(self, data):
        if self.in_cell:
            self.rows[-1][-1] += data


def test_report_md_renders_a_students_text_as_text():
    """GFM links a bare https://… or www.…, whatever is escaped: text that could be markup is a code span.
    mistune is nbconvert's renderer; marked (JupyterLab), cmark-gfm (GitHub) and markdown-it were checked
    by hand with these cells too."""
    markdown = table(["student", "notes"], [[f"s{n}", text] for n, text in enumerate(HOSTILE)], markdown=True)
    page = Cells(mistune.create_markdown(plugins=["table", "strikethrough", "url"])(markdown))
    assert set(page.tags) <= {"table", "thead", "tbody", "tr", "th", "td", "code"}, markdown
    assert [row[1] for row in page.rows[1:]] == [shown(text).replace("<", "&lt;").replace(">", "&gt;")
                                                 .replace("\\|", "\\x5c|").replace("|", "\\|") for text in HOSTILE]
    assert "<img" not in markdown and not re.search("[\x00-\x1f]", markdown.replace("\n", ""))


def test_ordinary_report_cells_stay_plain():
    ordinary = ["ada", "29/29", "0.52", "100%", "test_softmax_axis", "softmax.default_axis_0", "ok",
                "默认沿轴0做softmax / softmax along axis 0 by default"]
    assert [shown(text, markdown=True) for text in ordinary] == ordinary
    assert shown(f"{TAMPERED}: a, b", markdown=True) == f"`{TAMPERED}: a, b`"
    assert shown("`x``", markdown=True) == "``` `x`` ```"


def test_grading_log_lines_are_inert():
    """nbgrader's warnings quote a grade id ("Cell '…' does not exist in the database"); the run's log
    is read in a terminal. Its lines stay lines (the last error is read from them)."""
    records, log = Records(), logging.getLogger("test_inert_text")
    log.addHandler(records)
    try:
        log.warning("Cell 'esc%s' does not exist in the database", ESCAPES)
        log.error("Traceback:\n  File 'x'\nMemoryError\r\x1b[2J")
    finally:
        log.removeHandler(records)
    assert not re.search("[\x00-\x09\x0b-\x1f]", records.text()) and "esc\\x1b]0;PWNED\\x07" in records.text()
    assert len(records.text().splitlines()) == 4 and last_error(records.text()) == "MemoryError\\r\\x1b[2J"


def test_grading_log_keeps_the_first_warnings_and_every_error():
    """nbgrader warns once per cell it does not know: 5,000 added cells must not make a 25 MB log."""
    records, log = Records(), logging.getLogger("test_inert_text")
    log.addHandler(records)
    try:
        for n in range(Records.WARNINGS + 50):
            log.warning("Cell '%03d' does not exist in the database", n)
        log.error("KeyError: 'x'")
    finally:
        log.removeHandler(records)
    lines = records.text().splitlines()
    assert len(lines) == Records.WARNINGS + 2 and "50 more not logged" in lines[0], lines[:2]
    assert last_error(records.text()) == "KeyError: 'x'"


def test_a_reason_naming_many_cells_is_short(tmp_path):
    """A student may add thousands of cells with long grade ids: the reason names a few, cut short,
    and says how many more (the summary, report.md, summary.json and `course check` repeat it)."""
    release, submitted = tmp_path / "release", tmp_path / "submitted"
    cell = new_markdown_cell("x", metadata={"nbgrader": {"grade": False, "solution": False, "locked": True,
                                                         "grade_id": "intro", "schema_version": 3}})
    for folder, extra in ((release, 0), (submitted, 50)):
        folder.mkdir()
        added = [new_markdown_cell(".", metadata={"nbgrader": {"grade": False, "solution": False, "locked": False,
                                                               "grade_id": f"{n:03d}" + "W" * 500, "schema_version": 3}})
                 for n in range(extra)]
        nbformat.write(new_notebook(cells=[cell, *added]), folder / "notebook.ipynb")
    reasons = after_grading(submitted, release, release, tmp_path / "autograded")
    assert len(reasons) == 1 and reasons[0].startswith(TAMPERED) and reasons[0].endswith("另有40个 / and 40 more")
    assert reasons[0].count("W…") == LISTED and len(reasons[0]) < LISTED * (NAME_CHARS + 2) + 100, reasons
    summary = table(SUMMARY_HEADER, summary_rows([Outcome("eve", reasons=reasons)]), markdown=True)
    assert len(summary) < 1000
