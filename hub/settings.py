"""The class the hub serves: names and folders, from the environment (with defaults for `make hub`).

TF_HUB_INSTRUCTOR  the instructor's Unix user        (default tf-teacher)
TF_HUB_STUDENTS    students' Unix users, by spaces   (default "tf-ada tf-ben")
TF_HUB_EXCHANGE    nbgrader's exchange               (default /srv/nbgrader/exchange, nbgrader's own)
TF_HUB_STATE       the hub's database, cookie secret and the set-up's passwords (default hub/state)
TF_HUB_PORT        the hub's port on 127.0.0.1       (default 8000)
"""
import os
from pathlib import Path

COURSE_ID = "transformer-foundations"  # as in nbgrader_config.py
# course.UNLISTED, written out: the instructor's lab imports the course package of their course copy, which
# may be older than the hub (tests/test_hub.py checks that the two are the same)
UNLISTED = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~", "*-journal", "*-wal", "*-shm", "*.tmp"]
COURSE_FOLDER = "transformer-foundations"  # the instructor's course directory, in their home
INSTRUCTORS, STUDENTS = "tf-instructors", "tf-students"  # Unix groups


def settings():
    return {
        "instructor": os.environ.get("TF_HUB_INSTRUCTOR", "tf-teacher"),
        "students": os.environ.get("TF_HUB_STUDENTS", "tf-ada tf-ben").split(),
        "exchange": os.environ.get("TF_HUB_EXCHANGE", "/srv/nbgrader/exchange"),
        "state": os.environ.get("TF_HUB_STATE", str(Path(__file__).resolve().parent / "state")),
        "port": int(os.environ.get("TF_HUB_PORT", "8000")),
    }


def user_environment(name, config=None, python_bin=None):
    """The environment of a user's JupyterLab (and so of its terminals) on the hub: the venv first
    (nbgrader calls alembic from PATH), the role's Jupyter configuration (hub/instructor or
    hub/student), the exchange; for the instructor, their course directory and its package."""
    import pwd
    import sys
    config = config or settings()
    hub = Path(__file__).resolve().parent
    python_bin = python_bin or Path(sys.executable).parent
    env = {"PATH": f"{python_bin}:/usr/local/bin:/usr/bin:/bin", "TF_HUB_EXCHANGE": config["exchange"],
           "LANG": "C.UTF-8"}
    if name == config["instructor"]:
        course = Path(pwd.getpwnam(name).pw_dir) / COURSE_FOLDER
        env.update(JUPYTER_CONFIG_PATH=str(hub / "instructor"), TF_COURSE_DIR=str(course),
                   PYTHONPATH=f"{course}{os.pathsep}{hub.parent}")  # the course copy's package; hub.exchange
    else:
        env.update(JUPYTER_CONFIG_PATH=str(hub / "student"), PYTHONPATH=str(hub.parent))
    return env


def lab_server(c, instructor):
    """A user's JupyterLab on the hub (hub/<role>/jupyter_server_config.py): the Assignments tab and
    Validate for everyone; formgrader, Create Assignment and the course list for the instructor only."""
    c.ServerApp.jpserver_extensions.update({
        "course.formgrader_escaping": instructor,  # formgrader, made inert, and only so
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.assignment_list": True,
        "nbgrader.server_extensions.course_list": instructor,
        "nbgrader.server_extensions.validate_assignment": True,
    })
    # Terminals: an interactive bash, not a login shell, which would reset PATH from /etc/profile
    # and lose the venv (python, nbgrader, alembic) that the hub put first.
    c.ServerApp.terminado_settings = {"shell_command": ["/bin/bash"]}
    c.ContentsManager.hide_globs = UNLISTED  # e.g. gradebook.db-journal: see course/__init__.py
    c.LabApp.app_settings_dir = str(Path(__file__).resolve().parent.parent / "lab-settings")
    c.LabApp.news_url = None
    c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
