"""A class on JupyterHub, in a real browser: release, fetch, submit, collect, grade, feedback, export,
with the isolation between students checked on the way.

The hub runs as `make hub` runs it (hub/jupyterhub_config.py, configurable-http-proxy from
hub/node_modules, PAM logins) on 127.0.0.1, for three Unix users of its own that hub/setup.py
makes (idempotent; their homes are emptied first) and an exchange in a temporary folder under
/srv. The instructor works in a terminal (runuser, with the environment the hub gives their
JupyterLab); the students in Debian's Chromium, driven by Playwright. Everything the test starts
(hub, proxy, user servers) is stopped at the end, and the temporary folder removed.
"""
import csv
import io
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import psutil
import pytest

from browser_helpers import (CHROMIUM_ARGS, NOTEBOOK, chromium, free_port, menu, replace_code, run_cell, save,
                             screenshot, select_cell, wait_until_executed)
from classroom import hidden_lines
from course import ROOT
from course.sample_class import grade_id

sys.path.insert(0, str(ROOT / "hub"))
from settings import COURSE_FOLDER, COURSE_ID, user_environment  # noqa: E402

pytestmark = pytest.mark.xdist_group("hub")

INSTRUCTOR, A, B = "tfhub-teacher", "tfhub-a", "tfhub-b"  # throw-away users of this test only
USERS = (INSTRUCTOR, A, B)
ASSIGNMENT, NOTEBOOK_FILE = "01_softmax", "softmax.ipynb"
PROXY = ROOT / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
SAMPLES = ROOT / "samples" / ASSIGNMENT / "softmax"
CORRECT = (SAMPLES / "correct_logsumexp.py").read_text()
MISTAKE = (SAMPLES / "wrong_sum_without_keepdims.py").read_text()  # a classic: sum without keepdims
SCREEN_BUDGET = 300_000


def why_skip():
    if os.geteuid() != 0:
        return ("not root: the hub's students are real Unix users the set-up creates (useradd) / "
                "非root：班级的学生是需要创建的Unix用户")
    if chromium() is None:
        return "Chromium not found: `make system-packages` as root / 未找到Chromium"
    if not PROXY.exists():
        return ("configurable-http-proxy not installed: `make setup` runs `npm ci` in hub/ (needs npm and the npm "
                "registry) / 未安装configurable-http-proxy")
    missing = [tool for tool in ("setfacl", "runuser", "useradd", "chpasswd", "bwrap") if not shutil.which(tool)]
    if missing:
        return f"missing tools / 缺少工具: {' '.join(missing)} (`make system-packages`)"
    return None


def users_processes():
    found = []
    for process in psutil.process_iter(["username"]):
        if process.info["username"] in USERS:
            found.append(process)
    return found


def stop(processes):
    for process in processes:
        try:
            process.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(processes, timeout=15)
    for process in alive:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=5)


