"""Transformer Foundations: checks, nbgrader plugins and the command line of the course."""
import hashlib
import os
from pathlib import Path

# The folder this package was imported from: this repository's own course, for its tests and bench.
# The library itself never uses it: every command works on --course, by default the current folder.
ROOT = Path(__file__).resolve().parent.parent
# What a Jupyter file browser does not list (jupyter_lab_config.py, hub/settings.py): jupyter_server's own
# hidden globs, SQLite's journals, which appear and vanish with each write to the gradebook, and drafts
# renamed into place. jupyter_server lists a folder entry by entry, and an entry gone meanwhile makes the
# whole folder a 404: the lab said "Directory not found" while a class was graded.
UNLISTED = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~", "*-journal", "*-wal", "*-shm", "*.tmp"]


class CourseError(Exception):
    """A problem the user has to fix, with a bilingual message (中文 / English). Library code raises
    it; only `python -m course` (course/__main__.py) turns it into an exit status (1) and the message."""


class GraderFault(CourseError):
    """The grader's own failure while grading a submission (no sandbox, no fork server), not the
    submission's: it is reported as the grader's, and no score is written for it."""


def default_jobs():
    """One worker per core this process may run on: a container or `taskset` may allow fewer than the
    machine has (os.cpu_count), and more workers than cores would only take turns. Each worker has
    its own fork server; when all but one waited while the canary ran, a third worker on 2 cores
    had stopped paying for itself, once the grader's own work per cell had shrunk. Measured here (course grade
    --no-feedback, 6 assignments, 3 and 2 workers taking turns, 3 December): 10 students 132.5 and
    130.5 s with 3, 119.1 and 126.0 s with 2; 40 students 329.7 and 304.8 s with 3, 329.1 and 309.8 s
    with 2."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def assignments(root="."):
    """Assignment ids, in lesson order (the folders of source/)."""
    return sorted(p.name for p in (Path(root) / "source").iterdir() if p.is_dir() and not p.name.startswith("."))


def grade_id(cell):
    """The nbgrader grade id of a notebook cell, or None."""
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def exercise_of(test_id, exercises):
    """The exercise a test cell grades: the longest exercise id that `test_<id>_` starts with."""
    matches = [e for e in exercises if (test_id or "").startswith(f"test_{e}_")]
    return max(matches, key=len) if matches else None


def course_version(course):
    """A hash of the course's source/, its nbgrader_config.py and this package's .py files."""
    course, package = Path(course).resolve(), Path(__file__).resolve().parent
    digest = hashlib.sha256()
    files = [("source", p) for p in sorted((course / "source").rglob("*")) if p.is_file()
             and not any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(course).parts)]
    files += [("config", course / "nbgrader_config.py")] + [("package", p) for p in sorted(package.glob("*.py"))]
    for kind, path in files:
        name = path.name if kind == "package" else path.relative_to(course).as_posix()
        data = path.read_bytes() if path.is_file() else b""
        digest.update(f"{kind}:{name}:{len(data)}\n".encode() + data)
    return digest.hexdigest()[:16]


def user_cache():
    """The course's folder in the user's cache folder, for what only saves time (None without a home)."""
    try:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "transformer-foundations"
    except RuntimeError:  # no home folder
        return None
