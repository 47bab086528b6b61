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
import numpy as np

from .limits import default
from .wire import (Call, Odd, Remote, _abs, _argmax, _generic, _isfinite, _maximum, _ndarray, _unravel, decode,
                   encode, invoke, shorten)

MAX_MESSAGE_CHARS = default("message_chars")  # of a failure message (TrustedExecute applies its configured one)


class CheckFailure(AssertionError):
    """A test found a problem; the message is bilingual (中文 / English)."""


def _fail(zh, en, detail=""):
    __tracebackhide__ = True  # students see their cell and the message, not the checker's insides
    raise CheckFailure(shorten(f"{zh}\n{en}" + (f"\n{detail}" if detail else ""), MAX_MESSAGE_CHARS))


def describe_type(value):
    if isinstance(value, Odd):
        return value.type_name
    if type(value) is _ndarray:
        return f"numpy.ndarray {value.shape} {value.dtype}"
    if isinstance(value, _generic):
        return f"numpy scalar {type(value).__name__}"
    return type(value).__name__


def _label(name, args, kwargs):
    def short(a):
        if isinstance(a, np.ndarray):
            return f"array{a.shape}" if a.size > 6 else np.array2string(a, separator=", ").replace("\n", "")
        text = repr(a)
        return text if len(text) <= 40 else text[:37] + "..."
    parts = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def call(fn, *args, **kwargs):
    """Call a student's function safely and record the result (never raises)."""
    name = getattr(fn, "__name__", None) or getattr(fn, "name", "function")
    label = _label(name, args, kwargs)
    if isinstance(fn, Remote):
        return Call.from_record(label, fn.invoke(args, kwargs), fn.budget)
    if not callable(fn):
        return Call(label, error=f"TypeError: {name} is not a function / 不是函数")
    return Call.from_record(label, invoke(fn, args, kwargs))


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
        _fail(f"调用{result.label}时出错：", f"Calling {result.label} raised an error:", f"  {result.error}")
    if result.modified:
        _fail(f"{result.label}修改了输入参数{', '.join(result.modified)}；请不要原地修改输入。",
              f"{result.label} modified its input {', '.join(result.modified)}; do not change inputs in place.")
    numeric = [w for w in result.warnings if w.startswith("RuntimeWarning")]
    if numeric and not allow_warnings:
        _fail(f"{result.label}产生了数值警告（上溢、无效值或除零）：",
              f"{result.label} produced a numerical warning (overflow, invalid value or division by zero):",
              "  " + numeric[0])


def _compare_array(got, expected, where, rtol, atol, scalar):
    __tracebackhide__ = True
    expected = np.asarray(expected, dtype=float)
    if scalar:
        if not (isinstance(got, np.generic) or (type(got) is np.ndarray and got.ndim == 0)):
            _fail(f"{where}应返回NumPy标量（0维），实际返回{describe_type(got)}。",
                  f"{where} should be a NumPy scalar (0-d), got {describe_type(got)}.")
        got = np.asarray(got)
    elif type(got) is not np.ndarray:
        _fail(f"{where}应返回numpy.ndarray，实际返回{describe_type(got)}。",
              f"{where} should be a numpy.ndarray, got {describe_type(got)}.",
              "  提示 / hint: 是否漏写了return？/ a missing `return`?" if got is None else "")
    if got.shape != expected.shape:
        _fail(f"{where}的形状不对：应为{expected.shape}，实际为{got.shape}。",
              f"{where} has the wrong shape: expected {expected.shape}, got {got.shape}.",
              "  提示 / hint: 检查axis、keepdims和转置 / check axis, keepdims and transposes.")
    if got.dtype.kind not in "fc":
        _fail(f"{where}的数据类型应为浮点数，实际为{got.dtype}。",
              f"{where} should have a floating-point dtype, got {got.dtype}.")
    got = got.astype(np.float64)
    bad = ~_isfinite(got) & _isfinite(expected)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        _fail(f"{where}含有NaN或inf（首次出现在下标{index}，值为{got[index]}）。",
              f"{where} contains NaN or inf (first at index {index}: {got[index]}).",
              "  提示 / hint: 数值稳定性，例如先减去最大值 / numerical stability, e.g. subtract the max first.")
    if got.size == 0:
        return
    error = _abs(got - expected)
    relative = error / _maximum(_abs(expected), 1e-300)
    worst = _unravel(_argmax(error - (atol + rtol * _abs(expected))), got.shape)
    if error[worst] > atol + rtol * abs(expected[worst]):
        _fail(f"{where}的数值不对。", f"{where} has wrong values.",
              f"  最大绝对误差 / max abs error: {error.max():.3e}\n"
              f"  最大相对误差 / max rel error: {relative.max():.3e}\n"
              f"  位置 / at index {tuple(int(i) for i in worst)}: "
              f"得到 / got {got[worst]!r}, 应为 / expected {expected[worst]!r}")


def expect_close(result, expected, rtol=1e-7, atol=1e-12, allow_warnings=False, scalar=False):
    """The call ran cleanly and returned arrays close to `expected` (an array, or a tuple of them)."""
    __tracebackhide__ = True
    _expect_ran(result, allow_warnings)
    if isinstance(expected, tuple):
        got = result.value
        if type(got) is not tuple or len(got) != len(expected):
            n = len(expected)
            _fail(f"{result.label}应返回含{n}个数组的元组，实际返回{describe_type(got)}"
                  + (f"（长度{len(got)}）" if isinstance(got, (tuple, list)) else "") + "。",
                  f"{result.label} should return a tuple of {n} arrays, got {describe_type(got)}"
                  + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else "") + ".")
        for i, (g, e) in enumerate(zip(got, expected)):
            _compare_array(g, e, f"{result.label}[{i}]", rtol, atol, scalar)
    else:
        _compare_array(result.value, expected, result.label, rtol, atol, scalar)


def expect_equal(got, expected, what):
    """Plain-data equality (shapes, booleans, tuples) after `fetch`."""
    __tracebackhide__ = True
    if type(got) is np.ndarray and type(expected) is np.ndarray:
        same = got.shape == expected.shape and got.dtype == expected.dtype and bool((got == expected).all())
    else:
        same = type(got) is type(expected) and got == expected
    if not same:
        got = shorten(repr(got), 300)
        _fail(f"{what}不对：应为{expected!r}，实际为{got}。", f"{what} is wrong: expected {expected!r}, got {got}.")


def expect_error(result, error_type, what):
    """The call raised `error_type` (a name such as 'ValueError') with a bilingual message."""
    __tracebackhide__ = True
    if result.error is None or not result.error.startswith(error_type + ":"):
        _fail(f"{result.label}应抛出{error_type}（{what}）。", f"{result.label} should raise {error_type} ({what}).",
              f"  实际 / got: {result.error or describe_type(result.value)}")


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
