"""The course in real JupyterLab and real Chromium: what a student and an instructor see.

One JupyterLab (started as `make lab` starts it) serves a throw-away copy of the course for the
whole module; Playwright drives Debian's Chromium. The instructor side of the copy (gradebook,
the demo's sample class graded) is prepared in the background while the student-side tests run.

Screenshots go to a temporary folder, or to $COURSE_SCREENSHOTS (docs/screenshots.py sets it).
"""
import os
import re
import shutil
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from browser_helpers import (CHROMIUM_ARGS, CJK, HOSTILE_STUDENT, NOTEBOOK, Lab, chromium, grade_sample_class, has_math,
                             hide_sidebar, lab_course, menu, open_notebook, phrase, plain, release_notebooks,
                             rendered_cells, replace_code, run, run_all, run_cell, save, screenshot, select_cell,
                             write_finished)
from classroom import HOSTILE_MARKDOWN
from course import ROOT, assignments
from course.demo import STUDENTS
from course.diagnosis import catalogue
from course.preprocessors import is_test_cell
from course.sample_class import grade_id, notebooks

CHROMIUM = chromium()
NO_CHROMIUM = ("Chromium not found: run `make system-packages` as root, or `apt-get install chromium` / "
               "未找到Chromium：请以root运行`make system-packages`或`apt-get install chromium`")
pytestmark = pytest.mark.xdist_group("browser")  # one xdist worker runs them all, with one lab

RELEASES = [p.relative_to(ROOT).as_posix() for p in release_notebooks()]
GRADED = assignments()[0]  # the assignment the sample class hands in
SCREEN_BUDGET = 300_000  # bytes per screenshot


# The lesson the single-language tests and the screenshots use: short, with formulas and figures.
SHOWCASE = next((p for p in RELEASES if p.endswith("02_sigmoid/sigmoid.ipynb")), RELEASES[0])


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
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium_browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium_browser
        chromium_browser.close()


@pytest.fixture
def page(browser, lab):  # browser first: without Chromium, skip before starting anything
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(60_000)  # each wait is for an event; the limit only ends a hang
    yield context.new_page()
    context.close()
    lab.shutdown_kernels()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = os.environ.get("COURSE_SCREENSHOTS")
    return Path(folder) if folder else tmp_path_factory.mktemp("screenshots")


def shoot(page, shots, name, target=None, block="start"):
    size = screenshot(page, shots / name, target, block)
    assert size < SCREEN_BUDGET, f"{name} is {size} bytes"


def markdown_cells(nb, cells, tag=None):
    return [(c, cells.nth(i)) for i, c in enumerate(nb.cells)
            if c.cell_type == "markdown" and (tag is None or tag in c.metadata.get("tags", []))]


def check_prose_and_math(page, nb):
    """Every markdown cell shows its text, Chinese cells in Chinese (English ones may quote the
    Chinese notes), and all its math typeset."""
    shown = rendered_cells(page, nb)
    for source, cell in zip(nb.cells, shown):
        if source.cell_type != "markdown":
            continue
        tags = source.metadata.get("tags", [])
        for lang in ("zh", "en"):
            if f"lang-{lang}" in tags:
                expected = phrase(source.source, lang)
                text = cell["text"]
                assert expected is None or plain(expected) in text, f"lang-{lang} cell lacks {expected!r}: {text[:200]}"
                assert bool(CJK.search(cell["prose"])) == (lang == "zh"), f"lang-{lang} cell in another language: {text[:200]}"
        if has_math(source.source):
            assert cell["math"] > 0 and cell["errors"] == 0, f"math not typeset in: {source.source[:200]!r}"
            leftover = re.findall(r"\$[^$\s][^$]*\$", cell["text"])
            assert not leftover, f"formulas left as TeX: {leftover}"
        broken = re.findall(r"#{2,6}[^#\s]\S*", cell["text"])
        assert not broken, f"a heading shown as text (a space is needed after #): {broken}"


