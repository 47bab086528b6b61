"""The journal of unproven tries: the students a run graded before it showed its set-up works.

`course grade` lists each such student in reports/<assignment>/unproven.json before nbgrader begins on
her, and removes the list once the set-up is proven or her attempt undone (course/workers.py). A run
killed meanwhile leaves it: the next run undoes them first (`undo_unproven`), and until then their
grades are not given out: `nbgrader export` and grades.csv show a blank (course/report.py).
"""
import hashlib
import json
import os
from pathlib import Path

from . import CourseError
from .nbgrader_setup import absolute_db_url


def journal(root, assignment):
    return Path(root) / "reports" / assignment / "unproven.json"


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
    """List `students` (none: remove the journal). Written whole, then renamed: a crash leaves the old
    list or the new one."""
    if not students:
        path.unlink(missing_ok=True)
        return
    draft = path.with_suffix(".tmp")
    with open(draft, "w") as f:
        json.dump({"gradebook": gradebook_digest(coursedir),
                   "students": [{"student": s, "known": s in known} for s in students]}, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(draft, path)


def unproven_students(coursedir, assignment):
    """The students of the course's gradebook whose grade in `assignment` a killed run left unproven."""
    found = read_journal(journal(coursedir.root, assignment))
    return {student for student, _ in found[1]} if found and found[0] == gradebook_digest(coursedir) else set()
