"""nbgrader's Execute, with test cells run by the grader instead of by the student's kernel.

Solution cells and lesson cells run in the kernel as usual. A test cell (an nbgrader grade cell
that is not a solution) is executed here, in the grader's process: every name it uses and does
not define (and no earlier test cell defined) becomes a `KernelName`, so `call(softmax, x)` sends `x` to the kernel, calls the
student's `softmax` there and receives an encoded record (never a pickle, never the student's
object). Expected values, oracles and hidden inputs never enter the kernel, and nothing the
student's code does to its own interpreter (patched NumPy, hooks, frame inspection, swallowed
output) can reach the comparison.

The cells after the last graded cell are not run (unless `TrustedExecute.run_trailing_cells`):
no grade can depend on them, since a failure there, even the kernel's death, marks no test (in 06
they train on the student's code and draw the result). A task cell (graded by hand) counts as
graded. The cells not run are marked `not_run_when_graded`, and the feedback says so under each.

Student code runs in a sandboxed kernel (course/sandbox.py) unless `TrustedExecute.sandbox` is
False. Whatever it does, the notebook ends with a grade: if the kernel cannot start, dies, or runs
a cell past the time limit and ignores the interrupt (it is then killed), the cells that ran keep
their results and every test cell after it gets an error output that names the reason, so it
scores 0 instead of going missing. Calls into the kernel share one time budget per notebook, so
a function that answers slowly cannot hold a worker for long. Output kept per cell and per notebook
is capped, so a flood cannot fill the grader's memory or disk.
"""
import ast
import builtins
import contextlib
import functools
import io
import math
import time
from dataclasses import asdict
from pathlib import Path
from queue import Empty

import zmq
from jupyter_core.utils import ensure_async, run_sync
from nbclient.client import NotebookClient, timestamp
from nbclient.exceptions import (CellControlSignal, CellExecutionComplete, CellExecutionError, CellTimeoutError,
                                DeadKernelError)
from nbformat import NotebookNode, from_dict
from nbgrader.preprocessors import Execute
from nbgrader.utils import is_grade, is_task
from traitlets import Bool

from . import GraderFault, diagnosis
from .checks import CheckFailure
from .limits import Limits, default
from .preprocessors import is_test_cell
from .sandbox import KernelManager, SandboxedKernelManager, require_sandbox, well_formed
from .wire import Budget, Remote, encode, shorten

BUILTIN_NAMES = set(dir(builtins))
KERNEL_DIED = "内核已退出，之后的测试未运行。/ The kernel died; later tests did not run."
NO_KERNEL = "内核无法启动，测试未运行。/ The kernel did not start; no test ran."
BUDGET_SPENT = ("调用学生函数的时间预算已用完，之后的测试未运行。/ The time budget for calling the student's functions "
                "is spent; later tests did not run.")
CELLS_SPENT = ("笔记本自己的代码单元格（课程、答案、学生添加的）运行时间的总预算已用完，之后的测试未运行。/ The notebook's own "
               "code cells (lessons, answers, the student's) used up their time budget; later tests did not run.")
TIMED_OUT = ("单元格超过时间限制且不响应中断，内核已被终止，之后的测试未运行。/ A cell ran past the time limit and "
             "ignored the interrupt; the kernel was stopped and later tests did not run.")
OUTPUT_LOST = ("内核的输出没有全部送达评分程序（例如有一条消息超过了评分程序接受的大小），之后的测试未运行。/ The kernel's "
               "output did not all reach the grader (for instance, a message larger than the grader accepts); later "
               "tests did not run.")
ANSWER_CALLS = "__import__('course.wire', fromlist=['answer_calls']).answer_calls()"
NOT_RUN = "not_run_when_graded"  # cell metadata: the feedback template explains it
TRUNCATED = "\n[输出过长，其余部分已省略 / output too long, the rest was dropped]\n"


class BudgetSpent(Exception):
    """The notebook's time for calls into the kernel is used up."""


def new_output(output_type, **fields):
    """nbformat's new_output without its schema check (about 1 ms each, and a notebook gets dozens):
    the grader's outputs have a fixed shape, and nbformat validates the notebook it writes."""
    return from_dict({"output_type": output_type, **fields, **({"metadata": {}} if output_type == "execute_result" else {})})


