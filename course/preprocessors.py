"""The course's nbgrader preprocessors (configured in nbgrader_config.py): one class, one job.

- `LanguageFilter` (GenerateAssignment, first): keeps one language of the paired lesson cells
  (tags `lang-zh` / `lang-en`). Only markdown prose carries these tags; graded cells never do, so
  grade ids and checksums are the same in every language's release.
- `HideTestCode` (GenerateFeedback, after GetGrades): feedback shows what each test cell found,
  never its hidden test code (nbgrader #917, #1363). The autograded notebook holds the instructor's
  full test cells, hidden tests included (nbgrader restored them before grading), and nbgrader's
  feedback template would print them. Every test cell is rewritten to show its grade id, points
  and bilingual verdict, the part of its code the release already showed, and its outputs (the
  messages), and nothing between `### BEGIN HIDDEN TESTS` and `### END HIDDEN TESTS`. The visible
  part is taken from the gradebook's copy of the cell (the instructor's source), so nothing a
  student wrote decides what is hidden; a `BEGIN HIDDEN TESTS` without its end hides the rest of
  the cell. Error outputs keep only the error's name and message: a traceback may quote test code
  (course/trusted_execute.py writes none; nbgrader's own Execute would).
- `PlainCopies` (Autograde, in place of nbgrader's DeduplicateIds): a cell copied and pasted in Jupyter keeps its
  nbgrader metadata; nbgrader keeps the last copy and leaves the others' metadata empty, which its own metadata
  check then refuses as an old format, so the whole notebook went ungraded (nbgrader #1083). Here the other copies
  lose their nbgrader metadata altogether: they run as plain cells, and the notebook is graded.
- `FeedbackHeader` (GenerateFeedback): the first cell of a student's feedback, in both languages.
- `FormNeedsValues` (Autograde, before SaveAutoGrades): an exercise's cells for its form (input
  unmodified, return type, vectorised) earn points only if one of its value cells earns full marks
  (a cell that checks the errors raised for bad input is not one), so an answer that computes
  nothing right (`np.zeros_like(x)`, a cheat) earns nothing for its form, even where zero happens to
  be one case's right answer. The exercises and their test cells are the gradebook's, not what the
  student's file marks: a value cell deleted from the notebook has not passed.
- `SafeHTML` (Autograde, after the kernel ran): nothing a student wrote or displayed runs as script
  where the autograded notebook is shown as HTML: in formgrader, in the instructor's session (its
  template renders markdown unsanitised), and in the feedback. A markdown cell whose HTML is more
  than plain formatting (a script, an event handler, an iframe, a form, a `javascript:` link) is
  shown as its text (the HTML checked is the one the pages make: the cell's attachments, the
  templates' strip_files_prefix; the lesson's own cells, read from the course's copy of the release, are
  the instructor's and shown as written: trust_lesson); outputs keep text, raster images, LaTeX and
  plain-formatting HTML, and of their metadata an image's size only. Images come from the notebook itself, never from
  another server, which would learn who opened the page and when. A notebook's markdown is bounded
  three ways: the grader renders at most MARKDOWN_NOTEBOOK_CHARS characters of it (a cell repeated
  is charged each time: the pages render every copy); past MARKDOWN_IMAGE_CHARS characters of images
  (a cell's attachment, once for every image that shows it), a cell is shown as its text; and past
  MARKDOWN_SHOWN_CHARS characters shown (as written: text shown as references grows up to 6 times),
  a cell is replaced by a note of its length.
"""
import contextlib
import functools
import json
import re
from pathlib import Path

import bleach
import nbformat
from nbconvert.filters import strip_files_prefix
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbformat.v4 import new_markdown_cell
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import DeduplicateIds, NbGraderPreprocessor
from nbformat.v4 import new_output
from nbgrader.utils import determine_grade, is_grade, is_solution
from traitlets import Enum, Unicode

from . import exercise_of, grade_id
from .verdict import notebooks_stamp

LANGUAGE_TAGS = {"zh": "lang-zh", "en": "lang-en"}
HIDDEN_NOTE = "# 隐藏测试，代码不公开 / hidden tests, code not shown"


