"""The adversarial corpus (tests/adversarial/cases.py), graded as one class by `python -m course grade`
with the sandbox on (and one case again by plain `nbgrader autograde`): the batch completes, no
cheat earns a point, honest cells keep theirs, and the witness, the gradebook and the machine are
untouched."""
import contextlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from adversarial.cases import ASSIGNMENT, CASES, SEQUENCE, Context, write_case
from classroom import GRADER_USER, scores, unprivileged
from conftest import cgroup_folders
from course.sandbox import SandboxUnavailable, require_sandbox

pytestmark = pytest.mark.xdist_group("adversarial")
WITNESS = "witness"
PLAIN = "leave-behind-nbgrader"  # the leave-behind case again, graded by plain `nbgrader autograde`
# Per cell, for this run only: the looping cases end sooner. Wall-clock (nbgrader's Execute.timeout),
# so generous for a loaded machine: the longest honest cell of 01_softmax needs 0.65 s of CPU.
TIMEOUT = 10
CALL_BUDGET = 30  # seconds of calls into the kernel per notebook, for this run only
CELL_BUDGET = 30  # seconds of the notebook's own code cells, for this run only


def sandbox_missing():
    try:
        require_sandbox()
    except SandboxUnavailable as problem:
        return str(problem)
    return None


def graders():
    """Who grades the corpus: as root the sandbox's processes are capped by a cgroup, as an ordinary
    user by RLIMIT_NPROC; both must hold (the ordinary user grades the cases of BY_WHO)."""
    return ["root", "unprivileged"] if os.geteuid() == 0 else ["user"]


class Grader:
    """`python -m course grade` (or plain `nbgrader`) on one course copy, as root or as the unprivileged
    user, with its own TMPDIR `tmp`: what it leaves there (tf-worker-*, tf-forks-*, tf-kernel-*,
    tf-check-*) is its own, whatever else runs on the machine or in the other xdist worker."""

    def __init__(self, course, tmp, prefix=()):
        self.course, self.tmp, self.prefix = course, tmp, list(prefix)
        self.made = set()  # the names of the folders it made there: its cgroups bear them

    def __call__(self, *args):
        return self.run("course", "grade", ASSIGNMENT, "--course", str(self.course), *args)

    def nbgrader(self, *args):
        """Plain `nbgrader` in the course folder: its kernels are SandboxedKernelManager's, not forked."""
        return self.run("nbgrader", *args)

    def run(self, module, *args):
        if self.prefix:  # everything the test wrote becomes the grader's
            for path in (self.course, self.tmp):
                subprocess.run(["chown", "-R", f"{GRADER_USER}:{GRADER_USER}", str(path)], check=True)
        done = threading.Event()

        def watch():
            while not done.wait(0.05):
                with contextlib.suppress(OSError):
                    self.made.update(p.name for p in [*self.tmp.glob("tf-*"), *self.tmp.glob("tf-worker-*/tf-*")])
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            return subprocess.run([*self.prefix, sys.executable, "-m", module, *args], cwd=self.course,
                                  capture_output=True, text=True, timeout=1800,
                                  env=dict(os.environ, TMPDIR=str(self.tmp)))
        finally:
            done.set()
            watcher.join()


