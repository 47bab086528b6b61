"""The wire between a student's kernel and the grader: what stands between hostile code and the verdict.

A test cell in the grader calls a student's function through a `Remote`; the kernel answers the call
(`answer_calls`): it calls the function with `invoke` and replies with a record whose value `encode`
turned into plain JSON data: never a pickle, never the student's object. The grader rebuilds the
record with `Call.from_record` and the value with `decode`. The kernel may forge any record within
the message cap (Limits.kernel_message_bytes), so `decode` and `from_record` accept only encode's
form within a `Budget` (course/limits.py); anything else becomes an `Odd` that names the problem.
The grader sends its budget with each call, so both ends apply the same one. Outside grading (a
student's own JupyterLab) the same functions run in one process, with the default budget.
"""
import _lsprof
import base64
import contextlib
import copy
import functools
import importlib
import inspect
import math
import signal
import sys
import tracemalloc
import types
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .limits import default

# NumPy's names bound when the checks are first imported. In a student's own kernel (JupyterLab)
# the visible checks run next to the student's code: a NumPy function the student replaces after
# that must not change them (tests/test_checks.py test_patched_numpy_does_not_change_the_verdict).
# During grading the comparisons run in the grader, where no student code runs.
_ndarray, _generic, _asarray, _isfinite = np.ndarray, np.generic, np.asarray, np.isfinite
_abs, _maximum, _argmax, _unravel = np.abs, np.maximum, np.argmax, np.unravel_index
_dtype, _frombuffer = np.dtype, np.frombuffer


@dataclass(frozen=True)
class Budget:
    """What the grader accepts back from a kernel: larger or deeper values become an Odd that says so."""
    array_bytes: int = default("array_bytes")  # bytes of one returned array
    items: int = default("items")  # values in one returned tuple, list or dict, nested ones included
    depth: int = default("depth")  # nesting of tuples, lists and dicts
    string_chars: int = default("string_chars")  # characters of a returned string

    @classmethod
    def of(cls, limits):
        """The budget of a configured Limits (course/limits.py)."""
        return cls(limits.array_bytes, limits.items, limits.depth, limits.string_chars)


BUDGET = Budget()  # the defaults


def shorten(text, limit):
    """`text` cut to `limit` characters, saying so (student values can be of any size)."""
    return text if len(text) <= limit else f"{text[:limit]}… [{len(text) - limit} 字符已省略 / characters cut]"


# ---------------------------------------------------------------- values
def encode(value, budget=BUDGET, frames=None):
    """Turn a returned value into JSON-safe plain data; odd objects become a description, and so does
    a tuple, list or dict of more values than the budget allows (decode would refuse it anyway): a
    list of a million values would make a message over the cap, and the notebook would end there.
    An array is its dtype, shape, order and raw bytes (not NumPy's .npy file: reading its header
    took 40 µs per array, and a student's six assignments send about 3,000). With `frames` (a list),
    each array's bytes are appended there, to travel as the message's binary frames, and the data
    names its frame: base64 in JSON, then the message's signature over it, cost about 10 ms per MB at
    each end, and a call's arguments are up to 5 MB."""
    if type(value) in (tuple, list, dict) and _values(value, budget.items) > budget.items:
        return {"kind": "odd", "type": f"{type(value).__name__} of more than {budget.items} values / 元素过多"}
    return _encode(value, budget, frames)


def _values(value, limit):
    """How many values `value` holds, itself and nested ones included, as decode counts them; no
    further than just past `limit`."""
    count, stack = 0, [value]
    while stack and count <= limit:
        value = stack.pop()
        count += 1
        if type(value) in (tuple, list):
            stack.extend(value)
        elif type(value) is dict:
            stack.extend(value.values())
    return count


