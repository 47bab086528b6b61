"""Grading on several machines: `course grade ASSIGNMENT --broker URL` (the coordinator) and
`course worker --broker URL --db URL` (one per grading machine), on Celery with a Redis broker.

The coordinator sends one task per submission: the submission's files as vetted on its own machine
(course/vet.py: plain files only, within the size limits; base64 in JSON, never pickle), the reasons
for what vetting left out, and the course version (a hash of source/, nbgrader_config.py and this
package's .py files). A worker grades it with the same Grader as local grading (course/grader.py:
sandbox, warm fork server, vetting, verdicts; the canary runs once per worker process and
assignment), writes the scores into the shared gradebook (its own --db: the credentials never
travel in a task) and stores the result in Redis under the task's key. The coordinator reads the
results from Redis, writes the autograded notebooks and feedback into its course folder, then the
summary and the report as local grading does.

Keys in Redis (prefix tf:), all derived from the task key (a hash of the course version, assignment,
student, the submission's files and the feedback flag):
  tf:result:KEY    the result (JSON); a worker that finds it returns it without grading again; once
                   the coordinator has written its files, the outcome alone ("collected")
  tf:claim:KEY     the worker process grading KEY now (short TTL, renewed while it grades)
  tf:attempts:KEY  how many times a worker started grading KEY (bounded: MAX_ATTEMPTS)
  tf:entry:KEY     the student's gradebook entry as the first attempt found it, put back if no attempt ends
  tf:deadline:KEY  an attempt passed Limits.worker_deadline and ended its process: the next delivery says so
  tf:worker:NAME   a worker process's heartbeat: course version, what it grades (TTL HEARTBEAT_TTL)
  tf:refused:V     {worker: why it refused a task of course version V} (its own version differs)

Fault tolerance: late acknowledgement with reject_on_worker_lost, prefetch 1, and a visibility timeout
above the longest notebook (Limits.worker_deadline): a task whose worker dies is delivered again.
A submission is graded once: its result is stored under its content key, a second delivery finds
the result (or the claim of the worker grading it) and does not grade again. A grader failure puts
the task back for another attempt; after MAX_ATTEMPTS the result is the failure with its reason, and
the student's gradebook entry is put back as it was before the first attempt. So is it after an attempt
that passed Limits.worker_deadline: a timer ends that process (an exception raised in it, as Celery's
soft time limit is, could be caught by the grading it interrupts), and the next delivery stores the failure.
"""
import base64
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path

from . import course_version
from .table import shown, shown_lines

QUEUE = "course"
TASK = "course.grade_submission"
PREFIX = "tf:"
MAX_ATTEMPTS = 3  # a submission whose grading failed (or whose worker died) this often is reported as failed
HEARTBEAT_SECONDS = 2
HEARTBEAT_TTL = 10
CLAIM_TTL = 30  # a claim outlives its worker by at most this long
RESULT_TTL = 30 * 24 * 3600
RUN_KEYS = ("result", "attempts", "error", "entry", "deadline")  # a task's keys a new grading of it starts without
NO_WORKER_SECONDS = 60  # workers connected, none of this course version: the coordinator stops waiting

REFUSED = "课程版本不同，拒绝评分 / another course version, task refused"
WORKER_BROKEN = ("这台评分机的评分环境有问题：课程自己的答案（source/）在它上面没有通过全部测试，所以它不评这个作业。\n"
                 "This worker's set-up is broken: the course's own answers (source/) did not pass every test on it, "
                 "so it grades nothing of this assignment.")
NO_WORKER = ("未评分：已连接的评分机都是另一课程版本 / "
             "not graded: every connected worker has another course version")
SQLITE_REFUSED = ("多台机器评分需要共享的成绩册（PostgreSQL）：请用 --db postgresql+psycopg2://… "
                  "或在nbgrader_config.py中设置c.CourseDirectory.db_url\n"
                  "Grading on several machines needs a shared gradebook (PostgreSQL): pass --db "
                  "postgresql+psycopg2://… or set c.CourseDirectory.db_url in nbgrader_config.py.")


# ---------------------------------------------------------------- shared by both sides