class Hub:
    def __init__(self, base):
        self.base = base
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = {"instructor": INSTRUCTOR, "students": [A, B], "exchange": str(base / "exchange"),
                       "state": str(base / "state"), "port": self.port}
        self.env = dict(os.environ, TF_HUB_INSTRUCTOR=INSTRUCTOR, TF_HUB_STUDENTS=f"{A} {B}",
                        TF_HUB_EXCHANGE=self.config["exchange"], TF_HUB_STATE=self.config["state"],
                        TF_HUB_PORT=str(self.port), TF_HUB_API_PORT=str(free_port()),
                        TF_HUB_PROXY_API_PORT=str(free_port()))
        self.course = Path(pwd.getpwnam(INSTRUCTOR).pw_dir) / COURSE_FOLDER if self.exists(INSTRUCTOR) else None
        self.exchange = Path(self.config["exchange"]) / COURSE_ID
        self.process = None
        self.started = []

    @staticmethod
    def exists(user):
        try:
            pwd.getpwnam(user)
            return True
        except KeyError:
            return False

    def set_up(self):
        stop(users_processes())  # a previous run's servers, if it was killed
        for user in USERS:  # a fresh class: empty homes (the set-up puts the course copy back)
            if self.exists(user):
                home = Path(pwd.getpwnam(user).pw_dir)
                for entry in home.iterdir() if home.is_dir() else ():
                    shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        subprocess.run([sys.executable, str(ROOT / "hub" / "setup.py"), "--instructor", INSTRUCTOR,
                        "--students", A, B, "--exchange", self.config["exchange"], "--state", self.config["state"]],
                       check=True, capture_output=True, text=True, env=self.env)
        self.course = Path(pwd.getpwnam(INSTRUCTOR).pw_dir) / COURSE_FOLDER
        # The set-up gives only the users it creates a password; these are the test's own: new ones each run.
        self.passwords = {user: secrets.token_urlsafe(12) for user in USERS}
        subprocess.run(["chpasswd"], input="".join(f"{u}:{p}\n" for u, p in self.passwords.items()), text=True,
                       check=True)

    def start(self):
        self.log = open(self.base / "jupyterhub.log", "w")
        self.process = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f", "jupyterhub_config.py"],
                                        cwd=ROOT / "hub", env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api/", timeout=5):
                    break
            except OSError:
                time.sleep(0.3)  # polling the hub's API until it answers
        else:
            raise RuntimeError(f"the hub did not start:\n{self.log_text()}")
        self.started = psutil.Process(self.process.pid).children(recursive=True)  # the proxy

    def log_text(self):
        return (self.base / "jupyterhub.log").read_text()[-5000:]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the hub stops the user servers and the proxy
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        stop([p for p in self.started if p.is_running()] + users_processes())
        if self.process:
            self.log.close()

    def as_user(self, user, *command, cwd=None, check=True):
        """Run a command as `user`, in the environment the hub gives their JupyterLab's terminals."""
        env = user_environment(user, self.config, Path(sys.executable).parent)
        home = pwd.getpwnam(user).pw_dir
        env.update(HOME=home, USER=user, LOGNAME=user)
        result = subprocess.run(["runuser", "-u", user, "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()],
                                 *command], cwd=cwd or home, capture_output=True, text=True, timeout=600)
        if check and result.returncode:
            raise AssertionError(f"{user}: {' '.join(command)} failed ({result.returncode}):\n"
                                 f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result

    def instructor(self, *command, check=True):
        return self.as_user(INSTRUCTOR, *command, cwd=self.course, check=check)


@pytest.fixture(scope="module")
def hub():
    reason = why_skip()
    if reason:
        pytest.skip(reason)
    Path("/srv").mkdir(exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="tf-hub-test-", dir="/srv"))
    base.chmod(0o755)  # the users reach the exchange inside
    running = Hub(base)
    try:
        running.set_up()
        running.start()
        yield running
    finally:
        running.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium_browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        yield chromium_browser
        chromium_browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = os.environ.get("COURSE_SCREENSHOTS")
    return Path(folder) if folder else tmp_path_factory.mktemp("hub-screenshots")


# ---------------------------------------------------------------- a student in the browser
def log_in(browser, hub, user):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", hub.passwords[user])
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf"/user/{user}/lab"), timeout=180_000)  # the hub spawned their server
    page.locator("#jp-main-dock-panel").wait_for()
    return context, page


def api(page, hub, user, path):
    """(status, body) of GET /user/<user>/api/<path>, from the page, with the user's own login."""
    return page.evaluate(
        """async url => { const x = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || '';
             const r = await fetch(url, {headers: {'X-XSRFToken': x}}); return [r.status, await r.text()]; }""",
        f"{hub.url}/user/{user}/api/{path}")


def assignments_tab(page):
    menu(page, "Nbgrader", "nbgrader:open-assignment-list")
    page.locator("#nbgrader-assignment-list").wait_for()


def row(page, listing, assignment=ASSIGNMENT):
    return page.locator(f"#{listing}_assignments_list > .list_item", has_text=assignment)


