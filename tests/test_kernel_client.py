"""What the grader's kernel client accepts from a kernel: the channels it opens, and how much memory
one message can take (course/sandbox.py CappedKernelClient, course/limits.py cap_grader_memory); and
what a forked kernel's flush sends and its history keeps (course/kernel_fork.py flush_if_written, NO_HISTORY),
and the font list a sandboxed server is given (lay_font_list)."""
import contextlib
import copy
import json
import resource
import subprocess
import sys
import time

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError
from nbformat.v4 import new_code_cell, new_notebook, new_output

from classroom import sandbox_args
from course.sandbox import KernelManager

MiB = 2**20
# One IOPub message of 50 parts of 30 MiB (1.5 GB): each part is under kernel_message_bytes.
MANY_PARTS = """k = get_ipython().kernel
msg = k.session.msg('stream', {'name': 'stdout', 'text': 'x'}, parent=k.get_parent('shell'))
k.session.send(k.iopub_socket, msg, buffers=[memoryview(b'x' * (30 * 2**20))] * 50)"""
GRADER = """
import json, resource, sys
import nbformat
from nbclient import NotebookClient
from course.limits import Limits, cap_grader_memory
from course.sandbox import KernelManager
cap_grader_memory(Limits(grader_memory=int(sys.argv[1])))
nb = nbformat.reads(sys.stdin.read(), as_version=4)
# The reply comes, but the cell's end on IOPub is lost with the message: go on. (ZeroMQ does not
# connect again after such an error, so grading ends the notebook there: TrustedExecute's OutputLost.)
client = NotebookClient(nb, kernel_manager_class=KernelManager, timeout=120, iopub_timeout=4,
                        raise_on_iopub_timeout=False)
with client.setup_kernel():
    client.execute_cell(nb.cells[0], 0)
    reply = client.wait_for_reply(client.kc.execute("1 + 1"))
print(json.dumps({"peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "next": reply["content"]["status"]}))
"""


def test_only_shell_and_iopub_are_open():
    """Nobody reads stdin, control or heartbeat, so they are not connected (a kernel could fill
    them); `input()` then fails at once instead of waiting out the cell's time limit."""
    nb = new_notebook(cells=[new_code_cell("input('?')")])
    client = NotebookClient(nb, kernel_manager_class=KernelManager, timeout=600, allow_errors=True)
    with client.setup_kernel():
        kc = client.kc
        assert (kc._stdin_channel, kc._control_channel, kc._hb_channel) == (None, None, None)
        assert kc.shell_channel.is_alive() and kc.iopub_channel.is_alive()
        client.execute_cell(nb.cells[0], 0)
    assert [o.get("ename") for o in nb.cells[0].outputs] == ["StdinNotImplementedError"]


