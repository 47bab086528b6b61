"""Kernels forked from a warm Python: how `course grade` saves most of a kernel's start-up.

A new kernel costs a new interpreter, ipykernel, and then NumPy and matplotlib in the notebook's
first cell. Each grading worker instead has one fork server, inside its own bubblewrap sandbox
(course/sandbox.py) unless grading is unsandboxed; a command grading several assignments keeps the
servers from one to the next (EarlyServers). The server imports all of that once and then
forks a fresh IPython kernel for each notebook: an empty namespace, as nbgrader would give it; only
the modules already imported are shared (copy-on-write memory).

One kernel at a time, and nothing carries over. Before forking the next kernel the server kills
every other process in the sandbox (it has its own PID namespace) and empties the sandbox's /tmp
(the kernel's HOME, with IPython's startup folder); the grader gives every kernel a fresh working
folder. The server is not dumpable, so a kernel cannot ptrace it, read its memory or reach its
control pipe through /proc. A kernel that kills or stops the server only ends its own grading:
the server is replaced.

The grader drives the server through ForkedKernelManager, a jupyter_client kernel manager whose
provisioner asks the server instead of starting a process.

(Over 300 lines on purpose: the server and the grader's side speak one line protocol over a pipe,
and the two halves change together.)
"""
import ast
import contextlib
import ctypes
import errno
import fcntl
import functools
import json
import logging
import os
import re
import resource
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from jupyter_client.provisioning import LocalProvisioner
from traitlets import Unicode

import course

from .limits import Limits, uncapped
from .sandbox import (KernelManager, SandboxedKernelManager, remove_cgroups, remove_cgroups_named, sandbox_env,
                      sandbox_proven)


NOT_EMPTIED = "评分程序无法清空fork服务器的文件夹 / the grader could not empty its fork server's folder"


class ForkServerFailed(course.GraderFault, RuntimeError):
    """The worker's fork server did not answer, even started anew: the grader's failure (e.g. its
    sandbox broke after the canary passed), not the submission's."""


PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4

# During grading nobody looks at a figure, and rasterising one (PNG, SVG...) is most of the time a
# lesson cell spends drawing. A graded kernel therefore computes no picture of anything it displays:
# only IPython's image formatters are off. Everything a student's code can see stays as in Jupyter:
# the same backend (matplotlib-inline, what ipykernel sets), the same rcParams, figures drawn into
# and closed after each cell as before, widgets created and their callbacks run; `plt.show()` and a
# cell's last figure display as the text "<Figure size ... with 1 Axes>" instead of an image.
# A formatter runs after the student's code has made the figure, never before or inside a graded
# function, so no graded value can depend on it. (The Agg backend would change
# matplotlib.get_backend(), what show() does and whether figures pile up between cells.)
NO_PICTURES = [f"--{kind}Formatter.enabled=False" for kind in ("PNG", "SVG", "JPEG", "PDF")]
# IPython keeps every cell's input in an SQLite file in the kernel's HOME, written and committed by a
# thread after each cell. In the sandbox that HOME is new and emptied after the kernel, so the file held
# only its own cells; unsandboxed, it was the grader's own history, which took in every student's cells.
# In, Out, _i1... and %history of the session are kept in memory as before.
NO_HISTORY = ["--HistoryManager.enabled=False"]
# What every kernel imports as it starts, imported once by the server instead (bench/kernel_start.py:
# 8-10 ms of a forked kernel's 40-60 ms start): a kernel has them before its first cell either way.
KERNEL_START_MODULES = ["IPython.core.completerlib", "IPython.core.debugger", "IPython.core.oinspect",
                        "IPython.extensions.storemagic", "IPython.utils.wildcard", "faulthandler", "pdb",
                        "tornado.platform.asyncio"]