def click_and_wait(page, listing, label, then):
    """Click the assignment's button in one list of the Assignments tab; wait for it in another."""
    row(page, listing).locator("button", has_text=label).click()
    row(page, then).wait_for(timeout=120_000)


def answer(page, hub, user, code, check):
    """Open the fetched notebook, put `code` in the softmax cell, run it (and its visible check), save."""
    nb = nbformat.read(ROOT / "release" / ASSIGNMENT / NOTEBOOK_FILE, as_version=4)
    page.goto(f"{hub.url}/user/{user}/lab/tree/{ASSIGNMENT}/{NOTEBOOK_FILE}?reset")
    cells = page.locator(f"{NOTEBOOK} .jp-Cell")
    page.wait_for_function(f"n => document.querySelectorAll('{NOTEBOOK} .jp-Cell').length === n", arg=len(nb.cells))
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']"
                 ).wait_for(timeout=120_000)
    solution = next(i for i, c in enumerate(nb.cells) if grade_id(c) == "softmax")
    visible = next(i for i, c in enumerate(nb.cells) if (grade_id(c) or "").startswith("test_softmax_")
                   and "passed(" in c.source)
    replace_code(page, cells.nth(solution), code)
    output = None
    if check:
        select_cell(page, cells.nth(solution))
        menu(page, "Run", "notebook:run-all-above")  # the set-up and lesson cells before the exercise
        wait_until_executed(page)
        assert "Error" not in run_cell(page, cells.nth(solution))
        output = run_cell(page, cells.nth(visible))
    save(page)
    return output


def validate(page):
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .validate-button").click()
    dialog = page.locator(".nbgrader-SuccessDialog, .nbgrader-ErrorDialog")
    dialog.wait_for(timeout=120_000)
    text = dialog.inner_text()
    dialog.locator("button.jp-Dialog-button").click()
    return text


def fetch_and_submit(page, hub, user, code, check, shots=None):
    page.goto(f"{hub.url}/user/{user}/lab?reset")
    assignments_tab(page)
    click_and_wait(page, "released", "Fetch", then="fetched")
    output = answer(page, hub, user, code, check)
    validated = validate(page) if check else None
    assignments_tab(page)
    click_and_wait(page, "fetched", "Submit", then="submitted")
    if shots:
        page.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT).first.wait_for()
        shot(page, shots, "hub-assignments.png", page.locator("#nbgrader-assignment-list"))
    return output, validated


def shot(page, shots, name, target=None):
    size = screenshot(page, shots / name, target)
    assert size < SCREEN_BUDGET, f"{name} is {size} bytes"


def fetch_feedback(page, hub, user):
    """Fetch Feedback in the Assignments tab; return the feedback page's text (it is left open)."""
    page.goto(f"{hub.url}/user/{user}/lab?reset")
    assignments_tab(page)
    row(page, "submitted").locator("button", has_text="Fetch Feedback").click()
    row(page, "submitted").locator("a", has_text="view feedback").wait_for(timeout=120_000)
    status, body = api(page, hub, user, f"contents/{ASSIGNMENT}/feedback")
    assert status == 200, body
    (folder,) = [entry["name"] for entry in json.loads(body)["content"]]
    page.goto(f"{hub.url}/user/{user}/files/{ASSIGNMENT}/feedback/{folder}/{NOTEBOOK_FILE[:-6]}.html")
    page.locator("body").wait_for()
    return page.locator("body").inner_text()