class Listener:
    """A TCP server on the grader's machine that counts who got through to it."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port, self.connections = self.server.getsockname()[1], 0
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                self.server.accept()[0].close()
            except OSError:
                return
            self.connections += 1


def grade_cells(course):
    with sqlite3.connect(course / "gradebook.db") as db:
        return sorted(db.execute("select b.name, g.max_score from grade_cells g join base_cell b on b.id = g.id")), \
            sorted(db.execute("select name, source, checksum from source_cell"))


@pytest.fixture(scope="module")
def graders_tmp():
    """Short and in the system's temp folder: kernels' Unix socket paths must stay under 108 bytes."""
    folder = Path(tempfile.mkdtemp(prefix="pytest-graders-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


# The cases whose defence depends on who grades (as root: cgroups, and permissions that do not bind
# root; as an ordinary user: rlimits and file modes): processes that outlive or hunt the kernel, memory,
# the sandbox's walls and files the vetting reads. The others (values, notebook structure, time) meet
# the same code either way and are graded as root only.
BY_WHO = {"loop-ignoring-sigint", "kill-all", "leave-behind", "kernel-json-hijack", "fork-bomb", "memory-bomb",
          "numpy-memory-bomb", "memory-hog", "huge-line", "many-parts", "fill-dev-shm", "write-gradebook",
          "read-hidden-tests", "other-student", "grader-env", "grader-home", "network", "symlink-notebook",
          "symlink-extra-file", "hardlink-extra-file", "fifo-notebook", "folder-notebook", "leave-ipc", "look-for-ipc"}


def cases_for(who):
    return [case for case in CASES if who != "unprivileged" or case.name in BY_WHO]


BY_GRADER = pytest.mark.parametrize("who", graders())


@pytest.fixture(scope="module")
def corpora(built_course, graders_tmp):
    """corpora(who): the corpus graded by `who` (graders()), once per module; a failed or skipped
    grading is raised again to every test that asks for it."""
    graded, folders = {}, []

    def get(who):
        if who not in graded:
            try:
                problem = sandbox_missing()
                if problem:
                    pytest.skip(problem)
                folders.append(Path(tempfile.mkdtemp(prefix="adversarial-")))  # in /tmp: reachable by GRADER_USER
                prefix = unprivileged(folders[-1]) if who == "unprivileged" else ()
                graded[who] = graded_corpus(built_course(folders[-1] / "course", [ASSIGNMENT]), graders_tmp, prefix,
                                            cases_for(who))
            except BaseException as problem:
                graded[who] = problem
        if isinstance(graded[who], BaseException):
            raise graded[who]
        return graded[who]
    yield get
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def graded_corpus(course, graders_tmp, prefix, cases):
    grade = Grader(course, graders_tmp, prefix)
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.Execute.timeout = {TIMEOUT}\nc.TrustedExecute.call_budget = {CALL_BUDGET}\n"
                     f"c.TrustedExecute.cell_budget = {CELL_BUDGET}\n")
    listener = Listener()
    ctx = Context(str(course), listener.port, WITNESS)

    write_case(course, WITNESS, ASSIGNMENT, ctx.source)
    first = grade("--student", WITNESS)
    assert first.returncode == 0, first.stderr[-3000:]
    before = scores(course, ASSIGNMENT)[WITNESS]
    cells_before = grade_cells(course)

    for case in cases:
        write_case(course, case.name, ASSIGNMENT, case.build(ctx))
    start = time.monotonic()
    run = grade("--force", "--jobs", "2")
    seconds = time.monotonic() - start
    summary = json.loads((course / "reports" / ASSIGNMENT / "summary.json").read_text())
    after = scores(course, ASSIGNMENT)
    # Then the worst of them again, each right before the witness, by a single worker.
    sequence = grade("--force", "--jobs", "1", "--student", *SEQUENCE, WITNESS)
    # And the process it leaves behind under plain `nbgrader autograde`, in the same sandbox (its own student).
    forked = set(grade.made)
    write_case(course, PLAIN, ASSIGNMENT, next(case for case in CASES if case.name == "leave-behind").build(ctx))
    plain = grade.nbgrader("autograde", ASSIGNMENT, "--student", PLAIN)
    return dict(course=course, tmp=graders_tmp, made=grade.made, ctx=ctx, run=run, seconds=seconds, listener=listener,
                plain=plain, plain_made=grade.made - forked, cases=cases,
                before=before, cells_before=cells_before, after=after, sequence=sequence,
                witness_after=scores(course, ASSIGNMENT)[WITNESS],
                outcomes={o["student"]: o for o in summary["submissions"]})


def graded_outputs(course, student):
    """Everything the graded notebooks of a student show as output (not their source)."""
    outputs = []
    for path in (course / "autograded" / student).glob("*/*.ipynb"):
        outputs += [json.dumps(o) for c in json.loads(path.read_text()).get("cells", []) for o in c.get("outputs", [])]
    return "\n".join(outputs)


@BY_GRADER
def test_the_batch_completes(corpora, who):
    corpus = corpora(who)
    assert corpus["run"].returncode == 0, corpus["run"].stderr[-3000:]
    assert set(corpus["outcomes"]) == {case.name for case in corpus["cases"]} | {WITNESS}
    print(f"\ncorpus of {len(corpus['cases'])} graded in {corpus['seconds']:.0f} s")


def test_the_corpus_is_big_enough():
    kinds = {case.kind for case in CASES}
    assert len(CASES) >= 30 and kinds == {"cheat", "harmless", "killer", "survives", "rejected", "limit"}


def test_the_cases_graded_by_both_users_are_cases():
    """BY_WHO names cases: a renamed case would silently leave the ordinary user's run, and the
    sequence graded after the corpus must find its students in that run too."""
    names = {case.name for case in CASES}
    assert BY_WHO <= names and set(SEQUENCE) <= BY_WHO, (BY_WHO - names, set(SEQUENCE) - BY_WHO)


@pytest.mark.parametrize("who, case", [(who, case) for who in graders() for case in cases_for(who)],
                         ids=lambda value: getattr(value, "name", value))
def test_case(corpora, who, case):
    corpus = corpora(who)
    ctx, grades, honest = corpus["ctx"], corpus["after"].get(case.name, {}), corpus["before"]
    earned = {test: grades.get(test, (0, None))[0] or 0 for test in ctx.tests}
    full = {test: earned[test] == honest[test][0] for test in ctx.tests}  # what the honest notebook earns
    outcome = corpus["outcomes"][case.name]
    if case.reason:
        assert any(reason.startswith(case.reason) for reason in outcome["reasons"]), outcome["reasons"]
    assert "BREACH" not in graded_outputs(corpus["course"], case.name), case.what
    sizes = [p.stat().st_size for p in (corpus["course"] / "autograded" / case.name).glob("*/*.ipynb")]
    assert max(sizes, default=0) < 2 * 2**20, f"output was not capped: {sizes}"
    assert not course_files_returned(corpus["course"], case.name)
    if case.kind == "cheat":
        assert all(earned[t] == 0 for t in ctx.attacked), f"{case.name} earned {earned}"
        if case.honest == "kept":
            assert all(full[t] for t in ctx.tests if t not in ctx.attacked), f"honest cells lost points: {grades}"
    elif case.kind == "harmless":
        assert all(full.values()), f"{case.name}: {grades} {outcome['reasons']}"
    elif case.kind == "limit":  # README, "does not guarantee": the kernel's reports can be forged
        assert all(full[t] for t in ctx.attacked), f"{case.name}: {grades}"
    elif case.kind in ("killer", "survives"):
        assert full[ctx.tests[0]], f"a test before the attack lost points: {grades}"
        if case.kind == "killer":
            assert not any(earned[t] for t in ctx.tests[1:]), grades
            assert outcome["reasons"], "the reason is recorded"
    else:
        assert not any(earned.values()) and outcome["reasons"], (grades, outcome)


def course_files_returned(course, student):
    """Files of the course (the gradebook, a source notebook) among what grading wrote for a student."""
    sources = {p.read_bytes() for p in (course / "source").rglob("*.ipynb")}
    found = []
    for folder in ("autograded", "feedback"):
        for path in (course / folder / student).rglob("*"):
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                if data in sources or data.startswith(b"SQLite format 3"):
                    found.append(str(path))
    return found


@BY_GRADER
def test_witness_is_untouched(corpora, who):
    corpus = corpora(who)
    assert corpus["sequence"].returncode == 0, corpus["sequence"].stderr[-3000:]
    assert corpus["after"][WITNESS] == corpus["before"]
    assert corpus["witness_after"] == corpus["before"], "graded right after an attack, by the same worker"
    assert not list((corpus["course"] / "autograded" / WITNESS).rglob("pwned.txt"))
    assert not list((corpus["course"] / "submitted" / WITNESS).rglob("pwned.txt"))


@BY_GRADER
def test_gradebook_is_consistent(corpora, who):
    corpus = corpora(who)
    course = corpus["course"]
    with sqlite3.connect(course / "gradebook.db") as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
        assert db.execute("select count(*) from grade where manual_score is not null").fetchone() == (0,)
    assert grade_cells(course) == corpus["cells_before"]


@BY_GRADER
def test_no_connection_got_out(corpora, who):
    corpus = corpora(who)
    assert corpus["listener"].connections == 0


def using(pid, paths):
    """What process `pid` is, if its command line or working folder is in one of `paths`, else None."""
    proc = Path("/proc") / str(pid)
    try:
        cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:  # ended meanwhile
        return None
    try:
        cwd = os.readlink(proc / "cwd")
    except OSError:
        cwd = ""
    return f"{pid}: {cmdline[:300]} (in {cwd})" if any(p in cmdline or p in cwd for p in paths) else None


@BY_GRADER
def test_nothing_is_left_running(corpora, who, before_session):
    """No process, private folder or cgroup of the graders (`course grade`, and plain `nbgrader
    autograde` of one submission) outlives the run: bwrap (its binds name the graders' folders), fork
    servers and kernels (they work in those folders) and whatever they started. The graders' folders
    are in their own TMPDIR. Their cgroups are named after those folders (tf-kernel-*, tf-forks-*):
    a cgroup new since the session started is theirs if one of its processes is, or if it is empty
    and bears the name of a folder they made (the cgroup of a test's grader running beside this one,
    elsewhere, can be empty for a moment)."""
    corpus = corpora(who)
    tmp, course = corpus["tmp"], corpus["course"]
    assert any(name.startswith("tf-forks-") for name in corpus["made"]), f"the graders did not use their TMPDIR: {corpus['made']}"
    assert corpus["plain"].returncode == 0, corpus["plain"].stderr[-3000:]
    assert any(name.startswith("tf-kernel-") for name in corpus["plain_made"]), \
        f"plain nbgrader's kernel did not use its TMPDIR: {corpus['plain_made']}"
    paths = [str(tmp), str(course)]
    folders = sorted(p.name for p in tmp.iterdir())
    processes = [found for pid in Path("/proc").iterdir() if pid.name.isdigit()
                 and int(pid.name) not in before_session["pids"] | {os.getpid()}
                 for found in [using(pid.name, paths)] if found]
    cgroups = []
    for cgroup in sorted(cgroup_folders() - before_session["cgroups"]):
        try:
            pids = (cgroup / "cgroup.procs").read_text().split()
        except OSError:  # removed meanwhile
            continue
        if any(using(pid, paths) for pid in pids) or (not pids and cgroup.name in corpus["made"]):
            cgroups.append(str(cgroup))
    assert not (folders or processes or cgroups), f"left behind: folders {folders}, processes {processes}, cgroups {cgroups}"