# ---------------------------------------------------------------- the server (runs in the sandbox)
def serve(sandboxed, modules):
    """Import, then answer one JSON request per line on stdin: start, poll, signal, end. Sandboxed, the
    first line gives matplotlib's font list (lay_font_list), and the ready line says the list built here
    if it differs."""
    ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    if sandboxed:  # a POSIX message queue would outlive its kernel, for the next to read: none can be made
        resource.setrlimit(resource.RLIMIT_MSGQUEUE, (0, 0))
        refuse_keys()
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # what ipykernel sets
    requests, replies = os.fdopen(os.dup(0)), os.fdopen(os.dup(1), "w")
    given = json.loads(requests.readline())["fonts"] if sandboxed else None
    fonts = sandboxed and any(m.split(".")[0] == "matplotlib" for m in modules)
    if fonts and given is not None:
        with contextlib.suppress(Exception):  # then matplotlib builds its own, as without one
            lay_font_list(given)
    from ipykernel import compiler, debugger, iostream, kernelapp, kernelbase  # noqa: F401 (debugger imports debugpy, as every kernel does: once here)
    from jupyter_client import session
    # ipykernel names each cell's code after a pure-Python murmur2 hash of it, for its debugger: 0.15 s
    # per MB, and a grader's call carries its arguments in the code (up to a few MB). CRC32 gives an
    # equally stable name at C speed; nobody debugs a graded kernel.
    compiler.murmur2_x86 = lambda data, seed: zlib.crc32(data.encode(), seed)
    iostream.OutStream.flush = flush_if_written(iostream.OutStream.flush)
    kernelapp.IPKernelApp.initialize = debug_records_dropped(kernelapp.IPKernelApp.initialize)
    kernelbase.Kernel._flush_control_queue = control_queue_left
    # jupyter_client parses the dates in every message's headers (dateutil, a tenth of a call's time in the
    # kernel), which nothing in a kernel reads: they stay the strings they came as, and go back as sent
    session.extract_dates = lambda headers: headers
    for module in KERNEL_START_MODULES + modules:
        with contextlib.suppress(Exception):
            __import__(module)
    sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]  # as ipykernel_launcher does
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # a kernel inherits these: never the control pipe
        os.dup2(null, fd)
    home_dirs = sorted(str(p) for p in Path("/tmp").rglob("*") if p.is_dir()) if sandboxed else []
    built = font_list() if fonts else None
    replies.write(json.dumps({"ready": True, **({"fonts": built} if built not in (None, given) else {})}) + "\n")
    replies.flush()
    kernel, status = None, None
    for line in requests:
        request = json.loads(line)
        if request["do"] == "start":
            end_all(kernel, sandboxed, home_dirs, reaped=status is not None)
            kernel, status = os.fork(), None
            if kernel == 0:
                requests.close()
                replies.close()
                run_kernel(kernelapp, request["argv"], request["cwd"])
            reply = {"pid": kernel}
        elif request["do"] == "poll":
            if kernel is not None and status is None:
                pid, code = os.waitpid(kernel, os.WNOHANG)
                if pid:  # it ended by itself: whatever it started ends with it, now
                    status = os.waitstatus_to_exitcode(code)
                    end_all(kernel, sandboxed, home_dirs, reaped=True)
            reply = {"exit": status}
        elif request["do"] == "signal":
            if kernel is not None and status is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(kernel, request["signal"])
            reply = {}
        elif request["do"] == "clean":  # before the grader prepares the next kernel's folder
            end_all(kernel, sandboxed, home_dirs, reaped=status is not None)
            kernel, status = None, None
            reply = {"clean": True}
        else:  # end
            end_all(kernel, sandboxed, home_dirs, reaped=status is not None)
            kernel, status = None, status if status is not None else -signal.SIGKILL
            reply = {"exit": status}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


FONT_LIST_NAME = r"fontlist-v[0-9.]+\.json"


def lay_font_list(given):
    """Put `given`, matplotlib's font list as an earlier server built it (`font_list`), where
    matplotlib looks for it, before it is imported. In the sandbox HOME is new, so matplotlib would
    otherwise read every font file again (0.45 s of each server's start); elsewhere it keeps the
    list in ~/.cache the same way. An unreadable list, or one of another matplotlib version, is built
    anew, as matplotlib does; like matplotlib's own, a kept list does not see fonts installed since
    (remove the kept file, course/kernel_fork.py font_list_file, after changing the system's fonts)."""
    import matplotlib
    if re.fullmatch(FONT_LIST_NAME, given["name"]):
        Path(matplotlib.get_cachedir(), given["name"]).write_text(given["text"], encoding="utf-8")


def font_list():
    """{name, text} of the font list matplotlib uses here, None if it was not imported."""
    font_manager = sys.modules.get("matplotlib.font_manager")
    if font_manager is None:
        return None
    name = f"fontlist-v{font_manager.FontManager.__version__}.json"
    with contextlib.suppress(OSError):
        return {"name": name, "text": Path(sys.modules["matplotlib"].get_cachedir(), name).read_text(encoding="utf-8")}
    return None