def test_a_message_of_many_parts_stays_within_the_grader_memory():
    """ZeroMQ caps each part of a message (kernel_message_bytes), not their number. Under
    cap_grader_memory the 1.5-GB message is dropped, the grading process stays near its cap and
    goes on, and the kernel still answers."""
    cap = 400 * MiB
    nb = new_notebook(cells=[new_code_cell(MANY_PARTS)])
    run = subprocess.run([sys.executable, "-c", GRADER, str(cap)], input=nbformat.writes(nb),
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["next"] == "ok", result
    assert result["peak"] < cap + 200 * MiB, f"the grader held {result['peak'] / MiB:.0f} MiB"


def test_kernels_do_not_inherit_the_grader_cap():
    probe = [sys.executable, "-c", "import resource; print(resource.getrlimit(resource.RLIMIT_DATA)[0])"]
    capped = "import resource, subprocess, sys; from course.limits import uncapped; " \
             "resource.setrlimit(resource.RLIMIT_DATA, (2**30, resource.getrlimit(resource.RLIMIT_DATA)[1])); " \
             f"subprocess.run(uncapped({probe!r}))"
    shown = subprocess.run([sys.executable, "-c", capped], capture_output=True, text=True, check=True).stdout
    assert int(shown) == resource.getrlimit(resource.RLIMIT_DATA)[1]


# Floods a kernel can send for 120 s while its cell runs: malformed messages on the shell channel,
# signed replies to a request that was never sent, signed IOPub output for another request.
ANOTHER_REQUEST = ("{'header': {'msg_id': 'another', 'session': 's', 'msg_type': 'execute_request', "
                   "'username': 'u', 'date': '2026-01-01T00:00:00Z', 'version': '5.3'}}")
FLOODS = {
    "malformed-shell": "sock.send_multipart(list(ident) + [b'<IDS|MSG>', b'bad', b'{}', b'{}', b'{}', b'{}'])",
    "replies-to-another-request": "k.session.send(k.shell_stream, 'execute_reply', {'status': 'ok', "
                                  f"'execution_count': 1}}, parent={ANOTHER_REQUEST}, ident=ident)",
    "output-of-another-request": "k.session.send(k.iopub_socket, 'stream', {'name': 'stdout', 'text': 'x'}, "
                                 f"parent={ANOTHER_REQUEST})",
}
FLOOD = """import time
k = get_ipython().kernel
sock, ident = k.shell_stream.socket, k._parent_ident['shell']
end = time.monotonic() + 120
while time.monotonic() < end:
    {send}
"""


@pytest.mark.parametrize("flood", FLOODS)
def test_a_flood_of_messages_cannot_outlast_the_time_limit(flood):
    """The cell's time limit (5 s here) ends it long before the kernel's 120-s flood would end."""
    nb = new_notebook(cells=[new_code_cell(FLOOD.format(send=FLOODS[flood]))])
    client = NotebookClient(nb, kernel_manager_class=KernelManager, timeout=5, iopub_timeout=4, allow_errors=True,
                            interrupt_on_timeout=True, error_on_timeout={"ename": "Timeout", "evalue": "", "traceback": []})
    start = time.monotonic()
    with client.setup_kernel(), contextlib.suppress(CellTimeoutError):
        client.execute_cell(nb.cells[0], 0)
    assert time.monotonic() - start < 90, "the flood held the grader"


def test_forged_signatures_are_not_kept():
    """jupyter_client would keep each received signature, checked or not, against replays: 20 forged
    ones of 8 MiB would stay in the grader's memory."""
    sends = ("k = get_ipython().kernel\nimport os\nfor _ in range(20):\n    k.iopub_socket.send_multipart("
             "[b'kernel.x.stream', b'<IDS|MSG>', os.urandom(8 * 2**20), b'{}', b'{}', b'{}', b'{}'])")
    nb = new_notebook(cells=[new_code_cell(sends)])
    client = NotebookClient(nb, kernel_manager_class=KernelManager, timeout=600, allow_errors=True)
    with client.setup_kernel():
        client.execute_cell(nb.cells[0], 0)
        assert client.kc.session.digest_history == set()


def forked_outputs(cells, folder, timeout=60, modules=("IPython",), sandbox=None, notebooks=1, **settings):
    """What each of the code cells `cells` (sources, or cells such as a test cell) printed, or the error
    it gave ("ename: evalue"), run in a kernel forked by a fork server that imported `modules` (in
    `sandbox`, a SandboxedKernelManager, or none), graded by a TrustedExecute with `settings`. With
    `notebooks` > 1, the cells run as that many notebooks in turn, each in a new kernel of the same
    server; the last one's outputs."""
    nb = forked_notebook(cells, folder, timeout, modules, sandbox, notebooks, **settings)
    return ["".join(o.get("text") or (f"{o.ename}: {o.evalue}" if o.output_type == "error" else "")
                    for o in cell.outputs) for cell in nb.cells]


def forked_notebook(cells, folder, timeout=60, modules=("IPython",), sandbox=None, notebooks=1, **settings):
    """The last notebook of forked_outputs, graded by a TrustedExecute with `settings` too."""
    from course.kernel_fork import ForkedKernelManager, ForkServer, remove_scratch, worker_scratch
    from course.trusted_execute import TrustedExecute

    scratch = worker_scratch()  # short: the kernel's sockets are below it (tmp_path can be too long)
    server = ForkServer(modules, sandbox, scratch)
    try:
        for _ in range(notebooks):
            nb = new_notebook(cells=[new_code_cell(c) if isinstance(c, str) else copy.deepcopy(c) for c in cells])
            # every cell, graded or not
            execute = TrustedExecute(sandbox=False, timeout=timeout, run_trailing_cells=True, **settings)
            execute.kernel_manager_class = ForkedKernelManager.bound_to(server)
            execute.preprocess(nb, {"metadata": {"path": str(folder)}})
    finally:
        server.close()
        remove_scratch(scratch)
    return nb


LATE_REPLY = """import asyncio
kernel = get_ipython().kernel
send = kernel.session.send
def send_late(stream, kind, content=None, parent=None, *args, **kw):
    if kind == "execute_reply" and "LATE" in parent["content"]["code"]:  # after the idle status, 1.5 s on
        asyncio.get_running_loop().call_later(1.5, lambda: send(stream, kind, content, parent, *args, **kw))
        return kernel.session.msg(kind, content, parent)
    return send(stream, kind, content, parent, *args, **kw)
kernel.session.send = send_late"""


def test_a_forked_kernel_builds_no_log_record_that_no_handler_keeps(tmp_path):
    """traitlets leaves the kernel's logger at DEBUG and its handler at WARNING, so for every message it
    handled the kernel built debug records that nobody kept: a forked kernel's logger is at its
    handler's level (kernel_fork.debug_records_dropped), and a warning still reaches the handler."""
    code = ("import logging\nlog = get_ipython().kernel.log\n"
            "print(log.isEnabledFor(logging.DEBUG), log.isEnabledFor(logging.WARNING), sorted(h.level for h in log.handlers))")
    assert forked_outputs([code], tmp_path) == ["False True [30]\n"]


def test_a_reply_later_than_the_cells_end_on_iopub_is_awaited(tmp_path):
    """A cell whose time runs out after the kernel ended it on IOPub and before its reply came (two
    sockets: on a busy machine, a call that takes its whole budget) is not "kernel output lost": the
    reply gets iopub_timeout more (TrustedExecute.late_reply), and the next cell runs."""
    assert forked_outputs([LATE_REPLY, "x = 1  # LATE", "print('after')"], tmp_path, timeout=1) == ["", "", "after\n"]


COUNT_SCHEDULED = """import sys
scheduled, schedule = [], sys.stdout.pub_thread.schedule
sys.stdout.pub_thread.schedule = lambda task: (scheduled.append(task), schedule(task))[1]"""
FLUSHES = """before = len(scheduled)
sys.stdout.flush(); sys.stderr.flush()
empty = len(scheduled) - before
sys.stdout.write("written"); sys.stdout.flush()
print("", empty, len(scheduled) - before - empty > 0)"""


def test_a_forked_kernel_flushes_only_what_was_written(tmp_path):
    """A forked kernel's flush with nothing written since the last hands nothing to the IOPub thread
    (course/kernel_fork.py flush_if_written: ipykernel flushes after every cell and call). What a cell
    writes still arrives whole and in order, also without a newline as the cell's last output."""
    outputs = forked_outputs([COUNT_SCHEDULED, FLUSHES, "print('tail', end='')"], tmp_path)
    assert outputs == ["", "written 0 True\n", "tail"], outputs


COUNT_CONTROL_WAKES = """k = get_ipython().kernel
woken, loop = [], k.control_thread.io_loop
add_callback = loop.add_callback
loop.add_callback = lambda *args, **kwargs: (woken.append(args), add_callback(*args, **kwargs))[1]"""


def test_a_forked_kernel_leaves_its_control_thread_asleep(tmp_path):
    """ipykernel wakes the control thread before every shell message, to flush a channel the grader
    never opens (kernel_fork.control_queue_left): two cells and a print later, nothing woke it."""
    assert forked_outputs([COUNT_CONTROL_WAKES, "x = 1", "print(len(woken))"], tmp_path)[-1] == "0\n"


def test_a_forked_kernel_keeps_its_history_in_memory_only(tmp_path):
    """No history database in a forked kernel (course/kernel_fork.py NO_HISTORY), yet In, _i1 and the
    session's %history are as in any kernel."""
    outputs = forked_outputs(["a = 1", "%history -n 1", "print(get_ipython().history_manager.enabled, len(In), _i1)"],
                             tmp_path)
    assert outputs == ["", "   1: a = 1\n", "False 4 a = 1\n"], outputs


FONTS = """import json
from matplotlib import font_manager
print(json.dumps(sorted([font.fname, font.name] for font in font_manager.fontManager.ttflist)))"""


def test_a_sandboxed_server_reads_the_font_list_an_earlier_one_built(tmp_path, monkeypatch):
    """In a sandbox HOME is new, so matplotlib would read every font file again at each server's start
    (0.45 s): a server reports the font list it built, the grader keeps it (course/kernel_fork.py
    keep_font_list), and the next server reads it instead; its kernels see the same fonts. A list of
    another matplotlib version is built anew and replaced, as matplotlib itself does."""
    from course.kernel_fork import font_list_file, kept_font_list
    from course.sandbox import SandboxedKernelManager

    if sandbox_args():
        pytest.skip("no sandbox here / 这里没有沙箱")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    kept_font_list.cache_clear()

    def fonts():
        return json.loads(forked_outputs([FONTS], tmp_path, modules=["matplotlib.pyplot"],
                                         sandbox=SandboxedKernelManager())[0])

    built = fonts()
    kept = json.loads(font_list_file().read_text())
    assert built and kept["name"].startswith("fontlist-v"), kept["name"]
    listed = json.loads(kept["text"])
    marker = {**listed["ttflist"][0], "name": "Kept Marker"}  # only in the kept list, not in any font file
    padded = {**listed, "ttflist": [*listed["ttflist"], marker], "padding": "x" * 2**17}  # more than a pipe's 64 KiB
    font_list_file().write_text(json.dumps({**kept, "text": json.dumps(padded)}))
    kept_font_list.cache_clear()
    got = fonts()
    assert [font for font in got if font[1] != "Kept Marker"] == built and len(got) == len(built) + 1
    assert "Kept Marker" in font_list_file().read_text()  # read, not built again

    font_list_file().write_text(json.dumps({**kept, "text": json.dumps({**listed, "_version": "0.0"})}))
    kept_font_list.cache_clear()
    assert fonts() == built
    assert json.loads(json.loads(font_list_file().read_text())["text"])["_version"] == listed["_version"]  # replaced


PLANT = """import os, pathlib, signal
server_folder = pathlib.Path.cwd().parent.parent
if (server_folder / "json.py").exists():
    print("planted code was imported")
(server_folder / "json.py").write_text("import os\\nos._exit(7)\\n")
(server_folder / "matplotlibrc").write_text("this is not an rc file\\n")
print("planted")"""
KILL_SERVER = "os.kill(os.getppid(), signal.SIGINT)  # PID 1 takes handled signals only: the next notebook needs a new server"


def test_a_kernel_cannot_plant_code_for_the_next_server(tmp_path):
    """A kernel's working folder is below its server's folder, the writable place the next server
    starts in (`python -m` puts it first on sys.path). A kernel that writes json.py there, then kills
    its server, does not run code in the server that forks the next student's kernel: the folder is
    emptied before every start (course/kernel_fork.py ForkServer.launch)."""
    from course.sandbox import SandboxedKernelManager

    if sandbox_args():
        pytest.skip("no sandbox here / 这里没有沙箱")
    assert forked_outputs([PLANT, KILL_SERVER], tmp_path, modules=["json"], sandbox=SandboxedKernelManager(),
                          notebooks=3)[0] == "planted\n"


def graded_call_outputs(answer, folder, timeout=5):
    """The outputs of a test cell that calls the student's `f(1)` and prints the call's value and error,
    after a cell `answer` that defines f, in a kernel forked as a graded one (TrustedExecute.run_call)."""
    test = new_code_cell("from course.checks import call\nr = call(f, 1)\nprint(r.value, r.error)",
                         metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "t", "points": 1}})
    return forked_outputs([answer, test], folder, timeout=timeout)[-1:]


