"""`course grade --broker` on Celery: a real Redis (with a password) and a real PostgreSQL on loopback,
two workers as separate processes from separate checkouts of the course (as two machines), and a
third worker whose course differs. One run of a synthetic class of 30 students, during which one
worker is SIGKILLed while it grades and the coordinator is SIGKILLed and started again; then:
the scores equal local grading's, every submission is graded exactly once, the changed worker's
refusals are reported, and the restarted coordinator regraded nothing."""
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from classroom import course_command, course_grade, sandbox_args, scores
from course import ROOT, course_version
from course.distributed import MAX_ATTEMPTS, REFUSED, key, redis_client
from course.kernel_fork import remove_scratch
from course.nbgrader_setup import nbgrader
from course.report import diagnosed_mistakes
from course.simulate import simulate
from course.verdict import INVALID
from test_postgres import free_port, postgres  # noqa: F401 (the PostgreSQL fixture)

pytestmark = pytest.mark.xdist_group("distributed")
ASSIGNMENT = "01_softmax"
STUDENTS = 30
DEADLINE = 120  # c.Limits.worker_deadline (a task's process ends past it): above a notebook on a busy machine


def wait_for(condition, timeout, what):
    """Wait until condition() is true (polled every 0.2 s); fail with `what` after `timeout` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def broker():
    """A throw-away redis-server on 127.0.0.1 with a password; yields its URL."""
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(server).exists():
        pytest.skip("redis-server is not installed (make system-packages) / 未安装redis-server")
    folder, port, password = Path(tempfile.mkdtemp(prefix="tf-redis-")), free_port(), secrets.token_hex(16)
    process = subprocess.Popen([server, "--bind", "127.0.0.1", "--port", str(port), "--requirepass", password,
                                "--dir", str(folder), "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
                               stdout=open(folder / "log", "w"), stderr=subprocess.STDOUT)
    url = f"redis://:{password}@127.0.0.1:{port}/0"
    try:
        client = redis_client(url)
        wait_for(lambda: ping(client), 30, "redis-server to start")
        assert not ping(redis_client(f"redis://127.0.0.1:{port}/0")), "redis accepts clients without the password"
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def ping(client):
    try:
        return client.ping()
    except Exception:
        return False


def checkout(folder, course, change=False):
    """A grading machine's own copy of the course (config, source/, release/) and of the package."""
    shutil.copytree(course, folder, ignore=shutil.ignore_patterns("submitted", "autograded", "feedback",
                                                                 "reports", "gradebook.db"))
    shutil.copytree(ROOT / "course", folder / "course", ignore=shutil.ignore_patterns("__pycache__"))
    if change:  # a machine whose checkout was not updated: one lesson differs
        notebook = next((folder / "source" / ASSIGNMENT).glob("*.ipynb"))
        notebook.write_text(notebook.read_text() + "\n")
    return folder


def start_worker(folder, name, url, db, log, scratch, url_in_env):
    """A worker process in its own session (so that it can be killed with its kernels), with its own
    TMPDIR `scratch` (its scratch folders: what a killed worker leaves is removed afterwards)."""
    return subprocess.Popen(
        [sys.executable, "-m", "course", "worker", *([] if url_in_env else ["--broker", url]), "--db", db,
         "--jobs", "1", "--name", name, "--course", str(folder), *sandbox_args()],
        cwd=folder, env=dict(os.environ, PYTHONPATH=str(folder), TMPDIR=str(scratch), COURSE_BROKER_URL=url),
        stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True)


def start_coordinator(course, url, db, log, *args, url_in_env=False):
    return subprocess.Popen(
        course_command(course, "grade", ASSIGNMENT, "--db", db, *sandbox_args(), *args,
                       "--broker", *([] if url_in_env else [url])),
        stdout=open(log, "w"), stderr=subprocess.STDOUT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), COURSE_BROKER_URL=url))