def flush_if_written(flush):
    """ipykernel's OutStream.flush, skipped when nothing was written since the last one. ipykernel flushes
    stdout and stderr after every cell and every call; each flush, with nothing to send, still hands two
    tasks to the IOPub thread and waits for them (bench/kernel_cells.py measures what that costs a
    cell). What a cell or call prints is sent as before."""
    @functools.wraps(flush)
    def flush_written(self):
        with self._buffer_lock:
            written = any(buffer.tell() for buffer in self._buffers.values())
        if written or self._flush_pending or self._subprocess_flush_pending or self.echo is not None:
            flush(self)
    return flush_written


async def control_queue_left(kernel):
    """Kernel._flush_control_queue, which ipykernel runs before every shell message (every cell and
    every call): it wakes the control thread, to handle first what came on the control channel. The
    grader never opens that channel (it interrupts with a signal, and kills the kernel at the end), so
    there is nothing to flush; waking the thread cost a tenth to a fifth of a cell's CPU in the kernel
    (bench/kernel_cells.py)."""


def debug_records_dropped(initialize):
    """IPKernelApp.initialize, then the kernel's logger set to its handlers' level. traitlets leaves an
    application's logger at DEBUG and lets the handlers filter, so for every message it handled the
    kernel built three debug records that no handler kept (about 5% of a call's CPU in the kernel).
    What the kernel logs is as before."""
    @functools.wraps(initialize)
    def initialize_without_debug_records(self, argv=None):
        initialize(self, argv)
        self.log.setLevel(max(logging.DEBUG, min((h.level for h in self.log.handlers), default=logging.WARNING)))
    return initialize_without_debug_records


def run_kernel(kernelapp, argv, cwd):
    """In the forked child: become an ordinary kernel process, then exit without returning."""
    code = 1
    try:
        server = os.getppid()  # a kernel that kills its server dies with it
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != server:  # it died before the line above
            return
        os.setsid()
        os.chdir(cwd)
        sys.argv = ["ipykernel_launcher", *argv, *NO_PICTURES, *NO_HISTORY]
        kernelapp.launch_new_instance()
        code = 0
    finally:
        os._exit(code)


def end_all(kernel, sandboxed, home_dirs, reaped=False):
    """Kill the kernel and all it started; in a sandbox, every process but the server (its PID 1). A
    `reaped` kernel's id may be another process's by now: only its group is killed."""
    if not sandboxed:
        if kernel is not None:
            # a kernel just forked has no group of its own yet (setsid): the process too, unless reaped
            for kill in (os.killpg,) if reaped else (os.killpg, os.kill):
                with contextlib.suppress(ProcessLookupError):
                    kill(kernel, signal.SIGKILL)
    else:
        keep = {1, os.getpid()}
        for _ in range(1000):
            others = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and int(p.name) not in keep]
            if not others:
                break
            for pid in others:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            reap()
            time.sleep(0.001)
        else:  # something outlived SIGKILL: end the whole sandbox (the grader starts a new one)
            os._exit(3)
        remove_ipc_objects()
        # the server's folder, and what the sandbox binds at its own path (the course, Python), may be below /tmp
        emptied = empty(Path("/tmp"), keep=[Path.cwd(), *mount_points()])
        if not (emptied and (not Path("/dev/shm").is_dir() or empty(Path("/dev/shm")))):
            os._exit(3)  # as above: a new sandbox
        for folder in home_dirs:
            os.makedirs(folder, exist_ok=True)
    reap()


IPC_KINDS, IPC_RMID = ("shm", "sem", "msg"), 0


def remove_ipc_objects():
    """Remove the SysV IPC objects (shared memory segments, semaphores, message queues) in the sandbox's own IPC
    namespace, once its kernel's processes are gone: they outlive them, and a segment's memory stays charged
    to the sandbox's cgroup, where the next kernel, another student's, would run out of it. Nothing of the
    grader's makes any. If one stays, the whole sandbox ends, as when a process outlives SIGKILL."""
    libc = ctypes.CDLL(None)
    for kind in IPC_KINDS:
        for ident in ipc_ids(kind):
            if kind == "sem":
                libc.semctl(ident, 0, IPC_RMID)
            else:
                getattr(libc, f"{kind}ctl")(ident, IPC_RMID, None)
    if any(ipc_ids(kind) for kind in IPC_KINDS):
        os._exit(3)


