"""The wire between a student's kernel and the grader: records a hostile kernel can forge decode to
plain data or to an Odd that names the problem, never to the kernel's objects."""
import cProfile
import json
import math
import re
import sys

import numpy as np
import pytest

from course.wire import Budget, Call, decode, encode, invoke


def test_encoding_round_trips_plain_data_and_refuses_pickles():
    value = (np.arange(6.0).reshape(2, 3), [1, 2.5, None, True], np.float64(0.25), "text")
    back = decode(encode(value))
    assert np.array_equal(back[0], value[0]) and back[1] == [1, 2.5, None, True] and back[2] == 0.25
    assert repr(decode(encode(np.array([object()], dtype=object)))).startswith("<numpy.ndarray (1,) object")


def test_arrays_can_travel_as_binary_frames():
    """With frames, each array's bytes go to a frame of their own (no base64 in the JSON), and decode
    finds them there; a frame that is missing, negative, not a number or over budget is an Odd."""
    frames = []
    value = {"x": np.arange(6.0).reshape(2, 3), "pair": (np.int64(4), [np.ones(2, dtype=bool)])}
    data = encode(value, frames=frames)
    assert len(frames) == 3 and "b64" not in json.dumps(data)
    back = decode(data, frames=[memoryview(f) for f in frames])  # as the kernel receives them
    assert np.array_equal(back["x"], value["x"]) and back["pair"][0] == 4 and back["pair"][1][0].dtype == bool
    for index in (3, -1, "0", None):
        assert type(decode({"kind": "array", "frame": index}, frames=frames)).__name__ == "Odd"
    assert type(decode({"kind": "array", "frame": 0})).__name__ == "Odd"  # a record the kernel sent: no frames
    big = encode(np.zeros(2**20), frames=(big_frames := []))
    assert type(decode(big, Budget(array_bytes=2**20), big_frames)).__name__ == "Odd"


def nested(depth):
    record = {"kind": "tuple", "items": []}
    for _ in range(depth):
        record = {"kind": "tuple", "items": [record]}
    return record


ARRAYS = [np.arange(12.0).reshape(3, 4), np.asfortranarray(np.arange(6.0).reshape(2, 3)),
          np.arange(20).reshape(4, 5)[::2, 1:4], np.float64(2.5), np.array(7), np.zeros((2, 0, 3)),
          np.array([True, False]), np.array([1 + 2j]), np.array(["ab", "c"]), np.arange(3, dtype=">f8"),
          np.array(["2026-12-06"], dtype="datetime64[D]"), np.int8(-3)]


@pytest.mark.parametrize("frames", [None, []], ids=["base64", "frames"])
def test_arrays_come_back_as_they_were_sent(frames):
    """An array comes back with its dtype (byte order included), shape, values and C or Fortran order (a
    view as a C copy, as NumPy's .npy kept it), writable; a NumPy scalar as a scalar of its type."""
    back = decode(encode(ARRAYS, frames=frames), frames=frames or ())
    for sent, got in zip(ARRAYS, back):
        assert type(got) is type(sent) and got.dtype == sent.dtype and got.shape == sent.shape
        assert np.array_equal(got, sent)
        if type(got) is np.ndarray:
            fortran = [a.flags.f_contiguous and not a.flags.c_contiguous for a in (got, sent)]
            assert got.flags.writeable and (got.flags.c_contiguous or fortran[0]) and fortran[0] == fortran[1]
    structured = np.zeros(2, dtype=[("a", "<f8")])
    assert repr(decode(encode(structured))).startswith("<numpy.ndarray (2,)")


def forged(**changes):
    """An array's description as a hostile kernel could send it: 2 float64 values, with `changes`."""
    import base64
    return {"kind": "array", "dtype": "<f8", "shape": [2], "order": "C",
            "b64": base64.b64encode(b"\0" * 16).decode(), **changes}


@pytest.mark.parametrize("changes", [
    {"shape": [10**12]}, {"shape": [3]}, {"shape": [2, -1]}, {"shape": [2.0]}, {"shape": "2"},  # not its bytes
    {"shape": [1] * 65},
    {"dtype": "|O"}, {"dtype": "O8"}, {"dtype": "i4,O"}, {"dtype": "<f8,<f8"}, {"dtype": "U0"},  # objects, records
    {"dtype": "no such type"}, {"dtype": ["<f8"]}, {"dtype": "<f8" + " " * 40},
    {"order": "K"}, {"b64": "not base64!"},
], ids=["huge-shape", "short-data", "negative", "float-dim", "str-shape", "many-dims", "object", "object-8",
        "object-field", "record", "empty-items", "garbage-dtype", "list-dtype", "long-dtype", "order", "garbage"])