def heartbeats(client):
    names = list(client.scan_iter(key("worker", "*")))
    return [json.loads(raw) for raw in client.mget(names) if raw] if names else []


def counts(client, kind):
    """{task key: value} of the tf:KIND:* keys (a key deleted between the scan and the read is left out)."""
    names = list(client.scan_iter(key(kind, "*")))
    values = client.mget(names) if names else []
    return {n.decode().split(":")[-1]: v for n, v in zip(names, values) if v is not None}


@pytest.fixture(scope="module")
def run(broker, postgres, tmp_path_factory, built_course):  # noqa: F811
    """The distributed run (see the module's docstring); yields what the tests check."""
    tmp = tmp_path_factory.mktemp("distributed")
    course = built_course(tmp / "course", [ASSIGNMENT])
    with open(course / "nbgrader_config.py", "a") as f:
        f.write(f"\nc.Limits.worker_deadline = {DEADLINE}\n")
    simulate(STUDENTS, seed=1, course=course)
    release = nbgrader("generate_assignment", ASSIGNMENT, "--force", f"--db={postgres}", root=course, check=False)
    assert release.returncode == 0, release.stderr[-3000:]
    client = redis_client(broker)
    machines = {name: checkout(tmp / name, course, change=name == "w3") for name in ("w1", "w2", "w3")}
    assert course_version(machines["w1"]) == course_version(course) != course_version(machines["w3"])
    logs = {name: tmp / f"{name}.log" for name in (*machines, "first", "second", "third")}
    scratch = {name: Path(tempfile.mkdtemp(prefix=f"tf-{name}-")) for name in machines}  # short: socket paths
    workers = {name: start_worker(folder, name, broker, postgres, logs[name], scratch[name], name != "w3")
               for name, folder in machines.items()}
    try:
        wait_for(lambda: {h["worker"] for h in heartbeats(client)} == set(machines), 300, "three workers")
        first = start_coordinator(course, broker, postgres, logs["first"], "--no-feedback")
        # w1 is SIGKILLed (with its kernels) while it grades, once a few submissions are done
        wait_for(lambda: len(counts(client, "result")) >= 3, 600, "the first results")
        wait_for(lambda: any(h["worker"] == "w1" and h["student"] for h in heartbeats(client)), 300, "w1 grading")
        os.killpg(workers["w1"].pid, signal.SIGKILL)
        workers["w1"].wait()
        # what it was grading: the claim it left (None if it died between two submissions)
        killed = next((k for k, v in counts(client, "claim").items() if v.decode().startswith("w1/")), None)
        # the coordinator is SIGKILLed too, and started again
        wait_for(lambda: len(counts(client, "result")) >= 8, 600, "eight results")
        first.kill()
        first.wait()
        second = start_coordinator(course, broker, postgres, logs["second"], "--no-feedback", url_in_env=True)
        assert second.wait(timeout=900) == 0, logs["second"].read_text()[-5000:]
        done = {"summary": json.loads((course / "reports" / ASSIGNMENT / "summary.json").read_text()),
                "mistakes": diagnosed_mistakes(course, ASSIGNMENT),
                "results": {k: json.loads(v) for k, v in counts(client, "result").items()},
                "attempts": {k: int(v) for k, v in counts(client, "attempts").items()}}
        # one student again, with feedback; w2 gets SIGTERM while it grades: it finishes, then stops
        claims = set(counts(client, "claim"))
        third = start_coordinator(course, broker, postgres, logs["third"], "--force", "--student", "sim-0001")
        wait_for(lambda: set(counts(client, "claim")) - claims, 300, "w2 grading with feedback")
        workers["w2"].send_signal(signal.SIGTERM)
        assert workers["w2"].wait(timeout=300) == 0, logs["w2"].read_text()[-3000:]
        assert third.wait(timeout=60) == 0, logs["third"].read_text()[-5000:]
        yield {"course": course, "client": client, "killed": killed, "logs": logs, "db": postgres, **done}
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        for folder in scratch.values():  # the killed worker's scratch folders and their cgroups
            for left in folder.glob("tf-worker-*"):
                remove_scratch(left)
            shutil.rmtree(folder, ignore_errors=True)