def _encode(value, budget, frames):
    if value is None or type(value) in (bool, int, str):
        return {"kind": "plain", "value": value}
    if type(value) is float:
        return {"kind": "float", "value": repr(value)}
    if type(value) in (tuple, list):
        return {"kind": type(value).__name__, "items": [_encode(v, budget, frames) for v in value]}
    if type(value) is dict and all(type(k) is str for k in value):  # e.g. a dict of parameters
        return {"kind": "dict", "items": {k: _encode(v, budget, frames) for k, v in value.items()}}
    if type(value) is _ndarray or isinstance(value, _generic):
        array = _asarray(value)
        if not _plain_dtype(array.dtype) or array.nbytes > budget.array_bytes:
            return {"kind": "odd", "type": f"numpy.ndarray {array.shape} {array.dtype}, {array.nbytes} B"}
        order = "F" if array.flags.f_contiguous and not array.flags.c_contiguous else "C"  # as .npy kept it
        data = {"kind": "array" if type(value) is _ndarray else "numpy_scalar", "dtype": array.dtype.str,
                "shape": list(array.shape), "order": order}
        if frames is not None:
            frames.append(array.tobytes(order))
            return {**data, "frame": len(frames) - 1}
        return {**data, "b64": base64.b64encode(array.tobytes(order)).decode("ascii")}
    return {"kind": "odd", "type": f"{type(value).__module__}.{type(value).__qualname__}"}


def _plain_dtype(dtype):
    """Whether arrays of `dtype` travel as raw bytes: no objects, no record fields, items of some size."""
    return not dtype.hasobject and dtype.fields is None and dtype.itemsize > 0


