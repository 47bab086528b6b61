"""The students' feedback HTML, self-contained: it reads the same offline as online.

nbgrader's feedback page loads MathJax from a CDN, so offline, or where the CDN is blocked, a
student sees raw `$\\mathbf{x}$`. Here the math is converted to MathML when the feedback is written
(latex2mathml, pinned in requirements.txt), and the browser draws it: Chromium, Firefox and Safari
render MathML Core. No script, font or style sheet is fetched; pictures are already inlined.
(Inlining a MathJax build instead would add about 2.1 MB to every file; MathML adds a few kB.)

- `FeedbackExporter` (nbgrader_config.py: `GenerateFeedback.exporter_class`): nbgrader's HTML
  exporter with math rendered as MathML, and the course's template
  (course/templates/course_feedback): no MathJax, a bilingual table of contents that numbers and
  names the test cells.
- `tex_to_mathml`: one formula, or None where it cannot be converted; the feedback then shows the
  TeX source in a `<code class="tex-source">` (tests/test_feedback.py checks no lesson formula does).
- `Remembered`: one grading worker writes every student's page, and most cells are the lesson's own,
  the same in each; their HTML is kept, not made again (highlighting code took a tenth of a worker's time).
"""
import html
import re
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

import nbgrader
from jinja2 import pass_context
from latex2mathml.converter import convert
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from traitlets import Int

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "course_feedback"
FORMGRADER = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
# Where the templates look for files by name: nbgrader's templates (the course's extends its
# "feedback/index.html.j2") and the bootstrap.min.css it inlines (nbgrader's GenerateFeedback
# sets the latter for HTMLExporter; FeedbackExporter's own setting replaces it).
TEMPLATE_PATHS = [FORMGRADER / "templates", FORMGRADER / "static" / "node_modules" / "bootstrap" / "dist" / "css"]

# TeX that latex2mathml leaves as text, rewritten as what it does convert.
REWRITES = [(re.compile(r"\\[lr]?Vert(?![A-Za-z])"), "\u2016"),  # ‖
            # \bigl( … \bigr)^2: latex2mathml sizes the closing delimiter under a power smaller
            # than the opening one; delimiters of the text's size read better than unequal ones.
            (re.compile(r"\\[bB]igg?[lr]?(?![A-Za-z])"), "")]
MATHML = "http://www.w3.org/1998/Math/MathML"
# A TeX command left in the MathML's text: the conversion did not understand it.
UNCONVERTED = re.compile(r">[^<]*\\[A-Za-z]")
# MathML's elements (not merror, latex2mathml's error); latex2mathml copies \text{...} and \mbox{...}
# as they are, unescaped (a student's "<img ...>" becomes a tag), and \style, \href and \class into
# attributes: a formula with any other element or attribute is shown as TeX.
MATHML_TAGS = {"math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt", "mroot", "mstyle", "mpadded",
               "mphantom", "menclose", "msub", "msup", "msubsup", "munder", "mover", "munderover", "mmultiscripts",
               "mprescripts", "none", "mtable", "mtr", "mtd", "mlabeledtr", "semantics", "annotation"}
# MathML's presentation attributes, those latex2mathml writes: none links, styles or runs code.
MATHML_ATTRIBUTES = {"display", "mathvariant", "mathsize", "mathcolor", "mathbackground", "displaystyle", "scriptlevel",
                     "stretchy", "fence", "separator", "form", "lspace", "rspace", "movablelimits", "largeop", "accent",
                     "accentunder", "minsize", "maxsize", "symmetric", "linethickness", "notation", "linebreak", "width",
                     "height", "depth", "voffset", "columnalign", "columnlines", "columnspacing", "rowalign", "rowlines",
                     "rowspacing", "frame", "framespacing", "equalrows", "equalcolumns", "encoding"}
IMAGE_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)")
NO_ALT = "No description has been provided for this image"  # nbconvert's words
# nbconvert writes a heading's characters as numeric references (&#35780;): the page is UTF-8, they are
# written as themselves (markup characters escaped).
CHARACTER_REFERENCE = re.compile(r"&#(?:x([0-9a-fA-F]+)|([0-9]+));")
# A formula longer than this is converted each time, not kept by tex_to_mathml (a lesson's are shorter).
FORMULA_CHARS = 1000
ABSENT = object()  # a cell without `magics_language` (pygments tells absent from any value)


def page_mathml(element):
    """The page's MathML for a parsed element, written from the tree (text and values escaped), or None
    if it or an element in it is not MathML or has an attribute outside MATHML_ATTRIBUTES."""
    # HTML puts <math> in the MathML namespace by itself, so no xmlns is written: with one, nbconvert's
    # heading anchors (ElementTree) would rewrite a heading's formula as <ns0:math>, which is no MathML.
    # An element or attribute of another namespace keeps its "{...}" and is refused.
    name = element.tag.removeprefix(f"{{{MATHML}}}")
    if name not in MATHML_TAGS or not set(element.attrib) <= MATHML_ATTRIBUTES:
        return None
    children = [page_mathml(child) for child in element]
    if None in children:
        return None
    attributes = "".join(f' {key}="{html.escape(value)}"' for key, value in element.attrib.items())
    text = html.escape(element.text or "", quote=False) + "".join(children)
    tail = html.escape(element.tail or "", quote=False)
    return f"<{name}{attributes}>{text}</{name}>{tail}" if text else f"<{name}{attributes} />{tail}"