def is_test_cell(cell):
    """An nbgrader test cell: a grade cell that is not a solution."""
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


class LanguageFilter(NbGraderPreprocessor):
    """Keep one language of the paired lesson cells (the module's docstring says how)."""

    keep = Enum(["both", "zh", "en"], default_value="both", help="Which language to keep in the release.").tag(config=True)

    def preprocess(self, nb, resources):
        if self.keep != "both":
            dropped = {tag for lang, tag in LANGUAGE_TAGS.items() if lang != self.keep}
            nb.cells = [cell for cell in nb.cells if not dropped & set(cell.metadata.get("tags", []))]
        return nb, resources


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


def instructor_cells(info):
    """The gradebook's cells of the notebook in `info` (resources["nbgrader"]): ({grade id: the
    instructor's source}, {solution ids}, {grade ids}), empty without a gradebook."""
    try:
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
            return ({cell.name: cell.source for cell in notebook.source_cells},
                    {cell.name for cell in notebook.solution_cells}, {cell.name for cell in notebook.grade_cells})
    except (KeyError, MissingEntry):
        return {}, set(), set()


def number(value):
    return "—" if value is None else f"{float(value):g}"


def verdict(score, points):
    if score is None or points is None:
        return "未评分 / not graded"
    if float(score) >= float(points):
        return "✓ 通过 / passed"
    return "✗ 部分通过 / partly passed" if float(score) > 0 else "✗ 未通过 / failed"


class PlainCopies(DeduplicateIds):
    """nbgrader's DeduplicateIds, its earlier copies of a cell made plain cells (the module's docstring says why)."""

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.metadata.get("nbgrader") == {}:  # a copy of a later cell: nbgrader's empty metadata, refused by it
            del cell.metadata["nbgrader"]
        return cell, resources


def validate_plain_copies():
    """Validate (the lab's button and `nbgrader validate`) runs PlainCopies first, as autograde does: a pasted
    copy of a cell made nbgrader's metadata check end Validate in an English traceback. nbgrader's Validator
    has a fixed list of steps, not a configurable one, so its default is changed; the course's nbgrader
    configuration files call this (the lab's Validate loads them on every click)."""
    from nbgrader.validator import Validator
    steps = Validator.class_traits()["preprocessors"]
    if PlainCopies not in steps.default_args[0]:
        steps.default_args = ([PlainCopies, *steps.default_args[0]],)


class HideTestCode(NbGraderPreprocessor):
    """Test cells in the feedback without their hidden tests (the module's docstring says how)."""

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS", help="Marks the start of hidden tests.").tag(config=True)
    end_test_delimeter = Unicode("END HIDDEN TESTS", help="Marks the end of hidden tests.").tag(config=True)

    def preprocess(self, nb, resources):
        self.sources, solutions, graded = instructor_cells(resources.get("nbgrader", {}))
        self.tests = graded - solutions
        return super().preprocess(nb, resources)

    def hide(self, source):
        return visible_part(source, self.begin_test_delimeter, self.end_test_delimeter)

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        cell_id = grade_id(cell)
        if not (is_test_cell(cell) or cell_id in self.tests):
            if self.begin_test_delimeter.lower() in cell.source.lower():  # never show hidden tests, anywhere
                shown, _ = self.hide(cell.source)
                note = HIDDEN_NOTE if cell.cell_type == "code" else HIDDEN_NOTE.lstrip("# ")
                cell.source = f"{shown}\n{note}".lstrip("\n")
            return cell, resources
        shown, removed = self.hide(self.sources.get(cell_id, cell.source))
        removed = self.hide(cell.source)[1] or removed  # what the cell itself hides stays hidden too
        score, points = meta.get("score"), meta.get("points")
        header = (f"# 测试 / test: {cell_id} · 得分 / score: {number(score)}/{number(points)}"
                  f" · {verdict(score, points)}")
        cell.source = "\n".join(part for part in (header, shown, HIDDEN_NOTE if removed else "") if part)
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                output.traceback = [f"\x1b[0;31m{output.ename}\x1b[0m: {output.evalue}"]
        return cell, resources


