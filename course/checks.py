"""Bilingual checks for visible and hidden tests.

A test cell calls a student's function through `call`, then compares the result with
`expect_close` (or `expect`). `call` never hands the student's object to the comparison:
the return value is encoded to plain bytes (`encode`) and decoded back (`decode`), so an
object whose `__eq__` always answers True, an ndarray subclass, or a NumPy function patched
inside the student's cell cannot change the verdict.

During grading the test cells do not run in the student's kernel at all: the grader runs them
in its own process, where each student function is a `Remote` that calls into the kernel and
receives the same encoded record (see course/trusted_execute.py). The expected values therefore
never exist in the student's process.
"""
import base64
import copy
import io
import json
import warnings

import numpy as np

# Captured at import, so that a student who replaces these later does not change the checks.
_ndarray, _generic, _asarray, _isfinite = np.ndarray, np.generic, np.asarray, np.isfinite
_abs, _maximum, _argmax, _unravel = np.abs, np.maximum, np.argmax, np.unravel_index
_save, _load = np.save, np.load

# What the grader accepts back from a kernel (the kernel may forge anything within the message cap,
# course/sandbox.py MAX_MESSAGE): larger or deeper values become an Odd that says so.
MAX_BYTES = 16 * 2**20  # bytes of one returned array
MAX_ITEMS = 10_000  # values in one returned tuple or list, nested ones included
MAX_DEPTH = 8  # nesting of tuples and lists
MAX_CHARS = 10_000  # characters of a returned string
MAX_MESSAGE_CHARS = 4_000  # of a failure message (it quotes student values)


class CheckFailure(AssertionError):
    """A test found a problem; the message is bilingual (中文 / English)."""


def _fail(zh, en, detail=""):
    __tracebackhide__ = True  # students see their cell and the message, not the checker's insides
    raise CheckFailure(shorten(f"{zh}\n{en}" + (f"\n{detail}" if detail else ""), MAX_MESSAGE_CHARS))


def shorten(text, limit):
    """`text` cut to `limit` characters, saying so (student values can be of any size)."""
    return text if len(text) <= limit else f"{text[:limit]}… [{len(text) - limit} 字符已省略 / characters cut]"


# ---------------------------------------------------------------- encoding of values
def encode(value):
    """Turn a returned value into JSON-safe plain data; odd objects become a description."""
    if value is None or type(value) in (bool, int, str):
        return {"kind": "plain", "value": value}
    if type(value) is float:
        return {"kind": "float", "value": repr(value)}
    if type(value) in (tuple, list):
        return {"kind": type(value).__name__, "items": [encode(v) for v in value]}
    if type(value) is dict and all(type(k) is str for k in value):  # e.g. a dict of parameters
        return {"kind": "dict", "items": {k: encode(v) for k, v in value.items()}}
    if type(value) is _ndarray or isinstance(value, _generic):
        array = _asarray(value)
        if array.dtype.hasobject or array.nbytes > MAX_BYTES:
            return {"kind": "odd", "type": f"ndarray of dtype {array.dtype}, {array.nbytes} bytes"}
        buffer = io.BytesIO()
        _save(buffer, array, allow_pickle=False)
        kind = "array" if type(value) is _ndarray else "numpy_scalar"
        return {"kind": kind, "npy": base64.b64encode(buffer.getvalue()).decode("ascii")}
    return {"kind": "odd", "type": f"{type(value).__module__}.{type(value).__qualname__}"}


