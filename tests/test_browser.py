"""The course in real JupyterLab and real Chromium: what a student and an instructor see.

One JupyterLab (started as `make lab` starts it) serves a throw-away copy of the course for the
whole module; Playwright drives Debian's Chromium. The instructor side of the copy (gradebook,
the demo's sample class graded) is prepared in the background while the student-side tests run.

Screenshots go to a temporary folder, or to $COURSE_SCREENSHOTS (docs/screenshots.py sets it).
"""
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from browser_helpers import (CHROMIUM_ARGS, CJK, Lab, chromium, grade_sample_class, has_math,
                             lab_course, menu, open_notebook, phrase, plain, release_notebooks, rendered_cells, replace_code,
                             run_all, run_cell, save, screenshot, select_cell, wait_until_executed,
                             write_finished)
from course import ROOT, assignments
from course.demo import STUDENTS
from course.sample_class import grade_id

CHROMIUM = chromium()
pytestmark = [
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium not found: `make system-packages` (as root) or "
                       "`apt-get install chromium` / 未找到Chromium：请以root运行`make system-packages`"),
]

RELEASES = [p.relative_to(ROOT).as_posix() for p in release_notebooks()]
GRADED = assignments()[0]  # the assignment the sample class hands in
SCREEN_BUDGET = 300_000  # bytes per screenshot


def richest_lesson():
    """The release notebook with the most prose: the one the screenshots show."""
    return max(RELEASES, key=lambda p: sum(c.cell_type == "markdown" for c in nbformat.read(ROOT / p, 4).cells))


SHOWCASE = richest_lesson() if RELEASES else None


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return lab_course(tmp_path_factory.mktemp("lab-course"))


@pytest.fixture(scope="module")
def instructor_side(course):
    """Gradebook, single-language releases of the showcase lesson and the demo's class graded on
    the first assignment, made in a background thread; a Future (.result() waits for it)."""
    showcase = SHOWCASE.split("/")[1]
    with ThreadPoolExecutor(1) as pool:
        yield pool.submit(grade_sample_class, course, GRADED, [("zh", showcase), ("en", showcase)])


@pytest.fixture(scope="module")
def lab(course, instructor_side, tmp_path_factory):
    with Lab(course, tmp_path_factory.mktemp("lab-scratch")) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium_browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium_browser
        chromium_browser.close()


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()
    lab.shutdown_kernels()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = os.environ.get("COURSE_SCREENSHOTS")
    return Path(folder) if folder else tmp_path_factory.mktemp("screenshots")


def shoot(page, shots, name, element=None):
    size = screenshot(page, shots / name, element)
    assert size < SCREEN_BUDGET, f"{name} is {size} bytes"


def markdown_cells(nb, cells, tag=None):
    return [(c, cells.nth(i)) for i, c in enumerate(nb.cells)
            if c.cell_type == "markdown" and (tag is None or tag in c.metadata.get("tags", []))]


def check_prose_and_math(page, nb):
    """Every markdown cell shows its text, Chinese cells in Chinese, and all its math typeset."""
    shown = rendered_cells(page, nb)
    for source, cell in zip(nb.cells, shown):
        if source.cell_type != "markdown":
            continue
        tags = source.metadata.get("tags", [])
        for lang in ("zh", "en"):
            if f"lang-{lang}" in tags:
                expected = phrase(source.source, lang)
                assert expected is None or plain(expected) in cell["text"], f"a lang-{lang} cell does not show {expected!r}: {cell['text'][:200]!r}"
                assert bool(CJK.search(cell["text"])) == (lang == "zh"), f"a lang-{lang} cell in the wrong language: {cell['text'][:200]!r}"
        if has_math(source.source):
            assert cell["math"] > 0 and cell["errors"] == 0, f"math not typeset in: {source.source[:200]!r}"
            leftover = re.findall(r"\$[^$\s][^$]*\$", cell["text"])
            assert not leftover, f"formulas left as TeX: {leftover}"


