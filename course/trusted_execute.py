"""nbgrader's Execute, with test cells run by the grader instead of by the student's kernel.

Solution cells and lesson cells run in the kernel as usual. A test cell (an nbgrader grade cell
that is not a solution) is executed here, in the grader's process: every name it uses and does
not define (and no earlier test cell defined) becomes a `KernelName`, so `call(softmax, x)` sends `x` to the kernel, calls the
student's `softmax` there and receives an encoded record (never a pickle, never the student's
object). Expected values, oracles and hidden inputs never enter the kernel, and nothing the
student's code does to its own interpreter (patched NumPy, hooks, frame inspection, swallowed
output) can reach the comparison.

If the kernel dies, the cells that ran keep their results and every test cell after it gets an
error output that names the reason, so it scores 0 instead of going missing.
"""
import ast
import builtins
import contextlib
import io
import json

from nbclient.exceptions import DeadKernelError
from nbclient.client import NotebookClient
from nbformat.v4 import new_code_cell, new_output
from nbgrader.preprocessors import Execute
from nbgrader.utils import is_grade, is_solution

from .checks import MIME, CheckFailure, Remote, encode

BUILTIN_NAMES = set(dir(builtins))


def is_test_cell(cell):
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


def error_output(ename, evalue):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])


class KernelName(Remote):
    """A name defined by the student, living in the kernel."""

    def __init__(self, executor, name):
        self.executor, self.name = executor, name

    def invoke(self, args, kwargs):
        return self._request(args=[encode(a) for a in args], kwargs={k: encode(v) for k, v in kwargs.items()})

    def fetch(self):
        return self._request(args=[], kwargs={}, fetch=True)

    def _request(self, args, kwargs, fetch=False):
        payload = json.dumps({"args": args, "kwargs": kwargs, "fetch": fetch})
        code = f"__import__('course.checks', fromlist=['serve']).serve(lambda: {self.name}, {payload!r})"
        return self.executor.kernel_record(code)


class TrustedExecute(Execute):

    def preprocess(self, nb, resources=None, km=None):
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self.test_namespace = {"__builtins__": builtins}  # shared by the test cells, like a kernel's
        with self.setup_kernel():
            info = self.wait_for_reply(self.kc.kernel_info())
            self.nb.metadata["language_info"] = info["content"]["language_info"]
            for index, cell in enumerate(self.nb.cells):
                try:
                    self.preprocess_cell(cell, resources, index)
                except DeadKernelError:
                    self.fail_remaining(index, "KernelDied", "内核已退出，之后的测试未运行。/ The kernel died; later tests did not run.")
                    break
        self.set_widgets_metadata()
        return self.nb, self.resources

    def fail_remaining(self, start, ename, message):
        for cell in self.nb.cells[start:]:
            if is_test_cell(cell):
                cell.outputs = [error_output(ename, message)]

    def preprocess_cell(self, cell, resources, index):
        if not is_test_cell(cell):
            return super().preprocess_cell(cell, resources, index)
        self._check_assign_resources(resources)
        self.test_index = index
        cell.outputs = self.run_test_cell(cell.source, index)
        return cell, self.resources

    def run_test_cell(self, source, index):
        tree = ast.parse(source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        used = {node.id for node in ast.walk(tree if last is None else ast.Module([*tree.body, last], []))
                if isinstance(node, ast.Name)}
        namespace = self.test_namespace
        namespace.update({name: KernelName(self, name) for name in used - BUILTIN_NAMES - namespace.keys()})
        printed, outputs, value = io.StringIO(), [], None
        with contextlib.redirect_stdout(printed):
            try:
                exec(compile(tree, f"<test cell {index}>", "exec"), namespace)
                if last is not None:
                    value = eval(compile(ast.Expression(last.value), f"<test cell {index}>", "eval"), namespace)
                error = None
            except DeadKernelError:
                raise
            except CheckFailure as failure:
                error = error_output("CheckFailure", str(failure))
            except Exception as exc:  # a test that could not run counts as failed; its code stays hidden
                error = error_output(type(exc).__name__, str(exc)[:1000])
        if printed.getvalue():
            outputs.append(new_output("stream", name="stdout", text=printed.getvalue()))
        if error is not None:
            outputs.append(error)
        elif isinstance(value, float):
            outputs.append(new_output("execute_result", data={"text/plain": repr(float(value))}, execution_count=None))
        return outputs

    def kernel_record(self, code):
        """Run one call in the kernel and return its record (a failure record if there is none)."""
        cell, test_cell = new_code_cell(code), self.nb.cells[self.test_index]
        try:
            self.execute_cell(cell, self.test_index, store_history=False)
        finally:
            self.nb.cells[self.test_index] = test_cell  # nbclient stores the cell it ran at that index
        for output in cell.outputs:
            if output.output_type == "display_data" and MIME in output.get("data", {}):
                return output.data[MIME]
        errors = [o for o in cell.outputs if o.output_type == "error"]
        reason = f"{errors[0].ename}: {errors[0].evalue}" if errors else "no result / 没有结果"
        return {"value": encode(None), "error": reason, "warnings": [], "modified": []}
