"""Kernels that run student code during grading: a bubblewrap sandbox with resource limits.

Inside the sandbox the kernel sees the system, the Python install, the venv and the `course`
package read-only, and only its own notebook folder read-write. It has no network (it talks to
the grader over Unix sockets in a private folder), runs as an unprivileged user in its own
user, PID and IPC namespaces, and is capped in address space, CPU time, processes and file size.
The graded notebooks in its folder are unreadable inside: nbgrader has put the hidden tests back
into them before grading.

SandboxedKernelManager starts one sandbox per kernel (what `nbgrader autograde` uses);
`course grade` puts a fork server in one sandbox per worker instead (course/kernel_fork.py), with
the same limits (SandboxedKernelManager.command).

Processes: RLIMIT_NPROC does not bind a process whose uid is root outside its namespace, so when
the grader runs as root each sandbox also gets its own cgroup (pids and memory), and grading
refuses to start if it cannot create one.

Without the sandbox (`--no-sandbox`, `TrustedExecute.sandbox = False`) messages from the kernel
are still capped in size.
"""
import asyncio
import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from queue import Empty

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type, Unicode

import course
from course import GraderFault
from course.limits import Limits
from course.wire import CALL

SANDBOX_UID = 1000
CGROUPS = Path("/sys/fs/cgroup")

NO_SANDBOX = ("给`python -m course grade`或`check`加上`--no-sandbox`，可以明确地不用沙箱运行（学生代码将拥有你的全部权限）。\n"
              "`--no-sandbox`, given to `python -m course grade` or `check`, runs without the sandbox, if you say so "
              "(student code then runs with all of your permissions).")
HOW_TO = "请安装bubblewrap（apt-get install bubblewrap）。\nInstall bubblewrap (apt-get install bubblewrap).\n" + NO_SANDBOX


class SandboxUnavailable(GraderFault, RuntimeError):
    """Grading would run student code unsandboxed; the message says what to do (bilingual)."""


def well_formed(msg):
    """Whether nbclient can read the message without failing. The kernel writes it, and student code
    can make the kernel send anything (a list as parent header, a header without msg_type...)."""
    if not all(isinstance(msg.get(part), dict) for part in ("header", "parent_header", "content", "metadata")):
        return False
    parent = msg["parent_header"].get("msg_id")
    return isinstance(msg.get("msg_type"), str) and (parent is None or isinstance(parent, str))