class Odd:
    """Stands for a returned object that is not plain data (its type name only)."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name}>"


class Oversized(ValueError):
    """A record from the kernel over the grader's budget, or not of encode's form."""


def decode(data, budget=BUDGET, frames=()):
    """The value that `encode` described (`frames`: the message's binary frames, if it sent any). The
    record comes from the student's kernel, which can forge it: anything malformed or over budget
    becomes an Odd that names the problem."""
    try:
        return _decode(data, [budget.items], budget.depth, budget, frames)
    except Oversized as problem:
        return Odd(str(problem))
    except Exception as error:  # any other malformed record
        return Odd(f"malformed result / 无法解析的结果 ({type(error).__name__})")


def _decode(data, items_left, depth, budget, frames):
    items_left[0] -= 1
    if items_left[0] < 0 or depth < 0:
        raise Oversized(f"value with more than {budget.items} items or {budget.depth} levels / 值过大或嵌套过深")
    kind = data["kind"]
    if kind == "plain":
        value = data["value"]
        if value is not None and type(value) not in (bool, int, str):
            raise TypeError(type(value).__name__)
        if type(value) is str and len(value) > budget.string_chars:
            raise Oversized(f"str of {len(value)} characters / 过长的字符串")
        return value
    if kind == "float":
        return float(str(data["value"])[:40])
    if kind in ("tuple", "list", "dict"):
        if len(data["items"]) > items_left[0]:
            raise Oversized(f"{kind} of {len(data['items'])} items / 元素过多")
        if kind == "dict":
            return {str(k)[:200]: _decode(v, items_left, depth - 1, budget, frames) for k, v in data["items"].items()}
        items = [_decode(item, items_left, depth - 1, budget, frames) for item in data["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind in ("array", "numpy_scalar"):
        if "frame" in data:
            if type(data["frame"]) is not int or not 0 <= data["frame"] < len(frames):
                raise IndexError(data["frame"])
            raw = memoryview(frames[data["frame"]]).cast("B")
            if raw.nbytes > budget.array_bytes:
                raise Oversized(f"array of more than {budget.array_bytes} bytes / 数组过大")
        else:
            if len(data["b64"]) > budget.array_bytes * 4 // 3 + 4:
                raise Oversized(f"array of more than {budget.array_bytes} bytes / 数组过大")
            raw = base64.b64decode(data["b64"], validate=True)
        dtype, shape, order = data["dtype"], data["shape"], data["order"]
        if type(dtype) is not str or len(dtype) > 32 or type(shape) is not list or len(shape) > 64 \
                or any(type(n) is not int or n < 0 for n in shape) or order not in ("C", "F"):
            raise TypeError("not an array's description")
        dtype = _dtype(dtype)
        if not _plain_dtype(dtype) or len(raw) != math.prod(shape) * dtype.itemsize:
            raise TypeError("not a plain array")
        array = _frombuffer(bytearray(raw), dtype).reshape(shape, order=order)  # writable, as the sender's
        return array if kind == "array" else array[()]
    return Odd(str(data.get("type", "?"))[:200])


# ---------------------------------------------------------------- calls
class Call:
    """What happened when a student's function was called: value, error, warnings, modified inputs,
    and, when counted, the Python steps it took, the most memory it held (`peak_bytes`) and which of the
    functions it was to avoid it ran (`called`, dotted names: Watcher). `label`
    names the call in English, `label_zh` in Chinese; `function`, `args` and `kwargs` let
    course/diagnosis.py repeat it with a known mistake."""

    def __init__(self, label, value=None, error=None, warnings=(), modified=(), steps=None, peak_bytes=None,
                 called=()):
        self.label, self.value, self.error = label, value, error
        self.warnings, self.modified, self.steps, self.peak_bytes = list(warnings), list(modified), steps, peak_bytes
        self.called = list(called)
        self.label_zh, self.function, self.args, self.kwargs = label, None, (), {}
        self.max_steps = self.max_bytes = None
        self.avoid = ()

    @classmethod
    def from_record(cls, label, record, budget=BUDGET):
        """From `invoke`'s record, which the kernel may forge: only its fields, as short strings."""
        record = record if isinstance(record, dict) else {}

        def texts(key, limit):
            values = record.get(key)
            return [shorten(str(v), limit) for v in values[:20]] if isinstance(values, list) else []
        error = record.get("error")
        steps, peak = record.get("steps"), record.get("peak_bytes")
        return cls(label, decode(record.get("value"), budget), None if error is None else shorten(str(error), 500),
                   texts("warnings", 300), texts("modified", 60), steps if type(steps) is int else None,
                   peak if type(peak) is int else None, texts("called", 100))


class TooManySteps(BaseException):
    """Raised inside a counted call once it has taken more steps than allowed (a loop stops early)."""


def _package_folders(*names):
    """Where these packages live (as a prefix of their code's file names), found without importing them."""
    import importlib.util

    found = []
    for name in names:
        spec = importlib.util.find_spec(name)
        found += [str(Path(folder)) + "/" for folder in (spec.submodule_search_locations or [])] if spec else []
    return tuple(found)


# A kernel's output machinery: in Jupyter, one print() takes about 240 steps in ipykernel's Python
# (in a plain Python it is C), so three debug prints in a vectorised function would have passed a
# limit of 600 steps. Its frames, and all they call, count as C code does: not at all.
OUTPUT_MACHINERY = _package_folders("ipykernel", "IPython")


class StepCounter:
    """Counts the Python steps (function calls and lines) a call takes, in it and in all it calls,
    except inside a kernel's output machinery (OUTPUT_MACHINERY).

    A vectorised answer takes a few dozen steps whatever the input's size; a per-element Python loop
    or np.vectorize of a Python function takes at least one per element (of a C function, such as
    math.exp, none: expect_vectorised watches np.vectorize and np.frompyfunc as well). Steps, unlike
    seconds, do not depend on how busy the machine is. With `limit`, the call is stopped by TooManySteps
    once it takes more."""

    def __init__(self, limit=None):
        self.steps, self.limit, self.outside = 0, limit, None

    def __call__(self, frame, event, arg):
        if self.outside is not None:  # in the output machinery: wait for its frame to return
            if frame is self.outside and event == "return":
                self.outside = None
            return self if frame is self.outside else None
        if event == "call" and frame.f_code.co_filename.startswith(OUTPUT_MACHINERY):
            self.outside = frame
            return self
        if event in ("call", "line"):
            self.steps += 1
            if self.limit is not None and self.steps > self.limit:
                sys.settrace(None)
                raise TooManySteps(f"more than {self.limit} steps")
        return self

    def run(self, fn, args, kwargs):
        sys.settrace(self)
        try:
            return fn(*args, **kwargs)
        finally:
            sys.settrace(None)


class CpuLimit:
    """Stops a call with TooManySteps once this process has spent `seconds` more of CPU time (ITIMER_PROF):
    a bound that costs nothing per step, for code trusted to be no trick (the catalogue's mistakes), whose
    steps nobody reads. Main thread only: Python runs signal handlers there."""

    def __init__(self, seconds):
        self.seconds, self.armed, self.fired = seconds, False, False

    def stop(self, signum, frame):
        if self.armed:  # not once the call is over and the timer is being stopped
            self.armed, self.fired = False, True
            raise TooManySteps(f"more than {self.seconds} s of CPU time")

    def __enter__(self):
        self.before = signal.signal(signal.SIGPROF, self.stop)
        self.armed = True
        signal.setitimer(signal.ITIMER_PROF, self.seconds)
        return self

    def __exit__(self, *exc):
        self.armed = False
        signal.setitimer(signal.ITIMER_PROF, 0)
        # SIGPROF's default ends the process: a signal still on its way to another thread is ignored instead
        signal.signal(signal.SIGPROF, signal.SIG_IGN if self.before in (None, signal.SIG_DFL) else self.before)


def invoke(fn, args, kwargs, budget=BUDGET, max_steps=None, steps_only=False, count_bytes=False, watch=(),
           max_cpu=None):
    """Call fn on copies of the arguments; return a JSON-safe record of what happened.

    With `max_steps` (an int, or 0 for no limit) the call's Python steps are counted (StepCounter).
    With `steps_only`, the value is left out (as None): a vectorisation check reads the steps, and its
    large input's value was up to 12 MB to encode, send and decode (18 MB per student in 04).
    With `count_bytes`, `peak_bytes` is the most memory the call held at once (PeakBytes).
    With `watch` (dotted names of functions), `called` lists those the call ran (Watcher).
    With `max_cpu` (seconds), the call is stopped as a counted one past its steps (CpuLimit), and the record
    says so (`cpu_stopped`): unlike a count of steps, that depends on the machine."""
    snapshots = [copy.deepcopy(a) for a in args] + [copy.deepcopy(v) for v in kwargs.values()]
    originals = list(args) + list(kwargs.values())
    names = [f"#{i + 1}" for i in range(len(args))] + list(kwargs)
    value, error = None, None
    counter = None if max_steps is None else StepCounter(max_steps or None)
    peak = PeakBytes() if count_bytes else contextlib.nullcontext()
    watcher = Watcher(watch) if watch else contextlib.nullcontext()
    cpu = CpuLimit(max_cpu) if max_cpu else contextlib.nullcontext()
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            with peak, watcher, cpu:
                value = fn(*args, **kwargs) if counter is None else counter.run(fn, args, kwargs)
        except TooManySteps:
            pass  # the count says it all
        except BaseException as exc:  # SystemExit, KeyboardInterrupt... are answers too, wrong ones
            error = f"{type(exc).__name__}: {exc}"[:500]
    modified = [name for name, before, after in zip(names, snapshots, originals) if not _same(before, after)]
    record = {
        "value": encode(None if steps_only else value, budget),
        "error": error,
        "warnings": [f"{w.category.__name__}: {w.message}"[:300] for w in caught][:20],
        "modified": modified,
    }
    if counter is not None:
        record["steps"] = counter.steps
    if count_bytes:
        record["peak_bytes"] = peak.bytes
    if max_cpu and cpu.fired:
        record["cpu_stopped"] = True
    if watch:
        record["called"] = watcher.called
    return record


def watched_code(name):
    """What a Watcher compares calls with for the function of dotted `name` (a module's function, or a
    method: "numpy.vectorize.__call__"): its code; for a function written in C ("numpy.frompyfunc"), the
    function itself; None if the package is not installed, or for nothing a Watcher could see (not a
    function; a C function that only NumPy's dispatcher calls, np.dot). NumPy's public functions are mostly
    wrappers (array-function dispatchers) of a Python implementation: that is the code."""
    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):  # the longest prefix that is a module, then attributes
        try:
            found = importlib.import_module(".".join(parts[:cut]))
            for attribute in parts[cut:]:
                found = getattr(found, attribute)
            if isinstance(found, types.BuiltinFunctionType):  # called from Python as it is (not behind a dispatcher)
                return found
            return getattr(inspect.unwrap(found), "__code__", None)
        except ImportError:
            continue
        except (AttributeError, ValueError):
            return None
    return None