def visibility_timeout(limits):
    """Seconds after which a task delivered to a worker that never acknowledged it (the worker died)
    goes to another worker: above the longest notebook, which Limits.worker_deadline bounds."""
    return limits.worker_deadline + 30


def celery_app(broker, limits):
    """The Celery app of both sides: JSON only, late acknowledgement, one task at a time."""
    from celery import Celery

    timeout = visibility_timeout(limits)
    app = Celery("course", broker=broker, set_as_current=False)
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"], event_serializer="json",
        task_acks_late=True, task_reject_on_worker_lost=True, task_acks_on_failure_or_timeout=False,
        worker_prefetch_multiplier=1, task_default_queue=QUEUE, task_ignore_result=True,
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
        broker_transport_options={"visibility_timeout": timeout, "unacked_restore_interval": max(1, timeout // 10),
                                  "unacked_restore_throttle": 1},
        task_time_limit=limits.worker_deadline + 60)  # the process ends itself at the deadline (`handle`)
    return app


def redis_client(broker):
    import redis

    return redis.Redis.from_url(broker, socket_timeout=30, health_check_interval=10)


def key(*parts):
    return PREFIX + ":".join(parts)


def encode_folder(folder):
    """{relative path: base64} of the plain files below `folder` (symbolic links are left out)."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): base64.b64encode(p.read_bytes()).decode()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def vetted_files(submitted, limits):
    """The submission in the folder `submitted` as `encode_folder` gives it, read from a vetted copy
    (course/vet.py), and the reasons for what was left out: a link's target (source/, the gradebook)
    never travels, and nothing over the size limits is read."""
    from .vet import vetted_copy

    with tempfile.TemporaryDirectory(prefix="tf-vetted-") as folder:
        left_out = vetted_copy(submitted, Path(folder) / "submission", limits)
        return encode_folder(Path(folder) / "submission"), left_out


def decode_folder(files, folder):
    """Write `encode_folder`'s files into `folder` (emptied first); paths may not leave it."""
    folder = Path(folder)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, data in files.items():
        target = (folder / name).resolve()
        if not target.is_relative_to(folder.resolve()):
            raise ValueError(f"path outside the folder: {name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(data))


def task_key(version, assignment, student, files, with_feedback):
    content = json.dumps([version, assignment, student, with_feedback,
                          {name: hashlib.sha256(data.encode()).hexdigest() for name, data in files.items()}],
                         sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()[:32]


# ---------------------------------------------------------------- the worker

class WorkerState:
    """What a worker process knows: its course, its gradebook, its Graders (one per assignment)."""
    course = overrides = version = broker = name = deadline = None
    graders = {}
    redis = None
    current = None  # (assignment, student, key) being graded


def worker_main(broker, course, overrides, jobs, name):
    """`python -m course worker`: a Celery worker (prefork pool of `jobs` processes) for this course."""
    from celery import signals
    from celery.exceptions import Reject

    from .kernel_fork import remove_abandoned_scratch
    from .limits import Limits, cap_grader_memory
    from .nbgrader_setup import nbgrader_app
    from .sandbox import require_sandbox
    from .trusted_execute import TrustedExecute

    course = Path(course).resolve()
    probe = nbgrader_app("probe", course, overrides)
    require_shared_gradebook(probe)
    if TrustedExecute(parent=probe).sandbox:
        require_sandbox()
    limits = Limits(parent=probe)
    remove_abandoned_scratch()  # what worker processes killed outright on this machine left
    WorkerState.course, WorkerState.overrides, WorkerState.broker = course, list(overrides), broker
    WorkerState.version, WorkerState.name, WorkerState.deadline = course_version(course), name, limits.worker_deadline
    app = celery_app(broker, limits)

    @app.task(name=TASK, bind=True, acks_late=True, reject_on_worker_lost=True)
    def grade_submission(self, payload):
        try:
            return handle(payload)
        except Exception as error:  # Retry, or Redis away: back to the queue, never dropped
            time.sleep(getattr(error, "pause", 2.0))
            raise Reject(str(error), requeue=True)
        finally:
            WorkerState.current = None

    def process_init(**_):
        cap_grader_memory(limits)
        start_heartbeat()
    signals.worker_process_init.connect(process_init, weak=False)
    signals.worker_process_shutdown.connect(lambda **_: close_graders(), weak=False)
    print(f"评分机 / worker {name}: 课程版本 / course version {WorkerState.version}, {course}", flush=True)
    app.worker_main(["worker", "--loglevel=INFO", f"--concurrency={jobs}", "--pool=prefork", "-Q", QUEUE,
                     "-n", name, "--without-gossip", "--without-mingle"])


class Retry(Exception):
    """Put the task back in the queue (after `pause` seconds) for another worker or attempt."""

    def __init__(self, why, pause=1.0):
        super().__init__(why)
        self.pause = pause


def process_name():
    return f"{WorkerState.name}/{os.getpid()}"


def start_heartbeat():
    WorkerState.redis = redis_client(WorkerState.broker)
    WorkerState.graders = {}

    def beat():
        while True:
            try:
                current = WorkerState.current
                WorkerState.redis.set(key("worker", process_name()), json.dumps(
                    {"worker": WorkerState.name, "version": WorkerState.version,
                     "assignment": current and current[0], "student": current and current[1]}), ex=HEARTBEAT_TTL)
                if current:
                    WorkerState.redis.expire(key("claim", current[2]), CLAIM_TTL)
            except Exception:  # Redis away for a moment: the next beat tries again
                pass
            time.sleep(HEARTBEAT_SECONDS)
    threading.Thread(target=beat, daemon=True).start()


def close_graders():
    """Stop this process's Graders (their fork servers), remove their scratch folders and its heartbeat."""
    from .kernel_fork import remove_scratch

    while WorkerState.graders:
        _, (grader, scratch) = WorkerState.graders.popitem()
        try:
            grader.close()
        finally:
            remove_scratch(scratch)
    if WorkerState.redis is not None:
        WorkerState.redis.delete(key("worker", process_name()))


def store(payload, outcome, autograded, feedback):
    result = {"key": payload["key"], "worker": process_name(), "outcome": outcome,
              "autograded": autograded, "feedback": feedback}
    WorkerState.redis.set(key("result", payload["key"]), json.dumps(result), ex=RESULT_TTL, nx=True)
    WorkerState.redis.delete(*(key(kind, payload["key"]) for kind in ("claim", "entry", "deadline")))


def keep_entry(task, entry):
    """Keep the student's gradebook entry (course/grader.py entry_state) as the first attempt found it."""
    from .grader import entry_json

    WorkerState.redis.set(key("entry", task), json.dumps(entry_json(entry)), ex=RESULT_TTL, nx=True)


def put_back_entry(payload):
    """Put the student's gradebook entry back as the first attempt found it (nothing if none began):
    a reason if the gradebook stays locked."""
    from . import GraderFault
    from .grader import entry_from_json, restore_entry
    from .nbgrader_setup import nbgrader_app
    from .verdict import GRADER_FAILED

    raw = WorkerState.redis.get(key("entry", payload["key"]))
    if raw is None:
        return []
    try:
        restore_entry(nbgrader_app(payload["assignment"], WorkerState.course, WorkerState.overrides),
                      payload["student"], entry_from_json(json.loads(raw)))
        return []
    except GraderFault as fault:
        return [f"{GRADER_FAILED}: {fault}"]
    except Exception as error:  # the result is stored all the same: a task that raises here would come back forever
        return [f"{GRADER_FAILED}: 成绩册中的记录未能恢复 / the gradebook entry was not put back: "
                f"{type(error).__name__}: {error}"[:500]]


def end_past_deadline(task):
    """Limits.worker_deadline has passed: remove the student's files from this worker's course folder, leave
    word for the next delivery, and end this process. Its fork servers end with it (their pipes close); its
    scratch folders (her vetted copy, the kernels' folders) are left to `remove_abandoned_scratch`: stopping
    the servers here would wake the grading this ends (stuck, as a rule), which could then store a result."""
    try:
        current = WorkerState.current
        if current is not None and current[2] == task:  # not the next task's, if this one has just ended
            grader = WorkerState.graders.get(current[0], (None, None))[0]
            for folder in attempt_folders(grader, current[1]) if grader else ():
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        try:
            WorkerState.redis.set(key("deadline", task), "1", ex=RESULT_TTL)
        finally:
            os._exit(70)


def handle(payload):
    """Grade one submission (see the module's docstring for the keys it reads and writes)."""
    from .verdict import GRADER_FAILED, PAST_DEADLINE

    redis, task = WorkerState.redis, payload["key"]
    if payload.get("version") != WorkerState.version:
        why = f"{REFUSED}: {WorkerState.version} ≠ {payload.get('version')}"
        redis.hset(key("refused", str(payload.get("version"))), WorkerState.name, why)
        print(f"{shown(payload['student'])}: {why}", flush=True)
        raise Retry(why, pause=2.0)  # back to the queue for a worker of the right version
    if redis.exists(key("result", task)):
        return  # graded already (a second delivery of the same submission)
    if not redis.set(key("claim", task), process_name(), nx=True, ex=CLAIM_TTL):
        raise Retry("another worker is grading it / 另一评分机正在评分", pause=3.0)
    WorkerState.current = (payload["assignment"], payload["student"], task)
    if redis.exists(key("deadline", task)):  # the last attempt passed the deadline
        store(payload, {"student": payload["student"], "reasons": [
            PAST_DEADLINE.format(seconds=WorkerState.deadline), *put_back_entry(payload)]}, {}, {})
        return
    attempts = redis.incr(key("attempts", task))
    redis.expire(key("attempts", task), RESULT_TTL)
    if attempts > MAX_ATTEMPTS:
        last = redis.get(key("error", task))
        store(payload, {"student": payload["student"], "reasons": [
            f"{GRADER_FAILED}: {MAX_ATTEMPTS}次尝试 / {MAX_ATTEMPTS} attempts" + (f": {last.decode()}" if last else ""),
            *put_back_entry(payload)]}, {}, {})
        return
    deadline = threading.Timer(WorkerState.deadline, end_past_deadline, args=(task,))
    deadline.daemon = True
    deadline.start()
    try:
        outcome, autograded, feedback = grade_here(payload, began=lambda entry: keep_entry(task, entry))
    except Exception as error:  # the grader's own failure: another attempt, maybe on another worker
        why = f"{type(error).__name__}: {error}"[:500]
        print(f"{shown(payload['student'])}: {GRADER_FAILED}: {shown_lines(why)}", flush=True)
        redis.set(key("error", task), why, ex=RESULT_TTL)
        redis.delete(key("claim", task))
        raise Retry(why, pause=1.0)
    finally:
        deadline.cancel()
    store(payload, outcome, autograded, feedback)


def grader_for(assignment):
    """This process's Grader for `assignment`, made on first use after the canary passed."""
    from . import CourseError
    from .grader import Grader
    from .nbgrader_setup import nbgrader_app
    from .kernel_fork import remove_abandoned_scratch, remove_scratch, worker_scratch

    if assignment not in WorkerState.graders:
        remove_abandoned_scratch()  # what a process of this machine ended at its deadline, or killed, left
        app = nbgrader_app(assignment, WorkerState.course, WorkerState.overrides)
        scratch = worker_scratch()
        try:
            grader = Grader(app, True, False, scratch)  # the coordinator decides what is regraded
        except Exception:
            remove_scratch(scratch)
            raise
        found = grader.canary()
        if found:
            grader.close()
            remove_scratch(scratch)
            raise CourseError(WORKER_BROKEN + "\n" + "\n".join(found[:10]))
        WorkerState.graders[assignment] = (grader, scratch)
    return WorkerState.graders[assignment][0]


def grade_here(payload, began=lambda entry: None):
    """Grade the payload's submission in this worker's course folder; return (outcome, autograded files,
    feedback files), and leave nothing of it behind. `began`: as Grader.grade's."""
    student = payload["student"]
    grader = grader_for(payload["assignment"])
    grader.with_feedback = payload["feedback"]
    folders = attempt_folders(grader, student)
    submitted, autograded_folder, feedback_folder = folders
    try:
        decode_folder(payload["files"], submitted)
        outcome = grader.grade(student, began)
        outcome.reasons[:0] = payload.get("left_out", [])  # what the coordinator's vetting left out
        autograded = encode_folder(autograded_folder) if outcome.graded else {}
        feedback = encode_folder(feedback_folder) if outcome.graded and payload["feedback"] else {}
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
    return asdict(outcome), autograded, feedback


def attempt_folders(grader, student):
    """Where grading the student puts her files in this worker's course folder: her submission (decoded from
    the task), her autograded notebooks, her feedback."""
    coursedir = grader.app.coursedir
    return (Path(coursedir.format_path(grader.submitted, student, coursedir.assignment_id)),
            grader.folder("autograded_directory", student), grader.folder("feedback_directory", student))


# ---------------------------------------------------------------- the coordinator

def newest_mtime(folder):
    times = [p.stat().st_mtime for p in Path(folder).rglob("*") if p.is_file()]
    return max(times) if times else None


def unchanged(course, app, student, assignment):
    """nbgrader's rule for skipping a student without --force: graded notebooks newer than the submission."""
    submitted = Path(app.coursedir.format_path(app.coursedir.submitted_directory, student, assignment))
    graded = Path(app.coursedir.format_path(app.coursedir.autograded_directory, student, assignment))
    if not list(graded.glob("*.ipynb")):
        return False
    oldest_graded = min(p.stat().st_mtime for p in graded.glob("*.ipynb"))
    newest = newest_mtime(submitted)
    return newest is not None and newest < oldest_graded


class Coordinator:
    """Sends the class's tasks, then yields an Outcome per submission as its result arrives."""

    def __init__(self, app, broker, force, with_feedback, students):
        from .limits import Limits

        self.app, self.broker, self.force, self.with_feedback = app, broker, force, with_feedback
        self.course = Path(app.coursedir.root)
        self.assignment = app.coursedir.assignment_id
        self.version = course_version(self.course)
        self.limits = Limits(parent=app)
        self.celery = celery_app(broker, self.limits)
        self.redis = redis_client(broker)
        self.redis.ping()
        self.students = students
        self.pending = {}  # key -> student
        self.settled = []
        self.workers = {}
        self.refusals = {}
        self.no_worker_since = None

    def send(self):
        """Send a task for every submission that is neither unchanged (kept) nor graded already; return
        the outcomes settled without a task (unchanged, or not vetted)."""
        from .verdict import GRADER_FAILED, KEPT, Outcome, grader_failed

        coursedir = self.app.coursedir
        self.redis.delete(key("refused", self.version))  # what this run's workers say, not an earlier run's
        for student in self.students:
            if not self.force and unchanged(self.course, self.app, student, self.assignment):
                self.settled.append(Outcome(student, reasons=[KEPT]))
                continue
            try:
                files, left_out = vetted_files(coursedir.format_path(coursedir.submitted_directory, student,
                                                                     self.assignment), self.limits)
            except Exception as error:  # the grader's own failure on one submission: reported, not a zero
                self.settled.append(Outcome(student, reasons=[f"{GRADER_FAILED}: {type(error).__name__}: {error}"[:500]]))
                continue
            task = task_key(self.version, self.assignment, student, files, self.with_feedback)
            if self.force:  # a new grading of the same submission
                self.redis.delete(*(key(kind, task) for kind in RUN_KEYS))
            self.pending[task] = student
            stored = self.redis.get(key("result", task))
            stored = stored and json.loads(stored)
            failed = stored and grader_failed(Outcome(**stored["outcome"]))
            if stored and not failed and not (stored.get("collected") and stored["outcome"].get("graded")):
                continue  # graded while an earlier coordinator waited (or not gradable): collected below
            if stored:  # the grader failed on it, or its graded notebooks are gone from here: grade it again
                self.redis.delete(*(key(kind, task) for kind in RUN_KEYS))
            payload = {"key": task, "version": self.version, "assignment": self.assignment, "student": student,
                       "feedback": self.with_feedback, "files": files, "left_out": left_out}
            self.celery.send_task(TASK, args=[payload], task_id=f"{task}-{time.time_ns()}", queue=QUEUE)
        return self.settled

    def outcomes(self, tick=lambda status: None):
        from .verdict import Outcome

        yield from self.settled
        while self.pending:
            keys = list(self.pending)
            found = False
            for task, raw in zip(keys, self.redis.mget([key("result", k) for k in keys])):
                if raw is None:
                    continue
                found = True
                result = json.loads(raw)
                student = self.pending.pop(task)
                self.write(student, result)
                # the files are here now: Redis keeps the outcome only (a later delivery still finds it)
                self.redis.set(key("result", task), json.dumps({**result, "autograded": {}, "feedback": {},
                                                               "collected": True}), ex=RESULT_TTL)
                yield Outcome(**{**result["outcome"], "student": student})
            self.look()
            tick(self.status())
            if self.pending and self.nobody_can_grade():
                for task, student in sorted(self.pending.items()):
                    yield Outcome(student, reasons=[NO_WORKER])
                self.pending = {}
            if not found:
                time.sleep(1)

    def write(self, student, result):
        coursedir = self.app.coursedir
        if result["autograded"]:
            decode_folder(result["autograded"],
                          coursedir.format_path(coursedir.autograded_directory, student, self.assignment))
        if result["feedback"]:
            decode_folder(result["feedback"],
                          coursedir.format_path(coursedir.feedback_directory, student, self.assignment))

    def look(self):
        """The connected worker processes (heartbeats) and the refusals."""
        workers = {}
        names = list(self.redis.scan_iter(key("worker", "*"), count=1000))
        for name, raw in zip(names, self.redis.mget(names) if names else []):
            if raw:
                workers[name.decode()[len(key("worker", "")):]] = json.loads(raw)
        self.workers = workers
        self.refusals = {k.decode(): v.decode() for k, v in self.redis.hgetall(key("refused", self.version)).items()}

    def nobody_can_grade(self):
        mine = [w for w in self.workers.values() if w["version"] == self.version]
        if mine or not self.workers:
            self.no_worker_since = None
            return False
        self.no_worker_since = self.no_worker_since or time.monotonic()
        return time.monotonic() - self.no_worker_since > NO_WORKER_SECONDS

    def status(self):
        """The progress line's tail: connected workers and who grades what."""
        mine = {n: w for n, w in self.workers.items() if w["version"] == self.version}
        machines = {w["worker"] for w in mine.values()}
        other = {w["worker"] for w in self.workers.values()} - machines
        busy = [f"{n}: {w['student']}" for n, w in sorted(mine.items()) if w["student"]]
        return (f"评分机 / workers: {len(machines)} ({len(mine)} 进程 / processes)"
                + (f", {len(other)} 版本不同 / other version: {', '.join(sorted(other))}" if other else "")
                + (" | " + ", ".join(busy) if busy else ""))

    def close(self):
        self.celery.close()
        self.redis.close()


def distributed_outcomes(app, broker, force, with_feedback, students, bar):
    """Grade `students` on the broker's workers; return their outcomes (and the refusals, for the summary)."""
    from . import CourseError

    require_shared_gradebook(app)
    try:
        coordinator = Coordinator(app, broker, force, with_feedback, students)
    except Exception as error:
        raise CourseError(f"无法连接任务代理 / cannot reach the broker: "
                          f"{type(error).__name__}: {error}") from None
    outcomes = []
    try:
        coordinator.send()
        shown = [None]

        def show(status):
            if status != shown[0]:
                shown[0] = status
                bar.set_postfix_str(status, refresh=True)
        for outcome in coordinator.outcomes(show):
            outcomes.append(outcome)
            bar.update()
        coordinator.look()
    finally:
        coordinator.close()
    return outcomes, coordinator.refusals


def require_shared_gradebook(app):
    """Workers on other machines write the scores: the gradebook cannot be a local SQLite file."""
    from . import CourseError
    from .nbgrader_setup import SQLITE

    if app.coursedir.db_url.startswith(SQLITE):
        raise CourseError(SQLITE_REFUSED)