def character(reference):
    code = int(reference[1], 16) if reference[1] else int(reference[2])
    valid = 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF  # a lone surrogate cannot be written as UTF-8
    return html.escape(chr(code)) if valid else reference[0]


@lru_cache(maxsize=4096)  # a grading worker writes every student's feedback: the same lessons' formulas
def tex_to_mathml(tex, display=False):
    """MathML for one formula (without its `$` delimiters), or None if it cannot be converted."""
    for pattern, replacement in REWRITES:
        tex = pattern.sub(replacement, tex)
    try:
        mathml = convert(tex, display="block" if display else "inline")
        # Written from the parsed tree, never the converter's string: markup that a browser reads
        # otherwise than XML (`<mi/onfocus=...>`) is no XML, and the formula is shown as TeX.
        return None if UNCONVERTED.search(mathml) else page_mathml(ElementTree.fromstring(mathml))
    except Exception:  # noqa: BLE001 (latex2mathml raises many kinds on TeX it does not know, ElementTree on non-XML)
        return None


def math_html(tex, display):
    mathml = (tex_to_mathml if len(tex) <= FORMULA_CHARS else tex_to_mathml.__wrapped__)(tex, display)
    if mathml is not None:
        return mathml
    delimiter = "$$" if display else "$"
    return f'<code class="tex-source">{html.escape(delimiter + tex + delimiter)}</code>'


class Remembered:
    """`render(source, *key)` with its results kept, the least recently used dropped first once sources
    and results hold more than `budget` characters in all (a student's cells cannot make it large)."""

    def __init__(self, render, budget):
        self.render, self.budget, self.kept, self.size, self.hits = render, budget, OrderedDict(), 0, 0

    def __call__(self, source, *key):
        key = (source, *key)
        if key in self.kept:
            self.kept.move_to_end(key)
            self.hits += 1
            return self.kept[key]
        result = self.render(*key)
        self.kept[key] = result
        self.size += len(source) + len(result)
        while self.size > self.budget:
            (old, *_), dropped = self.kept.popitem(last=False)
            self.size -= len(old) + len(dropped)
        return result


class RememberedHighlight(Highlight2HTML):
    """nbconvert's code highlighting, its HTML kept (`Remembered`). Of a cell's metadata, pygments reads
    only `magics_language`, and whether it is there."""

    def __init__(self, budget, **kw):
        super().__init__(**kw)
        self.remembered = Remembered(lambda source, language, magics: Highlight2HTML.__call__(
            self, source, language, None if magics is ABSENT else {"magics_language": magics}), budget)

    def __call__(self, source, language=None, metadata=None):
        magics = (metadata or {}).get("magics_language", ABSENT)
        if magics is ABSENT or isinstance(magics, str):
            return self.remembered(source, language, magics)
        return Highlight2HTML.__call__(self, source, language, metadata)  # another value (a list...): not kept


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer with the math as MathML instead of TeX left for MathJax."""

    def inline_math(self, body):
        return math_html(body, display=False)

    def block_math(self, body):
        return math_html(body, display=True)

    def latex_environment(self, name, body):
        return math_html(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback exporter, its markdown's math rendered as MathML (the module's docstring)."""

    # The largest lesson page is about 650,000 characters in all; at 4 bytes a character (one emoji
    # makes Python store a string so), each of the two keeps at most 8 MB.
    remembered_chars = Int(2_000_000, help="characters of cells' sources and HTML kept, for code and "
                                           "for markdown each (0: none)").tag(config=True)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.highlight = None  # a RememberedHighlight for the notebooks' lexer
        self.plain_markdown = Remembered(lambda source: self.render_markdown(source, {}, ""), self.remembered_chars)

    @pass_context
    def markdown2html(self, context, source):
        """HTMLExporter.markdown2html (same options) with MathMLRenderer. Without attachments or embedded
        images, a cell's HTML depends on its source only, and is kept (`Remembered`)."""
        cell = context.get("cell", {})
        if not cell.get("attachments") and not self.embed_images:
            return self.plain_markdown(source)
        return self.render_markdown(source, cell.get("attachments", {}),
                                    context.get("resources", {}).get("metadata", {}).get("path", ""))

    def render_markdown(self, source, attachments, path):
        renderer = MathMLRenderer(
            escape=False, attachments=attachments, embed_images=self.embed_images, path=path,
            anchor_link_text=self.anchor_link_text, exclude_anchor_links=self.exclude_anchor_links,
            **self.lexer_options)
        return MarkdownWithMath(renderer=renderer).render(source)

    def from_notebook_node(self, nb, resources=None, **kw):
        """HTMLExporter's, without its BeautifulSoup pass over the whole page (pure Python: about
        1 s per lesson, as long as grading it). That pass does three things: it gives images without
        alt text nbconvert's alt text and writes character references as the characters, both done
        here by patterns, and makes JupyterLab-template cells focusable, which this template
        (nbgrader's, on nbconvert's classic one) has no cells for."""
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        resources = self._init_resources(resources)
        if self.highlight is None or self.highlight.pygments_lexer != (lexer or "ipython3"):
            self.highlight = RememberedHighlight(self.remembered_chars, pygments_lexer=lexer, parent=self)
        self.register_filter("highlight_code", self.filters.get("highlight_code", self.highlight))
        self.register_filter("filter_data_type",
                             WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return CHARACTER_REFERENCE.sub(character, IMAGE_WITHOUT_ALT.sub(f'<img alt="{NO_ALT}"', page)), resources
