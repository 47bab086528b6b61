"""Bilingual checks for visible and hidden tests: what lessons' test cells import.

A test cell calls a student's function through `call`, then compares the result with
`expect_close` (or `expect`). `call` never hands the student's object to the comparison:
the return value crosses the wire (course/wire.py) as plain data, so an object whose `__eq__`
always answers True, an ndarray subclass, or a NumPy function patched inside the student's cell
cannot change the verdict.

During grading the test cells do not run in the student's kernel at all: the grader runs them
in its own process, where each student function is a `Remote` that calls into the kernel and
receives the same encoded record (see course/trusted_execute.py). The expected values therefore
never exist in the student's process.
"""
import copy
import traceback
from pathlib import Path

import numpy as np


from . import diagnosis
from .limits import default
from .wire import (Call, Odd, Remote, StepCounter, _abs, _argmax, _asarray, _generic, _isfinite, _ndarray, _unravel,
                   decode, encode, invoke, shorten, watched_code)

MAX_MESSAGE_CHARS = default("message_chars")  # of a failure message (TrustedExecute applies its configured one)


class CheckFailure(AssertionError):
    """A test found a problem; the message is bilingual (中文 / English)."""

    def _render_traceback_(self):
        """What IPython shows: the line of the student's cell and the message, not the checker's insides."""
        cell = [f for f in traceback.extract_tb(self.__traceback__)
                if not f.filename.startswith(_LIBRARIES) and "site-packages" not in f.filename]
        shown = [f"单元格第{f.lineno}行 / cell, line {f.lineno}:\n    {f.line}" for f in cell[-1:]]
        return shown + [f"CheckFailure: {self}"]


_LIBRARIES = (str(Path(__file__).resolve().parent), str(Path(traceback.__file__).parent))


def _fail(zh, en, detail="", result=None, aspect="values", expected=None, advice=""):
    """Raise a bilingual failure; with the failing `result`, say which known mistake it looks like
    (`expected`: what a failed value check wanted, a diagnosis.Expected), or give the diagnosis's
    `advice` found otherwise."""
    __tracebackhide__ = True
    if result is not None:
        advice = diagnosis.advice(result, aspect, expected)
    found = diagnosis.inert("\n".join(part for part in (zh, en, detail) if part))  # may quote the student's code
    raise CheckFailure(shorten("\n".join(part for part in (found, advice) if part), MAX_MESSAGE_CHARS))


def describe_type(value):
    if isinstance(value, Odd):
        return value.type_name
    if type(value) is _ndarray:
        return f"numpy.ndarray {value.shape} {value.dtype}"
    if isinstance(value, _generic):
        return f"numpy scalar {type(value).__name__}"
    return type(value).__name__


def _plain(x):
    """A number as students write it: 0.25, not np.float64(0.25)."""
    return repr(float(x)) if isinstance(x, (float, _generic)) and np.ndim(x) == 0 and np.isrealobj(x) else repr(x)


def _labels(name, args, kwargs):
    """How a call is named in messages, in Chinese and in English."""
    def short(a, zh):
        if isinstance(a, np.ndarray) and a.size > 6:
            return f"形状为{a.shape}的数组" if zh else f"an array of shape {a.shape}"
        if isinstance(a, np.ndarray):
            return " ".join(line.strip() for line in np.array2string(a, separator=", ").splitlines())
        text = _plain(a)
        return text if len(text) <= 40 else text[:37] + "..."
    return tuple(f"{name}({', '.join([short(a, zh) for a in args] + [f'{k}={short(v, zh)}' for k, v in kwargs.items()])})"
                 for zh in (True, False))


def call(fn, *args, **kwargs):
    """Call a student's function safely and record the result (never raises)."""
    return _call(fn, args, kwargs)