def test_forged_arrays_decode_to_an_odd_value(changes):
    assert isinstance(decode(forged()), np.ndarray)  # the description unchanged is an array
    value = decode(forged(**changes))
    assert type(value).__name__ == "Odd", value


@pytest.mark.parametrize("record", [
    {"kind": "list", "items": [{"kind": "plain", "value": 0}] * 20_000},
    {"kind": "plain", "value": "x" * 50_000},
    nested(20),
    {"kind": "array", "dtype": "<f8", "shape": [30 * 2**17], "order": "C", "b64": "A" * (40 * 2**20)},
    {"kind": "plain", "value": {"a": 1}},
    {"kind": "float", "value": None},
    {"no kind": 1}, None, [1, 2], "text",
], ids=["many-items", "long-string", "deep", "big-array", "dict-in-plain", "bad-float", "no-kind", "none", "list",
        "str"])
def test_forged_or_oversized_records_decode_to_an_odd_value(record):
    assert type(decode(record)).__name__ == "Odd"


def test_a_forged_record_is_cut_to_size():
    result = Call.from_record("f(x)", {"value": encode(1.0), "error": "e" * 10**6, "warnings": ["w" * 10**6] * 100,
                                       "modified": "not a list"})
    assert len(result.error) < 600 and len(result.warnings) == 20 and all(len(w) < 400 for w in result.warnings)
    assert result.modified == [] and result.value == 1.0
    assert Call.from_record("f(x)", "not a record").error is None


def test_invoke_records_value_error_warnings_and_modified_inputs():
    def in_place(x):
        x += 1
        return np.exp(np.array([1000.0]))
    record = invoke(in_place, [np.zeros(2)], {})
    assert record["error"] is None and record["modified"] == ["#1"] and record["warnings"][0].startswith("RuntimeWarning")
    assert Call.from_record("f(x)", record).value[0] == np.inf
    assert invoke(lambda: 1 / 0, [], {})["error"].startswith("ZeroDivisionError")


def test_a_cpu_limit_stops_a_loop_without_counting_its_steps():
    """max_cpu stops a call past that much CPU time as a step limit does (no value, no error), counts no
    step, leaves SIGPROF's handler as it was, and does not go off once the call is over."""
    import signal
    import time

    def spin(n):
        while True:
            n += 1
    before, started = signal.getsignal(signal.SIGPROF), time.process_time()
    record = invoke(spin, [0], {}, max_cpu=0.2)
    assert 0.1 < time.process_time() - started < 5, time.process_time() - started  # the timer counts in ticks
    assert record["value"] == encode(None) and record["error"] is None and "steps" not in record
    assert record["cpu_stopped"] is True and signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    # SIGPROF's default would end the process: a signal on its way to another thread is ignored
    assert signal.getsignal(signal.SIGPROF) == (signal.SIG_IGN if before == signal.SIG_DFL else before)
    finished = invoke(sum, [range(10)], {}, max_cpu=0.05)
    assert finished["value"] == encode(45) and "cpu_stopped" not in finished
    spent = time.process_time()
    while time.process_time() - spent < 0.2:  # a timer left running would now stop this loop
        pass


def test_the_configured_budget_applies_at_both_ends():
    from traitlets.config import Config

    from course.limits import Limits
    config = Config()
    config.Limits.array_bytes, config.Limits.string_chars = 64, 5
    budget = Budget.of(Limits(config=config))
    assert encode(np.zeros(100), budget)["kind"] == "odd"  # 800 bytes: the kernel does not send it
    assert type(decode(encode(np.zeros(25_000)), budget)).__name__ == "Odd"  # nor does the grader accept it
    assert type(decode(encode("abcdefgh"), budget)).__name__ == "Odd"
    assert decode(encode(np.zeros(8)), budget).shape == (8,) and decode(encode("abc"), budget) == "abc"