CALL_FLOOD = """def f(x):
    import time
    k = get_ipython().kernel
    sock, ident = k.shell_stream.socket, k._parent_ident['shell']
    end = time.monotonic() + 120
    while time.monotonic() < end:
        {send}"""


@pytest.mark.parametrize("flood", FLOODS)
def test_a_flood_during_a_call_cannot_outlast_its_time_limit(flood, tmp_path):
    """A call's wait (run_call, not nbclient's) ends at the call's time limit (5 s) however many
    messages the kernel sends meanwhile: the kernel is interrupted and the call gets the error."""
    start = time.monotonic()
    outputs = graded_call_outputs(CALL_FLOOD.format(send=FLOODS[flood]), tmp_path)
    assert time.monotonic() - start < 90, "the flood held the grader"
    assert "KeyboardInterrupt" in outputs[0] or "CellTimeoutError" in outputs[0], outputs


def test_a_call_that_ignores_the_interrupt_ends_the_notebook(tmp_path):
    """A call past its time limit (2 s) is interrupted; one that goes on regardless gets iopub_timeout (4 s)
    for its reply, as a cell gets it for its end on IOPub: then the kernel is taken to be stuck, and the
    test and the tests after it fail with the reason (TIMED_OUT), instead of each later call waiting out
    its own time limit behind it."""
    from course.trusted_execute import TIMED_OUT
    answer = "def f(x):\n    while True:\n        try:\n            while True:\n                pass\n" \
             "        except KeyboardInterrupt:\n            pass"
    start = time.monotonic()
    outputs = graded_call_outputs(answer, tmp_path, timeout=2)
    assert time.monotonic() - start < 60, "the stuck call was waited on"
    assert outputs == [f"CellTimeoutError: {TIMED_OUT}"], outputs