def in_terminal(page, hub, user, command, timeout=300):
    """Type `command` into a new terminal of the user's JupyterLab; wait until it has finished.

    Returns its exit status and output, which the command line itself writes to files in the home."""
    home = Path(pwd.getpwnam(user).pw_dir)
    status, output = home / ".terminal-status", home / ".terminal-output"
    for path in (status, output):
        path.unlink(missing_ok=True)
    page.goto(f"{hub.url}/user/{user}/lab?reset")  # a fresh workspace opens on the launcher
    with page.expect_websocket(lambda ws: "/terminals/websocket/" in ws.url) as connecting:
        page.locator(".jp-LauncherCard", has_text="Terminal").click()
    # The shell is there once its first output (the prompt) came through the terminal's websocket.
    connecting.value.wait_for_event("framereceived", predicate=lambda payload: "stdout" in str(payload))
    screen = page.locator(".jp-Terminal .xterm-screen")
    screen.click()
    page.keyboard.type(f"({command}) > {output} 2>&1; echo $? > {status}\n")
    deadline = time.monotonic() + timeout
    while not (status.exists() and status.read_text().strip()):  # the command line's own signal
        assert time.monotonic() < deadline, f"the terminal command did not finish in {timeout} s"
        time.sleep(0.5)
    return {"status": status.read_text().strip(), "output": output.read_text()}


def cannot(hub, user, *command):
    result = hub.as_user(user, *command, check=False)
    assert result.returncode != 0, f"{user} could: {' '.join(command)}\n{result.stdout[:500]}"
    return result