def test_a_long_list_is_described_not_sent():
    """causal_mask(1100) returned as a list of lists: 1.2 million values would make a record of about
    36 MB, over the message cap (the notebook would end with "kernel output lost"). The kernel
    describes it instead, as decode would have judged it."""
    budget = Budget()
    record = encode([[True] * 1100] * 1100, budget)
    assert len(json.dumps(record)) < 200 and "10000" in record["type"], record
    assert type(decode(record, budget)).__name__ == "Odd"
    at_limit = [[1.5] * 100] * 99  # the outer list, 99 lists and 9,900 values: 10,000 values in all
    assert decode(encode(at_limit, budget), budget) == at_limit
    assert type(decode(encode(at_limit + [1.5], budget), budget)).__name__ == "Odd"


PROBE = """
import builtins, sys
from IPython import get_ipython
shell, events = get_ipython(), []
shell.events.register("pre_run_cell", lambda info: events.append("pre"))
shell.events.register("post_run_cell", lambda result: events.append("post"))
def probe(x):
    try:
        input()
    except BaseException as exc:
        refused = type(exc).__name__
    return [refused, "get_ipython" in vars(builtins), sys.displayhook is shell.displayhook,
            sys.excepthook == shell.excepthook, events[-2:]]
"""


def test_a_call_sees_what_a_cell_sees():
    """A call is answered outside IPython's run_cell (course/wire.py answer_calls), yet the function
    meets the same kernel as in a cell: input() refused, IPython's builtins, display hook and
    excepthook, and the cell events before and after it."""
    from nbformat.v4 import new_code_cell, new_notebook

    from course.trusted_execute import TrustedExecute

    test = new_code_cell("from course.checks import call, fetch\nprint(repr(call(probe, 0).value))\n"
                         "print(repr(fetch(in_cell)))\nprint(repr(call(probe, 1).value))")
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "probe", "points": 1}
    nb = new_notebook(cells=[new_code_cell(PROBE), new_code_cell("in_cell = probe(0)"), test])
    TrustedExecute(sandbox=False, timeout=60).preprocess(nb, {})
    as_called, as_in_a_cell, again = nb.cells[2].outputs[0]["text"].splitlines()
    assert as_called == as_in_a_cell == again == repr(["StdinNotImplementedError", True, True, True, ["post", "pre"]])


def printed_when_graded(answers, test):
    """The lines a graded test cell (source `test`, run in the grader) prints after a cell of `answers`
    ran in the kernel."""
    from nbformat.v4 import new_code_cell, new_notebook

    from course.trusted_execute import TrustedExecute

    cell = new_code_cell(test)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "probe", "points": 1}
    nb = new_notebook(cells=[new_code_cell(answers), cell])
    TrustedExecute(sandbox=False, timeout=60).preprocess(nb, {})
    return nb.cells[1].outputs[0]["text"].splitlines()


def test_a_vectorisation_check_gets_the_steps_without_the_value():
    """expect_vectorised reads a call's steps, never its value (up to 12 MB on its large input): the
    kernel leaves the value out, here and in the student's own kernel; other calls still bring it."""
    from course.checks import expect_vectorised

    def double(x):
        return x * 2
    assert expect_vectorised(double, np.ones(3), max_steps=100).value is None
    printed = printed_when_graded("def double(x):\n    return x * 2",
                                  "import numpy as np\nfrom course.checks import call, expect_vectorised\n"
                                  "r = expect_vectorised(double, np.ones(3), max_steps=100)\nprint(r.value, r.steps)\n"
                                  "print(call(double, np.ones(3)).value)")
    assert printed == ["None 2", "[2. 2. 2.]"]


def test_a_memory_limit_is_measured_in_the_kernel():
    """expect_vectorised's max_bytes: the kernel measures the most memory the call held at once (tracemalloc, which
    sees NumPy's arrays: np.outer of 2000 numbers holds 32 MB), and the check fails past the limit, or, saying so,
    when the call left tracemalloc stopped; a call within it passes, its peak back with its steps."""
    answers = ("import tracemalloc\nimport numpy as np\n\ndef lean(x):\n    return x * 2\n\n"
               "def outer(x):\n    return np.outer(x, x).sum(axis=0)\n\n"
               "def hides(x):\n    tracemalloc.stop()\n    return np.outer(x, x).sum(axis=0)\n")
    lean, outer, hides = printed_when_graded(answers, "import numpy as np\nfrom course.checks import CheckFailure, "
                                             "expect_vectorised\nx = np.ones(2000)\n"
                                             "r = expect_vectorised(lean, x, max_steps=100, max_bytes=1_000_000)\n"
                                             "print(16_000 <= r.peak_bytes < 100_000, r.steps)\n"
                                             "for fn in (outer, hides):\n"
                                             "    try:\n"
                                             "        expect_vectorised(fn, x, max_steps=100, max_bytes=1_000_000)\n"
                                             "    except CheckFailure as failure:\n"
                                             "        print(str(failure).splitlines()[1])\n")
    assert lean == "True 2"
    assert re.match(r"outer\(an array of shape \(2000,\)\) held 32\.\d MB of memory at once, over the limit of "
                    r"1\.0 MB, while its input arrays take 0\.02 MB in all", outer), outer
    assert hides == ("hides(an array of shape (2000,)) stopped tracemalloc, so the memory it held could not be "
                     "measured: do not call tracemalloc.stop() in the function."), hides