def _call(fn, args, kwargs, max_steps=None, steps_only=False, max_bytes=None, avoid=()):
    name = getattr(fn, "__name__", None) or getattr(fn, "name", "function")
    label_zh, label = _labels(name, args, kwargs)
    before = (args, kwargs) if isinstance(fn, Remote) else copy.deepcopy((args, kwargs))  # as they were
    if isinstance(fn, Remote):
        result = Call.from_record(label, fn.invoke(args, kwargs, max_steps, steps_only, max_bytes is not None, avoid),
                                  fn.budget)
    elif not callable(fn):
        result = Call(label, error=f"TypeError: {name} is not a function / {name}不是函数")
    else:
        result = Call.from_record(label, invoke(fn, args, kwargs, max_steps=max_steps, steps_only=steps_only,
                                                count_bytes=max_bytes is not None, watch=avoid))
    result.label_zh, result.function, (result.args, result.kwargs) = label_zh, name, before
    result.max_steps, result.max_bytes, result.avoid = max_steps, max_bytes, tuple(avoid)
    diagnosis.remember(result)
    return result


def count_steps(fn, *args, **kwargs):
    """The Python steps (calls and lines) `fn(*args, **kwargs)` takes: how a vectorisation limit is chosen."""
    counter = StepCounter()
    counter.run(fn, args, kwargs)
    return counter.steps


def fetch(value):
    """A student's variable as plain data (for predict-the-shape answers and the like)."""
    if isinstance(value, Remote):
        record = value.fetch()
        return decode(record.get("value") if isinstance(record, dict) else None, value.budget)
    return decode(encode(value))


# ---------------------------------------------------------------- expectations
def _expect_ran(result, allow_warnings):
    __tracebackhide__ = True
    if result.error is not None:
        _fail(f"调用{result.label_zh}时出错：", f"Calling {result.label} raised an error:", f"  {result.error}",
              result=result)
    numeric = [w for w in result.warnings if w.startswith("RuntimeWarning")]
    if numeric and not allow_warnings:
        _fail(f"{result.label_zh}产生了数值警告（上溢、无效值或除零）：",
              f"{result.label} produced a numerical warning (overflow, invalid value or division by zero):",
              "  " + numeric[0], result=result, aspect="warnings")


def _as_numbers(got):
    """A returned value as a float64 array, whatever held it (the type is test_<fn>_type's job), or None."""
    if isinstance(got, Odd) or got is None or isinstance(got, (str, bytes, dict)):
        return None
    try:
        array = _asarray(got)
    except Exception:  # ragged lists and the like
        return None
    return array.astype(np.float64) if array.dtype.kind in "biuf" else None


def _compare_array(result, got, expected, where_zh, where, rtol, atol, part=None):
    __tracebackhide__ = True
    expected = np.asarray(expected, dtype=float)
    if got is None:
        _fail(f"{where_zh}返回了None。", f"{where} returned None.",
              "  提示 / hint: 是否漏写了return？/ a missing `return`?", result=result)
    numbers = _as_numbers(got)
    if numbers is None:
        _fail(f"{where_zh}应返回数值数组，实际返回{describe_type(got)}。",
              f"{where} should return an array of numbers, got {describe_type(got)}.", result=result)
    if numbers.shape != expected.shape:
        _fail(f"{where_zh}的形状不对：应为{expected.shape}，实际为{numbers.shape}。",
              f"{where} has the wrong shape: expected {expected.shape}, got {numbers.shape}.", result=result)
    bad = ~_isfinite(numbers) & _isfinite(expected)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        _fail(f"{where_zh}含有NaN或inf（首次出现在下标{index}，值为{numbers[index]}）。",
              f"{where} contains NaN or inf (first at index {index}: {numbers[index]}).", result=result)
    if numbers.size == 0:
        return
    error = _abs(numbers - expected)
    worst = _unravel(_argmax(error - (atol + rtol * _abs(expected))), numbers.shape)
    if error[worst] > atol + rtol * abs(expected[worst]):
        nonzero = expected != 0
        relative = (f"  最大相对误差 / max rel error: {(error[nonzero] / _abs(expected[nonzero])).max():.3e}\n"
                    if nonzero.any() else "")
        at = tuple(int(i) for i in worst)
        _fail(f"{where_zh}的数值不对。", f"{where} has wrong values.",
              f"  最大绝对误差 / max abs error: {error.max():.3e}\n{relative}"
              f"  位置 / at index {at}: 得到 / got {_plain(numbers[worst])}, 应为 / expected {_plain(expected[worst])}",
              result=result, expected=diagnosis.Expected(expected, part, rtol, atol))


