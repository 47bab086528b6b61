"""`course grade` against a real PostgreSQL gradebook: two graders at once (as two machines would,
each with its own students) give the same scores as the SQLite gradebook, and the report
covers the whole class."""
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from classroom import class_copy, course_command, course_grade, sandbox_args, scores
from course.nbgrader_setup import nbgrader
from course.demo import sample_class

pytestmark = pytest.mark.xdist_group("postgres")
ASSIGNMENT = "01_softmax"
BIN = Path("/usr/lib/postgresql/15/bin")
USER = "postgres"  # initdb refuses to run as root: the server runs as Debian's postgres user


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(*command, **kwargs):
    prefix = ["runuser", "-u", USER, "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *map(str, command)], check=True, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def postgres():
    """A throw-away PostgreSQL server on 127.0.0.1; yields its URL for a fresh `gradebook` database."""
    if not (BIN / "initdb").exists():
        pytest.skip("PostgreSQL is not installed (make system-packages) / 未安装PostgreSQL")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("running as root without runuser: initdb refuses root / 以root运行但没有runuser")
    data = Path(tempfile.mkdtemp(prefix="tf-postgres-"))
    if os.geteuid() == 0:
        shutil.chown(data, USER)
    port = free_port()
    as_postgres(BIN / "initdb", "-D", data / "db", "-U", USER, "--auth=trust")
    as_postgres(BIN / "pg_ctl", "-D", data / "db", "-w", "-l", data / "log",
                "-o", f"-h 127.0.0.1 -p {port} -k {data}", "start")
    try:
        as_postgres(BIN / "createdb", "-h", "127.0.0.1", "-p", port, "-U", USER, "gradebook")
        yield f"postgresql+psycopg2://{USER}@127.0.0.1:{port}/gradebook"  # SQLAlchemy 2.1 would pick psycopg 3
    finally:
        as_postgres(BIN / "pg_ctl", "-D", data / "db", "-m", "immediate", "stop")
        shutil.rmtree(data, ignore_errors=True)


def test_two_graders_share_one_postgres_gradebook(postgres, tmp_path, built_course):
    students = sample_class(ASSIGNMENT)
    course = class_copy(tmp_path / "course", ASSIGNMENT, students, built=built_course)
    release = nbgrader("generate_assignment", ASSIGNMENT, "--force", f"--db={postgres}", root=course, check=False)
    assert release.returncode == 0, release.stderr[-3000:]

    names = sorted(students)
    machines = [subprocess.Popen(  # two machines, each grading its own half of the class
        course_command(course, "grade", ASSIGNMENT, *sandbox_args(), "--db", postgres, "--student", *names[i::2]),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]
    for machine in machines:
        _, err = machine.communicate(timeout=1800)
        assert machine.returncode == 0, err[-3000:]
    on_postgres = scores(course, ASSIGNMENT, postgres)

    sqlite = course_grade(course, ASSIGNMENT, "--force")  # the same class, into the course's SQLite gradebook
    assert sqlite.returncode == 0, sqlite.stderr[-3000:]
    assert on_postgres == scores(course, ASSIGNMENT) and set(on_postgres) == set(students)

    report = subprocess.run(course_command(course, "report", ASSIGNMENT, "--db", postgres), capture_output=True, text=True)
    assert report.returncode == 0, report.stderr[-3000:]
    assert f"{len(students)} 名学生 / students" in (course / "reports" / ASSIGNMENT / "report.md").read_text()