# ---------------------------------------------------------------- the round trip
def test_class_round_trip_on_the_hub_with_students_kept_apart(hub, browser, shots):
    # 1. The instructor releases the assignment (as in their JupyterLab's terminal: runuser, same environment),
    # with the table of classic mistakes the students' checks name (`course build` writes it from samples/).
    hub.instructor("python", "-m", "course", "build", ASSIGNMENT)
    hub.instructor("nbgrader", "release_assignment", ASSIGNMENT)
    assert (hub.exchange / "outbound" / ASSIGNMENT / "mistakes.json").is_file()

    # 2. Student A: logs in, fetches, writes a correct softmax, runs the visible check, validates, submits.
    context_a, page_a = log_in(browser, hub, A)
    output, validated = fetch_and_submit(page_a, hub, A, CORRECT, check=True, shots=shots)
    assert "✓ 通过 / passed" in output and "Error" not in output, output
    # Validate lists what is still unfinished (the other two exercises), in both languages.
    assert "请完成这个函数 / implement this function" in validated, validated

    # 3. Student B submits a classic mistake, which the visible check names, in both languages.
    context_b, page_b = log_in(browser, hub, B)
    output, _ = fetch_and_submit(page_b, hub, B, MISTAKE, check=True)
    assert "求和时没有keepdims=True" in output and "the sum lacks keepdims=True" in output, output

    # Isolation: B cannot read A's submission, through the contents API or in a terminal.
    inbound = hub.exchange / "inbound"
    (submission_a,) = [p for p in inbound.iterdir() if p.name.startswith(f"{A}+{ASSIGNMENT}+")]
    cannot(hub, B, "ls", str(inbound))
    cannot(hub, B, "cat", str(submission_a / NOTEBOOK_FILE))
    cannot(hub, B, "cat", str(submission_a / "submission_secret.txt"))
    cannot(hub, B, "mv", str(submission_a), str(inbound / f"{B}+{ASSIGNMENT}+taken"))  # inbound's sticky bit
    hub.as_user(B, "ln", "-s", str(submission_a), "peek")  # a link in B's home to A's submission
    status, _ = api(page_b, hub, B, f"contents/peek/{NOTEBOOK_FILE}")
    assert status in (403, 404, 500), f"the contents API let B read A's submission ({status})"
    status, _ = api(page_b, hub, B, "contents/..%2F..%2F" + str(submission_a).lstrip("/").replace("/", "%2F"))
    assert status in (400, 403, 404), status
    # … nor the gradebook or source/ (the instructor's course directory), in a terminal or the API.
    cannot(hub, B, "cat", str(hub.course / "gradebook.db"))
    cannot(hub, B, "ls", str(hub.course / "source"))
    hub.as_user(B, "ln", "-s", str(hub.course), "course")
    status, _ = api(page_b, hub, B, "contents/course/source")
    assert status in (403, 404, 500), f"the contents API showed B source/ ({status})"
    # … nor, in the checkout the hub runs from, the answers and hidden tests (source/, samples/, .git),
    # nor what is made there later (as the demo's gradebook.db is), though its servers run from it.
    later = ROOT / f"tf-hub-probe-{secrets.token_hex(4)}"
    later.mkdir(mode=0o755)  # open to others by its mode, as a folder `make demo` makes
    try:
        (later / "gradebook.db").write_text("made after the set-up")
        for path in (ROOT / "source" / ASSIGNMENT / NOTEBOOK_FILE, ROOT / "samples" / ASSIGNMENT / "mistakes.toml",
                     later / "gradebook.db", *[ROOT / ".git" / "HEAD"] * (ROOT / ".git").is_dir()):
            assert path.exists(), path
            cannot(hub, B, "cat", str(path))
        cannot(hub, B, "ls", str(ROOT / "source"))
    finally:
        shutil.rmtree(later)
    # … and cannot submit in A's name: refused by the exchange, and a planted folder is not collected.
    refused = cannot(hub, B, "nbgrader", "submit", ASSIGNMENT, "--student", A)
    assert "only as yourself" in refused.stdout + refused.stderr, refused.stderr[-2000:]
    forged = inbound / f"{A}+{ASSIGNMENT}+2099-01-01 00:00:00.000000 UTC+forged"
    hub.as_user(B, "mkdir", str(forged))
    hub.as_user(B, "cp", str(Path(pwd.getpwnam(B).pw_dir) / ASSIGNMENT / NOTEBOOK_FILE), str(forged))
    hub.as_user(B, "sh", "-c", f"echo 2099-01-01 00:00:00.000000 UTC > '{forged}/timestamp.txt'")

    # … and what B adds to their own submission is collected only as plain files of B's: links to the
    # instructor's gradebook, a source notebook and course folder, and a FIFO are left out.
    (submission_b,) = [p for p in inbound.iterdir() if p.name.startswith(f"{B}+{ASSIGNMENT}+")]
    links = {"gradebook.db": hub.course / "gradebook.db", "answers.ipynb": hub.course / "source" / ASSIGNMENT /
             NOTEBOOK_FILE, "course": hub.course}
    for name, target in links.items():
        hub.as_user(B, "ln", "-s", str(target), str(submission_b / name))
    hub.as_user(B, "mkfifo", "-m", "666", str(submission_b / "pipe"))
    hub.as_user(B, "mkdir", str(inbound / f"{B}+{ASSIGNMENT}+not a time"))  # stopped nbgrader's collect

    # 4. The instructor collects: A's own submission, not B's planted one.
    collected = hub.instructor("nbgrader", "collect", ASSIGNMENT)
    log = collected.stdout + collected.stderr
    assert f"belongs to {B}, not to {A}" in log, collected.stderr[-2000:]
    submitted = hub.course / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == [A, B]
    assert "logsumexp" in (submitted / A / ASSIGNMENT / NOTEBOOK_FILE).read_text(), "A's own notebook was collected"
    collected_b = sorted(p.name for p in (submitted / B / ASSIGNMENT).iterdir())
    assert NOTEBOOK_FILE in collected_b and not set(collected_b) & {*links, "pipe"}, collected_b
    for name in links:
        assert f"{name}: 符号链接，已忽略 / a symbolic link, left out" in log, log[-3000:]
    assert "pipe: 不是普通文件（FIFO），已忽略" in log, log[-3000:]
    assert "not a time" in log and "不是nbgrader的提交" in log, log[-3000:]

    # 5. `course grade` (sandboxed), typed into a terminal of the instructor's JupyterLab.
    context_i, page_i = log_in(browser, hub, INSTRUCTOR)
    graded = in_terminal(page_i, hub, INSTRUCTOR, f"cd ~/{COURSE_FOLDER} && python -m course grade {ASSIGNMENT}")
    assert graded["status"] == "0", graded["output"][-3000:]
    # 6. Feedback released.
    hub.instructor("nbgrader", "release_feedback", ASSIGNMENT)
    feedback_files = list((hub.exchange / "feedback").glob("*.html"))
    assert len(feedback_files) == 2
    readers = []
    for path in feedback_files:  # B cannot read A's feedback (nor A B's): each file is its student's alone
        readers += [user for user in (A, B) if hub.as_user(user, "cat", str(path), check=False).returncode == 0]
    assert sorted(readers) == [A, B], f"readers of the two feedback files: {readers}"

    # 8. The scores, from `nbgrader export`.
    hub.instructor("nbgrader", "export", "--to", "grades.csv")
    scores = {r["student_id"]: float(r["score"]) for r in csv.DictReader(io.StringIO((hub.course / "grades.csv").read_text()))
              if r["assignment"] == ASSIGNMENT}
    assert scores[A] > scores[B] >= 0, (scores, graded["output"][-2000:])

    # 7. Each student fetches feedback: their own score, both languages, no hidden test code.
    hidden = hidden_lines(ROOT, ASSIGNMENT)
    assert hidden
    for user, page in ((A, page_a), (B, page_b)):
        text = fetch_feedback(page, hub, user)
        assert f"学生 / Student: {user}" in text, text[:500]
        assert re.search(rf"得分 / Score: {scores[user]:g} / \d+", text), text[:500]
        assert "BEGIN HIDDEN TESTS" not in text and not [line for line in hidden if line in text]
        assert "隐藏测试，代码不公开 / hidden tests, code not shown" in text
        other = B if user == A else A
        assert other not in text
        if user == A:
            assert "✓ 通过 / passed" in text
            shot(page, shots, "hub-feedback.png")
        else:  # the mistake is named, in both languages: the sum lost its axis
            assert "✗ 未通过 / failed" in text and "✓ 通过 / passed" not in text.split("log_softmax")[0]
            assert "调用softmax(" in text and "Calling softmax(" in text and "could not be broadcast" in text
            assert "的形状不对" in text and "has the wrong shape" in text
            assert "求和时没有keepdims=True" in text and "the sum lacks keepdims=True" in text, "the mistake is not named"
            shot(page, shots, "hub-feedback-mistake.png", page.locator("pre", has_text="has the wrong shape").first)
    context_a.close()
    context_b.close()

    # 8. … and in formgrader, which the instructor has in their JupyterLab.
    page_i.goto(f"{hub.url}/user/{INSTRUCTOR}/formgrader/manage_students")  # what Nbgrader → Formgrader shows
    for user in (A, B):
        row_text = page_i.locator("tr", has_text=user).inner_text()
        assert float(re.search(r"([\d.]+) / [\d.]+", row_text)[1]) == pytest.approx(scores[user], abs=0.01), row_text
    context_i.close()