def test_a_test_cell_that_does_not_compile_fails_alone(tmp_path):
    """A test cell that parses but does not compile (a `return` outside a function) fails its own test;
    the next test cell still runs (trusted_execute.parsed_test_cell compiles inside the test's try)."""
    graded = {"nbgrader": {"grade": True, "solution": False, "grade_id": "t", "points": 1}}
    cells = [new_code_cell("return 1", metadata=graded),
             new_code_cell("print('next')", metadata={"nbgrader": {**graded["nbgrader"], "grade_id": "u"}})]
    outputs = forked_outputs(cells, tmp_path)
    assert outputs[0].startswith("SyntaxError") and outputs[1] == "next\n", outputs


def test_a_kernel_that_dies_in_a_call_is_found_dead(tmp_path):
    """The kernel exits inside the student's function: the call's wait sees it dead (not a 5-s time-out
    and not a hang), and the test cell says the kernel died."""
    start = time.monotonic()
    outputs = graded_call_outputs("def f(x):\n    import os\n    os._exit(1)", tmp_path, timeout=60)
    assert time.monotonic() - start < 30, "the dead kernel was waited on as if alive"
    assert outputs == ["KernelDied: 内核已退出，之后的测试未运行。/ The kernel died; later tests did not run."], outputs


SENT_FOR_CALLS = """kernel = get_ipython().kernel
sent_for_calls = []
send = kernel.session.send
def recording(stream, kind, content=None, parent=None, *args, **kw):
    msg = kind if isinstance(kind, dict) else {"msg_type": kind, "content": content, "parent_header": parent or {}}
    parent_header = msg["parent_header"].get("header", msg["parent_header"])  # a message, or its header
    if parent_header.get("msg_type") == "course_call_request":
        sent_for_calls.append(msg["content"]["execution_state"] if msg["msg_type"] == "status" else msg["msg_type"])
    return send(stream, kind, content, parent, *args, **kw)
kernel.session.send = recording"""