# ---------------------------------------------------------------- students
def test_lab_opens_on_the_course_index_linking_every_release_notebook(page, lab):
    page.goto(lab.page_url(""))  # what `make lab` opens
    page.wait_for_url(re.compile(r"/lab/tree/index\.ipynb"))
    index = page.locator(f"{NOTEBOOK} .jp-RenderedMarkdown")
    index.first.wait_for()
    page.wait_for_function(f"() => document.querySelectorAll('{NOTEBOOK} a[href*=\"/files/\"]').length"
                           f" && !document.querySelector('{NOTEBOOK} a[href^=\"release/\"]')")
    hrefs = [a.get_attribute("href") for a in index.locator("a").all()]  # the lab resolves them to /files/…
    links = [re.sub(r"^.*?/files/|\?.*$", "", h) for h in hrefs if ".ipynb" in h]
    assert all(path in links for path in RELEASES), f"index.ipynb misses some release notebooks: {links}"
    assert "Transformer基础" in index.first.inner_text() and "Transformer Foundations" in index.nth(1).inner_text()
    index.locator(f"a[href*='/files/{RELEASES[0]}?']").first.click()  # a link opens the lesson in the lab
    page.locator(".lm-TabBar-tab.lm-mod-current", has_text=RELEASES[0].rsplit("/", 1)[1]).wait_for()
    # No "get notified about official Jupyter news?" pop-up: the course's lab-settings/ decides it,
    # not the test's user settings (the lab has restored by now, when the pop-up would have come).
    news = lab.settings("@jupyterlab/apputils-extension:notification")
    assert news["schema"]["properties"]["fetchNews"]["default"] == "false" and "fetchNews" not in news["settings"]
    assert page.get_by_text("get notified about official Jupyter news").count() == 0