def test_scores_are_those_of_local_grading(run):
    course = run["course"]
    on_workers = scores(course, ASSIGNMENT, run["db"])
    local = course_grade(course, ASSIGNMENT, "--force", "--no-feedback", "--jobs", "2")  # into the SQLite gradebook
    assert local.returncode == 0, local.stderr[-3000:]
    assert set(on_workers) == {f"sim-{i:04d}" for i in range(1, STUDENTS + 1)}
    assert on_workers == scores(course, ASSIGNMENT)
    # the graded notebooks came back: the report names the same mistakes as after local grading
    graded = {s["student"] for s in run["summary"]["submissions"] if s["score"] is not None}
    local_mistakes = diagnosed_mistakes(course, ASSIGNMENT)
    assert graded <= set(run["mistakes"]) and graded <= set(local_mistakes)
    assert {s: run["mistakes"][s] for s in graded} == {s: local_mistakes[s] for s in graded}


def test_every_submission_is_graded_exactly_once_though_a_worker_died(run):
    summary, results, attempts = run["summary"], run["results"], dict(run["attempts"])
    students = [s["student"] for s in summary["submissions"]]
    assert sorted(students) == sorted(set(students)) and len(students) == STUDENTS
    # each has its score, or the reason it has none (broken JSON: as in local grading), never a grader failure
    assert all(s["score"] is not None or s["reasons"] == [INVALID] for s in summary["submissions"]), summary
    assert len(results) == STUDENTS
    assert all(r["outcome"]["graded"] or r["outcome"]["reasons"] == [INVALID] for r in results.values())
    assert not any(r["worker"].startswith("w3/") for r in results.values())
    # the submission w1 was grading when it died was graded again, by w2; no other one twice
    if run["killed"] is not None:
        assert attempts.pop(run["killed"]) == 2 <= MAX_ATTEMPTS
        assert results[run["killed"]]["worker"].startswith("w2/")
    assert set(attempts.values()) == {1}


def test_a_worker_on_another_course_version_refuses_and_the_run_says_so(run):
    assert REFUSED in run["logs"]["w3"].read_text()
    said = run["logs"]["second"].read_text()
    assert "w3" in said and REFUSED in said, said[-3000:]
    assert "w3" in run["summary"]["refused"]


def test_a_restarted_coordinator_regrades_nothing(run):
    # the second coordinator collected what was graded before and while it was away; the summary
    # covers the whole class, and no submission was attempted more often than the killed one
    assert sum(run["attempts"].values()) == STUDENTS + (run["killed"] is not None)
    said = run["logs"]["second"].read_text()
    assert f"{STUDENTS} submissions" in said, said[-3000:]


def test_a_worker_stops_after_its_notebook_on_sigterm_and_feedback_comes_back(run):
    # the fixture sent SIGTERM to w2 while it graded sim-0001 (with feedback): it finished it, then exited 0
    assert "Warm shutdown" in run["logs"]["w2"].read_text()
    feedback = run["course"] / "feedback" / "sim-0001" / ASSIGNMENT
    graded = run["course"] / "autograded" / "sim-0001" / ASSIGNMENT
    assert list(feedback.glob("*.html")) and list(graded.glob("*.ipynb"))
    assert "1 submissions" in run["logs"]["third"].read_text()