def error_output(ename, evalue, limit=default("message_chars")):
    evalue = shorten(evalue, limit)
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])


def shorten_error(content):
    """An error's message and traceback, cut to a readable size (a student controls both)."""
    if "evalue" in content:
        content["evalue"] = content["evalue"][:2000]
        content["traceback"] = [line[:2000] for line in content.get("traceback", [])[-20:]]


@functools.lru_cache(maxsize=512)
def parsed_test_cell(source, index):
    """(the names a test cell uses, its statements but a last expression, compiled, that expression
    compiled or None), once per process: every notebook of an assignment has the same test cells in the
    same places (`index`, the cell's, names the code)."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    used = frozenset(node.id for node in ast.walk(tree if last is None else ast.Module([*tree.body, last], []))
                     if isinstance(node, ast.Name))
    name = f"<test cell {index}>"
    return used, compile(tree, name, "exec"), None if last is None else compile(ast.Expression(last.value), name, "eval")


class KernelName(Remote):
    """A name defined by the student, living in the kernel."""

    def __init__(self, executor, name):
        self.executor, self.name, self.budget = executor, name, Budget.of(executor)

    def invoke(self, args, kwargs, max_steps=None, steps_only=False, count_bytes=False, watch=()):
        frames = []  # the arrays' bytes, sent as the message's binary frames (wire.encode)
        return self._request(args=[encode(a, self.budget, frames) for a in args],
                             kwargs={k: encode(v, self.budget, frames) for k, v in kwargs.items()}, max_steps=max_steps,
                             steps_only=steps_only, count_bytes=count_bytes, watch=list(watch), frames=frames)

    def fetch(self):
        return self._request(args=[], kwargs={}, fetch=True)

    def _request(self, args, kwargs, fetch=False, max_steps=None, steps_only=False, count_bytes=False, watch=(),
                 frames=()):
        return self.executor.kernel_record({"name": self.name, "args": args, "kwargs": kwargs, "fetch": fetch,
                                            "budget": asdict(self.budget), "max_steps": max_steps,
                                            "steps_only": steps_only, "count_bytes": count_bytes,
                                            "watch": list(watch)}, frames)


def within(timeout, seconds_left):
    """A cell's timeout that ends with a budget (None or -1: nbclient's no timeout)."""
    return max(1, min(timeout if timeout and timeout > 0 else math.inf, math.ceil(seconds_left)))


class TrustedExecute(Execute, Limits):
    """nbgrader's Execute with test cells run in the grader; its limits (call_budget, max_output,
    max_notebook_output, message_chars, the wire's budget) come from course/limits.py."""

    sandbox = Bool(True, help="run student code in a bubblewrap sandbox (course/sandbox.py)").tag(config=True)
    run_trailing_cells = Bool(False, help="also run the cells after the last graded cell, which cannot change a "
                                          "grade (the module's docstring)").tag(config=True)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.kernel_manager_class = SandboxedKernelManager if self.sandbox else KernelManager
        self.kernel_name = "python3"  # the course's kernel, whatever kernel or language the notebook names
        self.shutdown_kernel = "immediate"  # a grading kernel has nothing to save

    # A kernel launched as a new Python starts in the submission's folder, whose files can stop it (a module
    # named like one it imports): that is the student's. A forked one (course/grader.py) is not.
    kernel_start_is_the_graders = False

    def preprocess(self, nb, resources=None, km=None):
        if self.sandbox:
            require_sandbox()  # refuse to grade rather than run student code unsandboxed
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self.use_diagnosis(resources)
        self.test_namespace = {"__builtins__": builtins}  # shared by the test cells, like a kernel's
        self.output_sizes, self.notebook_output, self.awaiting_record, self.record = {}, 0, False, None
        self.answering = False  # the kernel answers calls once the first call set it to (kernel_record)
        self.call_sockets_made, self.output_ended = None, lambda: False  # run_call's, for this notebook's kernel
        self.budget_left = float(self.call_budget)
        self.test_index = 0  # the test cell running (preprocess_cell)
        run = self.mark_trailing_cells()
        with contextlib.ExitStack() as kernel:
            try:
                kernel.enter_context(self.setup_kernel())
            except GraderFault:  # the grader's failure, not the student's: no score (course/grader.py)
                raise
            except Exception as error:  # e.g. the student's own files stop Python starting, or no such kernel
                if self.kernel_start_is_the_graders:
                    raise GraderFault(f"内核无法启动 / the kernel did not start: {type(error).__name__}: {error}") from error
                self.log.error("kernel did not start: %s: %s", type(error).__name__, error)
                self.fail_remaining(0, "KernelNotStarted", NO_KERNEL)
            else:
                info = self.wait_for_reply(self.kc.kernel_info())
                self.nb.metadata["language_info"] = info["content"]["language_info"]
                self.run_cells(resources, run)
        return self.nb, self.resources

    def use_diagnosis(self, resources):
        """Failing checks name the student's mistake, from the catalogue run here (course/diagnosis.py)."""
        owner = self.parent
        while owner is not None and not hasattr(owner, "coursedir"):
            owner = owner.parent
        assignment = (resources or {}).get("nbgrader", {}).get("assignment")
        if owner is None or not assignment:
            return diagnosis.use(None)
        coursedir = owner.coursedir
        source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
        live = diagnosis.for_grading(source, Path(coursedir.root) / "samples" / assignment)
        live.sources = self.sources_run
        diagnosis.use(live)

    def sources_run(self):
        """The code the kernel has run in this notebook: the code cells before the test cell running."""
        return [cell.source for cell in self.nb.cells[:self.test_index]
                if cell.cell_type == "code" and not is_test_cell(cell)]

    def mark_trailing_cells(self):
        """Mark the code cells after the last graded cell NOT_RUN (unless run_trailing_cells); return
        how many cells are run."""
        last = max((i for i, cell in enumerate(self.nb.cells) if is_grade(cell) or is_task(cell)), default=-1)
        run = len(self.nb.cells) if self.run_trailing_cells else last + 1
        for cell in self.nb.cells:
            cell.metadata.pop(NOT_RUN, None)  # only the grader says so, never the student's file
        for cell in self.nb.cells[run:]:
            if cell.cell_type == "code" and cell.source.strip():
                cell.metadata[NOT_RUN] = True
        return run

    def run_cells(self, resources, run):
        cells_left, timeout = float(self.cell_budget), self.timeout
        for index, cell in enumerate(self.nb.cells[:run]):
            self.past_time_limit = False
            own = cell.cell_type == "code" and not is_test_cell(cell)  # the test cells' calls have call_budget
            if own and cells_left <= 0:
                self.fail_remaining(index, "TimeBudgetSpent", CELLS_SPENT)
                return
            if own:  # a cell ends with the budget
                self.timeout = within(timeout, cells_left)
            start = time.monotonic()
            try:
                self.preprocess_cell(cell, resources, index)
            except DeadKernelError:
                self.fail_remaining(index, "KernelDied", KERNEL_DIED)
                return
            except CellTimeoutError:  # the cell's end or its reply did not come
                if self.past_time_limit:  # past the time limit the interrupt did not stop it: killed
                    self.fail_remaining(index, "CellTimeoutError", TIMED_OUT)
                else:  # the kernel answered, but part of it was lost (e.g. a message over grader_memory)
                    self.fail_remaining(index, "OutputLost", OUTPUT_LOST)
                return
            except BudgetSpent:
                self.fail_remaining(index, "TimeBudgetSpent", BUDGET_SPENT)
                return
            finally:
                self.timeout = timeout
                cells_left -= (time.monotonic() - start) if own else 0

    async def _async_poll_for_reply(self, msg_id, cell, timeout, task_poll_output_msg, task_poll_kernel_alive):
        self.awaited_reply = msg_id
        self.output_ended = lambda: (task_poll_output_msg.done() and not task_poll_output_msg.cancelled()
                                     and task_poll_output_msg.exception() is None)
        return await super()._async_poll_for_reply(msg_id, cell, timeout, task_poll_output_msg, task_poll_kernel_alive)

    async def _async_handle_timeout(self, timeout, cell=None):
        if self.output_ended():
            # The kernel ended the cell on IOPub. Its reply comes on the shell socket and may be a moment
            # behind, when the time ran out between the two (a call that takes its whole budget, on a busy
            # machine): it has iopub_timeout more, as nbclient gives IOPub after a reply (nbclient takes
            # what this returns as the reply). Without it, only the reply was lost (e.g. a message over
            # grader_memory on the shell channel, which ZeroMQ never connects again): not a time-out.
            reply = await self.late_reply()
            if reply is None:
                raise CellTimeoutError.error_from_timeout_and_cell("No reply from the kernel", timeout, cell)
            return reply
        self.past_time_limit = True
        return await super()._async_handle_timeout(timeout, cell)

    async def late_reply(self):
        """The awaited execute reply if it comes within iopub_timeout (other replies are skipped), else None."""
        deadline = time.monotonic() + self.iopub_timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=left))
            except Empty:
                return None
            if msg["parent_header"].get("msg_id") == self.awaited_reply:
                return msg
        return None

    def fail_remaining(self, start, ename, message):
        for cell in self.nb.cells[start:]:
            if is_test_cell(cell):
                cell.outputs = [error_output(ename, message, self.message_chars)]

    def preprocess_cell(self, cell, resources, index):
        if not is_test_cell(cell):
            return super().preprocess_cell(cell, resources, index)
        self._check_assign_resources(resources)
        self.test_index = index
        cell.outputs = self.run_test_cell(cell.source, index)
        return cell, self.resources

    def run_test_cell(self, source, index):
        namespace = self.test_namespace
        printed, outputs, value = io.StringIO(), [], None
        with contextlib.redirect_stdout(printed):
            try:
                used, statements, last = parsed_test_cell(source, index)
                namespace.update({name: KernelName(self, name) for name in used - BUILTIN_NAMES - namespace.keys()})
                exec(statements, namespace)
                if last is not None:
                    value = eval(last, namespace)
                error = None
            except (DeadKernelError, CellTimeoutError, BudgetSpent):
                raise
            except CheckFailure as failure:
                error = error_output("CheckFailure", str(failure), self.message_chars)
            except Exception as exc:  # a test that could not run counts as failed; its code stays hidden
                error = error_output(diagnosis.inert(type(exc).__name__), diagnosis.inert(str(exc)[:1000]),
                                     self.message_chars)
        if printed.getvalue():
            outputs.append(new_output("stream", name="stdout", text=shorten(printed.getvalue(), self.max_output)))
        if error is not None:
            outputs.append(error)
        elif isinstance(value, float):
            outputs.append(new_output("execute_result", data={"text/plain": repr(float(value))}, execution_count=None))
        return outputs

    def output(self, outs, msg, display_id, cell_index):
        """Keep at most max_output characters of a cell's output."""
        content = msg["content"]
        parent = msg["parent_header"].get("msg_id")
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
        used = self.output_sizes.get(parent, 0)
        self.output_sizes[parent] = used + size
        self.notebook_output += size
        if used + size > self.max_output or self.notebook_output > self.max_notebook_output:
            if not outs or outs[-1].get("text") != TRUNCATED:
                outs.append(new_output("stream", name="stdout", text=TRUNCATED))
            return None
        shorten_error(content)
        return super().output(outs, msg, display_id, cell_index)

    def process_message(self, msg, cell, cell_index):
        """nbclient's, for messages that student code can forge. Widget (comm) messages are not kept:
        their state and buffers would escape the output caps. Display ids are ignored: an update
        rewrites an earlier output in place, past the caps, and a display made during a call would
        be filed under the test cell's index, so that a later update rewrote the test's score. A
        message nbclient cannot handle is skipped, never the end of the notebook's grading."""
        content = msg["content"]
        if msg["msg_type"].startswith("comm"):
            return None
        content.pop("transient", None)
        if not (content.get("execution_count") is None or type(content["execution_count"]) is int):
            del content["execution_count"]  # it would make the graded notebook invalid
        try:
            return super().process_message(msg, cell, cell_index)
        except CellControlSignal:
            raise
        except Exception as error:  # noqa: BLE001
            self.log.warning("message from the kernel skipped: %s: %s", type(error).__name__, str(error)[:200])
            return None

    def on_cell_executed(self, **kwargs):
        content = kwargs["execute_reply"]["content"]  # the kernel wrote it; nbgrader may copy it into the cell
        if self.awaiting_record:  # a call's record comes with its reply (course/wire.py answer_calls)
            self.record = content.pop("record", None)
        if content.get("status") not in ("ok", "error", "aborted"):
            content["status"] = "error"
        if content["status"] == "error":
            content["ename"], content["evalue"] = str(content.get("ename", "Error")), str(content.get("evalue", ""))
            traceback = content.get("traceback")
            content["traceback"] = [str(line) for line in traceback] if isinstance(traceback, list) else []
        shorten_error(content)
        super().on_cell_executed(**kwargs)

    def kernel_record(self, request, frames=()):
        """Run one call in the kernel (`request`: course/wire.py `record`, its arrays in `frames`); return
        its record (a failure record if there is none). The notebook's first call sets the kernel to
        answer calls."""
        if not self.answering:
            failure = self.run_in_kernel(ANSWER_CALLS)
            if failure:
                return failure
            self.answering = True
        return self.run_in_kernel(request["name"], request, frames)

    def run_in_kernel(self, code, request=None, frames=()):
        """Run `code` in the kernel, or with a `request` send it as a call (with `frames`); the call's
        record, or a failure record if the kernel sent none (with no request, None if the code ran)."""
        if self.budget_left <= 0:
            raise BudgetSpent
        # new_code_cell's cell without its schema validation (about 1 ms, and a notebook makes ~100 calls)
        cell = NotebookNode(cell_type="code", metadata=NotebookNode(), execution_count=None, source=code, outputs=[])
        self.awaiting_record, self.record, timeout, start = True, None, self.timeout, time.monotonic()
        self.timeout = within(timeout, self.budget_left)  # a slow call ends with the budget
        self.kc.call, self.kc.call_frames = request, frames
        self.past_time_limit = False  # per call: an earlier call's interrupt may have worked
        try:
            reply = self.run_call(cell, self.test_index, self.timeout, reply_ends=request is not None)
        finally:
            self.awaiting_record, self.timeout, self.kc.call, self.kc.call_frames = False, timeout, None, ()
            self.budget_left -= time.monotonic() - start
        if self.budget_left <= 0:
            raise BudgetSpent
        if self.record is not None and request is not None:
            return self.record
        if request is None:  # code: its error output
            errors = [(o.ename, o.evalue) for o in cell.outputs if o.output_type == "error"]
            if not errors:
                return None
        else:  # a call: its reply says (the call's IOPub messages are not waited for)
            content = reply["content"]
            errors = [(content["ename"], content["evalue"])] if content["status"] == "error" else []
        reason = f"{errors[0][0]}: {errors[0][1]}" if errors else "no result / 没有结果"
        return {"value": encode(None), "error": reason, "warnings": [], "modified": []}

    def execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        """nbclient's execute_cell, its wait done by run_call without asyncio (bench/kernel_calls.py: the
        grader's CPU per cell). nbclient's own runs the cell when a setting run_call does not follow is
        on: a cell hook, or coalesce_streams."""
        hooks = (self.on_cell_start, self.on_cell_execute, self.on_cell_complete, self.on_cell_error)
        if self.coalesce_streams or any(hook is not None for hook in hooks):
            return super().execute_cell(cell, cell_index, execution_count, store_history)
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or not cell.source.strip() or self.skip_cells_with_tag in tags:
            return cell
        allows_errors = not self.force_raise_errors and (self.allow_errors or "raises-exception" in tags)
        self.code_cells_executed += 1
        reply = self.run_call(cell, cell_index, self._get_timeout(cell), store_history, not allows_errors)
        if execution_count:
            cell["execution_count"] = execution_count
        content = reply["content"]
        if content["status"] == "error" and not (allows_errors or not self.force_raise_errors
                                                 and content.get("ename") in self.allow_error_names):
            raise CellExecutionError.from_cell_and_msg(cell, content)
        self.nb.cells[cell_index] = cell
        return cell

    def run_call(self, cell, cell_index, timeout, store_history=False, stop_on_error=False, reply_ends=False):
        """Run `cell` (a notebook's cell, a call, or code) in the kernel as nbclient's execute_cell waits for
        it, without asyncio: nbclient's tasks and pyzmq's asyncio futures took nearly half of the grader's
        CPU per call (bench/kernel_calls.py), and a notebook makes ~100 calls and runs ~40 cells. The same
        steps: the reply and IOPub's idle status, read by PatientChannel's rules (a message that is not
        well formed, or not for this request, is skipped); the outputs through process_message (caps
        included); the kernel's life checked each second and at the time limit (`timeout`, None: none),
        DeadKernelError if it died; past the time limit, the kernel interrupted (_async_handle_timeout);
        after the reply, IOPub has iopub_timeout more (raise_on_iopub_timeout). Each deadline holds
        however many messages are waiting. Then on_cell_executed, as nbclient; returns the reply.
        With `reply_ends` (a call: course/wire.py answer_calls publishes no status for it), the kernel's own
        reply ends the wait, as IOPub's idle status ends a cell's (past the time limit, it has iopub_timeout
        after the interrupt, or the kernel is taken to be stuck); what the call sends on IOPub is skipped."""
        shell, iopub, poller = self.call_sockets()
        cell.outputs, self.clear_before_next_output = [], False  # as execute_cell sets them
        if self.record_timing:
            cell.metadata["execution"] = {}
        msg_id = self.kc.execute(cell.source, store_history=store_history, stop_on_error=stop_on_error)
        self.awaited_reply, ended, reply = msg_id, [False], None
        self.output_ended = lambda: ended[0]
        deadline = time.monotonic() + (timeout if timeout and timeout > 0 else math.inf)
        alive_checked = time.monotonic()
        while reply is None or not ended[0]:
            ready = dict(poller.poll(1000 * min(1, max(0, deadline - time.monotonic()))))
            # a waiting message is always read (a late or extra one skipped), or the poll would spin
            msg = self.message_for(msg_id, shell) if shell in ready else None
            if msg is not None and reply is None:
                reply = self.replied(msg, cell)
                if not ended[0]:
                    deadline = time.monotonic() + self.iopub_timeout
            ended[0] = ended[0] or (msg is not None and reply_ends)
            msg = self.message_for(msg_id, iopub) if iopub in ready else None
            if msg is not None and not ended[0] and not reply_ends:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    ended[0] = True
            if time.monotonic() - alive_checked >= 1 or time.monotonic() >= deadline:  # each second, as nbclient
                run_sync(self._async_check_alive)()  # DeadKernelError
                alive_checked = time.monotonic()
            if time.monotonic() < deadline or (reply is not None and ended[0]):
                continue
            if reply is None:  # the time limit: an interrupt, and the error it gives (or the reply, late)
                reply = run_sync(self._async_handle_timeout)(timeout, cell)
                if reply is None:  # no error_on_timeout: the kernel's own reply, another time limit on
                    deadline = time.monotonic() + timeout
                    continue
                reply["parent_header"] = {"msg_id": msg_id}
                reply = self.replied(reply, cell)
                deadline = time.monotonic() + self.iopub_timeout
            elif self.raise_on_iopub_timeout:
                raise CellTimeoutError.error_from_timeout_and_cell("Timeout waiting for IOPub output",
                                                                   self.iopub_timeout, cell)
            else:
                self.log.warning("Timeout waiting for IOPub output")
                break
        self.on_cell_executed(cell=cell, cell_index=cell_index, execute_reply=reply)
        return reply

    def replied(self, reply, cell):
        """The reply, its time kept in the cell's metadata as nbclient keeps it."""
        if self.record_timing:
            cell.metadata["execution"]["shell.execute_reply"] = timestamp(reply)
        return reply

    def call_sockets(self):
        """Blocking views of the kernel client's shell and IOPub sockets, and a poller of both (run_call),
        made once per notebook (its kernel's client)."""
        if self.call_sockets_made is None:
            shell = zmq.Socket.shadow(self.kc.shell_channel.socket.underlying)
            iopub = zmq.Socket.shadow(self.kc.iopub_channel.socket.underlying)
            poller = zmq.Poller()
            poller.register(shell, zmq.POLLIN)
            poller.register(iopub, zmq.POLLIN)
            self.call_sockets_made = (shell, iopub, poller)
        return self.call_sockets_made

    def message_for(self, msg_id, socket):
        """The message waiting on `socket` if it is well formed and answers `msg_id`, else None (skipped)."""
        session = self.kc.session
        try:
            msg = session.deserialize(session.feed_identities(socket.recv_multipart(zmq.NOBLOCK))[1])
        except Exception:  # noqa: BLE001 (jupyter_client raises many kinds on a bad message)
            return None
        return msg if well_formed(msg) and msg["parent_header"].get("msg_id") == msg_id else None