class FeedbackHeader(NbGraderPreprocessor):
    """First cell of a student's feedback (after GetGrades): who, what, score, in both languages."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        nb.cells.insert(0, new_markdown_cell(
            f"## 评分反馈 / Feedback — {literal(info['assignment'])} / {literal(info['notebook'])}\n\n"
            f"学生 / Student: **{literal(info['student'])}** · 得分 / Score: **{info['score']:g} / {info['max_score']:g}**\n\n"
            "每个测试单元下方的说明指出了问题所在。/ The message under each test cell says what went wrong."))
        return nb, resources


FORM_ASPECTS = ("_unmodified", "_type", "_vectorised", "_no_inverse")  # the last: 03's normal_equation (expect_avoids)
NO_VALUES = ("未计分：这个练习的数值检查没有一个完全通过，形式（不修改输入、返回类型、向量化、规定的解法）的分数要在数值有对的时候才给。"
             " / Not scored: none of this exercise's value checks passed in full, and its form (inputs unmodified, "
             "return type, vectorised, the method asked for) earns points only when some of its values are right.")
NOT_VALUES = ("_error",)  # cells that check the errors raised for bad input


def full_marks(cell, log):
    score, points = determine_grade(cell, log)
    return points is not None and score is not None and score >= points


class FormNeedsValues(NbGraderPreprocessor):
    """Zero the form cells of an exercise none of whose value cells scored full marks (the module's
    docstring says why)."""

    def preprocess(self, nb, resources):
        _, exercises, graded = instructor_cells(resources.get("nbgrader", {}))
        present = {grade_id(c): c for c in nb.cells if is_test_cell(c)}
        # the gradebook's test cells: a student who deleted the value cells keeps no form points
        tests = graded - exercises if exercises else set(present)
        exercises = exercises or [grade_id(c) for c in nb.cells if is_solution(c) and c.cell_type == "code"]
        by_exercise = {}
        for test in sorted(tests):
            exercise = exercise_of(test, exercises)
            if exercise:
                by_exercise.setdefault(exercise, []).append(test)
        for ids in by_exercise.values():
            form = [t for t in ids if t.endswith(FORM_ASPECTS)]
            values = [t for t in ids if t not in form and not t.endswith(NOT_VALUES)]
            if form and values and not any(t in present and full_marks(present[t], self.log) for t in values):
                for cell in (present[t] for t in form if t in present):
                    cell.outputs = [new_output("error", ename="NotScored", evalue=NO_VALUES,
                                               traceback=[f"NotScored: {NO_VALUES}"])]
        return nb, resources


EVERY_TAG = ("class", "id", "title", "align")  # bleach reads "*" only for tags without a function of their own


def image_attribute(tag, name, value):
    """An image shows an attachment of the notebook only (nbconvert writes it as a data: URL): one
    fetched from elsewhere would tell its server who opened the page and when (and the feedback would
    not read the same offline)."""
    return name in (*EVERY_TAG, "alt", "width", "height") or (name == "src" and value.startswith("data:image/"))


def link_attribute(tag, name, value):
    """A link goes to a page (http, https, mailto, or a place in this one), never to a data: URL."""
    return name in EVERY_TAG or (name == "href" and not re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("data:"))


# Plain formatting: what markdown makes, plus the <details> of the hints; no attribute that runs code.
PLAIN_HTML = bleach.Cleaner(
    tags={"a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div",
          "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
          "li", "ol", "p", "pre", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody",
          "td", "tfoot", "th", "thead", "tr", "u", "ul", "var"},
    attributes={"*": EVERY_TAG, "a": link_attribute, "details": ["open"],
                "img": image_attribute, "td": ["colspan", "rowspan"], "th": ["colspan", "rowspan"]},
    protocols={"http", "https", "mailto", "data"})  # data: only where image_attribute allows it
SAFE_OUTPUTS = {"text/plain", "text/latex", "image/png", "image/jpeg", "image/gif"}

# Markdown the grader renders: a lesson's longest markdown cell has 3,604 characters, its longest line's
# count of "[" times its length is 2,448, and a lesson notebook has at most 55,921 characters of markdown.
MARKDOWN_CELL_CHARS, BRACKET_WORK, MARKDOWN_NOTEBOOK_CHARS = 10_000, 200_000, 200_000
# Markdown a notebook shows, rendered or as text: 18 times a lesson's, and formgrader (which blocks the
# instructor's Jupyter server while it renders a submission) renders it in a second or two more than a lesson.
MARKDOWN_SHOWN_CHARS = 1_000_000
# Images (attachments) the markdown of a notebook shows: nbconvert writes an attachment into the page
# once for every image that names it (an attachment of 1,000,000 characters named by 30 images, in 689
# characters of text, made a 30 MB page); 10 MB is fifteen pasted screenshots of 500 kB.
MARKDOWN_IMAGE_CHARS = 10_000_000
# What the renderer may build for one cell before the images are measured, in characters as written:
# one large screenshot and ten small images in a cell count eleven large ones in this bound.
IMAGES_RENDERED = 5 * MARKDOWN_IMAGE_CHARS
DATA_URL = re.compile(r'src="(data:[^"]*)"')
SELF_CLOSING = re.compile(r"\s*/>")
# TeX that MathJax (formgrader's) turns into links, styles, classes or ids
MATH_ACTIVE = re.compile(r"\\(href|url|style|class|cssId|unicode|require|html[A-Za-z]*)(?![A-Za-z])")
LEFT_OUT = ("**此单元格未显示：这个笔记本显示的Markdown已超过{limit:,}个字符，此单元格有{chars:,}个字符。/ This cell is left "
            "out: the notebook's markdown shown is past {limit:,} characters, and this cell has {chars:,}.**")
SHOWN_AS_TEXT = ("**此单元格的HTML不只是格式（脚本、事件、嵌入的页面……），或者单元格太大，这里按原文显示。/ This cell's "
                 "HTML is more than formatting (script, events, embedded pages...), or the cell is too large: shown as "
                 "its text.**")


@functools.lru_cache(maxsize=4096)  # a class's notebooks share their lesson cells: each is checked once
def is_plain(html):
    return PLAIN_HTML.clean(html) == SELF_CLOSING.sub(">", html)  # bleach writes <br> for <br/>


@functools.lru_cache(maxsize=4096)  # a lesson's cells, in every notebook of a class: rendered once
def plain_markdown(source, attachments):
    """Whether a markdown cell's HTML, made as the pages make it (nbconvert's renderer with the cell's
    attachments, given as JSON, then strip_files_prefix as the templates do), is plain formatting; and
    how many characters of it are images (attachments, as data: URLs)."""
    if MATH_ACTIVE.search(source):
        return False, 0
    try:
        renderer = IPythonRenderer(escape=False, attachments=json.loads(attachments), embed_images=False, path="",
                                   anchor_link_text="¶", exclude_anchor_links=False)
        html = strip_files_prefix(MarkdownWithMath(renderer=renderer).render(source))
        return is_plain(html), sum(map(len, DATA_URL.findall(html)))
    except Exception:  # noqa: BLE001 (markdown that does not render, e.g. a missing attachment, is shown as text)
        return False, 0


# The lesson's own markdown, from the course's copy of the release (trust_lesson): the instructor wrote it,
# so a student's cell that is one of these is shown as written, unchecked (that took half a second a lesson).
LESSON_MARKDOWN = set()


def trust_lesson(release):
    """Take the markdown cells of the course's copy of an assignment's release (never a student's notebook)
    as the instructor's; once per process while its notebooks stay as they are. Only cells without images:
    plain_markdown also counts those characters, toward the notebook's budget."""
    _trust_lesson(str(release), notebooks_stamp(release))


@functools.lru_cache(maxsize=8)
def _trust_lesson(folder, stamp):
    for path in sorted(Path(folder).glob("*.ipynb")):
        with contextlib.suppress(Exception):  # an unreadable notebook: its cells are checked as a student's are
            LESSON_MARKDOWN.update(cell.source for cell in nbformat.read(path, as_version=4).cells
                                   if cell.cell_type == "markdown" and not cell.get("attachments")
                                   and "data:" not in cell.source and "attachment:" not in cell.source)


def markdown_checked(cell):
    """plain_markdown of a markdown cell, as SafeHTML asks for it (cached: the class shares the lesson's)."""
    if not cell.get("attachments") and cell.source in LESSON_MARKDOWN:
        return True, 0
    return plain_markdown(cell.source, json.dumps(cell.get("attachments") or {}, sort_keys=True))


# Characters that mean something to HTML, markdown, math or nbconvert's filters, written as references: the
# text shows as it is, and no pattern has anything to match (strip_files_prefix takes time that grows with
# the square of a line's length when it holds many "[").
LITERAL = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'[]()$\\`*_!|#~{}"})


def literal(text):
    """Text for a markdown cell that shows as it is, whatever it holds."""
    return str(text).translate(LITERAL)


def as_text(source):
    """A markdown cell that shows `source` as it is (an HTML <pre> block ends only at its </pre>)."""
    return f"{SHOWN_AS_TEXT}\n\n<pre>{literal(source)}</pre>"


def left_out(source):
    """A markdown cell that says the cell `source` is left out, and how long it was."""
    return LEFT_OUT.format(limit=MARKDOWN_SHOWN_CHARS, chars=len(source))


def images_at_most(cell):
    """A bound, known before the cell is rendered, on the characters of attachments its page holds as
    written (escaped in the page, "&" becomes "&amp;"): each image ("![", which no escape makes) shows
    at most the largest attachment."""
    attachments = cell.get("attachments")
    if not (isinstance(attachments, dict) and attachments):
        return 0  # none, or none the renderer can read: the cell is shown as text
    return cell.source.count("![") * max(map(len, map(json.dumps, attachments.values())))


def renderable(source):
    """Whether a markdown cell is small enough to render in the grader and in the pages: nbconvert's
    renderer and filters take far more than linear time on some text (long lines of "[", "\\begin")."""
    return (len(source) <= MARKDOWN_CELL_CHARS
            and sum(line.count("[") * len(line) for line in source.split("\n")) <= BRACKET_WORK)


class SafeHTML(NbGraderPreprocessor):
    """Markdown and outputs of the autograded notebook without active HTML (the module's docstring says why)."""

    def preprocess(self, nb, resources):
        self.rendered = 0  # characters of markdown rendered for this notebook
        self.shown = 0  # characters of markdown it shows
        self.images = 0  # characters of the images (attachments) its markdown shows
        return super().preprocess(nb, resources)

    def plain(self, cell):
        """plain_markdown of the cell, within the notebook's budget; every cell is charged, one checked
        before too: the pages render each."""
        if (not renderable(cell.source) or self.rendered + len(cell.source) > MARKDOWN_NOTEBOOK_CHARS
                or images_at_most(cell) > IMAGES_RENDERED):
            return False
        self.rendered += len(cell.source)
        plain, images = markdown_checked(cell)
        if not plain or self.images + images > MARKDOWN_IMAGE_CHARS:  # as escaped in the page
            return False
        self.images += images
        return True

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            source = cell.source
            if not self.plain(cell):
                cell.source = as_text(source)
                cell.pop("attachments", None)
            if self.shown + len(cell.source) > MARKDOWN_SHOWN_CHARS:
                cell.source = left_out(source)
                cell.pop("attachments", None)
            else:
                self.shown += len(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is None:
                continue
            html = data.get("text/html")
            kept = {mime: value for mime, value in data.items()
                    if mime in SAFE_OUTPUTS and not (mime == "text/latex" and MATH_ACTIVE.search(str(value)))}
            if isinstance(html, str):
                kept["text/html"] = html if is_plain(html) else PLAIN_HTML.clean(html)
            output.data = kept or {"text/plain": "(输出已删除 / output removed)"}
            # an image's metadata may name a file (a URL) the templates would show instead: size only
            output.metadata = {mime: {k: v for k, v in meta.items() if k in ("width", "height") and type(v) is int}
                               for mime, meta in output.get("metadata", {}).items()
                               if mime in output.data and isinstance(meta, dict)}
        return cell, resources
