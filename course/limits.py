"""Every limit of grading in one traitlets class, set in nbgrader_config.py (`c.Limits.call_budget = 120`).

The classes that apply the limits inherit them from `Limits` (SandboxedKernelManager, TrustedExecute,
CappedKernelClient), so `c.Limits.memory` reaches all of them, and a setting for one class
(`c.SandboxedKernelManager.memory`) still wins for that class. The worker pool, the fork server
and the vetting of submissions read a `Limits(parent=app)`. The wire's budgets reach the kernel
with each call (course/wire.py `Budget`). README.md lists them all in one table.
"""
import resource

from traitlets import Integer
from traitlets.config import Configurable

MiB = 2**20


class Limits(Configurable):
    """The course's limits; see the module's docstring."""

    # Student code: every sandboxed kernel, and each worker's fork server (course/sandbox.py).
    memory = Integer(2 * 2**30, help="address space of each process, and memory of a whole sandbox (cgroup), bytes"
                     ).tag(config=True)
    cpu_seconds = Integer(600, help="CPU time of each process, seconds").tag(config=True)
    processes = Integer(64, help="processes and threads inside one sandbox").tag(config=True)
    file_size = Integer(256 * MiB, help="largest file the kernel may write, bytes").tag(config=True)
    tmp_size = Integer(256 * MiB, help="size of the sandbox's private /tmp, and of its /dev/shm, bytes").tag(config=True)

    # Grading one notebook (course/trusted_execute.py).
    call_budget = Integer(120, help="seconds a notebook's test cells may spend in calls to the student's "
                          "functions; then its remaining test cells score 0").tag(config=True)
    cell_budget = Integer(300, help="seconds a notebook's own code cells (lessons, answers, the student's) may run in "
                          "all; then its remaining test cells score 0 (a cell is stopped sooner by Execute.timeout, "
                          "and many slow cells held a worker to its deadline)").tag(config=True)
    max_output = Integer(100_000, help="characters of output kept per cell").tag(config=True)
    max_notebook_output = Integer(2_000_000, help="characters of output kept per notebook, test cells' "
                                  "results aside (each of those is kept, cut to max_output)").tag(config=True)
    message_chars = Integer(4_000, help="characters of a test's failure message (it quotes student values)"
                            ).tag(config=True)

    # What the grader accepts from a kernel (course/sandbox.py, course/wire.py).
    kernel_message_bytes = Integer(32 * MiB, help="largest part (frame) of a kernel message; larger ones are dropped "
                                   "before they reach the grader's memory (keep it above array_bytes * 4/3)"
                                   ).tag(config=True)
    grader_memory = Integer(2 * 2**30, help="memory (data) of each grading process, bytes: ZeroMQ caps each part of "
                            "a kernel's message, not their number, so a message of many parts is dropped here "
                            "(cap_grader_memory)").tag(config=True)
    array_bytes = Integer(16 * MiB, help="bytes of one array a student's function returns").tag(config=True)
    items = Integer(10_000, help="values in one returned tuple, list or dict, nested ones included").tag(config=True)
    depth = Integer(8, help="nesting of returned tuples, lists and dicts").tag(config=True)
    string_chars = Integer(10_000, help="characters of a returned string").tag(config=True)

    # Submissions (course/vet.py).
    notebook_bytes = Integer(32 * MiB, help="largest notebook file that is graded, bytes").tag(config=True)
    notebook_containers = Integer(100_000, help="JSON arrays and objects in a submitted notebook; one with more is "
                                  "left out (a lesson notebook has under 1,000)").tag(config=True)
    notebook_cells = Integer(1_000, help="cells of a submitted notebook; one with more is left out (a lesson notebook "
                             "has at most 148; each cell costs the grader and formgrader, whatever its size)"
                             ).tag(config=True)
    notebook_source_chars = Integer(2_000_000, help="characters of all the cells' sources of a submitted notebook; one "
                                    "with more is left out (a lesson notebook has under 130,000; a 27 MB comment made "
                                    "a 33 MB feedback page)").tag(config=True)
    submission_bytes = Integer(64 * MiB, help="largest submission (all its files), bytes").tag(config=True)
    submission_files = Integer(200, help="files and folders of one submission; the rest are left out (nbgrader's "
                               "search of a submission's files takes time in their number squared)").tag(config=True)
    submission_depth = Integer(8, help="folders within folders of one submission; deeper ones are left out"
                               ).tag(config=True)

    # Grading workers (course/workers.py, course/kernel_fork.py).
    worker_deadline = Integer(20 * 60, help="seconds a worker may spend on one submission; then it is stopped and "
                              "the submission is the grader's failure (not graded, its entry as it was): keep it above "
                              "the budgets of the assignment's notebooks (cell_budget + call_budget each), which hold a "
                              "student's code below it").tag(config=True)
    server_reply_seconds = Integer(20, help="seconds the fork server may take to answer; then it is replaced"
                                   ).tag(config=True)
    server_start_seconds = Integer(120, help="seconds the fork server may take to start (its imports)"
                                   ).tag(config=True)


def default(name):
    """A limit's default value (for code that runs without nbgrader's configuration, e.g. in a kernel)."""
    return Limits.class_traits()[name].default_value


def cap_grader_memory(limits):
    """Cap this grading process's memory at limits.grader_memory (the soft RLIMIT_DATA). A kernel's
    message arrives whole, and kernel_message_bytes caps only each of its parts: over the cap, ZeroMQ
    cannot take the next part and drops the message with its connection (for good: the notebook
    then ends with OutputLost). The kernels this process starts get their own limits (`uncapped`).
    An honest submission at every size limit took about 1 GiB."""
    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    cap = limits.grader_memory if hard == resource.RLIM_INFINITY else min(limits.grader_memory, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))


def uncapped(command):
    """`command` run with the soft data limit raised back to the hard one: cap_grader_memory is the
    grader's own, not its kernels'."""
    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    return ["prlimit", f"--data={'unlimited' if hard == resource.RLIM_INFINITY else hard}:", "--", *command]