class Watcher:
    """Which of some named functions a block ran on this thread, directly or through others
    (np.linalg.matrix_power(A, -1) runs np.linalg.inv), under whatever name it reached them (an alias,
    `from numpy.linalg import inv`): a profile function compares each Python call's code with theirs, and each
    call of a C function from Python with the function (watched_code; a name without either cannot have run).
    Not seen: other threads, C code calling C code (NumPy's private np.linalg._umath_linalg.inv), and a block
    that replaces the profile function."""

    def __init__(self, names):
        self.codes = {code: name for name in names if (code := watched_code(name)) is not None}
        self.called = []

    def __call__(self, frame, event, arg):
        name = self.codes.get(frame.f_code) if event == "call" else self.codes.get(arg) if event == "c_call" else None
        if name is not None and name not in self.called:
            self.called.append(name)

    def __enter__(self):
        self.before = sys.getprofile()
        sys.setprofile(self)
        return self

    def __exit__(self, *exc):
        if isinstance(self.before, _lsprof.Profiler):  # cProfile's, which sys.setprofile cannot take back
            self.before.enable()
        else:
            sys.setprofile(self.before)


class PeakBytes:
    """The most memory a block held at once beyond what it found, as tracemalloc sees it: Python's
    objects and NumPy's arrays (NumPy reports its data to tracemalloc), in every thread of the process.
    A softmax backward pass over two rows of 3000 holds at most 0.15 MB; one that builds each row's
    (3000, 3000) Jacobian, 72 MB per row. `bytes` is None if the block left tracemalloc stopped (then
    nothing was measured). Not nested: an inner one's reset_peak would hide what the outer one saw."""

    def __enter__(self):
        self.started = not tracemalloc.is_tracing()
        if self.started:
            tracemalloc.start()
        self.before, self.bytes = tracemalloc.get_traced_memory()[0], None
        tracemalloc.reset_peak()
        return self

    def __exit__(self, *exc):
        if tracemalloc.is_tracing():
            self.bytes = max(0, tracemalloc.get_traced_memory()[1] - self.before)
            if self.started:
                tracemalloc.stop()