def test_a_grader_failure_is_retried_a_bounded_number_of_times_then_reported(broker, monkeypatch):
    """The worker's task handler (course/distributed.py `handle`) on its own, against the real Redis:
    a grader that fails puts the task back; after MAX_ATTEMPTS the result is the failure and its reason."""
    from course import distributed
    from course.verdict import GRADER_FAILED

    monkeypatch.setattr(distributed.WorkerState, "redis", redis_client(broker))
    monkeypatch.setattr(distributed.WorkerState, "version", "v1")
    monkeypatch.setattr(distributed.WorkerState, "name", "unit")

    def broken(payload, began):
        raise OSError("disk full")
    monkeypatch.setattr(distributed, "grade_here", broken)
    payload = {"key": f"unit-{secrets.token_hex(4)}", "version": "v1", "assignment": ASSIGNMENT,
               "student": "ada", "feedback": False, "files": {}}
    client = distributed.WorkerState.redis
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(distributed.Retry, match="disk full"):
            distributed.handle(payload)
        assert not client.exists(key("result", payload["key"])) and not client.exists(key("claim", payload["key"]))
    distributed.handle(payload)
    result = json.loads(client.get(key("result", payload["key"])))
    assert result["outcome"]["reasons"] == [f"{GRADER_FAILED}: {MAX_ATTEMPTS}次尝试 / {MAX_ATTEMPTS} attempts: OSError: disk full"]
    distributed.handle(payload)  # delivered once more: the result stands, nothing is attempted
    assert int(client.get(key("attempts", payload["key"]))) == MAX_ATTEMPTS + 1

    with pytest.raises(distributed.Retry, match="another course version"):  # and another course version
        distributed.handle({**payload, "key": "unit-other", "version": "v2"})
    assert REFUSED in client.hget(key("refused", "v2"), "unit").decode()