def expect_close(result, expected, rtol=1e-7, atol=1e-12, allow_warnings=False):
    """The call ran cleanly and returned values close to `expected` (an array, or a tuple of them).

    Values only: a modified input and the returned type are judged by their own cells
    (expect_unmodified, expect_type), so that one mistake costs one aspect."""
    __tracebackhide__ = True
    _expect_ran(result, allow_warnings)
    if isinstance(expected, tuple):
        got, n = result.value, len(expected)
        if type(got) not in (tuple, list) or len(got) != n:
            length = f"（长度{len(got)}）" if type(got) in (tuple, list) else ""
            _fail(f"{result.label_zh}应返回含{n}个数组的元组，实际返回{describe_type(got)}{length}。",
                  f"{result.label} should return a tuple of {n} arrays, got {describe_type(got)}"
                  + (f" of length {len(got)}" if length else "") + ".", result=result)
        for i, (g, e) in enumerate(zip(got, expected)):
            _compare_array(result, g, e, f"{result.label_zh}[{i}]", f"{result.label}[{i}]", rtol, atol, i)
    else:
        _compare_array(result, result.value, expected, result.label_zh, result.label, rtol, atol)


def expect_unmodified(result):
    """The call ran and left its inputs as they were."""
    __tracebackhide__ = True
    if result.error is not None:
        _fail(f"调用{result.label_zh}时出错：", f"Calling {result.label} raised an error:", f"  {result.error}",
              result=result)
    if result.modified:
        names = ", ".join(result.modified)
        _fail(f"{result.label_zh}修改了输入参数{names}；请不要原地修改输入。",
              f"{result.label} modified its input {names}; do not change inputs in place.",
              result=result, aspect="modified")


_KINDS = {
    "array": ("float64的numpy.ndarray", "a numpy.ndarray of dtype float64",
              lambda v: type(v) is _ndarray and v.dtype == np.float64),
    "scalar": ("NumPy float64标量（0维）", "a NumPy float64 scalar (0-d)",
               lambda v: (isinstance(v, _generic) or (type(v) is _ndarray and v.ndim == 0))
               and np.asarray(v).dtype == np.float64),
    "float": ("浮点数", "a float",
              lambda v: type(v) is float or ((isinstance(v, _generic) or (type(v) is _ndarray and v.ndim == 0))
                                             and np.asarray(v).dtype.kind == "f")),
    "bool array": ("bool类型的numpy.ndarray", "a numpy.ndarray of dtype bool",
                   lambda v: type(v) is _ndarray and v.dtype == np.bool_),
}


def expect_type(result, kind):
    """The call returned the right kind of value: one of _KINDS, or a tuple of them."""
    __tracebackhide__ = True
    if result.error is not None:
        _fail(f"调用{result.label_zh}时出错：", f"Calling {result.label} raised an error:", f"  {result.error}",
              result=result)
    kinds, got = (kind, result.value) if isinstance(kind, tuple) else ((kind,), (result.value,))
    if isinstance(kind, tuple) and (type(got) is not tuple or len(got) != len(kind)):
        _fail(f"{result.label_zh}应返回含{len(kind)}个元素的元组，实际返回{describe_type(got)}。",
              f"{result.label} should return a tuple of {len(kind)} items, got {describe_type(got)}.",
              result=result, aspect="type")
    for i, (k, value) in enumerate(zip(kinds, got)):
        zh, en, ok = _KINDS[k]
        if not ok(value):
            where = f"[{i}]" if isinstance(kind, tuple) else ""
            _fail(f"{result.label_zh}{where}应返回{zh}，实际返回{describe_type(value)}。",
                  f"{result.label}{where} should return {en}, got {describe_type(value)}.",
                  "  提示 / hint: 是否漏写了return？/ a missing `return`?" if value is None else "",
                  result=result, aspect="type")


