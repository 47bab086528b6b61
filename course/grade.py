"""`python -m course grade ASSIGNMENT`: the entry point that grades a whole class in parallel.

It checks the set-up (sandbox, gradebook, the course's own answers: course/canary.py), hands the
submissions to the worker pool (course/workers.py, each worker grading with course/grader.py),
shows progress, then writes the grades CSV, the summary and the instructor's report (course/report.py).
"""
import contextlib
import glob
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from . import CourseError, default_jobs
from .grader import warm_up
from .kernel_fork import remove_abandoned_scratch
from .nbgrader_setup import nbgrader_app
from .report import diagnosed_mistakes, write_grades, write_report
from .sandbox import require_sandbox
from .table import CONTROL, table
from .trusted_execute import TrustedExecute
from .verdict import KEPT, MISSING, SUMMARY_HEADER, UNUSABLE_NAME, Outcome, summary_rows
from .workers import NOT_UNDONE, SetUpBroken, Workers, run_lock, undo_unproven


def submissions(course, assignment, students=()):
    """The students with a submission of the assignment in submitted/: all, or those of `students` (a
    name without one is named on stderr; CourseError if none of them has one)."""
    found = sorted(p.parent.name for p in (Path(course) / "submitted").glob(f"*/{assignment}") if p.is_dir())
    if not students:
        return found
    chosen, unknown = [s for s in found if s in students], sorted(set(students) - set(found))
    if unknown:
        message = (f"submitted/中没有这些学生的{assignment}：{'、'.join(unknown)}\n"
                   f"No submission of {assignment} in submitted/ from: {', '.join(unknown)}")
        if not chosen:
            raise CourseError(message)
        print(message, file=sys.stderr)
    return chosen


def gradable(students):
    """(the students nbgrader can grade, an Outcome for each it cannot): nbgrader reads a student's id as a glob
    pattern, twice, and strips white space from its ends, so `[a-z]*` or ` ada` would be other students' folders;
    its regular expressions do not match a line break, and the gradebook takes only UTF-8 (a folder unzipped
    from elsewhere may have a name that is not)."""
    unusable = {s for s in students if glob.has_magic(s) or s != s.strip() or CONTROL.search(s) or not utf8(s)}
    return [s for s in students if s not in unusable], [Outcome(s.encode("utf-8", "backslashreplace").decode(),
                                                                 reasons=[UNUSABLE_NAME]) for s in sorted(unusable)]


def utf8(text):
    try:
        text.encode()
        return True
    except UnicodeEncodeError:  # a file name's undecodable bytes, as Python keeps them
        return False


def read_scores(app, outcomes):
    """Fill in the gradebook's score of every submission the gradebook knows."""
    with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as gb:
        for outcome in outcomes:
            try:
                submission = gb.find_submission(app.coursedir.assignment_id, outcome.student)
            except MissingEntry:
                continue
            if outcome.graded or KEPT in outcome.reasons or outcome.reasons == [MISSING]:
                outcome.score, outcome.max_score = submission.score, submission.max_score


def summary_table(outcomes):
    return table(SUMMARY_HEADER, summary_rows(outcomes))


def require_assignment(app):
    """CourseError unless the gradebook has the assignment, with its notebooks."""
    with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as gb:
        with contextlib.suppress(MissingEntry):
            if gb.find_assignment(app.coursedir.assignment_id).notebooks:
                return
    raise CourseError(f"成绩册里没有作业{app.coursedir.assignment_id}：请先运行 python -m course build\n"
                      f"The gradebook has no assignment {app.coursedir.assignment_id}: "
                      "run `python -m course build` first.")