def test_feedback_is_released_as_notebooks_feedback_under_names_no_two_students_share(tmp_path):
    """hub/exchange.py PrivateReleaseFeedback, run as `nbgrader release_feedback` (no hub: the
    system's own users stand for students). A red team released an .html handed in with 02_sigmoid
    under the name of another student's 01_softmax feedback (the name comes from the notebook and the
    secret the student handed in, theirs copied), and an empty secret stopped the release for the
    students after it. Now: only a notebook's feedback goes out, a name two students would share
    (in this release or an earlier one) goes to neither, and an unusable secret stops no one else."""
    if not shutil.which("setfacl"):
        pytest.skip("setfacl (Debian's acl package) is missing")
    from nbgrader.utils import notebook_hash
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    (course / "source" / ASSIGNMENT / NOTEBOOK_FILE).write_text("{}")
    secrets_of = {"nobody": "copied", "daemon": "copied", "bin": "", "sys": "own", "man": "taken"}
    for student, secret in secrets_of.items():
        folder = course / "feedback" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / "softmax.html").write_text(f"feedback of {student}")
        (folder / "submission_secret.txt").write_text(secret)
    (course / "feedback" / "sys" / ASSIGNMENT / "planted.html").write_text("handed in")
    released = exchange / COURSE_ID / "feedback"
    released.mkdir(parents=True)
    earlier = released / f"{notebook_hash(secret='taken', notebook_id='softmax')}.html"
    earlier.write_text("feedback of games, released before")
    subprocess.run(["setfacl", "-m", "u:games:r", str(earlier)], check=True)
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", "release_feedback", ASSIGNMENT, f"--Exchange.root={exchange}",
         f"--CourseDirectory.root={course}", f"--CourseDirectory.course_id={COURSE_ID}",
         "--ExchangeFactory.release_feedback=hub.exchange.PrivateReleaseFeedback"],
        cwd=tmp_path, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-3000:]
    own = released / f"{notebook_hash(secret='own', notebook_id='softmax')}.html"
    assert sorted(p.name for p in released.iterdir()) == sorted([own.name, earlier.name]), log[-3000:]
    assert own.read_text() == "feedback of sys" and earlier.read_text() == "feedback of games, released before"
    assert "u:sys:r" in subprocess.run(["getfacl", "-c", str(own)], capture_output=True, text=True).stdout.replace(
        "user:", "u:")
    assert log.count("would share its name") == 3 and "planted.html is no notebook's feedback" in log, log[-3000:]


