"""nbgrader set up for one course folder: the configured app in this process, or its command line."""
import logging
import os
import subprocess
import sys
from pathlib import Path

from nbgrader.apps import AutogradeApp
from traitlets.config import Config

SQLITE = "sqlite:///"


def nbgrader_app(assignment, course=".", overrides=(), app_class=AutogradeApp):
    """nbgrader configured as `nbgrader autograde ASSIGNMENT [overrides]` run in `course` (or another
    nbgrader command: `app_class`, e.g. GenerateAssignmentApp), without
    changing this process's working folder: the course's nbgrader_config.py is read from `course`
    (not from the current folder), and a relative SQLite gradebook is taken relative to `course`."""
    course = Path(course).resolve()
    app = app_class()
    app.load_cwd_config = False  # the course folder's config, not the current folder's
    app.config_file = str(course / "nbgrader_config")
    app.initialize([assignment, *overrides], root=str(course))
    app.coursedir.assignment_id = assignment
    url = absolute_db_url(app.coursedir.db_url, course)
    if url != app.coursedir.db_url:  # e.g. sqlite:///gradebook.db
        app.update_config(Config(CourseDirectory={"db_url": url}))
    app.log.setLevel(logging.WARNING)  # the progress bar and the summary say what happened
    return app


def absolute_db_url(url, course):
    """The gradebook's URL, a relative SQLite file taken relative to the course folder."""
    if url.startswith(SQLITE) and not os.path.isabs(url[len(SQLITE):]):
        return SQLITE + str(Path(course).resolve() / url[len(SQLITE):])
    return url


def nbgrader(*args, root=".", check=True):
    """Run the nbgrader command line in the course folder `root` (so its nbgrader_config.py applies).

    nbgrader calls `alembic` for the gradebook, so the venv's bin/ must be on PATH even when
    the venv is not activated."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, check=check,
                          capture_output=True, text=True, env=env)
