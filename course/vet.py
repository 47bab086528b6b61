"""Vet a submission before nbgrader sees it: copy its regular files, and only those, into a folder
of the grader's own.

nbgrader follows symbolic links when it reads a submission and when it copies it into autograded/
and feedback/, and blocks on a FIFO. A submitted link to gradebook.db or source/ would hand the
gradebook or the hidden tests to the kernel and back to the student; a hard link does the same
without looking like a link. So nbgrader reads a copy: every folder and file is opened relative to
the folder that listed it (a handle, not a path), without following links and without blocking,
checked to be the same folder or plain file that was listed, and copied with its modification time
(nbgrader's "unchanged, skip" decision depends on it). A student who owns the submitted folder (the
hub's exchange) can swap one of its folders for a link between the listing and the copy: by path, a
lost race copied the instructor's gradebook. Whatever is not copied is named with its reason; the
rest of the submission is graded.

Size alone does not bound the memory nbgrader needs for a notebook: it copies the parsed notebook
several times, each JSON array or object as a new Python object, so 29 MiB of `[],[],...` (10
million arrays) took a worker to its 2 GiB cap (Limits.grader_memory) after 27 s of CPU. A notebook
with more arrays and objects than Limits.notebook_containers is left out too, and one with more cells
than Limits.notebook_cells: every cell costs nbclient, the feedback and formgrader, whatever its size
(30,000 cells of `1` took 7 minutes to grade, and formgrader 3 to show, on a busy machine), and one
whose cells' sources have more characters than Limits.notebook_source_chars (a 27 MB comment became
a 33 MB feedback page, 23.5 s for formgrader to show). Those bounds count a notebook as nbgrader
reads it, so one it would read some other way is left out: JSON nested deeper than NESTING
(nbformat's reader raised RecursionError at 600 levels here, json.loads at 1,200), or a format
version other than 4 (nbgrader upgrades it, from cells where no bound looks). Nor does size bound
nbgrader's time: its search of a submission's files is quadratic in their number (100,000 empty
files held a worker to its deadline), so past Limits.submission_files the rest are left out.
"""
import json
import math
import os
import re
import shutil
import stat
import time
from pathlib import Path

from nbgrader.utils import parse_utc

from .limits import Limits

CHUNK = 2**20
JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
BRACKET = re.compile(rb"[\[\]{}]")
# Arrays and objects within one another: a lesson's go 5 deep; nbformat's reader raised RecursionError
# at 600 here, json.loads at 1,200.
NESTING = 100
# Entries last_change looks at, in submission_files: past them it says "now" (20,000 by default).
WALKED = 100
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?( UTC)?")  # as nbgrader writes it
FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK

KINDS = {stat.S_IFIFO: "FIFO", stat.S_IFSOCK: "socket", stat.S_IFCHR: "device", stat.S_IFBLK: "device"}
UNREADABLE = "无法读取，或读取时已被替换，已忽略 / could not be read, or was replaced while it was read, left out"


def vetted_copy(submitted, target, limits=None):
    """Copy the plain files of the folder `submitted` into `target` (emptied first); return the
    reasons, bilingual, for what was left out. `limits` (course/limits.py): notebook_bytes (a notebook
    nbgrader would need gigabytes of memory to read), submission_bytes, submission_files and
    submission_depth."""
    limits = limits or Limits()
    shutil.rmtree(target, ignore_errors=True)
    Path(target).mkdir(parents=True)
    if Path(submitted).is_symlink() or Path(submitted).parent.is_symlink():
        return ["提交文件夹是符号链接，未评分 / the submission folder is a symbolic link, not graded"]
    try:
        folder = os.open(submitted, FOLDER)
    except OSError:
        return ["提交文件夹无法读取，未评分 / the submission folder cannot be read, not graded"]
    rejected, counts = [], {"bytes": 0, "entries": 0, "full": False}
    try:
        _copy_folder(folder, Path(target), Path(), rejected, counts, limits)
    finally:
        os.close(folder)
    _check_timestamp(Path(target), rejected)
    return rejected