def grade(assignment, course=".", jobs=None, students=(), force=False, overrides=(), progress=True, with_feedback=True,
          broker=None, early=None, after=None):
    """Grade the class; return the outcomes (also written to reports/<assignment>/summary.json).
    With `broker` (a Redis URL) the workers of course/distributed.py grade it, on any machine.
    `early`: fork servers launched for the workers before nbgrader was imported (EarlyServers).
    `after`: the assignment this command grades next, warmed up (grader.warm_up) once every student of this
    one has been handed out and a worker is free, while the others grade the last students."""
    from tqdm import tqdm

    course = Path(course).resolve()
    reports = course / "reports" / assignment
    reports.mkdir(parents=True, exist_ok=True)
    app = nbgrader_app(assignment, course, overrides)
    lock = run_lock(app)  # noqa: F841 (held, with the workers, till the run ends)
    undo_unproven(app)  # what a run killed before its set-up was shown to work left
    remove_abandoned_scratch()  # and the scratch folders of any run killed outright
    if broker is not None:
        return grade_distributed(app, course, reports, broker, students, force, progress, with_feedback)
    sandboxed = TrustedExecute(parent=app).sandbox
    if sandboxed:  # refuse at once without bubblewrap (SandboxUnavailable), rather than run student code unsandboxed;
        require_sandbox(start=False)  # that Python starts in it, the workers' fork servers show (the canary)
    require_assignment(app)
    todo, outcomes = gradable(submissions(course, assignment, students))
    (reports / "grading.log").write_text("")
    start = time.perf_counter()
    jobs = jobs or default_jobs()
    meanwhile = None if after is None else lambda: warm_up(nbgrader_app(after, course, overrides))
    workers = Workers(app, force, with_feedback, jobs, todo, reports / "grading.log", early, meanwhile)
    bar = tqdm(total=len(todo), desc=assignment, unit="", disable=not progress, dynamic_ncols=True)
    try:
        for outcome in workers.outcomes():
            outcomes.append(outcome)
            bar.update()
            bar.set_postfix_str(f"问题 / problems: {sum(bool(o.reasons) for o in outcomes)}", refresh=False)
    except SetUpBroken as broken:  # the students begun meanwhile are undone (not_undone: unless locked)
        try:
            if sandboxed:
                require_sandbox()  # the sandbox's own reason, if the sandbox is what failed
            raise CourseError("\n".join([broken.headline, *broken.problems[:10]]))
        except CourseError as error:
            raise CourseError("\n".join([str(error), *([NOT_UNDONE] if broken.not_undone else []),
                                          *broken.not_undone])) from None
    finally:
        bar.close()
        workers.close()
    seconds = time.perf_counter() - start
    finish(app, course, reports, outcomes, seconds, {"jobs": jobs})
    return outcomes, seconds


def finish(app, course, reports, outcomes, seconds, extra):
    """The grades CSV, summary.json and the report of a graded class."""
    assignment = app.coursedir.assignment_id
    read_scores(app, outcomes)
    named = diagnosed_mistakes(course, assignment)
    with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as gb:
        write_grades(gb, assignment, reports / "grades.csv", named, app.coursedir)
    (reports / "summary.json").write_text(json.dumps(
        {"assignment": assignment, "seconds": seconds, **extra,
         "submissions": [asdict(o) for o in outcomes]}, ensure_ascii=False, indent=1))
    write_report(app.coursedir.db_url, app.coursedir.course_id, course, assignment, outcomes, named)


def grade_distributed(app, course, reports, broker, students, force, progress, with_feedback):
    """`course grade --broker`: the class is graded by the workers of course/distributed.py; the
    results come back here, and the summary and report are written as for local grading."""
    from tqdm import tqdm

    from .distributed import distributed_outcomes, require_shared_gradebook

    assignment = app.coursedir.assignment_id
    require_shared_gradebook(app)
    require_assignment(app)
    todo, not_gradable = gradable(submissions(course, assignment, students))
    start = time.perf_counter()
    bar = tqdm(total=len(todo), desc=assignment, unit="", disable=not progress, dynamic_ncols=True)
    try:
        outcomes, refusals = distributed_outcomes(app, broker, force, with_feedback, todo, bar)
    finally:
        bar.close()
    outcomes += not_gradable
    seconds = time.perf_counter() - start
    for worker, why in sorted(refusals.items()):
        print(f"评分机 / worker {worker}: {why}")
    finish(app, course, reports, outcomes, seconds, {"broker": True, "refused": refusals})
    return outcomes, seconds


def main(assignment, course=".", jobs=None, students=(), force=False, overrides=(), with_feedback=True, broker=None,
         early=None, after=None):
    outcomes, seconds = grade(assignment, course, jobs, students, force, overrides, with_feedback=with_feedback,
                              broker=broker, early=early, after=after)
    print(summary_table(outcomes))
    problems = sum(bool(o.reasons) for o in outcomes)
    reports = Path(course).resolve() / "reports" / assignment
    print(f"\n{len(outcomes)} 份提交，{seconds:.1f} 秒，{problems} 份有说明 / "
          f"{len(outcomes)} submissions in {seconds:.1f} s, {problems} with notes\n"
          f"报告 / report: {reports / 'report.md'}\n"
          f"成绩 / grades: {reports / 'grades.csv'}"
          + (f"\n反馈 / feedback: {Path(course).resolve() / 'feedback'}" if with_feedback else ""))
    return outcomes