class PatientChannel(AsyncZMQSocketChannel):
    """Waits for a message in short slices. ZeroMQ signals asyncio through an edge-triggered file
    descriptor, and now and then the edge is missed: the wait then lasts until its timeout, which
    for a cell is Execute.timeout (a finished cell took 30 s instead of 0.3 s in about one of 20
    gradings of a notebook with widgets). Each slice asks ZeroMQ again, so a missed edge costs
    at most one slice.

    The kernel writes what arrives, and student code can flood a channel. A message that is not
    well formed (or not signed, or not JSON) is skipped, and so is a reply to anything but the last
    request sent on the channel (nbclient would read those forever). Each wait first lets the other
    tasks run, and its deadline holds however many messages are waiting: a flood cannot outlast a
    cell's time limit."""

    slice_seconds = 0.25
    awaited = None  # the msg_id of the last request sent on this channel

    def send(self, msg):
        if msg["header"]["msg_type"].endswith("_request"):  # not nbclient's widget comm messages: no reply
            self.awaited = msg["header"]["msg_id"]
        super().send(msg)

    async def get_msg(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            await asyncio.sleep(0)  # ready messages never suspend this loop: let the timeouts run
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            step = self.slice_seconds if left is None else min(self.slice_seconds, left)
            if await self.socket.poll(int(step * 1000)):
                msg = await self.next_readable()
                if msg is not None:
                    return msg
            if deadline is not None and time.monotonic() >= deadline:
                raise Empty

    async def next_readable(self):
        """The next message, or None if it is to be skipped (see the class's docstring)."""
        try:
            msg = await self._recv()
        except Exception:  # noqa: BLE001 (jupyter_client raises many kinds on a bad message)
            return None
        if not well_formed(msg):
            return None
        if self.awaited is not None and msg["parent_header"].get("msg_id") != self.awaited:
            return None
        return msg


class CappedKernelClient(AsyncKernelClient, Limits):
    """A kernel client whose sockets refuse any part of a message over Limits.kernel_message_bytes (a
    single huge printed line: ZeroMQ drops it before it reaches the grader's memory, and that channel
    stays closed: the notebook ends with OutputLost) and whose channels wait patiently
    (PatientChannel; a call is read by TrustedExecute.run_call, by the same rules). The largest
    legitimate message is a returned array. A message of many parts is stopped by the grading
    process's own cap (course/limits.py cap_grader_memory)."""

    shell_channel_class = Type(PatientChannel)
    iopub_channel_class = Type(PatientChannel)

    call, call_frames = None, ()  # set by the grader for one call (course/trusted_execute.py run_in_kernel)

    def __init__(self, **kw):
        super().__init__(**kw)
        # jupyter_client keeps every signature it receives (up to 65,536, before checking them) against
        # replays; the kernel holds the key anyway, and a forged "signature" may be 32 MiB
        self.session.digest_history_size = 0

    async def _async_wait_for_ready(self, timeout=None):
        """jupyter_client's wait for a new kernel (a kernel_info reply, once IOPub is connected),
        without its last step: reading IOPub until 0.2 s pass in silence, which every kernel start
        would wait. nbclient takes IOPub messages by their parent request, so a late one is ignored.
        IOPub is connected once the request's "busy" status, published before the reply, arrives
        with it; until then kernel_info is asked again every 0.02 s instead of every 0.2 s."""
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.02)  # IOPub is connected
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    wait_for_ready = _async_wait_for_ready  # AsyncKernelClient binds the name to its own

    def start_channels(self, shell=True, iopub=True, stdin=False, hb=False, control=False):
        """Shell and IOPub only: nobody would read the others (the kernel manager tells whether the
        kernel lives and interrupts it) while the kernel filled them. Without stdin, `input()` fails at
        once instead of waiting out the cell's time limit."""
        super().start_channels(shell=shell, iopub=iopub, stdin=stdin, hb=hb, control=control)

    def execute(self, code, silent=False, store_history=True, user_expressions=None, allow_stdin=None,
                stop_on_error=True):
        """jupyter_client's execute_request; while the grader makes a call (`call`), that call's own
        message instead (course/wire.py answer_calls), which carries its arguments as data: in code,
        IPython would parse them as a string literal (about 80 ms per MB; a call carries up to 3 MB)."""
        if self.call is None:
            msg = self.session.msg("execute_request", {
                "code": code, "silent": silent, "store_history": store_history, "user_expressions": user_expressions or {},
                "allow_stdin": self.allow_stdin if allow_stdin is None else allow_stdin, "stop_on_error": stop_on_error})
        else:
            msg = self.session.msg(CALL, self.call)
            msg["buffers"] = self.call_frames  # its arrays (course/wire.py encode)
        # jupyter_client numbers its requests (session, pid, counter): a kernel could predict the next
        # one and send messages for it in advance
        msg["header"]["msg_id"] = msg["msg_id"] = uuid.uuid4().hex
        self.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    def _context_default(self):
        self._created_context = True
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.MAXMSGSIZE, self.kernel_message_bytes)
        # The client connects while the new kernel is still binding its sockets: ZeroMQ tries again after
        # RECONNECT_IVL, 100 ms by default, which every kernel's start waited. 5 ms, doubling up to 1 s
        # while nobody answers (a kernel that died).
        context.setsockopt(zmq.RECONNECT_IVL, 5)
        context.setsockopt(zmq.RECONNECT_IVL_MAX, 1000)
        return context


class KernelManager(AsyncKernelManager):
    """An ordinary local kernel (no sandbox), with capped messages."""

    client_factory = Type(CappedKernelClient, klass=AsyncKernelClient)


