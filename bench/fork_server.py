"""Benchmark: a sandboxed fork server's start, from launch to ready, with matplotlib building its
font list and with the list an earlier server built (course/kernel_fork.py lay_font_list), taking
turns in one run.

    python bench/fork_server.py [--assignment 04_attention] [--rounds 7]

Each round launches one server of each kind in the sandbox, importing what the assignment's notebooks
import: "built" with no kept list (matplotlib reads every font file, as each server did before),
"kept" given the list the last "built" server reported. Prints the medians over the rounds of the wall
time from launch to ready and of the CPU time of the server's processes when ready, and how many times
less the kept list takes.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course import ROOT  # noqa: E402
from course.kernel_fork import ForkServer, font_list_file, imported_modules, kept_font_list, remove_scratch, worker_scratch  # noqa: E402
from course.sandbox import SandboxedKernelManager  # noqa: E402


def start(modules, scratch):
    """(wall seconds from launch to ready, CPU seconds of the server's processes then)."""
    server = ForkServer(modules, SandboxedKernelManager(), scratch)
    began = time.perf_counter()
    server.prewarm()
    server.ready()
    wall = time.perf_counter() - began
    top = psutil.Process(server.process.pid)  # bubblewrap; the server's Python below it
    cpu = sum(t.user + t.system + t.children_user + t.children_system
              for t in (p.cpu_times() for p in [top, *top.children(recursive=True)]))
    server.close()
    return wall, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="04_attention")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    modules = imported_modules(ROOT / "source" / args.assignment)
    scratch = worker_scratch()
    runs = {"built": [], "kept": []}
    with tempfile.TemporaryDirectory(prefix="bench-fonts-") as cache:
        os.environ["XDG_CACHE_HOME"] = cache  # the user's kept list stays as it is
        try:
            for _ in range(args.rounds):
                for kind in runs:
                    if kind == "built":
                        font_list_file().unlink(missing_ok=True)
                    kept_font_list.cache_clear()
                    runs[kind].append(start(modules, scratch))
        finally:
            remove_scratch(scratch)
    print(f"sandboxed fork server for {args.assignment} ({', '.join(modules)}), median of {args.rounds} rounds")
    for what, index in (("wall time to ready", 0), ("CPU time of its processes", 1)):
        built, kept = (statistics.median(run[index] for run in runs[kind]) for kind in runs)
        print(f"  {what:<26} font list built {built:5.2f} s   kept {kept:5.2f} s   {built / kept:5.2f} ×")


if __name__ == "__main__":
    main()
