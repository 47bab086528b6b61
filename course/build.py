"""Regenerate release/ from source/ with nbgrader's generate_assignment, and each assignment's table
of known mistakes' outputs on its visible checks (course/diagnosis.py)."""
import shutil
from pathlib import Path

from . import CourseError, assignments
from .diagnosis import TABLE, build_table
from .nbgrader_setup import nbgrader


def build(lang="both", root=".", release_dir="release", only=(), verbose=False, tables=True):
    """Generate the release of each assignment in `only` (default: all) of the course in `root`;
    `tables=False` skips the mistakes' tables, which only students' kernels read."""
    for assignment in only or assignments(root):
        table = Path(root) / release_dir / assignment / TABLE  # generate_assignment --force removes it
        previous = table.read_text(encoding="utf-8") if tables and table.exists() else None
        result = nbgrader("generate_assignment", assignment, "--force", f"--LanguageFilter.keep={lang}",
                          f"--CourseDirectory.release_directory={release_dir}", root=root, check=False)
        if result.returncode != 0:
            raise CourseError(f"生成{assignment}失败 / building {assignment} failed:\n{result.stderr[-3000:]}")
        folder = Path(root)
        if tables:
            build_table(folder / "source" / assignment, folder / "samples" / assignment,
                        folder / release_dir / assignment, previous)
        if verbose:
            print(f"{release_dir}/{assignment}: 完成 / done ({lang})")


def course_files(folder, only, root="."):
    """A new course directory with the config, source/ and samples/ (if any) of some assignments of
    the course in `root`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(root) / "nbgrader_config.py", folder)
    for assignment in only:
        shutil.copytree(Path(root) / "source" / assignment, folder / "source" / assignment)
        if (Path(root) / "samples" / assignment).is_dir():
            shutil.copytree(Path(root) / "samples" / assignment, folder / "samples" / assignment)
    return folder


def course_copy(folder, only, root=".", tables=True):
    """course_files, built: release/ (with the mistakes' tables unless `tables=False`) and gradebook."""
    folder = course_files(folder, only, root)
    build(root=folder, only=only, tables=tables)
    return folder