@pytest.mark.parametrize("failure", ["past the deadline", "every attempt failed"])
def test_a_submission_the_grader_failed_keeps_its_earlier_entry(broker, built_course, tmp_path, monkeypatch, failure):
    """`handle` against the real Redis and a real gradebook, with a grading step that saves zeros (as
    nbgrader saves a notebook's grades before the next one fails) and then fails: it hangs past
    Limits.worker_deadline (here 10 s; the grader's failure: the notebooks' budgets stop a student's code
    sooner), which ends the worker process (a forked one here) and leaves word for the next delivery; her
    files in the worker's course folder are removed at once, the fork server ends with the process, and the
    next sweep removes its scratch folder (remove_abandoned_scratch); or it raises, each of MAX_ATTEMPTS times. The result is the grader's
    failure with its reason, and the student's entry is as the first attempt found it, not the attempts'
    zeros."""
    import multiprocessing

    from course import distributed
    from course.grader import Grader, entry_state
    from course.kernel_fork import held_scratch, remove_abandoned_scratch, worker_scratch
    from course.nbgrader_setup import nbgrader_app
    from course.sample_class import notebooks, write_submission
    from course.verdict import GRADER_FAILED, PAST_DEADLINE

    course = built_course(tmp_path / "course", [ASSIGNMENT])
    write_submission(course, "ada", ASSIGNMENT, notebooks(ASSIGNMENT))
    graded = course_grade(course, ASSIGNMENT, "--no-feedback")
    assert graded.returncode == 0, graded.stderr[-3000:]
    before = scores(course, ASSIGNMENT)
    assert before["ada"] and all(score == most for score, most in before["ada"].values()), before
    client = redis_client(broker)
    for name, value in {"redis": client, "version": "v1", "name": "unit", "course": course, "overrides": [],
                        "deadline": 10}.items():
        monkeypatch.setattr(distributed.WorkerState, name, value)

    def failing(payload, began):
        app = nbgrader_app(ASSIGNMENT, course)
        began(entry_state(app, "ada"))
        with Gradebook(app.coursedir.db_url) as gb:
            for notebook in gb.find_submission(ASSIGNMENT, "ada").notebooks:
                for grade in notebook.grades:
                    grade.auto_score = 0.0
            gb.db.commit()
        assert all(score == 0 for score, _ in scores(course, ASSIGNMENT)["ada"].values())
        if failure == "past the deadline":
            for folder in [*distributed.attempt_folders(grader, "ada"), Path(scratch) / "vetted" / "ada"]:
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "softmax.ipynb").write_text("{}")
            grader.server.ready()  # its kernels' folder is in the scratch folder too
            while True:  # nothing here ends it but the deadline
                with contextlib.suppress(Exception):
                    time.sleep(60)
        raise OSError("disk full")
    monkeypatch.setattr(distributed, "grade_here", failing)
    payload = {"key": f"unit-{secrets.token_hex(4)}", "version": "v1", "assignment": ASSIGNMENT,
               "student": "ada", "feedback": False, "files": {}}
    if failure == "every attempt failed":
        for _ in range(MAX_ATTEMPTS):
            with pytest.raises(distributed.Retry, match="disk full"):
                distributed.handle(payload)
    else:
        scratch = worker_scratch()
        grader = Grader(nbgrader_app(ASSIGNMENT, course), True, False, scratch)  # as grader_for makes it
        monkeypatch.setattr(distributed.WorkerState, "graders", {ASSIGNMENT: (grader, scratch)})
        attempt = multiprocessing.get_context("fork").Process(target=distributed.handle, args=(payload,))
        attempt.start()
        grader.server.hand_over()  # the attempt's process alone holds its server and its scratch folder, as a
        held_scratch.pop(scratch).close()  # worker process that made them would
        try:
            attempt.join(timeout=180)
        finally:
            attempt.kill()
            try:  # the server, launched here, ran till the attempt ended
                server_ended = grader.server.process.wait(timeout=30) is not None
            except subprocess.TimeoutExpired:
                server_ended = False
            left = [f for f in distributed.attempt_folders(grader, "ada") if f.exists()]
            remove_abandoned_scratch()
            swept = not Path(scratch).exists()
            grader.close()
            remove_scratch(scratch)
        assert attempt.exitcode == 70 and client.exists(key("deadline", payload["key"])), attempt.exitcode
        assert server_ended and not left and swept, (server_ended, left, swept)
        client.delete(key("claim", payload["key"]))  # it expires CLAIM_TTL after its process ended
    assert client.exists(key("entry", payload["key"])) and not client.exists(key("result", payload["key"]))
    monkeypatch.setattr(distributed, "grade_here", lambda payload, began: pytest.fail("graded again"))
    distributed.handle(payload)
    result = json.loads(client.get(key("result", payload["key"])))
    assert result["outcome"]["reasons"] == (
        [PAST_DEADLINE.format(seconds=10)] if failure == "past the deadline" else
        [f"{GRADER_FAILED}: {MAX_ATTEMPTS}次尝试 / {MAX_ATTEMPTS} attempts: OSError: disk full"])
    assert scores(course, ASSIGNMENT) == before
    assert not any(client.exists(key(kind, payload["key"])) for kind in ("entry", "claim", "deadline"))