def test_functions_to_avoid_are_watched_in_the_kernel():
    """expect_avoids: the kernel reports which of the named functions the call ran, however it reached them (an
    alias, through another NumPy function); a name that does not exist is never reported; one that ran fails
    the check with its name, also in a student's own kernel, where cProfile may be running. A test cell that
    names no function that can be watched is the test's mistake (ValueError), not a pass."""
    from course.checks import CheckFailure, expect_avoids

    answers = ("import numpy as np\nfrom numpy.linalg import inv as flip\n\n"
               "def solves(A, b):\n    return np.linalg.solve(A, b)\n\n"
               "def aliased(A, b):\n    return flip(A) @ b\n\n"
               "def powered(A, b):\n    return np.linalg.matrix_power(A, -1) @ b\n\n"
               "def both(A, b):\n    return np.linalg.pinv(A) @ np.linalg.inv(A) @ A @ b\n")
    avoid = ("numpy.linalg.inv", "numpy.linalg.pinv", "no_such_module.inv")
    printed = printed_when_graded(answers, "import numpy as np\nfrom course.checks import CheckFailure, expect_avoids\n"
                                  f"A, b = np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([1.0, 2.0])\n"
                                  f"avoid = {avoid[:2]!r}\n"
                                  "print(expect_avoids(solves, A, b, avoid=avoid).called)\n"
                                  "for fn in (aliased, powered, both):\n"
                                  "    try:\n"
                                  "        expect_avoids(fn, A, b, avoid=avoid)\n"
                                  "    except CheckFailure as failure:\n"
                                  "        print(str(failure).splitlines()[1].split(' called ')[1])\n")
    assert printed == ["[]"] + ["numpy.linalg.inv, which this exercise asks you not to use."] * 2 + [
        "numpy.linalg.pinv, numpy.linalg.inv, which this exercise asks you not to use."], printed
    # np.vectorize of a C function takes no step per element: expect_vectorised watches np.vectorize.__call__
    from course.checks import expect_vectorised
    from course.wire import watched_code
    assert watched_code("numpy.vectorize.__call__") is np.vectorize.__call__.__code__
    with pytest.raises(CheckFailure, match="calls np.vectorize"):
        expect_vectorised(lambda v: np.vectorize(math.exp)(v), np.zeros(5000), max_steps=1000)
    # nor does np.frompyfunc: a function written in C, watched as it is called from Python
    assert watched_code("numpy.frompyfunc") is np.frompyfunc
    with pytest.raises(CheckFailure, match="calls np.frompyfunc"):
        expect_vectorised(lambda v: np.frompyfunc(math.exp, 1, 1)(v).astype(float), np.zeros(5000), max_steps=1000)
    # the kernel's side: a name that does not exist is never reported
    assert invoke(lambda A: np.linalg.inv(A), [np.eye(2)], {}, watch=avoid)["called"] == ["numpy.linalg.inv"]
    namespace = {}
    exec(answers, namespace)
    with pytest.raises(CheckFailure, match="powered.* called numpy.linalg.inv"):
        expect_avoids(namespace["powered"], np.eye(2), np.ones(2), avoid=avoid[:2])
    # a string, a name that does not exist, or a C function only NumPy's dispatcher calls: the test's mistake
    for wrong in ("numpy.linalg.inv", avoid, ("numpy.dot",)):
        with pytest.raises(ValueError, match="avoid: a tuple of dotted names"):
            expect_avoids(namespace["powered"], np.eye(2), np.ones(2), avoid=wrong)
    profiler = cProfile.Profile()  # a student profiling the check (%%prun): both still work
    profiler.enable()
    try:
        called = expect_avoids(namespace["solves"], np.eye(2), np.ones(2), avoid=avoid[:2]).called
        still = sys.getprofile() is profiler
    finally:
        profiler.disable()
    assert called == [] and still