def test_index_lists_assignments_in_order_with_paired_languages():
    nb = nbformat.read(ROOT / "index.ipynb", as_version=4)
    tags = [c.metadata.get("tags") for c in nb.cells]
    assert tags == [["lang-zh"], ["lang-en"]] * (len(nb.cells) // 2), "markdown cells in zh/en pairs"
    assert all(c.cell_type == "markdown" for c in nb.cells)
    for cell in nb.cells[:2]:
        linked = re.findall(r"\]\(release/([^/]+)/[^)]+\.ipynb\)", cell.source)
        assert linked == sorted(linked) and set(assignments()) <= set(linked), linked


@pytest.mark.parametrize("path", RELEASES)
def test_lesson_renders_text_math_and_figures(page, lab, shots, path):
    nb, cells = open_notebook(page, lab, path, kernel=False)
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
    pictures = sum(any(k.startswith("image/") for k in o.get("data", {}))
                   for c in ran.cells if c.cell_type == "code" for o in c.outputs)
    images = page.locator(f"{NOTEBOOK} .jp-OutputArea-output img")
    shown = images.evaluate_all("xs => xs.map(i => ({ok: i.complete && i.naturalWidth > 100,"
                                " inWidget: !!i.closest('.jupyter-widgets')}))")
    assert all(i["ok"] for i in shown), "every figure is decoded and drawn"
    assert sum(not i["inWidget"] for i in shown) == pictures, "every figure the kernel made is shown"
    if any("plt." in c.source for c in nb.cells if c.cell_type == "code"):
        assert pictures > 0, "the lesson plots, but no figure appeared"
    if any(re.search(r"\binteract\b|ipywidgets", c.source) for c in nb.cells if c.cell_type == "code"):
        assert page.locator(f"{NOTEBOOK} .jupyter-widgets").count() > 0, "the interactive widget did not render"
        assert any(i["inWidget"] for i in shown), "the widget drew no figure"
    if path == SHOWCASE and pictures:
        figure = images.first.locator("xpath=ancestor::div[contains(@class, 'jp-Cell')][1]")
        shoot(page, shots, "lesson-figure.png", figure, block="center")


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

WRONG_AXIS = ROOT / "samples" / "01_softmax" / "softmax" / "wrong_default_axis_0.py"


@pytest.mark.skipif(not (ROOT / SOFTMAX).exists(), reason=f"{SOFTMAX} is not there yet")
def test_softmax_exercise_passes_when_right_and_says_what_is_wrong_otherwise(page, lab, shots):
    nb, cells = open_notebook(page, lab, SOFTMAX)
    solution = next(i for i, c in enumerate(nb.cells) if grade_id(c) == "softmax")
    visible = next(i for i, c in enumerate(nb.cells) if (grade_id(c) or "").startswith("test_softmax_")
                   and "passed(" in c.source)
    select_cell(page, cells.nth(solution))
    run(page, lambda: menu(page, "Run", "notebook:run-all-above"))  # the setup and lesson cells before the exercise

    replace_code(page, cells.nth(solution), CORRECT)
    assert "Error" not in run_cell(page, cells.nth(solution))
    out = run_cell(page, cells.nth(visible))
    assert "✓ 通过 / passed" in out and "Error" not in out, out

    replace_code(page, cells.nth(solution), FORGOT_RETURN)
    run_cell(page, cells.nth(solution))
    out = run_cell(page, cells.nth(visible))
    assert "CheckFailure" in out and "✓ 通过" not in out, out
    assert "返回了None" in out and "returned None" in out, "says what is wrong, in both languages"
    assert "return" in out, "…and names the cause: nothing was returned"

    # A catalogued mistake is named, with its section and hint, from release/01_softmax/mistakes.json;
    # the output shows the cell's line and the message, not the checker's insides.
    mistake = next(m for m in catalogue(ROOT / "samples" / "01_softmax") if m.samples[0] == WRONG_AXIS.name)
    replace_code(page, cells.nth(solution), WRONG_AXIS.read_text())
    run_cell(page, cells.nth(solution))
    out = run_cell(page, cells.nth(visible))
    assert f"[{mistake.key}]" in out and mistake.en in out and mistake.zh in out, out
    assert f"§{mistake.section}" in out and f"hint {mistake.hint}" in out, out
    assert "checks.py" not in out and "Traceback" not in out, "the student's cell and the message only"
    shoot(page, shots, "check-failed.png", cells.nth(visible).locator(".jp-OutputArea"), block="end")


def validate(page):
    """Click Validate in the notebook toolbar; return (passed?, the dialog's text)."""
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .validate-button").click()
    dialog = page.locator(".nbgrader-SuccessDialog, .nbgrader-ErrorDialog")
    dialog.wait_for(timeout=300_000)  # nbgrader runs the whole notebook; a loaded machine is slow
    return "nbgrader-SuccessDialog" in dialog.get_attribute("class"), dialog.inner_text()


def test_validate_fails_on_the_release_and_passes_when_finished(page, lab, shots):
    path = SHOWCASE
    open_notebook(page, lab, path)
    hide_sidebar(page)  # for the screenshot: the dialog will block clicks on the page
    ok, text = validate(page)
    assert not ok and "请完成这个函数 / implement this function" in text, text
    shoot(page, shots, "validate-failed.png", page.locator(".nbgrader-ErrorDialog pre").last, block="end")
    page.locator(".nbgrader-ErrorDialog button.jp-Dialog-button").click()

    open_notebook(page, lab, write_finished(lab.course, path))
    ok, text = validate(page)
    assert ok and "Success" in text, text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_single_language_release_renders(page, lab, instructor_side, shots, lang):
    instructor_side.result()
    path = SHOWCASE.replace("release/", f"release-{lang}/", 1)
    nb, cells = open_notebook(page, lab, path, kernel=False)
    other = "en" if lang == "zh" else "zh"
    assert markdown_cells(nb, cells, f"lang-{lang}") and not markdown_cells(nb, cells, f"lang-{other}")
    check_prose_and_math(page, nb)
    with_math = [cell for source, cell in markdown_cells(nb, cells) if has_math(source.source)]
    shoot(page, shots, f"lesson-{lang}.png", with_math[1] if len(with_math) > 1 else cells.first)


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
    shoot(page, shots, "formgrader-assignments.png", table, block="end")
    formgrader.locator("a", has_text="Manage Students").click()
    rows = {student: formgrader.locator("tr", has_text=student) for student in STUDENTS}
    for row in rows.values():
        row.wait_for()

    def score(student):  # the overall score column, "got / most" over all assignments in the gradebook
        return float(re.search(r"([\d.]+) / [\d.]+", rows[student].inner_text())[1])

    points = sum(c.metadata["nbgrader"].get("points", 0) for nb in notebooks(GRADED).values() for c in nb.cells
                 if c.metadata.get("nbgrader", {}).get("grade"))
    assert score("ada-correct") == points > 0, f"the correct answers scored full marks ({points})"
    assert score("cai-blank") == 0, "the blank release scored nothing"
    shoot(page, shots, "formgrader.png", formgrader.locator("table").first, block="end")


def test_a_students_html_runs_no_script_in_formgrader_or_in_her_feedback(page, lab, course, instructor_side):
    """zoe's notebook has markdown cells that would each run a script or fetch from another server,
    and a cell displaying such HTML, JavaScript, SVG and images (tests/classroom.py). Formgrader shows
    her submission in the instructor's session, where a script could rewrite anyone's grade through
    its API: no script runs and nothing is fetched from elsewhere; nor in her feedback file, which
    requests nothing but itself."""
    instructor_side.result()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission = gb.find_submission_notebook("softmax", GRADED, HOSTILE_STUDENT).id
    dialogs, requests = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url))
    feedback = (course / "feedback" / HOSTILE_STUDENT / GRADED / "softmax.html").as_uri()
    for url in (lab.page_url(f"formgrader/submissions/{submission}/"), feedback):
        requests.clear()
        page.goto(url, wait_until="load")  # the load event comes after every image has loaded or failed
        for n in range(len(HOSTILE_MARKDOWN)):
            page.get_by_text(f"NOTE {n}").first.wait_for()
        assert page.locator("b", has_text="bold").count() >= 1  # the HTML output is drawn, as plain formatting
        assert page.evaluate("document.documentElement.dataset.pwned") is None, f"a script ran: {url}"
        links = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
        assert not [href for href in links if href.lower().startswith("javascript:")], links
        assert not [r for r in requests if "tracker.invalid" in r], requests
    assert not dialogs and [r for r in requests if not r.startswith("data:")] == [feedback], requests