# The calls of the kernel's key store (add_key, request_key, keyctl) by architecture, as seccomp names them
# (AUDIT_ARCH_*); on x86-64 also their x32 numbers (bit 30), and the 32-bit calls a 64-bit process can make.
KEY_CALLS = {0xC000003E: (248, 249, 250, 0x40000000 | 248, 0x40000000 | 249, 0x40000000 | 250),  # x86-64
             0x40000003: (286, 287, 288),  # i386
             0xC00000B7: (217, 218, 219),  # ARM64
             0x40000028: (309, 310, 311),  # ARM
             0xC00000F3: (217, 218, 219)}  # RISC-V 64
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
BPF_LD_W_ABS, BPF_JEQ_K, BPF_RET_K = 0x20, 0x15, 0x06


class SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]


def no_keys_program():
    """A seccomp program (classic BPF: code, jump if true, jump if false, k) that refuses the key store's calls with
    EPERM, as Docker's default profile does, and allows every other call."""
    body = []
    for arch, calls in KEY_CALLS.items():
        body += [(BPF_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
                 (BPF_JEQ_K, 0, len(calls) + 1, arch),  # another architecture: on to the next one's test
                 (BPF_LD_W_ABS, 0, 0, 0)]  # seccomp_data.nr
        body += [(BPF_JEQ_K, None, 0, call) for call in calls]  # None: to the refusal, at the end
    body += [(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW), (BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.EPERM)]
    refuse = len(body) - 1
    return [(code, refuse - at - 1 if jt is None else jt, jf, k) for at, (code, jt, jf, k) in enumerate(body)]


def refuse_keys():
    """No process of the sandbox, the server (its PID 1) or a kernel it forks, may use the kernel's key store (add_key,
    request_key, keyctl): keys outlive a kernel in its sandbox's user namespace (in its persistent keyring for days),
    where the next student's kernel would find them, and the key quota is one per real user, shared by every
    worker's sandbox, so one student filling it would stop the others'. Nothing a notebook needs uses keys. The
    server ends if the filter cannot be installed; on an architecture KEY_CALLS does not name, it refuses nothing."""
    program = no_keys_program()
    filters = (SockFilter * len(program))(*program)
    libc = ctypes.CDLL(None, use_errno=True)
    if (libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
            or libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(SockFprog(len(program), filters)), 0, 0)):
        os._exit(3)


def ipc_ids(kind):
    """The ids of this IPC namespace's objects of a kind (/proc/sysvipc lists the namespace of its reader)."""
    with contextlib.suppress(OSError):
        return [int(line.split()[1]) for line in Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]]
    return []


def mount_points():
    """Where something is mounted in this process's view (/proc/self/mountinfo; its spaces come as \\040)."""
    with open("/proc/self/mountinfo") as mounts:
        return [Path(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), line.split()[4])) for line in mounts]


def empty(folder, keep=()):
    """Remove everything in `folder` but the paths of `keep` and the folders they are in; whether nothing else is
    left. A kernel may have closed a folder of its own (chmod 000 or 0500), which kept the folder's files from
    rmtree, for the next kernel to read and charged to the sandbox's memory: each folder is opened to its owner
    first (the server owns what its kernels made; so does the grader, outside the sandbox)."""
    def kept(entry):
        return any(entry == path or entry in path.parents for path in keep)
    try:
        for entry in folder.iterdir():
            if kept(entry):
                continue
            if entry.is_dir() and not entry.is_symlink():
                opened(entry)
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
        return not [entry for entry in folder.iterdir() if not kept(entry)]
    except OSError:
        return False


def opened(top):
    """Give the owner back the use of `top` and every folder in it (links not followed)."""
    folders = [top]
    while folders:  # not recursive: a kernel may nest folders deeper than Python recurses
        folder = folders.pop()
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700, follow_symlinks=False)
            folders += [entry.path for entry in os.scandir(folder) if entry.is_dir(follow_symlinks=False)]


def reap():
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