def _copy_folder(folder, target, relative, rejected, counts, limits):
    """Copy the entries of the open folder `folder` into `target` (`relative`: its path in the submission)."""
    try:
        names = os.listdir(folder)
    except OSError:
        rejected.append(f"{relative}/: {UNREADABLE}")
        return
    listed = []
    for entry in names:
        try:
            listed.append((entry, os.stat(entry, dir_fd=folder, follow_symlinks=False)))
        except OSError:
            rejected.append(f"{relative / entry}: {UNREADABLE}")
    # Notebooks first, then a folder's other files, then its subfolders: what is graded is copied
    # before any limit is reached.
    order = sorted(listed, key=lambda item: (not item[0].endswith(".ipynb"), stat.S_ISDIR(item[1].st_mode), item[0]))
    for entry, info in order:
        name = relative / entry
        if counts["full"]:
            return
        counts["entries"] += 1  # every entry looked at, copied or not: each costs a reason or a file
        if counts["entries"] > limits.submission_files:
            rejected.append(f"{name}: 提交中的文件和文件夹超过{limits.submission_files}个，其余已忽略 / more than "
                            f"{limits.submission_files} files and folders in the submission, the rest left out")
            counts["full"] = True
            return
        if stat.S_ISLNK(info.st_mode):
            rejected.append(f"{name}: 符号链接，已忽略 / a symbolic link, left out")
        elif stat.S_ISDIR(info.st_mode):
            if entry.endswith(".ipynb"):
                rejected.append(f"{name}: 是文件夹而不是笔记本，已忽略 / a folder, not a notebook: left out")
            elif len(name.parts) > limits.submission_depth:
                rejected.append(f"{name}: 文件夹嵌套超过{limits.submission_depth}层，已忽略 / folders nested more "
                                f"than {limits.submission_depth} deep, left out")
            else:
                _copy_subfolder(folder, entry, info, target, name, rejected, counts, limits)
        elif not stat.S_ISREG(info.st_mode):
            kind = KINDS.get(stat.S_IFMT(info.st_mode), "special file")
            rejected.append(f"{name}: 不是普通文件（{kind}），已忽略 / not a plain file ({kind}), left out")
        elif info.st_nlink > 1:
            rejected.append(f"{name}: 硬链接，已忽略 / a hard link, left out")
        elif entry.endswith(".ipynb") and info.st_size > limits.notebook_bytes:
            most = limits.notebook_bytes // 2**20
            rejected.append(f"{name}: 笔记本过大（{info.st_size // 2**20} MiB，上限{most} MiB），已忽略 / "
                            f"notebook too large ({info.st_size // 2**20} MiB, at most {most} MiB), left out")
        elif counts["bytes"] + info.st_size > limits.submission_bytes:
            most = limits.submission_bytes // 2**20
            rejected.append(f"{name}: 提交总大小超过{most} MiB，已忽略 / the submission is over {most} MiB in all, "
                            "left out")
        elif not _copy_file(folder, entry, target / entry, info):
            rejected.append(f"{name}: {UNREADABLE}")
        elif entry.endswith(".ipynb") and (why := too_costly((target / entry).read_bytes(), limits)):
            (target / entry).unlink()
            rejected.append(f"{name}: {why}")
        else:
            counts["bytes"] += info.st_size


def _copy_subfolder(folder, entry, listed, target, name, rejected, counts, limits):
    try:
        sub = os.open(entry, FOLDER, dir_fd=folder)
    except OSError:  # gone, closed to the grader, or now a link (O_NOFOLLOW)
        rejected.append(f"{name}/: {UNREADABLE}")
        return
    try:
        if not same_file(os.fstat(sub), listed):
            rejected.append(f"{name}/: {UNREADABLE}")
            return
        (target / entry).mkdir()
        _copy_folder(sub, target / entry, name, rejected, counts, limits)
    finally:
        os.close(sub)


def _check_timestamp(target, rejected):
    """nbgrader reads timestamp.txt when it collects again and when it grades, and stops on one that
    is not a time (for every student, at `nbgrader collect --update`): such a file is left out."""
    path = target / "timestamp.txt"
    if not path.is_file():
        return
    text = path.read_bytes()[:100].decode("ascii", "replace").strip()
    # nbgrader's own form only: parse_utc hands a third word to dateutil's gettz, which opens a path
    # as a time zone file (/proc/self/mem raised OSError, a FIFO would block)
    if TIMESTAMP.fullmatch(text):
        try:
            parse_utc(text)
            return
        except (ValueError, OverflowError):
            pass
    path.unlink()
    rejected.append("timestamp.txt: 不是时间，已忽略 / not a time, left out")


def same_file(now, listed):
    return (now.st_dev, now.st_ino) == (listed.st_dev, listed.st_ino)


