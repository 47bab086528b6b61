"""Regenerate release/ from source/ with nbgrader's generate_assignment."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from . import ROOT, assignments


def nbgrader(*args, root=ROOT, check=True):
    """Run the nbgrader command line in the course directory (so nbgrader_config.py applies).

    nbgrader calls `alembic` for the gradebook, so the venv's bin/ must be on PATH even when
    the venv is not activated."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, check=check,
                          capture_output=True, text=True, env=env)


def build(lang="both", root=ROOT, release_dir="release", only=()):
    for assignment in only or assignments(root):
        result = nbgrader("generate_assignment", assignment, "--force", f"--LanguageFilter.keep={lang}",
                          f"--CourseDirectory.release_directory={release_dir}", root=root, check=False)
        if result.returncode != 0:
            sys.exit(f"生成{assignment}失败 / building {assignment} failed:\n{result.stderr[-3000:]}")
        if root == ROOT:
            print(f"{release_dir}/{assignment}: ok ({lang})")


def course_copy(folder, only, root=ROOT):
    """A fresh course directory with some assignments: config, source/, release/ and gradebook."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(root) / "nbgrader_config.py", folder)
    for assignment in only:
        shutil.copytree(Path(root) / "source" / assignment, folder / "source" / assignment)
    build(root=folder, only=only)
    return folder
