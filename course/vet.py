"""Vet a submission before nbgrader sees it: copy its regular files, and only those, into a folder
of the grader's own.

nbgrader follows symbolic links when it reads a submission and when it copies it into autograded/
and feedback/, and blocks on a FIFO. A submitted link to gradebook.db or source/ would hand the
gradebook or the hidden tests to the kernel and back to the student; a hard link does the same
without looking like a link. So nbgrader reads a copy: every file is opened without following
links and without blocking, checked to be the same plain file that was listed, and copied with its
modification time (nbgrader's "unchanged, skip" decision depends on it). Whatever is not copied is
named with its reason; the rest of the submission is graded.

Size alone does not bound the memory nbgrader needs for a notebook: it copies the parsed notebook
several times, each JSON array or object as a new Python object, so 29 MiB of `[],[],...` (10
million arrays) took a worker to its 2 GiB cap (Limits.grader_memory) after 27 s of CPU. A notebook
with more arrays and objects than Limits.notebook_containers is left out too.
"""
import os
import re
import shutil
import stat
from pathlib import Path

from .limits import Limits

CHUNK = 2**20
JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')

KINDS = {stat.S_IFIFO: "FIFO", stat.S_IFSOCK: "socket", stat.S_IFCHR: "device", stat.S_IFBLK: "device"}


def vetted_copy(submitted, target, limits=None):
    """Copy the plain files of the folder `submitted` into `target` (emptied first); return the
    reasons, bilingual, for what was left out. `limits` (course/limits.py): notebook_bytes (a notebook
    nbgrader would need gigabytes of memory to read) and submission_bytes."""
    limits = limits or Limits()
    shutil.rmtree(target, ignore_errors=True)
    Path(target).mkdir(parents=True)
    rejected, total = [], [0]
    if Path(submitted).is_symlink() or Path(submitted).parent.is_symlink():
        return ["提交文件夹是符号链接，未评分 / the submission folder is a symbolic link, not graded"]
    _copy_folder(Path(submitted), Path(target), Path(), rejected, total, limits)
    return rejected


def _copy_folder(folder, target, relative, rejected, total, limits):
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            name = relative / entry.name
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISLNK(info.st_mode):
                rejected.append(f"{name}: 符号链接，已忽略 / a symbolic link, left out")
            elif stat.S_ISDIR(info.st_mode):
                if entry.name.endswith(".ipynb"):
                    rejected.append(f"{name}: 是文件夹而不是笔记本，已忽略 / a folder, not a notebook: left out")
                    continue
                (target / entry.name).mkdir()
                _copy_folder(Path(entry.path), target / entry.name, name, rejected, total, limits)
            elif not stat.S_ISREG(info.st_mode):
                kind = KINDS.get(stat.S_IFMT(info.st_mode), "special file")
                rejected.append(f"{name}: 不是普通文件（{kind}），已忽略 / not a plain file ({kind}), left out")
            elif info.st_nlink > 1:
                rejected.append(f"{name}: 硬链接，已忽略 / a hard link, left out")
            elif entry.name.endswith(".ipynb") and info.st_size > limits.notebook_bytes:
                most = limits.notebook_bytes // 2**20
                rejected.append(f"{name}: 笔记本过大（{info.st_size // 2**20} MiB，上限{most} MiB），已忽略 / "
                                f"notebook too large ({info.st_size // 2**20} MiB, at most {most} MiB), left out")
            elif total[0] + info.st_size > limits.submission_bytes:
                most = limits.submission_bytes // 2**20
                rejected.append(f"{name}: 提交总大小超过{most} MiB，已忽略 / the submission is over {most} MiB in all, "
                                "left out")
            elif not _copy_file(entry.path, target / entry.name, info):
                rejected.append(f"{name}: 读取时已被替换，已忽略 / replaced while it was read, left out")
            elif entry.name.endswith(".ipynb") and containers(target / entry.name) > limits.notebook_containers:
                (target / entry.name).unlink()
                most = limits.notebook_containers
                rejected.append(f"{name}: 笔记本的JSON数组和对象超过{most:,}个，已忽略 / more than {most:,} JSON "
                                "arrays and objects in the notebook, left out")
            else:
                total[0] += info.st_size


def containers(path):
    """The JSON arrays and objects in the file at `path` (brackets inside strings do not count)."""
    text = JSON_STRING.sub(b"", Path(path).read_bytes())
    return text.count(b"[") + text.count(b"{")


def _copy_file(path, destination, listed):
    """Copy the plain file at `path` if it is still the one listed; False if it is not."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as source:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) != (listed.st_dev, listed.st_ino) \
                or info.st_nlink > 1:
            return False
        left = info.st_size
        with open(destination, "xb") as copy:
            while left > 0:
                chunk = source.read(min(CHUNK, left))
                if not chunk:
                    break
                copy.write(chunk)
                left -= len(chunk)
    os.utime(destination, ns=(info.st_atime_ns, info.st_mtime_ns))
    return True