def unit_collect(tmp_path):
    """hub/exchange.py's OwnerCheckedCollect with no hub: an inbound folder under tmp_path, this
    process's user standing for the student; returns it, the inbound folder and the user's name."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    sys.path.insert(0, str(ROOT))
    from hub.exchange import OwnerCheckedCollect

    collect = OwnerCheckedCollect(coursedir=CourseDirectory(root=str(tmp_path / "course"), course_id=COURSE_ID,
                                                            assignment_id=ASSIGNMENT), authenticator=Authenticator())
    collect.inbound_path = str(tmp_path / "exchange" / COURSE_ID / "inbound")
    return collect, Path(collect.inbound_path), pwd.getpwuid(os.getuid()).pw_name


def test_names_a_student_chose_reach_the_instructors_log_as_text(tmp_path, capsys):
    """A name in the inbound folder is the student's to choose: escape sequences in it (erase the line above,
    colour a forged "all clean") reach the instructor's terminal written out, in collect's own lines and in
    nbgrader's."""
    import logging

    collect, inbound, me = unit_collect(tmp_path)
    log = logging.getLogger(f"unit-collect-{secrets.token_hex(4)}")
    log.addHandler(logging.StreamHandler(sys.stderr))
    collect.log, collect.root = log, str(tmp_path / "exchange")
    name = f"{me}+{ASSIGNMENT}+not a time\x1b[2K\x1b[1A\x1b[32mall clean\x1b[0m"
    (inbound / name).mkdir(parents=True)
    (tmp_path / "course").mkdir()
    collect.start()
    logged = capsys.readouterr().err
    assert "Ignoring" in logged and "\x1b" not in logged and "\\x1b[32mall clean" in logged, logged


def test_a_submission_folder_gone_before_it_is_copied_stops_no_one_elses(tmp_path):
    """A student may remove their own inbound folder between collect's listing and its copy
    (nbgrader's owner check then raised FileNotFoundError, and no later student was collected)."""
    collect, inbound, me = unit_collect(tmp_path)
    names = [f"{me}+{ASSIGNMENT}+2024-01-01 00:00:00.000000 UTC", f"{me}+{ASSIGNMENT}+2024-01-02 00:00:00.000000 UTC"]
    for name in names:
        (inbound / name).mkdir(parents=True)
        (inbound / name / NOTEBOOK_FILE).write_text(nbformat.writes(nbformat.v4.new_notebook()))
    collect.src_records = [collect._path_to_record(str(inbound / name)) for name in names]
    for i, record in enumerate(collect.src_records):
        record["username"] += f"-{i}"  # as two students
    shutil.rmtree(inbound / names[0])  # the first is gone after the listing
    collect.copy_files()
    collected = sorted(p.name for p in (tmp_path / "course" / "submitted").iterdir())
    assert collected == [f"{me}-1"], collected