# ---------------------------------------------------------------- students
def test_lab_opens_on_the_course_index_linking_every_release_notebook(page, lab):
    page.goto(lab.page_url(""))  # what `make lab` opens
    page.wait_for_url(re.compile(r"/lab/tree/index\.ipynb"))
    index = page.locator(".jp-NotebookPanel:visible .jp-RenderedMarkdown")
    index.first.wait_for()
    hrefs = [a.get_attribute("href") for a in index.locator("a").all()]  # the lab resolves them to /files/…
    links = [re.sub(r"^.*?/files/|\?.*$", "", h) for h in hrefs if ".ipynb" in h]
    assert all(path in links for path in RELEASES), f"index.ipynb misses some release notebooks: {links}"
    assert "Transformer基础" in index.first.inner_text() and "Transformer Foundations" in index.nth(1).inner_text()
    index.locator(f"a[href*='/files/{RELEASES[0]}?']").first.click()  # a link opens the lesson in the lab
    page.locator(".lm-TabBar-tab.lm-mod-current", has_text=RELEASES[0].rsplit("/", 1)[1]).wait_for()


def test_index_lists_assignments_in_order_with_paired_languages():
    nb = nbformat.read(ROOT / "index.ipynb", as_version=4)
    tags = [c.metadata.get("tags") for c in nb.cells]
    assert tags == [["lang-zh"], ["lang-en"]] * (len(nb.cells) // 2) and all(c.cell_type == "markdown" for c in nb.cells)
    for cell in nb.cells[:2]:
        linked = re.findall(r"\]\(release/([^/]+)/[^)]+\.ipynb\)", cell.source)
        assert linked == sorted(linked) and set(assignments()) <= set(linked), linked


@pytest.mark.parametrize("path", RELEASES)
def test_lesson_renders_text_math_and_figures(page, lab, shots, path):
    nb, cells = open_notebook(page, lab, path)
    assert markdown_cells(nb, cells, "lang-zh") and markdown_cells(nb, cells, "lang-en")
    check_prose_and_math(page, nb)

    # Figures appear when the lesson runs: a student's finished notebook, run top to bottom.
    done = write_finished(lab.course, path)
    nb, cells = open_notebook(page, lab, done)
    run_all(page)
    save(page)
    ran = nbformat.read(lab.course / done, as_version=4)
    errors = [(grade_id(c) or i, o.ename) for i, c in enumerate(ran.cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert not errors, f"cells failed in the browser: {errors}"
    for i, cell in enumerate(ran.cells):
        if "passed(" in cell.source and cell.metadata.get("nbgrader", {}).get("grade"):
            assert "✓ 通过 / passed" in cells.nth(i).locator(".jp-OutputArea").inner_text(), grade_id(cell)
    pictures = sum("image/png" in o.get("data", {}) for c in ran.cells if c.cell_type == "code" for o in c.outputs)
    images = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output img")
    assert images.count() == pictures, "every figure the kernel made is shown"
    if any("plt." in c.source for c in nb.cells if c.cell_type == "code"):
        assert pictures > 0, "the lesson plots, but no figure appeared"
    assert all(img.evaluate("i => i.complete && i.naturalWidth > 100") for img in images.all())
    if any(re.search(r"\binteract|ipywidgets", c.source) for c in nb.cells if c.cell_type == "code"):
        assert page.locator(".jp-NotebookPanel:visible .jupyter-widgets").count() > 0, "widgets did not render"
    if path == SHOWCASE and pictures:
        images.first.scroll_into_view_if_needed()
        images.first.evaluate("i => i.closest('.jp-Cell').previousElementSibling.scrollIntoView()")
        shoot(page, shots, "lesson-figure.png")


SOFTMAX = "release/01_softmax/softmax.ipynb"
CORRECT = '''def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max(axis=axis, keepdims=True))  # 减去最大值 / subtract the max
    return e / e.sum(axis=axis, keepdims=True)
'''
FORGOT_RETURN = '''def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    e / e.sum(axis=axis, keepdims=True)  # 忘了写return / forgot the return
'''


@pytest.mark.skipif(not (ROOT / SOFTMAX).exists(), reason=f"{SOFTMAX} is not there yet")
def test_softmax_exercise_passes_when_right_and_says_what_is_wrong_otherwise(page, lab, shots):
    nb, cells = open_notebook(page, lab, SOFTMAX)
    solution = next(i for i, c in enumerate(nb.cells) if grade_id(c) == "softmax")
    visible = next(i for i, c in enumerate(nb.cells) if (grade_id(c) or "").startswith("test_softmax_")
                   and "passed(" in c.source)
    select_cell(page, cells.nth(solution))
    menu(page, "Run", "notebook:run-all-above")  # the setup and lesson cells before the exercise
    wait_until_executed(page)

    replace_code(page, cells.nth(solution), CORRECT)
    assert "Error" not in run_cell(page, cells.nth(solution))
    out = run_cell(page, cells.nth(visible))
    assert "✓ 通过 / passed" in out and "Error" not in out, out

    replace_code(page, cells.nth(solution), FORGOT_RETURN)
    run_cell(page, cells.nth(solution))
    out = run_cell(page, cells.nth(visible))
    assert "CheckFailure" in out and "✓ 通过" not in out, out
    assert "应返回numpy.ndarray" in out and "should be a numpy.ndarray" in out, "the message says what is wrong, in both languages"
    assert "NoneType" in out and "return" in out, "…and names the cause: nothing was returned"
    cells.nth(solution).evaluate("c => c.scrollIntoView()")
    shoot(page, shots, "check-failed.png")


def validate(page):
    """Click Validate in the notebook toolbar; return (passed?, the dialog's text)."""
    page.locator(".jp-NotebookPanel:visible .validate-button").click()
    dialog = page.locator(".nbgrader-SuccessDialog, .nbgrader-ErrorDialog")
    dialog.wait_for(timeout=90_000)
    return "nbgrader-SuccessDialog" in dialog.get_attribute("class"), dialog.inner_text()


def test_validate_fails_on_the_release_and_passes_when_finished(page, lab, shots):
    path = SHOWCASE
    open_notebook(page, lab, path)
    ok, text = validate(page)
    assert not ok and "请完成这个函数 / implement this function" in text, text
    shoot(page, shots, "validate-failed.png")
    page.locator(".nbgrader-ErrorDialog button.jp-Dialog-button").click()

    open_notebook(page, lab, write_finished(lab.course, path))
    ok, text = validate(page)
    assert ok and "Success" in text, text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_single_language_release_renders(page, lab, instructor_side, shots, lang):
    instructor_side.result()
    path = SHOWCASE.replace("release/", f"release-{lang}/", 1)
    nb, cells = open_notebook(page, lab, path)
    other = "en" if lang == "zh" else "zh"
    assert markdown_cells(nb, cells, f"lang-{lang}") and not markdown_cells(nb, cells, f"lang-{other}")
    check_prose_and_math(page, nb)
    with_math = [cell for source, cell in markdown_cells(nb, cells) if has_math(source.source)]
    (with_math[1] if len(with_math) > 1 else cells.first).evaluate("c => c.scrollIntoView()")
    shoot(page, shots, f"lesson-{lang}.png")


# ---------------------------------------------------------------- instructors
def test_formgrader_shows_the_assignments_and_the_graded_sample_class(page, lab, instructor_side, shots):
    instructor_side.result()
    page.goto(lab.page_url("lab?reset"))
    menu(page, "Nbgrader", "nbgrader:open-formgrader")
    page.locator(".lm-TabBar-tab.lm-mod-current", has_text="Formgrader").wait_for()
    formgrader = page.frame_locator("#jp-main-dock-panel iframe")
    table = formgrader.locator("table")
    for assignment in assignments():
        table.locator("td", has_text=assignment).first.wait_for()
    formgrader.locator("a", has_text="Manage Students").click()
    for student in STUDENTS:
        formgrader.locator("td", has_text=student).first.wait_for()
    shoot(page, shots, "formgrader.png")


def test_create_assignment_toolbar_shows_nbgrader_cells(page, lab):
    nb, cells = open_notebook(page, lab, RELEASES[0])
    page.locator(".lm-TabBar-tab[title='Nbgrader Create Assignment']").click()
    page.locator(".nbgrader-NotebookWidget").wait_for()
    ids = page.locator(".nbgrader-CellId input").evaluate_all("xs => xs.map(x => x.value).filter(Boolean)")
    expected = [grade_id(c) for c in nb.cells if grade_id(c)]
    assert ids == expected, ids