# Script that marks the page if it runs: closes a script string, then an attribute and a tag, wherever it is printed
SCRIPT_ID = 'x";document.documentElement.dataset.pwned=1;"><img src=x onerror="document.documentElement.dataset.pwned=2">'


def test_a_plain_jupyter_lab_has_formgrader_only_made_inert(course, tmp_path):
    """A plain `jupyter lab` from the course's venv (no jupyter_lab_config.py) gets formgrader through
    course/formgrader_escaping.py too, not nbgrader's own (which the nbgrader package enables in the venv; the
    Makefile's setup overrides that there): an address holding script shows the id as text."""
    from urllib.parse import quote

    with Lab(course, tmp_path, plain=True) as plain:
        request = urllib.request.Request(f"{plain.url}/formgrader/manage_students/{quote(SCRIPT_ID, safe='')}/{GRADED}",
                                         headers={"Authorization": f"token {plain.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read().decode()
    assert "formgrader" in body and GRADED in body, body[:2000]  # formgrader's page, for this assignment
    assert SCRIPT_ID not in body and 'dataset.pwned=1;">' not in body, body[:2000]


def test_formgrader_shows_ids_as_text_never_as_script(page, lab, course, instructor_side):
    """nbgrader's formgrader prints the ids of its pages raw into HTML and script (course/formgrader_escaping.py):
    a link in a student's notebook to a page whose address holds script ran it in the instructor's session, and so
    would a student id in the gradebook, on her submission's page, and a page she handed in, which formgrader
    serves. Every page shows the ids as text, and still finds her submissions; her page runs no script."""
    from urllib.parse import quote

    instructor_side.result()
    graded = course / "autograded"
    shutil.copytree(graded / HOSTILE_STUDENT, graded / SCRIPT_ID)
    (graded / SCRIPT_ID / GRADED / "evil.html").write_text(
        "<p>EVIL PAGE</p><script>document.documentElement.dataset.pwned = 3</script>")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.add_student(SCRIPT_ID)
        gb.add_submission(GRADED, SCRIPT_ID)
        submission = gb.find_submission_notebook("softmax", GRADED, SCRIPT_ID).id
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    odd = quote(SCRIPT_ID, safe="")
    page.context.set_extra_http_headers({"Authorization": f"token {lab.token}"})  # for the pages' own requests too
    try:
        for path in (f"manage_students/{odd}", f"manage_students/{odd}/{GRADED}", f"gradebook/{odd}",
                     f"gradebook/{GRADED}/{odd}", f"manage_submissions/{odd}", f"submissions/{submission}/",
                     f"submissions/{submission}/evil.html"):
            page.goto(lab.page_url(f"formgrader/{path}"), wait_until="load")
            if path == f"manage_students/{odd}":  # her page's script asks for her submissions with her id
                row = page.locator("tbody tr", has_text=GRADED).first
                row.wait_for()
                assert "no submission" not in row.inner_text(), row.inner_text()  # asked with another id
            assert page.evaluate("document.documentElement.dataset.pwned") is None, f"a script ran: {path}"
            shown = "EVIL PAGE" if path.endswith(".html") else SCRIPT_ID
            assert page.get_by_text(shown).count() >= 1 or path.startswith("gradebook/"), path
    finally:
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            gb.remove_submission(GRADED, SCRIPT_ID)
            gb.remove_student(SCRIPT_ID)
        shutil.rmtree(graded / SCRIPT_ID)
    assert not dialogs, dialogs


def test_create_assignment_toolbar_shows_nbgrader_cells(page, lab):
    nb, cells = open_notebook(page, lab, RELEASES[0], kernel=False)
    page.locator(".lm-TabBar-tab[title='Nbgrader Create Assignment']").click()
    page.locator(".nbgrader-NotebookWidget").wait_for()
    ids = page.locator(".nbgrader-CellId input").evaluate_all("xs => xs.map(x => x.value).filter(Boolean)")
    expected = [grade_id(c) for c in nb.cells if grade_id(c)]
    assert ids == expected, ids


# ---------------------------------------------------------------- students' feedback
FEEDBACK_PAGE = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });  // the hints' formulas, too
  const prose = [...document.querySelectorAll('.text_cell_render')];
  const maths = [...document.querySelectorAll('.text_cell_render math')];
  const drawn = m => { const r = m.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  return {
    maths: maths.length,
    notMathML: maths.filter(m => m.namespaceURI !== 'http://www.w3.org/1998/Math/MathML'
                                 || !getComputedStyle(m).display.includes('math')).length
               + prose.flatMap(e => [...e.querySelectorAll('*')]).filter(e => e.localName.includes(':')).length,
    undrawn: maths.filter(m => !drawn(m)).length,
    texShown: document.querySelectorAll('code.tex-source').length,
    text: prose.map(e => e.innerText).join('\\n'),
    toc: [...document.querySelectorAll('#toc li.toc-test')].map(li => li.innerText.trim()),
  };
}"""


def test_feedback_reads_offline_with_math_and_numbered_named_tests(browser, course, instructor_side, shots):
    """The graded class's feedback files (nbgrader generate_feedback), opened with the network off:
    each page requests nothing but its own file, every formula is MathML that Chromium lays out (no
    TeX left in the prose, none shown as source), and the table of contents numbers and names the
    test cells, with their scores, in notebook order."""
    instructor_side.result()
    files = sorted(f for f in (course / "feedback").glob(f"*/{GRADED}/*.html") if f.parts[-3] != HOSTILE_STUDENT)
    assert {f.parts[-3] for f in files} >= {"ada-correct", "ben-mistakes", "cai-blank"}, files
    tests = {name: [grade_id(c) for c in nb.cells if is_test_cell(c)]
             for name, nb in notebooks(GRADED, root=ROOT).items()}
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="zh-CN", offline=True)
    try:
        page = context.new_page()
        requests, errors = [], []
        page.on("request", lambda request: requests.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        for path in files:
            requests.clear()
            page.goto(path.as_uri())
            assert requests == [page.url], f"{path.name}: requests beyond its own file: {requests}"
            assert not errors, errors
            shown = page.evaluate(FEEDBACK_PAGE)
            assert shown["maths"] > 0 and shown["notMathML"] == shown["undrawn"] == shown["texShown"] == 0, \
                {k: v for k, v in shown.items() if k not in ("text", "toc")}
            leftover = re.findall(r"\$[^$\s][^$]*\$|\\[A-Za-z]+", shown["text"])
            assert not leftover, f"TeX left in the prose: {leftover[:5]}"
            expected = tests[path.with_suffix(".ipynb").name]
            assert len(shown["toc"]) == len(expected) > 0, shown["toc"]
            for number, (entry, name) in enumerate(zip(shown["toc"], expected), 1):
                assert re.fullmatch(rf"测试{number} / Test {number} · {name} · 得分 / score: [\d.]+ / [\d.]+ [✓✗]", entry), entry
            if path.parts[-3] == "ben-mistakes":
                shoot(page, shots, "feedback-offline.png")
                formula = page.locator(".text_cell_render math[display=block]").first
                shoot(page, shots, "feedback-offline-math.png", formula, block="center")
    finally:
        context.close()