class SandboxedKernelManager(KernelManager, Limits):
    """A kernel under bubblewrap with rlimits (and a cgroup when grading as root): memory, cpu_seconds,
    processes, file_size and tmp_size of course/limits.py."""

    transport = Unicode("ipc")  # --unshare-net: no TCP to the grader, Unix sockets only

    private = None  # per-kernel folder for the sockets and the connection file
    cgroups = ()

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None:
            spec.interrupt_mode = "message"  # SIGINT to bwrap would not reach the kernel
        return spec

    async def _async_pre_start_kernel(self, **kw):
        require_sandbox()
        cwd = Path(kw.get("cwd") or os.getcwd()).resolve()
        if self.private is None:  # a restart keeps its folder and connection file
            self.private = Path(tempfile.mkdtemp(prefix="tf-kernel-"))
            self.connection_file = str(self.private / "kernel.json")
            self.ip = str(self.private / "ipc")
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        sandbox, self.cgroups = self.command(cmd, cwd, self.private)
        kw.update(cwd=str(self.private), env=sandbox_env(),
                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return sandbox, kw

    def command(self, cmd, cwd, private, as_pid_1=False):
        """`cmd` under bubblewrap with this manager's limits, and the cgroups made for it (as root). `as_pid_1`:
        `cmd` is the sandbox's first process (course/kernel_fork.py's server), not a child of bubblewrap's own."""
        limits = ["prlimit", f"--as={self.memory}", f"--cpu={self.cpu_seconds}", f"--nproc={self.processes}",
                  f"--fsize={self.file_size}", "--core=0", "--"]  # prlimit sets them, then becomes `cmd`
        sandbox, cgroups = sandbox_args(cwd, private, self.tmp_size, as_pid_1) + limits + cmd, ()
        if os.geteuid() == 0:
            # Named after the folder, which a restart (kernel or fork server) keeps: the last start's
            # cgroups may still be there if its processes were too slow to leave. End what is left.
            remove_cgroups_named(Path(private).name)
            cgroups = make_cgroups(Path(private).name, self.processes, self.memory)
            sandbox = join_cgroups(cgroups) + sandbox
        return sandbox, cgroups

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        remove_cgroups(self.cgroups)  # also ends whatever the kernel left running
        self.cgroups = ()
        if not restart and self.private is not None:
            shutil.rmtree(self.private, ignore_errors=True)
            self.private = None

    cleanup_resources = _async_cleanup_resources


# ---------------------------------------------------------------- bubblewrap
def sandbox_env():
    """bwrap's own environment (it clears the sandbox's and sets it with --setenv)."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def _system_binds():
    """/usr read-only, and /bin, /lib... as the host has them (usually symlinks into /usr)."""
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/fonts"):
        args += ["--ro-bind-try", etc, etc]
    return args


def sandbox_args(cwd, private, tmp_size, as_pid_1=False):
    """The bwrap command line for a kernel working in `cwd` (`as_pid_1`: see SandboxedKernelManager.command).

    Read-only: the system, the Python install, the venv, the course package. Read-write: `cwd`,
    `private` (sockets) and a small private /tmp. Nothing else of the host exists inside."""
    cwd, private = Path(cwd), Path(private)
    package = Path(course.__file__).resolve().parent
    python = sorted({Path(sys.base_prefix).resolve(), Path(sys.prefix), Path(sys.prefix).resolve(), package})
    env = {
        "PATH": f"{sys.prefix}/bin:/usr/bin:/bin", "HOME": "/tmp/home", "TMPDIR": "/tmp", "LANG": "C.UTF-8",
        # One thread per numerical library: parallel grading already fills the cores.
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        # The course package the grader imported (bound above), not whichever one the venv installed.
        "PYTHONPATH": str(package.parent),
    }
    args = ["bwrap", "--die-with-parent", "--new-session", "--clearenv",
            "--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try", "--disable-userns", *(["--as-pid-1"] if as_pid_1 else []),
            "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
            "--cap-drop", "ALL", "--hostname", "sandbox", *_system_binds(),
            "--proc", "/proc", "--dev", "/dev",
            # tmpfs has no size unless given one, and RLIMIT_AS does not count it: /dev/shm and /tmp are
            # bounded, and /dev itself (a tmpfs too) is made read-only.
            "--size", str(tmp_size), "--tmpfs", "/dev/shm", "--remount-ro", "/dev",
            "--size", str(tmp_size), "--tmpfs", "/tmp", "--dir", "/tmp/home"]
    for path in python:
        args += ["--ro-bind", str(path), str(path)]
    args += ["--bind", str(private), str(private), "--bind", str(cwd), str(cwd)]
    # nbgrader has restored the hidden tests into the graded notebooks: they are unreadable inside.
    for notebook in sorted(cwd.glob("*.ipynb")):
        args += ["--ro-bind", "/dev/null", str(notebook)]
    for name, value in env.items():
        args += ["--setenv", name, value]
    return args + ["--chdir", str(cwd), "--"]


# ---------------------------------------------------------------- cgroups (grading as root)
def _cgroup_parents():
    """{controller: folder for new cgroups}: below our own cgroup (v1), or at the v2 root."""
    if (CGROUPS / "cgroup.controllers").exists():
        available = (CGROUPS / "cgroup.subtree_control").read_text().split()
        return {c: CGROUPS for c in ("pids", "memory") if c in available}
    parents = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        for controller in ("pids", "memory"):
            if controller in names.split(",") and (CGROUPS / controller).is_dir():
                parents[controller] = CGROUPS / controller / path.lstrip("/")
    return parents


def make_cgroups(name, processes, memory):
    made = []
    for controller, parent in _cgroup_parents().items():
        folder = parent / name
        folder.mkdir()
        made.append(folder)
        if controller == "pids":
            (folder / "pids.max").write_text(str(processes))
        elif (folder / "memory.max").exists():
            (folder / "memory.max").write_text(str(memory))
        else:
            (folder / "memory.limit_in_bytes").write_text(str(memory))
    return tuple(made)


def join_cgroups(folders):
    """A prefix that moves the launched process into the cgroups before bwrap starts."""
    script = 'while [ "$1" != -- ]; do echo $$ > "$1/cgroup.procs" || exit 1; shift; done; shift; exec "$@"'
    return ["/bin/sh", "-c", script, "sh", *map(str, folders), "--"]


def remove_cgroups_named(name):
    """Remove the cgroups `make_cgroups(name, ...)` made, and end what still runs in them."""
    remove_cgroups([parent / name for parent in _cgroup_parents().values() if (parent / name).is_dir()])


def remove_cgroups(folders):
    for folder in folders:
        deadline = time.monotonic() + 5
        while True:
            with contextlib.suppress(OSError):
                for pid in (folder / "cgroup.procs").read_text().split():
                    os.kill(int(pid), signal.SIGKILL)
                folder.rmdir()
            if not folder.exists() or time.monotonic() > deadline:
                break
            time.sleep(0.05)  # the killed processes are still leaving it


# ---------------------------------------------------------------- the check before grading
_proven = False


def sandbox_proven():
    """A fork server of this process has started in the sandbox (course/kernel_fork.py): Python and
    its imports work there, and sandbox_problem need not start another Python to see it."""
    global _proven
    _proven = True


def sandbox_missing():
    """What sandbox_problem sees without starting anything: no bwrap, or root without a pids cgroup."""
    if not shutil.which("bwrap"):
        return "没有找到bubblewrap（bwrap），无法在沙箱中运行学生代码。\nbubblewrap (bwrap) was not found, " \
               "so student code cannot run sandboxed.\n" + HOW_TO
    if os.geteuid() == 0 and "pids" not in _cgroup_parents():
        return ("以root评分时需要pids cgroup来限制进程数（RLIMIT_NPROC对root无效），但无法创建；请以普通用户评分。\n"
                "Grading as root needs a pids cgroup to cap processes (RLIMIT_NPROC does not bind root), and none can "
                "be made; grade as an ordinary user.\n" + NO_SANDBOX)
    return None


@functools.cache
def sandbox_problem():
    """Start Python in the sandbox once per grading process (unless a fork server of this process
    already did, course/kernel_fork.py); None if it works, else why not."""
    missing = sandbox_missing()
    if missing or _proven:
        return missing
    with tempfile.TemporaryDirectory(prefix="tf-check-") as folder:
        command = sandbox_args(folder, folder, 2**20) + [sys.executable, "-c", "import ipykernel, numpy"]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            return f"沙箱在120秒内没能启动Python。\nThe sandbox did not start Python within 120 s.\n{NO_SANDBOX}"
    if result.returncode != 0:
        return (f"沙箱无法启动Python（bwrap退出码{result.returncode}）。\n"
                f"The sandbox cannot start Python (bwrap exit {result.returncode}):\n{result.stderr[-2000:]}\n{NO_SANDBOX}")
    return None


def require_sandbox(start=True):
    """Raise SandboxUnavailable (bilingual) unless sandboxed kernels can start on this machine; with
    start=False, only for what sandbox_missing sees (for a caller whose fork servers will show the rest)."""
    problem = sandbox_problem() if start else sandbox_missing()
    if problem:
        raise SandboxUnavailable(problem)