def _same(before, after):
    if type(before) is dict:
        return (type(after) is dict and before.keys() == after.keys()
                and all(_same(before[k], after[k]) for k in before))
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and before.shape == after.shape and before.tobytes() == after.tobytes()
    try:
        return bool(before == after)
    except Exception:
        return False


class Remote:
    """A student's name seen from the grader: calls and reads go to the student's kernel."""

    budget = BUDGET  # what the grader accepts back

    def invoke(self, args, kwargs, max_steps=None, steps_only=False, count_bytes=False, watch=()):
        raise NotImplementedError

    def fetch(self):
        raise NotImplementedError


CALL = "course_call_request"  # the shell message that carries a grader's call (answered by `answer_calls`)


def answer_calls():
    """Run once in a grading kernel (the grader's first call does): from then on the kernel answers
    each call, a shell message of its own type, with `_answer`. As a cell, a call cost 1–2 ms more of
    the kernel's time in IPython's parsing, compiling and bookkeeping; the function still runs as in a cell.
    The reply is all the grader waits for, so the kernel publishes no busy and idle status around a call:
    two IOPub messages each packed, signed and relayed by the kernel's IOPub thread, and read by the grader."""
    from IPython import get_ipython
    shell = get_ipython()
    kernel = shell.kernel
    kernel.shell_handlers[CALL] = lambda stream, ident, parent: _answer(shell, stream, ident, parent)
    publish = kernel._publish_status

    def publish_unless_call(status, channel, parent=None):
        if (parent or kernel.get_parent(channel) or {}).get("header", {}).get("msg_type") != CALL:
            publish(status, channel, parent)
    kernel._publish_status = publish_unless_call