def test_a_submission_is_timed_by_when_it_last_changed_not_by_what_the_student_wrote(tmp_path):
    """nbgrader's late penalty reads the collected timestamp.txt, and which submission is the latest
    (or the last before the due date) goes by the time in the folder's name: both are the student's
    to write, in their own inbound folder, after the due date. Collected, a submission's time is
    when anything in its folder last changed (the latest ctime, set by the kernel alone), both in its
    record and in timestamp.txt: found by a review, a file rewritten in place changes its own ctime,
    not its folder's, and a record timed by its folder's differed from the timestamp.txt written, so
    every `collect --before-duedate` collected every submission again."""
    from nbgrader.utils import parse_utc

    collect, inbound, me = unit_collect(tmp_path)
    from hub.exchange import utc
    forged = "2000-01-01 00:00:00.000000 UTC"
    folder = inbound / f"{me}+{ASSIGNMENT}+{forged}"
    before = utc(time.time() - 1)  # ctime comes from a coarser clock than time.time()
    (folder / "deep").mkdir(parents=True)
    (folder / NOTEBOOK_FILE).write_text(nbformat.writes(nbformat.v4.new_notebook()))
    (folder / "timestamp.txt").mkdir()  # a folder: the collected timestamp.txt takes its place
    data = folder / "deep" / "data.txt"
    data.write_text("written before the due date")
    tree = (folder, folder / "deep", folder / NOTEBOOK_FILE, folder / "timestamp.txt", data)
    for path in tree:  # 2000-01-01 as their modification times too
        os.utime(path, (946684800, 946684800))
    while data.stat().st_ctime <= folder.stat().st_ctime:  # rewritten in place, later than its folder changed
        with open(data, "r+") as file:
            file.write("rewritten after the due date")
    submitted = tmp_path / "course" / "submitted" / me / ASSIGNMENT
    latest = utc(max(path.lstat().st_ctime for path in tree))
    for update, before_duedate in ((False, False), (True, False), (False, True)):  # collected, then kept twice
        collect.update, collect.before_duedate = update, before_duedate
        collect.src_records = [collect._path_to_record(str(folder))]
        assert collect.src_records[0]["timestamp"] == latest > utc(folder.stat().st_ctime), collect.src_records
        collect.copy_files()
        if not update and not before_duedate:
            (submitted / "mark").touch()  # gone if the submission is collected again
        assert (submitted / "mark").exists(), "collected again, unchanged"
    assert parse_utc((submitted / "timestamp.txt").read_text()) == latest >= before
    assert (submitted / "deep" / "data.txt").read_text().startswith("rewritten after the due date")


def test_a_folder_lists_while_the_gradebook_is_written(tmp_path, monkeypatch):
    """jupyter_server lists a folder entry by entry: SQLite's journal, gone between the two looks while a
    class is graded, made the whole folder a 404 ("Directory not found" in the lab). The lab and the hub
    do not list it (course.UNLISTED), and they list the same files."""
    from jupyter_server.services.contents.filemanager import FileContentsManager
    from tornado.web import HTTPError
    from traitlets.config.loader import PyFileConfigLoader

    from course import UNLISTED
    from hub import settings
    (tmp_path / "gradebook.db").write_text("")
    (tmp_path / "gradebook.db-journal").write_text("")
    exists = FileContentsManager.exists
    monkeypatch.setattr(FileContentsManager, "exists", lambda self, path: not path.endswith("-journal")
                        and exists(self, path))  # gone after the folder was read
    with pytest.raises(HTTPError):
        FileContentsManager(root_dir=str(tmp_path)).get("")
    listed = FileContentsManager(root_dir=str(tmp_path), hide_globs=UNLISTED).get("")
    assert [entry["name"] for entry in listed["content"]] == ["gradebook.db"]
    lab = PyFileConfigLoader("jupyter_lab_config.py", path=str(ROOT)).load_config()
    assert lab.ContentsManager.hide_globs == UNLISTED == settings.UNLISTED