# ---------------------------------------------------------------- the grader's side
def imported_modules(folder):
    """The modules the notebooks in `folder` import at top level (numpy, matplotlib.pyplot, ...): what a
    fork server imports. Read as plain JSON: nbformat's import alone takes 0.2 s (its schema validator)."""
    modules = set()
    for path in sorted(Path(folder).glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            lines = "".join(cell["source"]).splitlines() if cell["cell_type"] == "code" else []
            try:
                tree = ast.parse("\n".join(line for line in lines if not line.lstrip().startswith(("%", "!"))))
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    modules.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules.add(node.module)
    return sorted(modules)


HELD = "held"  # in a worker's scratch folder: locked while the process that made it, or one forked since, lives
held_scratch = {}  # this process's scratch folders and their locked files


def scratch_base():
    """Where worker scratch folders are made: $TMPDIR, unless it is long (the kernels' sockets live three levels
    below, and a socket's path has at most 107 bytes) or holds characters of a pattern (nbgrader reads the path of
    a submission as a regular expression, escaping the ids it puts in, not what comes before): then /tmp."""
    base = tempfile.gettempdir()
    return base if len(base) <= 48 and not re.search(r"[][\\^$*+?{}|()]", base) else "/tmp"


def worker_scratch():
    """A new scratch folder for a worker. Its file HELD is locked (flock) for as long as this process or a
    worker forked from it lives, so that a later run can tell a folder left by a run killed outright
    (`remove_abandoned_scratch`); it is locked before it has its name, so no run finds it unlocked."""
    folder = Path(tempfile.mkdtemp(prefix="tf-worker-", dir=scratch_base()))
    held = open(folder / f"{HELD}.new", "w")
    fcntl.flock(held, fcntl.LOCK_EX)
    os.rename(folder / f"{HELD}.new", folder / HELD)
    held_scratch[str(folder)] = held
    return str(folder)


def remove_scratch(folder):
    """A worker's scratch folder, and the cgroups named after its fork servers' folders. Its file HELD goes
    last: a folder that still has it is found by `remove_abandoned_scratch` if this is cut short."""
    folder = Path(folder)
    for forks in folder.glob("tf-forks-*"):
        remove_cgroups_named(forks.name)
    entries = []
    with contextlib.suppress(OSError):  # gone already (a worker removes its own)
        entries = [entry for entry in folder.iterdir() if entry.name != HELD]
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                entry.unlink()
    shutil.rmtree(folder, ignore_errors=True)
    held = held_scratch.pop(str(folder), None)
    if held is not None:
        held.close()


def remove_abandoned_scratch():
    """Remove the worker scratch folders of this user that no living process holds: what a run killed
    outright left (a student's vetted copy, her kernels' folders, the canary's, the fork servers' cgroups).
    Only folders this user owns, not links: another user could plant either (and, in a folder of theirs,
    a FIFO on which a plain open would wait for ever)."""
    for folder in Path(scratch_base()).glob("tf-worker-*"):
        try:
            found = os.lstat(folder)
            if found.st_uid != os.geteuid() or not stat.S_ISDIR(found.st_mode):
                continue
            held = os.open(folder / HELD, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:  # gone meanwhile, or made before locks were
            continue
        try:
            if not stat.S_ISREG(os.fstat(held).st_mode):  # not worker_scratch's
                continue
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held by a living run
            continue
        finally:
            os.close(held)
        remove_scratch(folder)


def font_list_file():
    """Where the grader keeps matplotlib's font list as a sandboxed server built it, for the next
    servers (course/kernel_fork.py lay_font_list): the user's cache folder (None without one)."""
    cache = course.user_cache()
    return None if cache is None else cache / f"sandbox-fonts-{zlib.crc32(sys.prefix.encode()):08x}.json"


MAX_FONT_LIST_CHARS = 4 * 2**20  # about 80 times this machine's (162 fonts)


@functools.cache
def kept_font_list():
    """The kept font list ({name, text}), or None."""
    path = font_list_file()
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        kept = json.loads(path.read_text(encoding="utf-8")) if path else None
        return {"name": str(kept["name"]), "text": str(kept["text"])}
    return None


def keep_font_list(fonts):
    """Keep a font list a server built: the file whole or not at all (servers start side by side)."""
    kept_font_list.cache_clear()
    path = font_list_file()
    if (path is None or not isinstance(fonts, dict) or not isinstance(fonts.get("name"), str)
            or not re.fullmatch(FONT_LIST_NAME, fonts["name"]) or not isinstance(fonts.get("text"), str)
            or len(fonts["text"]) > MAX_FONT_LIST_CHARS):
        return
    with contextlib.suppress(OSError):  # it only saves time: none where it cannot be kept
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=".fonts-", delete=False, encoding="utf-8") as new:
            try:
                json.dump({"name": fonts["name"], "text": fonts["text"]}, new)
                new.close()
                os.replace(new.name, path)
            except OSError:
                os.unlink(new.name)
                raise


class ForkServer:
    """One worker's fork server; replaced when it dies or stops answering."""

    def __init__(self, modules, sandbox=None, scratch=None, limits=None, stderr=None):
        """`sandbox`: a configured SandboxedKernelManager (its limits apply), or None for no sandbox.
        `scratch`: the worker's folder, where the server's folder is made (default: the system's).
        `limits`: a configured Limits (server_start_seconds, server_reply_seconds; default: the defaults).
        `stderr`: where the server's own errors go (subprocess.Popen's; default: this process's stderr)."""
        self.modules, self.sandbox, self.limits, self.stderr = list(modules), sandbox, limits or Limits(), stderr
        self.process, self.cgroups, self.starting, self.launcher = None, (), False, None
        # Kernel folders: the only writable host path. Its name also names the server's cgroups.
        self.folder = Path(tempfile.mkdtemp(prefix="tf-forks-", dir=scratch))

    def take_over(self, earlier):
        """Use the process of `earlier`, a server launched before this configuration was read
        (EarlyServers), if it imported at least the modules this server would (a command grading
        several assignments launches one for all of them) in the same sandbox; otherwise close `earlier`."""
        (modules, sandbox), (theirs, their_sandbox) = self.launch_settings(), earlier.launch_settings()
        if self.process is None and set(modules) <= set(theirs) and sandbox == their_sandbox:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.modules, self.folder, self.process, self.cgroups, self.starting, self.launcher = (
                list(theirs), earlier.folder, earlier.process, earlier.cgroups, earlier.starting, earlier.launcher)
            earlier.process, earlier.cgroups, earlier.starting = None, (), False
        else:
            earlier.close()

    def hand_back(self):
        """In a worker, a server the command launched (taken over): leave it running for the command's next
        assignment, cleaned (`clean`: nothing of a kernel runs in its sandbox, its folder is empty), and
        return its pid; this process's copy then forgets it. None if it was not the command's, or could not
        be cleaned (it is then closed as usual)."""
        if self.process is None or self.launcher == os.getpid():
            return None
        if self.ask(do="clean") is None or not empty(self.folder):  # not `clean`, which would launch another
            return None
        pid = self.process.pid
        self.process, self.cgroups, self.starting = None, (), False
        return pid

    def launch_settings(self):
        """What `launch` puts on the server's command line, its folder aside: the modules, and the
        sandbox's limits (or no sandbox)."""
        if self.sandbox is None:
            return self.modules, None
        return self.modules, {name: getattr(self.sandbox, name) for name in Limits.class_trait_names(config=True)}

    def prewarm(self):
        """Start the server now and return at once: it imports while the caller does other work
        (the first `clean` waits for it)."""
        if self.process is None:
            self.launch()

    def ready(self):
        """Wait until a launched server has imported everything (it then says it is ready)."""
        if self.starting:
            self.starting = False
            said = self.reply(self.limits.server_start_seconds)  # None: it was stopped, `ask` then fails
            if said and self.sandbox is not None:
                sandbox_proven()
            if said and "fonts" in said:  # said before any kernel ran in its sandbox
                keep_font_list(said["fonts"])

    def launch(self):
        # `python -m` puts the working folder first on sys.path, and a kernel of the server before may
        # have written there (its own folder is below it): nothing of it may be imported, or read as
        # a matplotlibrc, by the server that forks the next student's kernels.
        if not empty(self.folder):
            raise ForkServerFailed(NOT_EMPTIED)
        command = [sys.executable, "-m", "course.kernel_fork", "sandboxed" if self.sandbox else "plain", *self.modules]
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   PYDEVD_DISABLE_FILE_VALIDATION="1",  # debugpy's warning on import, as in the sandbox
                   PYTHONPATH=str(Path(course.__file__).resolve().parent.parent))  # this course's package
        try:
            if self.sandbox:
                # the server is the sandbox's PID 1: bubblewrap's own would be a process its kernels could
                # ptrace (same user, dumpable, no seccomp filter), which outlives them, for the next to read
                command, self.cgroups = self.sandbox.command(command, self.folder, self.folder, as_pid_1=True)
                env = sandbox_env()
            self.process = subprocess.Popen(uncapped(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=self.stderr, cwd=self.folder, env=env, text=True,
                                            start_new_session=True)
            self.launcher = os.getpid()
        except OSError as error:  # e.g. bubblewrap gone, a cgroup that cannot be made
            raise ForkServerFailed(f"评分程序的fork服务器无法启动 / the grader's fork server did not start: "
                                   f"{type(error).__name__}: {error}") from error
        self.starting = True  # the server says it is ready once it has imported everything
        if self.sandbox:
            self.give_font_list(kept_font_list())

    def give_font_list(self, fonts):
        """The server's first line, written without waiting for the server to read it: the pipe is made
        big enough, or the server is given no list (it then builds its own)."""
        line = json.dumps({"fonts": fonts}) + "\n"
        with contextlib.suppress(OSError):
            fcntl.fcntl(self.process.stdin, fcntl.F_SETPIPE_SZ, max(len(line.encode()), 2**16))
        with contextlib.suppress(OSError):  # it died at once: `ready` finds it gone
            if fcntl.fcntl(self.process.stdin, fcntl.F_GETPIPE_SZ) < len(line.encode()):
                line = json.dumps({"fonts": None}) + "\n"
            self.process.stdin.write(line)
            self.process.stdin.flush()

    def ask(self, **request):
        """One request and its reply; None if the server is gone (it is then stopped for good)."""
        self.ready()
        if self.process is None:
            return None
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except OSError:
            self.stop()
            return None
        return self.reply(self.limits.server_reply_seconds)  # else stopped (or stopped by a student)

    def ask_anew(self, **request):
        """`ask`, and once more of a new server if this one died or did not answer (a new server's
        sandbox holds nothing yet)."""
        said = self.ask(**request)
        if said is None:
            self.launch()
            said = self.ask(**request)
        return said

    def reply(self, seconds):
        try:
            ready, _, _ = select.select([self.process.stdout], [], [], seconds)
            line = self.process.stdout.readline() if ready else ""
        except OSError:
            line = ""
        if not line:
            self.stop()
            return None
        return json.loads(line)

    def clean(self):
        """A sandbox where nothing of an earlier kernel runs: the server is (re)started if it is not
        running, then kills everything else in it. Only then may the next kernel's folder be made."""
        if self.ended():
            self.stop()
            self.launch()
        if self.ask_anew(do="clean") is None:
            raise ForkServerFailed("评分程序的fork服务器无法清理沙箱 / the grader's fork server did not clean its sandbox")
        if not empty(self.folder):  # whatever the last kernel left in the shared folder
            raise ForkServerFailed(NOT_EMPTIED)

    def fork(self, argv, cwd):
        """A new kernel, in the sandbox that `clean` has just emptied."""
        if self.ask_anew(do="start", argv=argv, cwd=str(cwd)) is None:
            raise ForkServerFailed("评分程序的fork服务器无法启动内核 / the grader's fork server did not start a kernel")
        return ForkedKernel(self)

    def ended(self):
        """Whether the server is known to have ended. Only the process that launched it can poll it: a
        worker's server that the command launched (EarlyServers) shows its end to the worker only by
        closing its pipes, which `ask` sees."""
        return self.process is None or (self.launcher == os.getpid() and self.process.poll() is not None)

    def hand_over(self):
        """Close this process's ends of the server's pipes: another process (a worker forked since) talks
        to the server now. This one, its parent, may still stop it, and reaps it (`stop`)."""
        if self.process is not None:
            for pipe in (self.process.stdin, self.process.stdout):
                with contextlib.suppress(OSError):  # a line left unsent to a server that died
                    pipe.close()

    def stop(self):
        """Kill the server (and its kernels) and remove its cgroups. A worker cannot wait for a server the
        command launched (Popen.wait returns at once): the command reaps it, after the worker."""
        process, self.process, self.starting = self.process, None, False
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            for pipe in (process.stdin, process.stdout):
                with contextlib.suppress(OSError):  # a request may be left unsent in the buffer
                    pipe.close()
        remove_cgroups(self.cgroups)
        self.cgroups = ()

    def close(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class EarlyServers:
    """Fork servers launched as `course grade` starts, before it imports nbgrader (1-1.5 s), each in a
    new worker scratch folder: a worker forked later takes one (`take`) and its Grader takes the server
    over (ForkServer.take_over) if the course's configuration asks for the same, so the canary need not
    wait for its worker's server to import. They import what the notebooks of all the command's
    `assignments` import, and a worker that ends its assignment normally gives its server back, cleaned
    (`give_back`), for the next: a command grading six assignments starts its servers once, not six times.
    Their errors go nowhere: a server that fails is launched anew by its worker, whose errors go to the
    run's log. Closing closes the servers not taken."""

    def __init__(self, course, assignments, count, sandboxed):
        sources, self.waiting = [Path(course) / "source" / a for a in assignments], []
        try:
            modules = None  # no server: the command says why (an assignment without source/) or needs none
            if count > 0 and all(s.is_dir() for s in sources):
                modules = sorted({m for s in sources for m in imported_modules(s)})
            for _ in range(count if modules is not None else 0):
                scratch = worker_scratch()
                self.waiting.append((scratch, None))  # the folder is removed by `close` even if no server is made
                server = ForkServer(modules, SandboxedKernelManager() if sandboxed else None, scratch, Limits(),
                                    stderr=subprocess.DEVNULL)
                self.waiting[-1] = (scratch, server)
                server.prewarm()
        except Exception:  # noqa: BLE001 (e.g. no bubblewrap: a worker's own server says why, in the log)
            self.close()
        except BaseException:  # interrupted: nothing of them is left
            self.close()
            raise

    def take(self):
        """(scratch folder, server) for a new worker; (a new scratch folder, None) once none is left."""
        return self.waiting.pop(0) if self.waiting else (worker_scratch(), None)

    def give_back(self, scratch, server):
        """A worker's scratch folder and server, which it left running and clean (ForkServer.hand_back) as
        it ended: the next worker to `take` them finds the server ready (it said so to the worker)."""
        server.starting = False
        if server.sandbox is not None:
            sandbox_proven()
        self.waiting.append((scratch, server))

    def servers(self):
        return [server for _, server in self.waiting]

    def close(self):
        while self.waiting:
            scratch, server = self.waiting.pop()
            if server is not None:
                server.close()
            remove_scratch(scratch)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ForkedKernel:
    """Stands in for the Popen of a kernel process: poll, wait, signals go through the server."""

    stdin = stdout = stderr = None

    def __init__(self, server):
        self.server, self.owner, self.returncode = server, server.process, None

    def ask(self, **request):
        """The server's reply; None once the server that forked this kernel is gone."""
        return self.server.ask(**request) if self.server.process is self.owner else None

    def poll(self):
        if self.returncode is None:
            reply = self.ask(do="poll")
            self.returncode = -signal.SIGKILL if reply is None else reply["exit"]
        return self.returncode

    def wait(self, timeout=None):
        while self.poll() is None:
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum):
        if signum == signal.SIGKILL:
            self.kill()
        elif self.poll() is None:
            self.ask(do="signal", signal=signum)

    def terminate(self):
        self.send_signal(signal.SIGTERM)

    def kill(self):
        if self.returncode is None:
            reply = self.ask(do="end")
            self.returncode = -signal.SIGKILL if reply is None else reply["exit"]


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, with the kernel forked by the fork server."""

    async def launch_kernel(self, cmd, **kwargs):
        km = self.parent
        self.process = km.server.fork(cmd[cmd.index("-f"):], km.work)
        self.pid, self.pgid, self.cwd = None, None, km.work  # no host process group to signal
        return self.connection_info

    async def cleanup(self, restart=False):
        await super().cleanup(restart)
        if self.process is not None:
            self.process.kill()


class ForkedKernelManager(KernelManager):
    """A kernel forked by the worker's fork server, working in a fresh folder that holds a copy
    of the submission's files other than notebooks (data files a notebook may read)."""

    transport = Unicode("ipc")  # the sandbox has no network
    server = None  # the worker's ForkServer: set on the class that `bound_to` makes
    kernel_folder = work = None

    @classmethod
    def bound_to(cls, server):
        """This manager class with its kernels forked by `server` (nbclient instantiates the class)."""
        return type(cls.__name__, (cls,), {"server": server})

    async def _async_pre_start_kernel(self, **kw):
        if self.kernel_folder is None:
            self.server.clean()
            self.kernel_folder = Path(tempfile.mkdtemp(dir=self.server.folder))
            self.work = self.kernel_folder / "work"
            shutil.copytree(kw.get("cwd") or os.getcwd(), self.work, ignore=shutil.ignore_patterns("*.ipynb"),
                            symlinks=True)
            self.connection_file = str(self.kernel_folder / "kernel.json")
            self.ip = str(self.kernel_folder / "ipc")
        self.provisioner = self.provisioner or ForkedProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                                 parent=self)
        return await super()._async_pre_start_kernel(**kw)

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self.kernel_folder is not None:
            shutil.rmtree(self.kernel_folder, ignore_errors=True)
            self.kernel_folder = self.work = None

    cleanup_resources = _async_cleanup_resources


if __name__ == "__main__":
    serve(sys.argv[1] == "sandboxed", sys.argv[2:])
