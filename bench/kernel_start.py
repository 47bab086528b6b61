"""Benchmark: how long a forked kernel takes to start, as ipykernel starts it and with each of the
two changes that course/sandbox.py and course/kernel_fork.py make, taking turns in one run.

    python bench/kernel_start.py [--kernels 20]

Each start forks a server from this process (unsandboxed), which imports what the fork server
imports (ipykernel, IPython, NumPy, matplotlib) and, in the last kind, the modules every kernel
imports as it starts (KERNEL_START_MODULES). The time runs from the server's fork of the kernel until
the grader's client has the kernel's reply to kernel_info. Kinds: ipykernel as it is, the client's
sockets trying to connect again after ZeroMQ's default 100 ms; after 5 ms, as CappedKernelClient's;
and the start-up modules imported by the server, as graded kernels start. Prints each kind's median
over --kernels starts, and how many times faster than ipykernel's. Every kernel is killed once
measured; one that gives no reply within 60 s is left out of the median and counted.
"""
import argparse
import os
import queue
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import zmq
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # as the fork server: debugpy's check on import
KINDS = {"ipykernel": (None, False), "reconnect 5 ms": (5, False), "+ KERNEL_START_MODULES": (5, True)}
PATIENCE = 60  # seconds a kernel may take to reply before its start is counted as stuck


def start_seconds(reconnect_ms, start_modules):
    """Seconds from the fork of a kernel to its kernel_info reply; ZeroMQ's own reconnection
    interval where `reconnect_ms` is None, or None if the kernel did not reply within PATIENCE."""
    home = tempfile.mkdtemp(prefix="bench-kernel-")
    connection = str(Path(home) / "kernel.json")
    write_connection_file(connection, transport="ipc", ip=str(Path(home) / "ipc"))
    go_read, go_write = os.pipe()
    ready_read, ready_write = os.pipe()
    server = os.fork()
    if server == 0:  # the server: import, say ready, fork the kernel when told
        os.setsid()  # a group of its own, killed whole afterwards
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
        os.environ["IPYTHONDIR"] = home
        from ipykernel import compiler, debugger, iostream, kernelapp  # noqa: F401
        import matplotlib.pyplot  # noqa: F401
        import numpy  # noqa: F401

        from course import kernel_fork
        if start_modules:
            for module in kernel_fork.KERNEL_START_MODULES:
                __import__(module)
        os.write(ready_write, b"1")
        os.read(go_read, 1)
        if os.fork() == 0:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            sys.argv = ["ipykernel_launcher", "-f", connection, *kernel_fork.NO_PICTURES, *kernel_fork.NO_HISTORY]
            try:
                kernelapp.launch_new_instance()
            finally:  # a fork: no interpreter finalisation, whose locks other threads may have held
                os._exit(0)
        os.wait()
        os._exit(0)
    os.read(ready_read, 1)
    context = zmq.Context()
    if reconnect_ms is not None:
        context.setsockopt(zmq.RECONNECT_IVL, reconnect_ms)
        context.setsockopt(zmq.RECONNECT_IVL_MAX, 1000)
    client = BlockingKernelClient(connection_file=connection, context=context)
    client.load_connection_file()
    start = time.perf_counter()
    os.write(go_write, b"1")
    client.start_channels()
    client.kernel_info()
    try:
        client.get_shell_msg(timeout=PATIENCE)
        seconds = time.perf_counter() - start
    except queue.Empty:
        seconds = None
    # killed, as the grader's kernels are (shutdown_kernel = "immediate"): a forked kernel
    # asked to shut down sometimes never exits, which would hang the bench
    os.killpg(server, signal.SIGKILL)
    os.waitpid(server, 0)
    client.stop_channels()
    context.destroy(linger=0)
    for fd in (go_read, go_write, ready_read, ready_write):
        os.close(fd)
    shutil.rmtree(home)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", type=int, default=20)
    args = parser.parse_args()
    runs = {kind: [] for kind in KINDS}
    stuck = {kind: 0 for kind in KINDS}
    for _ in range(args.kernels):
        for kind, settings in KINDS.items():
            seconds = start_seconds(*settings)
            if seconds is None:
                stuck[kind] += 1
            else:
                runs[kind].append(seconds)
    plain = statistics.median(runs["ipykernel"])
    print(f"a forked kernel's start (fork to kernel_info reply), median of {args.kernels}")
    for kind, seconds in runs.items():
        median = statistics.median(seconds)
        print(f"  {kind:<26} {median * 1000:6.1f} ms  {plain / median:5.2f} ×"
              + (f"  ({stuck[kind]} gave no reply within {PATIENCE} s)" if stuck[kind] else ""))


if __name__ == "__main__":
    main()