# np.vectorize of a function written in C (math.exp) loops over the elements in C: no Python step per
# element to count, so its call is watched instead (wire.Watcher)
VECTORIZE, FROMPYFUNC = "numpy.vectorize.__call__", "numpy.frompyfunc"
# loops in disguise: each calls its function once per element from C, where no Python step is counted
ELEMENTWISE = {VECTORIZE: "np.vectorize", FROMPYFUNC: "np.frompyfunc"}


def expect_vectorised(fn, *args, max_steps, max_bytes=None, **kwargs):
    """The call ran within `max_steps` Python steps (see course/wire.py StepCounter), without np.vectorize or
    np.frompyfunc (ELEMENTWISE) and, given `max_bytes`, never held more memory than that at once
    (wire.PeakBytes); returns the Call, whose value is None: only its steps, peak memory, error, warnings and
    modified inputs come back (wire.invoke)."""
    __tracebackhide__ = True
    result = _call(fn, args, kwargs, max_steps=max_steps, steps_only=True, max_bytes=max_bytes,
                   avoid=tuple(ELEMENTWISE))
    if result.error is not None:
        _fail(f"调用{result.label_zh}时出错：", f"Calling {result.label} raised an error:", f"  {result.error}")
    if result.steps is None or result.steps > max_steps:
        _fail(f"{result.label_zh}执行了超过{max_steps}步Python代码：是否在逐个元素地循环（for循环、列表推导、"
              f"np.vectorize或np.apply_along_axis）？请改用整个数组的NumPy运算。",
              f"{result.label} ran more than {max_steps} Python steps: does it loop over elements (a for loop, "
              f"a comprehension, np.vectorize or np.apply_along_axis)? Use NumPy operations on whole arrays.",
              result=result, aspect="vectorised")
    disguised = [ELEMENTWISE[name] for name in result.called if name in ELEMENTWISE]
    if disguised:
        _fail(f"{result.label_zh}调用了{disguised[0]}：它做出的函数把原来的函数逐个元素地调用一次，是换了个样子的循环（哪怕是math.exp这样"
              f"用C写的函数）。请改用整个数组的NumPy运算（例如np.exp）。",
              f"{result.label} calls {disguised[0]}, whose result calls its function once per element: a loop in disguise "
              f"(even for a function written in C, such as math.exp). Use NumPy operations on whole arrays (np.exp, say).",
              result=result, aspect="avoid")
    if max_bytes is not None and result.peak_bytes is None:
        _fail(f"{result.label_zh}停止了tracemalloc，因此无法测量它占用的内存：请不要在函数中调用tracemalloc.stop()。",
              f"{result.label} stopped tracemalloc, so the memory it held could not be measured: do not call "
              f"tracemalloc.stop() in the function.")
    if max_bytes is not None and result.peak_bytes > max_bytes:
        given = sum(a.nbytes for a in (*args, *kwargs.values()) if isinstance(a, np.ndarray))
        held = f"{min(result.peak_bytes, 10**15) / 1e6:.1f} MB"  # a forged count is only a number to show
        _fail(f"{result.label_zh}运行时同时占用了{held}内存，超过上限{max_bytes / 1e6:.1f} MB，而输入的数组一共只有"
              f"{given / 1e6:.2f} MB：是否构造了比输入大得多的中间数组（例如每个切片一个(n, n)的雅可比矩阵）？"
              f"请直接算出结果，只用与输入同样大小的数组。",
              f"{result.label} held {held} of memory at once, over the limit of {max_bytes / 1e6:.1f} MB, while its input "
              f"arrays take {given / 1e6:.2f} MB in all: does it build an intermediate array much larger than the "
              f"input (an (n, n) Jacobian per slice, say)? Compute the result directly, with arrays the size of the "
              f"input.", result=result, aspect="memory")
    return result