def _answer(shell, stream, ident, parent):
    """Call the student's function as IPython runs a cell (its events, builtins, display hook,
    excepthook, and input() refused as in a grading cell); the reply carries the record. An error
    outside the function (an interrupt just after it returned) is the call's, as in a cell."""
    import zmq
    from IPython.core.interactiveshell import ExecutionInfo, ExecutionResult

    request, kernel = parent["content"], shell.kernel
    result = ExecutionResult(ExecutionInfo(request["name"], False, False, True, None))
    reply = {"status": "ok", "execution_count": shell.execution_count, "user_expressions": {}, "payload": []}
    kernel._forward_input(False)
    shell.events.trigger("pre_execute")
    shell.events.trigger("pre_run_cell", result.info)
    excepthook, sys.excepthook = sys.excepthook, shell.excepthook
    try:
        with shell.builtin_trap, shell.display_trap:
            reply["record"] = record(request, lambda: eval(_compiled(request["name"]), shell.user_ns),
                                     parent.get("buffers", ()))
    except BaseException as exc:  # noqa: BLE001
        result.error_in_exec = exc
        shell.showtraceback()
        reply.update(status="error", ename=type(exc).__name__, evalue=str(exc), traceback=[])
    finally:
        sys.excepthook = excepthook
        kernel._restore_input()
        shell.events.trigger("post_execute")
        shell.events.trigger("post_run_cell", result)
    # on the socket itself: through the stream, the reply waited in its queue for the event loop, which
    # ipykernel then flushes after every message (a fifth of a call's time in the kernel). A send uses up
    # the socket's signal that a message came meanwhile, which the stream would look for: it is read now.
    kernel.session.send(stream.socket, "course_call_reply", reply, parent, ident)
    stream.flush(zmq.POLLIN)


@functools.lru_cache(maxsize=1024)
def _compiled(name):
    """A called function's name, compiled once (as eval compiles a string each time: "<string>")."""
    return compile(name, "<string>", "eval")


def record(request, get_fn, frames=()):
    """The record of one call: the function `get_fn` returns, called with the request's arguments
    (their arrays in the message's binary `frames`), or, for a fetch, the value itself."""
    budget = Budget(**request.get("budget", {}))
    try:
        target = get_fn()
    except NameError as exc:
        return {"value": encode(None), "error": f"NameError: {exc}", "warnings": [], "modified": []}
    if request["fetch"]:
        return {"value": encode(target, budget), "error": None, "warnings": [], "modified": []}
    args = [decode(a, budget, frames) for a in request["args"]]
    kwargs = {k: decode(v, budget, frames) for k, v in request["kwargs"].items()}
    watch = request.get("watch")
    return invoke(target, args, kwargs, budget, request.get("max_steps"), request.get("steps_only") is True,
                  request.get("count_bytes") is True,
                  [w for w in watch if type(w) is str] if type(watch) is list else ())
