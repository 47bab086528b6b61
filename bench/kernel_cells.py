"""Benchmark: a forked kernel's CPU time per cell, as ipykernel runs it and with each of the four
changes that course/kernel_fork.py makes to the kernels it forks, taking turns in one run.

    python bench/kernel_cells.py [--cells 300] [--rounds 5]

Each round forks one kernel of each kind from this process (as the fork server does, after the same
imports): ipykernel as it is; with flush_if_written; with flush_if_written and NO_HISTORY; with
debug_records_dropped as well; and with control_queue_left as well, as graded kernels run. Each runs --cells cells, `x = 1` (nothing
printed), then as many `print(1)`; the kernel's own CPU time (getrusage, read in the kernel before
and after) is divided by the number of cells. Prints the median over the rounds of each kind, and
how many times faster than ipykernel's.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # as the fork server
from ipykernel import iostream, kernelapp, kernelbase  # noqa: E402
from jupyter_client import BlockingKernelClient  # noqa: E402
from jupyter_client.connect import write_connection_file  # noqa: E402

from course.kernel_fork import (NO_HISTORY, NO_PICTURES, control_queue_left, debug_records_dropped,  # noqa: E402
                                flush_if_written)

CODES = ("x = 1", "print(1)")
CPU = "import resource; r = resource.getrusage(resource.RUSAGE_SELF); print(r.ru_utime + r.ru_stime)"
KINDS = {"ipykernel": ((), []), "flush_if_written": (("flush",), []),
         "flush_if_written + NO_HISTORY": (("flush",), NO_HISTORY),
         "+ debug_records_dropped": (("flush", "debug"), NO_HISTORY),
         "+ control_queue_left": (("flush", "debug", "control"), NO_HISTORY)}


def kernel_cpu_per_cell(patched, arguments, cells):
    """{code: ms of the kernel's CPU per cell} in a kernel forked from here."""
    home = tempfile.mkdtemp(prefix="bench-kernel-")  # a new IPython folder, as a graded kernel's HOME is new
    connection = str(Path(home) / "kernel.json")
    write_connection_file(connection, ip="127.0.0.1")
    pid = os.fork()
    if pid == 0:
        os.environ["IPYTHONDIR"] = home
        if "flush" in patched:
            iostream.OutStream.flush = flush_if_written(iostream.OutStream.flush)
        if "debug" in patched:
            kernelapp.IPKernelApp.initialize = debug_records_dropped(kernelapp.IPKernelApp.initialize)
        if "control" in patched:
            kernelbase.Kernel._flush_control_queue = control_queue_left
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        sys.argv = ["ipykernel_launcher", "-f", connection, *NO_PICTURES, *arguments]
        kernelapp.launch_new_instance()
        os._exit(0)
    client = BlockingKernelClient(connection_file=connection)
    client.load_connection_file()
    client.start_channels()
    client.wait_for_ready(timeout=60)

    def seconds():
        said = []
        client.execute_interactive(CPU, output_hook=said.append, timeout=60)
        return float(next(m["content"]["text"] for m in said if m["msg_type"] == "stream"))

    spent = {}
    for code in CODES:
        before = seconds()
        for _ in range(cells):
            client.execute_interactive(code, output_hook=lambda message: None, timeout=60)
        spent[code] = (seconds() - before) * 1000 / cells
    client.shutdown()
    client.stop_channels()
    os.waitpid(pid, 0)
    shutil.rmtree(home)
    return spent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    runs = {kind: [] for kind in KINDS}
    for _ in range(args.rounds):
        for kind, (patched, arguments) in KINDS.items():
            runs[kind].append(kernel_cpu_per_cell(patched, arguments, args.cells))
    print(f"kernel CPU per cell, median of {args.rounds} rounds")
    for code in CODES:
        plain = statistics.median(run[code] for run in runs["ipykernel"])
        for kind in KINDS:
            ms = statistics.median(run[code] for run in runs[kind])
            print(f"  {code!r:<11} {kind:<31} {ms:5.2f} ms  {plain / ms:5.2f} ×")


if __name__ == "__main__":
    main()