def test_a_call_ends_with_its_reply(tmp_path):
    """A call's reply is all the grader waits for (run_call's reply_ends): the kernel publishes no busy or
    idle status for it (course/wire.py answer_calls), and what the function printed, sent on IOPub with
    or after the reply, shows in no later cell. Were IOPub's idle awaited, each call would wait out
    iopub_timeout (120 s here)."""
    test = new_code_cell("from course.checks import call\nprint(call(f, 1).value, call(f, 2).value)",
                         metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "t", "points": 1}})
    start = time.monotonic()
    outputs = forked_outputs([SENT_FOR_CALLS, "def f(x):\n    print('noise')\n    return x + 1", test,
                              "print(sorted(sent_for_calls))"], tmp_path, iopub_timeout=120)
    assert time.monotonic() - start < 60, "a call waited for IOPub"
    assert outputs == ["", "", "2 3\n", "['course_call_reply', 'course_call_reply', 'stream', 'stream']\n"], outputs


def test_a_graded_kernel_leaves_the_dates_of_messages_as_sent(tmp_path):
    """A grading kernel does not parse the dates in the headers of what it receives (course/kernel_fork.py:
    nothing there reads them); a cell still runs, and its reply carries its request's header back."""
    outputs = forked_outputs(["header = get_ipython().kernel.get_parent()['header']\n"
                              "print(type(header['date']).__name__, header['msg_type'])"], tmp_path)
    assert outputs == ["str execute_request\n"], outputs