def too_costly(notebook, limits):
    """Why nbgrader should not read the notebook `notebook` (bytes), or None: more JSON arrays and
    objects than notebook_containers (brackets inside strings do not count), more cells than
    notebook_cells or more characters in their sources than notebook_source_chars, counted by parsing
    it once the first bound keeps that cheap (a regular expression would miss a key written with JSON
    escapes, "\\u0063ell_type")."""
    text = JSON_STRING.sub(b"", notebook)
    if text.count(b"[") + text.count(b"{") > limits.notebook_containers:
        most = limits.notebook_containers
        return (f"笔记本的JSON数组和对象超过{most:,}个，已忽略 / more than {most:,} JSON arrays and objects in the "
                "notebook, left out")
    if nesting(text) > NESTING:  # too few to count, too deep for the readers
        return "笔记本的JSON嵌套过深，已忽略 / the notebook's JSON is nested too deep, left out"
    try:
        parsed = json.loads(notebook)
    except ValueError:
        return None  # no notebook: nbgrader says so
    if not isinstance(parsed, dict):
        return None
    if parsed.get("nbformat") != 4:  # nbformat upgrades an older one (no version: 1), its cells kept elsewhere
        return "不是第4版的笔记本格式，已忽略 / not a notebook of format version 4, left out"
    found = parsed.get("cells")
    if not isinstance(found, list):
        return None
    if len(found) > limits.notebook_cells:
        most = limits.notebook_cells
        return f"笔记本的单元格超过{most:,}个，已忽略 / more than {most:,} cells in the notebook, left out"
    if sum(map(source_chars, found)) > limits.notebook_source_chars:
        most = limits.notebook_source_chars
        return (f"笔记本各单元格的内容超过{most:,}个字符，已忽略 / more than {most:,} characters in the notebook's "
                "cells, left out")
    return None


def nesting(text):
    """How deep arrays and objects go in the JSON `text`, its strings removed."""
    deepest = depth = 0
    for bracket in BRACKET.findall(text):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def source_chars(cell):
    """The characters of a cell's source (a string, or a list of strings as nbformat writes it)."""
    source = cell.get("source") if isinstance(cell, dict) else None
    if isinstance(source, str):
        return len(source)
    return sum(len(line) for line in source if isinstance(line, str)) if isinstance(source, list) else 0


def last_change(submitted, limits=None):
    """When the folder `submitted` last changed: the latest ctime of the folder and of everything in
    it, every entry counted (not only what vetted_copy copies: a submission of many files is dated
    by its files), walked by handle as vetted_copy walks (links not followed, no deeper than
    submission_depth, one handle open per level). A change sets ctime to the time of the change, and
    a student cannot set it back (a write through a shared memory map keeps the ctime of an earlier
    write to the same page until the kernel writes that page back). The time now if a folder cannot
    be read, an entry vanishes or becomes a link while it is walked, or past WALKED times
    submission_files entries."""
    limits = limits or Limits()
    try:
        folder = os.open(submitted, FOLDER)
    except OSError:
        return time.time()
    try:
        latest = _latest_ctime(folder, 0, limits, [0])
    except OSError:
        latest = math.inf
    finally:
        os.close(folder)
    return time.time() if latest == math.inf else latest


def _latest_ctime(folder, depth, limits, walked):
    """last_change below the open folder `folder`; infinite past WALKED times submission_files entries."""
    names = os.listdir(folder)
    latest = os.fstat(folder).st_ctime  # read after the listing: covers it
    walked[0] += len(names)
    if walked[0] > WALKED * limits.submission_files:
        return math.inf
    for name in names:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
        latest = max(latest, info.st_ctime)
        if stat.S_ISDIR(info.st_mode) and depth < limits.submission_depth:
            sub = os.open(name, FOLDER, dir_fd=folder)
            try:
                latest = max(latest, _latest_ctime(sub, depth + 1, limits, walked))
            finally:
                os.close(sub)
            if latest == math.inf:
                break
    return latest


def _copy_file(folder, entry, destination, listed):
    """Copy the plain file `entry` of the open folder `folder` if it is still the one listed; False if
    it is not, or cannot be read."""
    try:
        fd = os.open(entry, FILE, dir_fd=folder)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as source:
        info = os.fstat(fd)
        # the size the limits saw: a file the student grows meanwhile is not copied past them
        if not stat.S_ISREG(info.st_mode) or not same_file(info, listed) or info.st_nlink > 1 \
                or info.st_size != listed.st_size:
            return False
        left = listed.st_size
        try:
            with open(destination, "xb") as copy:
                while left > 0:
                    chunk = source.read(min(CHUNK, left))
                    if not chunk:
                        break
                    copy.write(chunk)
                    left -= len(chunk)
        except OSError:  # the read failed
            Path(destination).unlink(missing_ok=True)
            return False
    os.utime(destination, ns=(info.st_atime_ns, info.st_mtime_ns))
    return True
