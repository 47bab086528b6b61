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