STALE = [new_output("stream", name="stdout", text="from an earlier run")]
CELLS_OF_EVERY_KIND = [new_code_cell(source, outputs=STALE) for source in [
    "import sys\nprint('out')\nprint('err', file=sys.stderr)\n41 + 1",
    "from IPython.display import display, clear_output\ndisplay({'a': 1}, raw=True)\nprint('gone')\n"
    "clear_output(wait=True)\nprint('kept')",
    "h = display('first', display_id=True)\nh.update('second')\n'last'",
    "1 / 0",
    "raise ValueError('tagged')",
    "   ",
    "print('after the errors', end='')",
]]
CELLS_OF_EVERY_KIND[4].metadata["tags"] = ["raises-exception"]


def test_a_cell_run_without_asyncio_ends_as_nbclient_leaves_it(tmp_path):
    """A graded kernel's cells run through TrustedExecute.run_call, not nbclient's execute_cell: every
    kind of output (streams, displays, a result, errors, a cleared output, a display updated in place,
    an earlier run's output replaced), the execution counts and the timing metadata end as nbclient's
    execute_cell leaves them (which still runs them when a cell hook is set)."""
    def ran(**settings):
        nb = forked_notebook(CELLS_OF_EVERY_KIND, tmp_path, **settings)
        return [(cell.execution_count, cell.outputs, sorted(cell.metadata.get("execution", {}))) for cell in nb.cells]

    without_asyncio, by_nbclient = ran(), ran(on_cell_start=lambda **kw: None)
    assert without_asyncio == by_nbclient
    assert [count for count, _, _ in by_nbclient] == [1, 2, 3, 4, 5, None, 6]
    assert by_nbclient[0][2] == ["iopub.execute_input", "iopub.status.busy", "iopub.status.idle", "shell.execute_reply"]
    assert [o.get("ename") for _, outputs, _ in by_nbclient[3:5] for o in outputs] == ["ZeroDivisionError", "ValueError"]
    assert by_nbclient[5][1] == STALE  # a blank cell is not run


@pytest.mark.parametrize("settings", [{}, {"on_cell_start": lambda **kw: None}], ids=["without asyncio", "nbclient"])
def test_forced_errors_raise_whatever_errors_are_allowed(settings, tmp_path):
    """force_raise_errors overrides allow_errors and allow_error_names, as nbclient decides: the
    notebook stops at the error, run without asyncio as by nbclient."""
    from nbclient.exceptions import CellExecutionError

    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        forked_notebook(["1 / 0", "print('not reached')"], tmp_path, force_raise_errors=True,
                        allow_error_names=["ZeroDivisionError"], **settings)
