"""Regenerate release/ from source/ with nbgrader's generate_assignment."""
import shutil
import sys
from pathlib import Path

from . import ROOT, assignments
from .nbgrader_setup import nbgrader


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