def expect_avoids(fn, *args, avoid, **kwargs):
    """The call ran none of the functions named in `avoid` (a tuple of dotted names: "numpy.linalg.inv"),
    directly or through others (wire.Watcher); returns the Call. Its value is another check's business."""
    __tracebackhide__ = True
    if not isinstance(avoid, (tuple, list)) or not all(isinstance(n, str) and watched_code(n) for n in avoid):
        raise ValueError(f"avoid: a tuple of dotted names of functions that can be watched, not {avoid!r}")
    result = _call(fn, args, kwargs, avoid=avoid)
    if result.error is not None:
        _fail(f"调用{result.label_zh}时出错：", f"Calling {result.label} raised an error:", f"  {result.error}",
              result=result)
    ran = [name for name in result.called if name in avoid]
    if ran:
        _fail(f"{result.label_zh}调用了{'、'.join(ran)}，本练习要求不用{'它' if len(ran) == 1 else '它们'}。",
              f"{result.label} called {', '.join(ran)}, which this exercise asks you not to use.",
              result=result, aspect="avoid")
    return result


def expect_equal(got, expected, what, reveal=True):
    """Plain-data equality (shapes, booleans, tuples) after `fetch`. With `reveal=False` the message leaves out
    the expected value: where it is the answer itself (04's predicted shapes), a hidden test must not hand it out."""
    __tracebackhide__ = True
    if type(got) is np.ndarray and type(expected) is np.ndarray:
        same = got.shape == expected.shape and got.dtype == expected.dtype and bool((got == expected).all())
    else:
        same = type(got) is type(expected) and got == expected
    if not same:
        advice = diagnosis.advice_for_variable(what, got, expected)
        got = shorten(_plain(got), 300)
        zh, en = (f"应为{_plain(expected)}，", f"expected {_plain(expected)}, ") if reveal else ("", "")
        _fail(f"{what}不对：{zh}实际为{got}。", f"{what} is wrong: {en}got {got}.", advice=advice)


def expect_error(result, error_type, what):
    """The call raised `error_type` (a name such as 'ValueError') with a bilingual message; `what` says
    why it should, the same in both languages (shapes, names) or as a pair (Chinese, English)."""
    __tracebackhide__ = True
    what_zh, what_en = what if isinstance(what, tuple) else (what, what)
    if result.error is None or not result.error.startswith(error_type + ":"):
        _fail(f"{result.label_zh}应抛出{error_type}（{what_zh}）。", f"{result.label} should raise {error_type} ({what_en}).",
              f"  实际 / got: {result.error or describe_type(result.value)}", result=result, aspect="raises")
    if not diagnosis.bilingual(result.error.split(":", 1)[1]):
        _fail(f"{result.label_zh}抛出的{error_type}应同时用中文和英文说明原因。",
              f"The {error_type} that {result.label} raises should explain, in Chinese and in English, what is wrong.",
              f"  实际 / got: {result.error}", result=result, aspect="message")


def expect(condition, zh, en):
    __tracebackhide__ = True
    if not condition:
        _fail(zh, en)


def passed(what):
    """Say, in both languages, that a test cell passed (shown to students by visible tests)."""
    print(f"✓ 通过 / passed: {what}")


class Score(float):
    """Points earned by a partial-credit cell. Shown as a plain float so nbgrader can read it."""

    def __repr__(self):
        return repr(float(self))


def partial_credit(checks, points):
    """Run each check (a function of no arguments); return the points earned as a plain float.

    Failures are printed, bilingually, so the student sees which cases went wrong.
    """
    good = 0
    for i, check in enumerate(checks, 1):
        try:
            check()
            good += 1
        except CheckFailure as failure:
            print(f"✗ 情形 / case {i}:\n{failure}\n")
    print(f"{good}/{len(checks)} 通过 / passed")
    return Score(points * good / len(checks))