class Odd:
    """Stands for a returned object that is not plain data (its type name only)."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name}>"


class Oversized(ValueError):
    """A record from the kernel over the grader's budget, or not of encode's form."""


def decode(data):
    """The value that `encode` described. The record comes from the student's kernel, which can
    forge it: anything malformed or over budget becomes an Odd that names the problem."""
    try:
        return _decode(data, [MAX_ITEMS], MAX_DEPTH)
    except Oversized as problem:
        return Odd(str(problem))
    except Exception as error:  # any other malformed record
        return Odd(f"malformed result / 无法解析的结果 ({type(error).__name__})")


def _decode(data, items_left, depth):
    items_left[0] -= 1
    if items_left[0] < 0 or depth < 0:
        raise Oversized(f"value with more than {MAX_ITEMS} items or {MAX_DEPTH} levels / 值过大或嵌套过深")
    kind = data["kind"]
    if kind == "plain":
        value = data["value"]
        if value is not None and type(value) not in (bool, int, str):
            raise TypeError(type(value).__name__)
        if type(value) is str and len(value) > MAX_CHARS:
            raise Oversized(f"str of {len(value)} characters / 过长的字符串")
        return value
    if kind == "float":
        return float(str(data["value"])[:40])
    if kind in ("tuple", "list", "dict"):
        if len(data["items"]) > items_left[0]:
            raise Oversized(f"{kind} of {len(data['items'])} items / 元素过多")
        if kind == "dict":
            return {str(k)[:200]: _decode(v, items_left, depth - 1) for k, v in data["items"].items()}
        items = [_decode(item, items_left, depth - 1) for item in data["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind in ("array", "numpy_scalar"):
        if len(data["npy"]) > MAX_BYTES * 4 // 3 + 2**16:
            raise Oversized(f"array of more than {MAX_BYTES} bytes / 数组过大")
        array = _load(io.BytesIO(base64.b64decode(data["npy"], validate=True)), allow_pickle=False)
        if type(array) is not _ndarray or array.dtype.hasobject:
            raise TypeError("not a plain array")
        return array if kind == "array" else array[()]
    return Odd(str(data.get("type", "?"))[:200])


def describe_type(value):
    if isinstance(value, Odd):
        return value.type_name
    if type(value) is _ndarray:
        return f"numpy.ndarray {value.shape} {value.dtype}"
    if isinstance(value, _generic):
        return f"numpy scalar {type(value).__name__}"
    return type(value).__name__


# ---------------------------------------------------------------- calling student code
class Call:
    """What happened when a student's function was called: value, error, warnings, modified inputs."""

    def __init__(self, label, value=None, error=None, warnings=(), modified=()):
        self.label, self.value, self.error = label, value, error
        self.warnings, self.modified = list(warnings), list(modified)

    @classmethod
    def from_record(cls, label, record):
        """From `invoke`'s record, which the kernel may forge: only its fields, as short strings."""
        record = record if isinstance(record, dict) else {}

        def texts(key, limit):
            values = record.get(key)
            return [shorten(str(v), limit) for v in values[:20]] if isinstance(values, list) else []
        error = record.get("error")
        return cls(label, decode(record.get("value")), None if error is None else shorten(str(error), 500),
                   texts("warnings", 300), texts("modified", 60))


def _label(name, args, kwargs):
    def short(a):
        if isinstance(a, np.ndarray):
            return f"array{a.shape}" if a.size > 6 else np.array2string(a, separator=", ").replace("\n", "")
        text = repr(a)
        return text if len(text) <= 40 else text[:37] + "..."
    parts = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def invoke(fn, args, kwargs):
    """Call fn on copies of the arguments; return a JSON-safe record of what happened."""
    snapshots = [copy.deepcopy(a) for a in args] + [copy.deepcopy(v) for v in kwargs.values()]
    originals = list(args) + list(kwargs.values())
    names = [f"#{i + 1}" for i in range(len(args))] + list(kwargs)
    value, error = None, None
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            value = fn(*args, **kwargs)
        except BaseException as exc:  # SystemExit, KeyboardInterrupt... are answers too, wrong ones
            error = f"{type(exc).__name__}: {exc}"[:500]
    modified = [name for name, before, after in zip(names, snapshots, originals) if not _same(before, after)]
    return {
        "value": encode(value),
        "error": error,
        "warnings": [f"{w.category.__name__}: {w.message}"[:300] for w in caught][:20],
        "modified": modified,
    }


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

    def invoke(self, args, kwargs):
        raise NotImplementedError

    def fetch(self):
        raise NotImplementedError


def call(fn, *args, **kwargs):
    """Call a student's function safely and record the result (never raises)."""
    name = getattr(fn, "__name__", None) or getattr(fn, "name", "function")
    label = _label(name, args, kwargs)
    if isinstance(fn, Remote):
        return Call.from_record(label, fn.invoke(args, kwargs))
    if not callable(fn):
        return Call(label, error=f"TypeError: {name} is not a function / 不是函数")
    return Call.from_record(label, invoke(fn, args, kwargs))


MIME = "application/vnd.course.record+json"


def serve(get_fn, payload):
    """Kernel side of a grader's call: decode the arguments, call, publish the record."""
    from IPython.display import display
    request = json.loads(payload)
    try:
        target = get_fn()
    except NameError as exc:
        record = {"value": encode(None), "error": f"NameError: {exc}", "warnings": [], "modified": []}
    else:
        if request["fetch"]:
            record = {"value": encode(target), "error": None, "warnings": [], "modified": []}
        else:
            args = [decode(a) for a in request["args"]]
            kwargs = {k: decode(v) for k, v in request["kwargs"].items()}
            record = invoke(target, args, kwargs)
    display({MIME: record}, raw=True)


def fetch(value):
    """A student's variable as plain data (for predict-the-shape answers and the like)."""
    if isinstance(value, Remote):
        record = value.fetch()
        return decode(record.get("value") if isinstance(record, dict) else None)
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
