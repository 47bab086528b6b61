"""Set up the class for the hub (run as root; idempotent): `make hub-setup`, or
`python hub/setup.py [--instructor NAME] [--students A B ...] [--exchange DIR] [--state DIR]`.

- Unix groups tf-instructors and tf-students; the instructor and each student as a real user with
  a home (0700); a user it creates gets a random password, kept in STATE/passwords (root only,
  0600); an existing user keeps their password.
- Both groups may pass through the folders above the course's Python and the course (an ACL per
  group, like `make grader-user`: e.g. /root, where pyenv installs Python, is closed to others).
- This checkout is closed to the students' group (an ACL entry with no rights) but for what their
  servers run from it (STUDENT_NEEDS: the venv, the course package the release's checks import,
  hub/'s settings, the lab settings): a student's terminal read source/ (answers, hidden tests),
  samples/ and .git. A default entry closes what is made in it later (the demo's gradebook.db).
- The instructor's course directory ~INSTRUCTOR/transformer-foundations: a copy of this course
  (source/, samples/ (the classic mistakes that feedback names), release/, the course package,
  nbgrader_config.py ...), made once and never overwritten.
- nbgrader's exchange: EXCHANGE (0777 as nbgrader requires, plus the sticky bit), and the course's
  folders in it made now, owned by the instructor and the tf-instructors group: outbound/ 0755,
  inbound/ 3733 (students write but cannot list, nor rename or remove another's), feedback/ 0711.

Settings come from the arguments or the environment (TF_HUB_INSTRUCTOR, TF_HUB_STUDENTS,
TF_HUB_EXCHANGE, TF_HUB_STATE); hub/jupyterhub_config.py reads the same variables.
"""
import argparse
import grp
import os
import pwd
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

HUB = Path(__file__).resolve().parent
ROOT = HUB.parent
sys.path.insert(0, str(HUB))
from settings import COURSE_ID, COURSE_FOLDER, INSTRUCTORS, STUDENTS, settings  # noqa: E402

COPIED = ["course", "source", "samples", "release", "lab-settings", "nbgrader_config.py", "jupyter_lab_config.py",
          "index.ipynb", "pyproject.toml"]
STUDENT_NEEDS = {".venv", "course", "hub", "lab-settings",
                 "transformer_foundations.egg-info"}  # pkg_resources reads it: the checkout is on their PYTHONPATH


def run(*command):
    subprocess.run(command, check=True)


def ensure_group(name):
    try:
        grp.getgrnam(name)
    except KeyError:
        run("groupadd", "--system", name)


def ensure_user(name, group, passwords):
    """A new user gets a random password; an existing one keeps theirs (and their home's contents)."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        run("useradd", "--create-home", "--shell", "/bin/bash", "--user-group", name)
        passwords[name] = secrets.token_urlsafe(12)
        subprocess.run(["chpasswd"], input=f"{name}:{passwords[name]}\n", text=True, check=True)
    run("usermod", "--append", "--groups", group, name)
    home = Path(pwd.getpwnam(name).pw_dir)
    home.mkdir(exist_ok=True)
    os.chown(home, pwd.getpwnam(name).pw_uid, pwd.getpwnam(name).pw_gid)
    home.chmod(0o700)  # no student reads another's home (or the instructor's course)
    return home


def read_passwords(path):
    if not path.exists():
        return {}
    return dict(line.split(":", 1) for line in path.read_text().splitlines() if ":" in line)


def write_passwords(path, passwords):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text("".join(f"{user}:{password}\n" for user, password in sorted(passwords.items())))


def let_through(groups, paths):
    """ACL: the groups may traverse the folders above each path that are closed to others.

    Only those: a named group's entry would replace, for its members, the r-x others have."""
    for path in paths:
        folder = Path(path).parent
        while folder != folder.parent:
            if not folder.stat().st_mode & 0o001:
                for group in groups:
                    run("setfacl", "-m", f"g:{group}:x", str(folder))
            folder = folder.parent


def close_checkout():
    for entry in ROOT.iterdir():
        if entry.is_symlink():
            continue
        if entry.name in STUDENT_NEEDS:  # open, all through: one made again after the set-up inherited the closing
            run("setfacl", "-R", "-x", f"g:{STUDENTS}", "-x", f"d:g:{STUDENTS}", str(entry))
        else:
            run("setfacl", "-m", f"g:{STUDENTS}:---", str(entry))
    run("setfacl", "-d", "-m", f"g:{STUDENTS}:---", str(ROOT))


def course_copy(home, owner):
    course = home / COURSE_FOLDER
    if not course.exists():
        course.mkdir()
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, course / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            elif source.exists():
                shutil.copy2(source, course / name)
        run("chown", "-R", f"{owner}:{owner}", str(course))
    course.chmod(0o700)
    return course


def exchange(root, instructor):
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o1777)  # nbgrader checks for 0777; the sticky bit keeps others' entries from being removed
    user = pwd.getpwnam(instructor)
    group = grp.getgrnam(INSTRUCTORS).gr_gid
    course = root / COURSE_ID
    for folder, mode in ((course, 0o755), (course / "outbound", 0o755), (course / "inbound", 0o3733),
                         (course / "feedback", 0o711)):
        folder.mkdir(exist_ok=True)
        os.chown(folder, user.pw_uid, group)
        folder.chmod(mode)


def main(argv=None):
    config = settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instructor", default=config["instructor"])
    parser.add_argument("--students", nargs="*", default=config["students"])
    parser.add_argument("--exchange", default=config["exchange"])
    parser.add_argument("--state", default=config["state"])
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        raise SystemExit("hub/setup.py must run as root (it creates Unix users) / 需要以root运行（它要创建Unix用户）")
    for group in (INSTRUCTORS, STUDENTS):
        ensure_group(group)
    state = Path(args.state)
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o700)
    passwords = read_passwords(state / "passwords")
    home = ensure_user(args.instructor, INSTRUCTORS, passwords)
    for student in args.students:
        ensure_user(student, STUDENTS, passwords)
    write_passwords(state / "passwords", passwords)
    let_through([INSTRUCTORS, STUDENTS], [os.path.realpath(sys.executable), ROOT / "hub" / "setup.py"])
    close_checkout()
    course_copy(home, args.instructor)
    exchange(args.exchange, args.instructor)
    print(f"班级已建好：教师{args.instructor}，学生{'、'.join(args.students)}；密码在{state / 'passwords'}（仅root可读）；"
          f"交换目录{args.exchange}\n"
          f"hub class: instructor {args.instructor}, students {' '.join(args.students)}; "
          f"passwords in {state / 'passwords'} (root only); exchange {args.exchange}")


if __name__ == "__main__":
    main()
