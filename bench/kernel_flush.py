"""Benchmark: a forked kernel's CPU time per cell, with ipykernel's own OutStream.flush and with
course/kernel_fork.py flush_if_written (what the fork server sets), taking turns in one run.

    python bench/kernel_flush.py [--cells 300] [--rounds 5]

Each round forks one kernel of each kind from this process (as the fork server does, after the same
imports) and runs --cells cells in it, `x = 1` (nothing printed) then `print(1)`; the kernel's own CPU
time (getrusage, read in the kernel before and after) is divided by the number of cells. Prints the
median over the rounds of each, and their ratio.
"""
import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # as the fork server
from ipykernel import iostream, kernelapp  # noqa: E402
from jupyter_client import BlockingKernelClient  # noqa: E402
from jupyter_client.connect import write_connection_file  # noqa: E402

from course.kernel_fork import NO_PICTURES, flush_if_written  # noqa: E402

CODES = ("x = 1", "print(1)")
CPU = "import resource; r = resource.getrusage(resource.RUSAGE_SELF); print(r.ru_utime + r.ru_stime)"


def kernel_cpu_per_cell(patched, cells):
    """{code: ms of the kernel's CPU per cell} in a kernel forked from here."""
    connection = tempfile.mktemp(suffix=".json")
    write_connection_file(connection, ip="127.0.0.1")
    pid = os.fork()
    if pid == 0:
        if patched:
            iostream.OutStream.flush = flush_if_written(iostream.OutStream.flush)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        sys.argv = ["ipykernel_launcher", "-f", connection, *NO_PICTURES]
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
    os.unlink(connection)
    return spent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    runs = {False: [], True: []}
    for _ in range(args.rounds):
        for patched in (False, True):
            runs[patched].append(kernel_cpu_per_cell(patched, args.cells))
    for code in CODES:
        plain, ours = (statistics.median(run[code] for run in runs[p]) for p in (False, True))
        print(f"{code!r:<12} ipykernel's flush {plain:5.2f} ms   flush_if_written {ours:5.2f} ms   "
              f"ratio {plain / ours:.2f} ×  (kernel CPU per cell, median of {args.rounds})")


if __name__ == "__main__":
    main()
