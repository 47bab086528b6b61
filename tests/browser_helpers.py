"""JupyterLab on a throw-away copy of the course, and Chromium to drive it (for test_browser.py).

- `lab_course` makes the student side of the copy (release/ as committed, index.ipynb, configs;
  `write_finished` adds a release notebook's finished twin); `grade_sample_class` adds the instructor side
  (gradebook, single-language releases, the demo's sample class graded by nbgrader, its feedback).
- `Lab` runs `jupyter lab` on the copy as `make lab` does (same jupyter_lab_config.py), on
  127.0.0.1, a free port and a token.
- `chromium` finds Debian's Chromium for Playwright; the other functions drive a notebook in it.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from course import ROOT
from course.build import build
from course.nbgrader_setup import nbgrader
from classroom import with_hostile_html
from course.sample_class import grade_id, notebooks, solution_ids, with_answer, write_submission

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--disable-dev-shm-usage"]
# The lab's user settings in the tests: every cell attached to the page (no windowing), so that a
# test sees the whole notebook without scrolling. (No news pop-up: the course's own lab-settings/.)
SETTINGS = {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"}}
# Waiting in the browser is on events, not on the clock: a kernel the server reports idle with the
# page connected to it, a run that shows it started (else the action is repeated), and cells that
# keep finishing (a run fails only when nothing changes for STALL_MS).
KERNEL_TIMEOUT_S = 180  # for the server to start a notebook's kernel on a busy machine
START_MS = 15_000  # a run shows "[*]" or a new execution count this soon, or the action is repeated
ATTEMPTS = 4
STALL_MS = 120_000  # no cell finished or started for this long: the run is stuck


def chromium():
    """Path of a Chromium executable (Debian's package; $CHROMIUM overrides), or None."""
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        found = candidate and shutil.which(candidate)
        if found:
            return found
    return None


# ---------------------------------------------------------------- the course copy
def release_notebooks(root=ROOT):
    return sorted(p for p in (Path(root) / "release").glob("*/*.ipynb") if not p.stem.endswith("-finished"))


def finished_path(path):
    return path.with_name(f"{path.stem}-finished.ipynb")


def finished(release_nb, source_nb):
    """The release notebook as a student hands it in when done: every solution cell filled in."""
    solutions = {grade_id(c): c.source for c in source_nb.cells if grade_id(c) in solution_ids({"nb": source_nb})}
    nbs = {"nb": release_nb}
    for exercise in solution_ids(nbs):
        if exercise not in solutions:
            raise LookupError(f"release/ is older than source/ (no solution {exercise!r}): `python -m course build`")
        code = "\n".join(line for line in solutions[exercise].splitlines()
                         if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
        nbs = with_answer(nbs, exercise, code)
    return nbs["nb"]


def write_finished(course, path):
    """Beside release notebook `path` (relative to the course), its finished twin; returns the twin's path."""
    path = Path(path)
    source = nbformat.read(ROOT / "source" / path.parent.name / path.name, as_version=4)
    twin = finished_path(path)
    nbformat.write(finished(nbformat.read(Path(course) / path, as_version=4), source), Path(course) / twin)
    return twin.as_posix()


def lab_course(folder):
    """What a class's JupyterLab serves: the committed release/, index.ipynb and the configs."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("index.ipynb", "jupyter_lab_config.py", "nbgrader_config.py"):
        shutil.copy(ROOT / name, folder)
    shutil.copytree(ROOT / "lab-settings", folder / "lab-settings")
    shutil.copytree(ROOT / "release", folder / "release")
    return folder


HOSTILE_STUDENT = "zoe-html"  # her notebook holds HTML that would run script (classroom.with_hostile_html)


def grade_sample_class(folder, assignment, single_language=()):
    """Instructor side of the course copy: gradebook, single-language releases, a graded class
    and its feedback (feedback/<student>/<assignment>/*.html).

    Meant to run while the lab is already up (formgrader reads the gradebook on each request).
    The demo's four students and HOSTILE_STUDENT hand in `assignment`, and `nbgrader autograde` grades them; the
    assignment is built into a hidden folder for the gradebook, so release/ stays as committed.
    `single_language`: (lang, assignment) pairs to build into release-<lang>/."""
    from course.demo import sample_class
    folder = Path(folder)
    try:
        shutil.copytree(ROOT / "source", folder / "source")
        for lang, other in single_language:
            build(lang=lang, root=folder, release_dir=f"release-{lang}", only=[other])
        build(root=folder, release_dir=".release-build", only=[assignment])
    except SystemExit as failure:  # build() exits when nbgrader fails
        raise RuntimeError(str(failure)) from None
    for student, handed_in in sample_class(assignment).items():
        write_submission(folder, student, assignment, handed_in)
    write_submission(folder, HOSTILE_STUDENT, assignment, with_hostile_html(notebooks(assignment, "release", ROOT)))
    # One of the students hands in a broken file, so nbgrader's exit status is not 0 here.
    graded = nbgrader("autograde", assignment, "--force", root=folder, check=False)
    feedback = nbgrader("generate_feedback", assignment, "--force", root=folder, check=False)
    if feedback.returncode:
        raise RuntimeError(f"nbgrader generate_feedback failed:\n{feedback.stdout[-3000:]}{feedback.stderr[-3000:]}")
    return graded


# ---------------------------------------------------------------- the server
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """`jupyter lab --config=jupyter_lab_config.py` on a course directory (`plain`: with the venv's settings alone,
    as a plain `jupyter lab` there); a context manager."""

    def __init__(self, course, scratch, plain=False):
        self.course, self.scratch, self.plain = Path(course), Path(scratch), plain
        self.port, self.token = free_port(), os.urandom(12).hex()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.scratch / "jupyter.log"

    def __enter__(self):
        settings = self.scratch / "settings"
        for name, values in SETTINGS.items():
            (settings / name).parent.mkdir(parents=True, exist_ok=True)
            (settings / name).write_text(json.dumps(values))
        # Nothing from the user's own ~/.jupyter: config, settings, workspaces, runtime files.
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(self.scratch / "config"),
                   JUPYTER_RUNTIME_DIR=str(self.scratch / "runtime"), JUPYTERLAB_SETTINGS_DIR=str(settings),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.scratch / "workspaces"),
                   PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        command = [sys.executable, "-m", "jupyter", "lab", *([] if self.plain else ["--config=jupyter_lab_config.py"]),
                   "--no-browser", "--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}"]
        if os.geteuid() == 0:
            command.append("--allow-root")
        self._log_file = open(self.log, "w")
        self.process = subprocess.Popen(command, cwd=self.course, env=env, stdout=self._log_file,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180  # a busy machine
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                self.api("status")
                return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"jupyter lab did not start:\n{self.log.read_text()[-3000:]}")

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.terminate()  # the server shuts its kernels down on SIGTERM
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()
        self._log_file.close()

    def api(self, path, method="GET"):
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def settings(self, plugin):
        """JupyterLab's settings of a plugin (its schema with the defaults in force, the user's values)."""
        request = urllib.request.Request(f"{self.url}/lab/api/settings/{plugin}",
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def shutdown_kernels(self):
        for kernel in self.kernels():
            self.api(f"kernels/{kernel['id']}", method="DELETE")

    def kernels(self):
        """The running kernels. jupyter_server answers 500 while one is still starting (its
        last_activity is None until then): ask again until it has started."""
        for _ in range(600):
            try:
                return self.api("kernels")
            except urllib.error.HTTPError as error:
                if error.code != 500:
                    raise
            time.sleep(0.1)
        return self.api("kernels")

    def page_url(self, path="lab"):
        return f"{self.url}/{path}{'&' if '?' in path else '?'}token={self.token}"


# ---------------------------------------------------------------- driving a notebook
CJK = re.compile(r"[\u4e00-\u9fff]")
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"  # the notebook on show


def open_notebook(page, lab, path, kernel=True):
    """Open a notebook alone in the lab (a fresh workspace); wait until its kernel is ready, if asked.

    Returns the notebook (nbformat) and its cells as Playwright locators, in file order."""
    nb = nbformat.read(lab.course / path, as_version=4)
    page.goto(lab.page_url(f"lab/tree/{path}?reset"))
    cells = page.locator(f"{NOTEBOOK} .jp-Cell")
    page.wait_for_function(f"n => document.querySelectorAll('{NOTEBOOK} .jp-Cell').length === n",
                           arg=len(nb.cells))
    if kernel:
        wait_kernel(page, lab, path)
    return nb, cells


def wait_kernel(page, lab, path, timeout=KERNEL_TIMEOUT_S):
    """Wait until the server has an idle kernel for the notebook at `path` with the page connected to it.

    The page alone cannot tell: its execution indicator says "idle" before any kernel is attached
    (JupyterLab's initial state), and cells run then are silently skipped ("No Kernel")."""
    deadline, kernels = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        try:
            kernels = [s["kernel"] for s in lab.api("sessions") if s.get("path") == path and s.get("kernel")]
        except OSError:  # the server is busy: ask again
            kernels = []
        if any(k.get("execution_state") == "idle" and k.get("connections", 0) > 0 for k in kernels):
            wait_idle(page)
            return
        time.sleep(0.3)
    raise AssertionError(f"no idle kernel connected to {path} after {timeout} s: {kernels}")


def wait_idle(page, timeout=60_000):
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']"
                 ).wait_for(timeout=timeout)


def menu(page, top, command):
    """Click a main-menu entry, e.g. menu(page, "Run", "runmenu:run-all")."""
    page.keyboard.press("Escape")  # a menu left open by an earlier click would be closed by the next one
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile(f"^{top}$")).click()
    page.locator(f"#jp-mainmenu-{top.lower()} li[data-command='{command}']").click()


def run_all(page):
    """Run → Run All Cells, then wait until no cell is queued or running."""
    run(page, lambda: menu(page, "Run", "runmenu:run-all"))


PROMPTS = (f"() => [...document.querySelectorAll('{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt')]"
           ".map(e => e.textContent)")
STARTED = ("before => { const p = (" + PROMPTS + ")();"
           " return p.some((t, i) => t !== before[i] && (t.includes('*') || /\\[\\d+\\]/.test(t))); }")


def prompts(page):
    return page.evaluate(PROMPTS)


def start(page, action, what="the run"):
    """Do `action` (a click or key press that runs cells) until some code cell shows it started:
    its prompt turns to "[*]" or to a new execution count. A click before the kernel is attached,
    or one the page lost, starts nothing, so the action is repeated."""
    before = prompts(page)
    for _ in range(ATTEMPTS):
        action()
        try:
            page.wait_for_function(STARTED, arg=before, timeout=START_MS)
            return
        except PlaywrightTimeout:
            pass
    raise AssertionError(f"{what} did not start after {ATTEMPTS} attempts: prompts {before[:5]}…")


def run(page, action):
    """Start a run with `action` (repeated if nothing starts) and wait until it is done."""
    start(page, action)
    wait_until_executed(page)


def wait_until_executed(page, stall=STALL_MS):
    """Wait until some code cell has run and none is queued or running ("[*]"). Fails only when
    nothing changes for `stall` ms, however long the whole run takes on a busy machine."""
    last, changed = None, time.monotonic()
    while True:
        shown = prompts(page)
        busy = [i for i, p in enumerate(shown) if "*" in p]
        if not busy and any(re.search(r"\[\d+\]", p) for p in shown):
            break
        if shown != last:
            last, changed = shown, time.monotonic()
        elif time.monotonic() - changed > stall / 1000:
            raise AssertionError(f"code cells {busy[:5]} (of {len(shown)}) still running, "
                                 f"nothing changed for {stall // 1000} s")
        page.wait_for_timeout(250)
    wait_idle(page)


def select_cell(page, cell):
    cell.locator(".jp-InputPrompt").click()


def replace_code(page, cell, code):
    """Put `code` into a code cell as a student would: click into it, select all, type over it."""
    cell.locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text(code)  # as typed, without the editor's auto-indent and bracket closing


def run_cell(page, cell):
    """Run one cell (Ctrl+Enter) and return the text of its outputs."""
    prompt = cell.locator(".jp-InputArea-prompt")
    before = prompt.text_content()  # "[ ]:", or "[12]:" when the cell ran before

    def ctrl_enter():
        select_cell(page, cell)
        page.keyboard.press("ControlOrMeta+Enter")

    start(page, ctrl_enter, "the cell")
    page.wait_for_function("([p, before]) => /\\[\\d+\\]/.test(p.textContent) && p.textContent !== before",
                           arg=[prompt.element_handle(), before], timeout=STALL_MS)  # a new count: this run is done
    wait_idle(page)
    return cell.locator(".jp-OutputArea").inner_text()


def save(page):
    page.keyboard.press("ControlOrMeta+s")
    page.wait_for_function("() => !document.querySelector('.lm-TabBar-tab.lm-mod-current.jp-mod-dirty')")


def plain(text):
    return " ".join(text.split())


def phrase(markdown, lang):
    """A piece of a markdown cell's text that appears verbatim once rendered (or None).

    Chinese: the first run of 4+ Chinese characters; English: the first run of 3+ plain words.
    Code, math, link targets and HTML are left out first, since they do not render as written."""
    text = re.sub(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\]\([^)]*\)|<[^>]+>", " ", markdown, flags=re.S)
    pattern = r"[\u4e00-\u9fff]{4,}" if lang == "zh" else r"[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}"
    found = re.search(pattern, text)
    return found.group(0) if found else None


def has_math(markdown):
    text = re.sub(r"```.*?```|`[^`]*`", " ", markdown, flags=re.S)
    return re.search(r"\$[^$\s][^$]*\$", text) is not None


def rendered_cells(page, nb):
    """What each cell of the open notebook shows: text (without code and typeset math), and its
    count of typeset formulas and of MathJax errors. Waits for MathJax to typeset every cell
    whose markdown has math."""
    with_math = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and has_math(c.source)]
    page.wait_for_function(
        f"ids => {{ const cells = document.querySelectorAll('{NOTEBOOK} .jp-Cell');"
        " return ids.every(i => cells[i].querySelector('mjx-container')); }", arg=with_math)
    shown = page.evaluate(
        f"() => [...document.querySelectorAll('{NOTEBOOK} .jp-Cell')].map(cell => {{"
        "  const md = cell.querySelector('.jp-RenderedMarkdown'); if (!md) return null;"
        "  const copy = md.cloneNode(true);"
        "  copy.querySelectorAll('code, pre, mjx-container').forEach(x => x.remove());"
        "  const prose = copy.cloneNode(true); prose.querySelectorAll('blockquote').forEach(x => x.remove());"
        "  return {text: copy.textContent, prose: prose.textContent, math: md.querySelectorAll('mjx-container').length,"
        "          errors: md.querySelectorAll('mjx-merror').length}; })")
    for cell in shown:
        if cell:
            cell["text"] = plain(cell["text"])
            # The cell's own words: quotations (a blockquote, "…" or “…”) may be in the other language.
            cell["prose"] = re.sub(r'"[^"]*"|“[^”]*”', "", plain(cell["prose"]))
    return shown


def hide_sidebar(page):
    """Fold the left sidebar (file browser) away, as a user does by clicking its open tab."""
    left = page.locator("#jp-left-stack")
    if left.is_visible():
        page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
        left.wait_for(state="hidden")


def screenshot(page, path, target=None, block="start"):
    """A PNG of the page without the left sidebar, `target` scrolled into view; returns its size."""
    hide_sidebar(page)
    if target is not None:
        target.evaluate("(e, block) => { e.scrollIntoView({block}); e.ownerDocument.scrollingElement.scrollLeft = 0; }",
                        block)
    page.wait_for_timeout(300)  # let the layout settle after scrolling
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path.stat().st_size
