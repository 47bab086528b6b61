"""The journal of unproven tries: the students a run graded before it showed its set-up works, and
the attempts a run began and did not end.

`course grade` lists each such student in reports/<assignment>/unproven.json before nbgrader begins on
her, and removes the list once the set-up is proven or her attempt undone (course/workers.py). Each
worker also writes reports/<assignment>/inflight-<pid>.json, with the student's gradebook entry as it
was, before nbgrader begins on her, and removes it once her attempt ended (graded, or undone). A run
killed meanwhile (`kill -9`, a power cut) leaves them: nbgrader saves each notebook's grades as it goes
and would skip the half-made autograded folder as graded. The next run undoes them first
(`undo_unproven`), and until then their grades are not given out: `nbgrader export` and grades.csv
show a blank (course/report.py).
"""
import hashlib
import json
import os
from pathlib import Path

from . import CourseError
from .grader import entry_from_json, entry_json
from .nbgrader_setup import absolute_db_url


def journal(root, assignment):
    return Path(root) / "reports" / assignment / "unproven.json"


def inflight(root, assignment, pid):
    """The file of the attempt that the worker `pid` has begun and not ended."""
    return Path(root) / "reports" / assignment / f"inflight-{pid}.json"


def gradebook_digest(coursedir):
    """Which gradebook a journal's students are in (its URL holds a password: only a digest is kept)."""
    return hashlib.sha256(absolute_db_url(coursedir.db_url, coursedir.root).encode()).hexdigest()[:16]


def read_journal(path):
    """(gradebook digest, [(student, whether the gradebook knew her before)]); None without a journal."""
    if not path.exists():
        return None
    try:
        found = json.loads(path.read_text())
        return found["gradebook"], [(entry["student"], entry["known"]) for entry in found["students"]]
    except (ValueError, TypeError, KeyError) as error:
        raise CourseError(f"无法读取{path}（{error}）：请检查或删除它 / cannot read {path} "
                          f"({error}): check or remove it") from None


def write_journal(path, coursedir, students, known):
    """List `students` (none: remove the journal)."""
    if not students:
        path.unlink(missing_ok=True)
        return
    write_whole(path, {"gradebook": gradebook_digest(coursedir),
                       "students": [{"student": s, "known": s in known} for s in students]})


def write_inflight(path, coursedir, student, known, blank, entry):
    """Record an attempt about to begin: the student, whether the gradebook knew her and whether she had
    nothing of the assignment (course/workers.py `undo`), and her entry as it is (course/grader.py entry_state)."""
    write_whole(path, {"gradebook": gradebook_digest(coursedir), "student": student, "known": known,
                       "blank": blank, "entry": entry_json(entry)})


def read_inflight(root, assignment):
    """[(path, gradebook digest, student, known, blank, entry)] of the attempts begun and not ended."""
    found = []
    for path in sorted((Path(root) / "reports" / assignment).glob("inflight-*.json")):
        try:
            kept = json.loads(path.read_text())
            found.append((path, kept["gradebook"], kept["student"], kept["known"], kept["blank"],
                          entry_from_json(kept["entry"])))
        except FileNotFoundError:  # the attempt of a run going on has just ended
            continue
        except (ValueError, TypeError, KeyError) as error:
            raise CourseError(f"无法读取{path}（{error}）：请检查或删除它 / cannot read {path} "
                              f"({error}): check or remove it") from None
    return found


def write_whole(path, data):
    """Written whole, then renamed: a crash leaves the old file or the new one."""
    draft = path.with_suffix(".tmp")
    with open(draft, "w") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(draft, path)


def unproven_students(coursedir, assignment):
    """The students of the course's gradebook whose grade in `assignment` a killed run left unproven
    (graded before the set-up was shown to work, or begun and not ended)."""
    found, here = read_journal(journal(coursedir.root, assignment)), gradebook_digest(coursedir)
    listed = {student for student, _ in found[1]} if found and found[0] == here else set()
    return listed | {student for _, gradebook, student, *_ in read_inflight(coursedir.root, assignment)
                     if gradebook == here}