def test_the_coordinator_sends_only_what_vetting_keeps(tmp_path):
    """A task carries the vetted submission (course/vet.py): a link to the course's own files (hidden
    tests, the gradebook) never travels, whether a symbolic link, a linked folder or a hard link."""
    from course.distributed import vetted_files
    from course.limits import Limits

    secret, hidden = tmp_path / "source.ipynb", tmp_path / "source"
    secret.write_text("BEGIN HIDDEN TESTS")
    hidden.mkdir()
    (hidden / "tests.py").write_text("BEGIN HIDDEN TESTS")
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    (submitted / "softmax.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    (submitted / "notes.txt").symlink_to(secret)
    (submitted / "folder").symlink_to(hidden, target_is_directory=True)
    os.link(secret, submitted / "copy.txt")
    (submitted / "weights.bin").write_bytes(b"x" * 4096)
    files, left_out = vetted_files(submitted, Limits(submission_bytes=1024))
    assert list(files) == ["softmax.ipynb"] and "BEGIN HIDDEN" not in json.dumps(files)
    assert sorted(reason.split(":")[0] for reason in left_out) == ["copy.txt", "folder", "notes.txt", "weights.bin"]


def test_the_coordinator_reports_a_vetting_failure_as_the_graders_and_goes_on(broker, built_course, tmp_path, monkeypatch):
    """If reading a submission fails for the grader's own reasons (an exception out of vetting), that
    student's outcome says so and the next student is still vetted: not a zero, not a stopped run."""
    from course import distributed
    from course.nbgrader_setup import nbgrader_app
    from course.verdict import GRADER_FAILED

    course = built_course(tmp_path / "course", [ASSIGNMENT])
    with open(course / "nbgrader_config.py", "a") as f:  # a course version of its own: no worker takes its tasks
        f.write(f"\n# {tmp_path.name}\n")
    vetted = []

    def failing(submitted, limits):
        vetted.append(Path(submitted).parent.name)
        raise OSError(f"disk gone under {Path(submitted).parent.name}")
    monkeypatch.setattr(distributed, "vetted_files", failing)
    students = ["ada", "bob"]
    coordinator = distributed.Coordinator(nbgrader_app(ASSIGNMENT, course), broker, force=True,
                                          with_feedback=False, students=students)
    try:
        settled = coordinator.send()
    finally:
        coordinator.close()
    assert vetted == students and not coordinator.pending
    assert {o.student: o.reasons for o in settled} == \
        {s: [f"{GRADER_FAILED}: OSError: disk gone under {s}"] for s in students}


def test_a_rerun_grades_again_what_the_grader_failed_and_collects_the_rest(broker, built_course, tmp_path):
    """A stored result that is the grader's failure (after MAX_ATTEMPTS) is not an answer: the next
    coordinator deletes it with its count of attempts and sends the task again, while a result stored
    meanwhile for another student is collected, not regraded. (Celery's send_task is only recorded here.)"""
    from course import distributed
    from course.nbgrader_setup import nbgrader_app
    from course.sample_class import notebooks, write_submission
    from course.verdict import GRADER_FAILED

    course = built_course(tmp_path / "course", [ASSIGNMENT])
    with open(course / "nbgrader_config.py", "a") as f:  # a course version of its own: its keys are its own
        f.write(f"\n# {tmp_path.name}\n")
    students = ["ada", "bob"]
    for student in students:
        write_submission(course, student, ASSIGNMENT, notebooks(ASSIGNMENT))
    coordinator = distributed.Coordinator(nbgrader_app(ASSIGNMENT, course), broker, force=False,
                                          with_feedback=False, students=students)
    sent = []
    coordinator.celery.send_task = lambda name, args, **kw: sent.append(args[0]["student"])
    tasks = {s: distributed.task_key(coordinator.version, ASSIGNMENT, s, distributed.vetted_files(
        course / "submitted" / s / ASSIGNMENT, coordinator.limits)[0], False) for s in students}
    client = coordinator.redis
    client.set(key("result", tasks["ada"]), json.dumps({"outcome": {"student": "ada", "reasons": [
        f"{GRADER_FAILED}: {MAX_ATTEMPTS}次尝试 / {MAX_ATTEMPTS} attempts: OSError: disk full"]}, "collected": True}))
    client.set(key("attempts", tasks["ada"]), MAX_ATTEMPTS + 1)
    client.set(key("result", tasks["bob"]), json.dumps({"outcome": {"student": "bob", "graded": True, "reasons": []}}))
    try:
        coordinator.send()
    finally:
        coordinator.close()
    assert sent == ["ada"]
    assert not client.exists(key("result", tasks["ada"])) and not client.exists(key("attempts", tasks["ada"]))
    assert client.exists(key("result", tasks["bob"]))
    client.delete(key("result", tasks["bob"]))
