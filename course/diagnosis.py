"""Name the student's mistake: compare a failing call with what each catalogued mistake gives.

The catalogue (samples/<assignment>/mistakes.toml) lists each exercise's classic mistakes with a
wrong implementation in samples/. When a check fails, `advice` repeats the failing call with every
mistake of that function: if the student's result matches one (and the right answer does not), the
message names it, explains it and points to the lesson's section and hint. If the function uses
another of the student's functions that failed its own tests before, the message instead says to fix
that one first.

Wrong implementations never reach students: during grading and `course check` they run in the
grader (`Live`); in a student's own kernel the visible checks use `Table`, the mistakes' outputs on
the visible checks' inputs, which `course build` writes into release/<assignment>/mistakes.json.
"""
import ast
import contextlib
import copy
import hashlib
import io
import json
import re
import symtable
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .wire import Call, decode, invoke

TABLE = "mistakes.json"
HISTORY = 30  # calls remembered per function, to count on how many cases a mistake matches
VECTORISED_HISTORY = 2  # and vectorisation checks' calls (a cell makes one or two)
LARGE = 100_000  # values: larger calls are not repeated with the mistakes (loops among them are slow)
MISTAKE_STEPS = 2_000_000  # a looping mistake is stopped there, in the grader, where its steps are counted
MISTAKE_SECONDS = 1.0  # elsewhere past this CPU time: 04's slowest, 1.2 million steps, takes 0.09 s (0.7 s counted)
KEPT_RECORDS_CHARS = 32_000_000  # Live keeps the mistakes' records up to this size (JSON characters)
# Failures of a function that may be a helper's (a loop or a missing error are its own), and which kinds
# of a helper's failure each may come from: an error from the helper's error, values or returned type;
# wrong values from its error, values or a changed input; a warning or a changed input from the same.
PASSED_ON = ("values", "warnings", "modified")
INHERITED = {"error": ("error", "values", "type"), "values": ("error", "values", "modified"),
             "warnings": ("warnings",), "modified": ("modified",)}
LARGEST_SOURCE = 100_000  # characters of a cell read for the functions it defines (a larger one: unread)
# IPython's transform of a cell that is not Python takes time in its size times its magics (0.8 s for 10,000
# characters with 50 %-lines): only the first cells of a notebook, small ones with few magics, are read that way
TRANSFORMED_SOURCE, MOST_TRANSFORMED, MOST_MAGICS = 10_000, 20, 5
# Code that may bind names no reading sees: a cell magic or a line magic (their code is a string: %time
# runs it in the notebook's namespace, %run a file) but those that bind nothing, a star import
UNREAD = re.compile(r"run_cell_magic|run_line_magic\(\s*['\"](?!(?:timeit|matplotlib|precision|config|who|whos|pwd)"
                    r"['\"])|\bimport\s+\*")


class Mistake:
    def __init__(self, function, id, zh, en, why_zh, why_en, section, hint, samples, hidden_only=None, loops=False,
                 memory=False):
        self.function, self.id, self.zh, self.en = function, id, zh, en
        self.why_zh, self.why_en, self.section, self.hint = why_zh, why_en, str(section), int(hint)
        self.samples, self.hidden_only, self.loops = list(samples), hidden_only, bool(loops)
        self.memory = bool(memory)

    @property
    def key(self):
        return f"{self.function}.{self.id}"

    def public(self):
        """What a student's kernel may know of it: everything but the implementation (`memory` only when set,
        so the tables of assignments without such a mistake stay as they were)."""
        return {k: getattr(self, k) for k in ("function", "id", "zh", "en", "why_zh", "why_en", "section", "hint", "loops")
                } | ({"memory": True} if self.memory else {})


def catalogue(samples_folder):
    """The mistakes of one assignment, in the catalogue's order (samples/<assignment>/mistakes.toml)."""
    path = Path(samples_folder) / "mistakes.toml"
    if not path.exists():
        return []
    with open(path, "rb") as file:
        table = tomllib.load(file)
    return [Mistake(function, id, **entry) for function, entries in table.items() for id, entry in entries.items()]


# ---------------------------------------------------------------- matching
def _close(a, b, atol=1e-10, rtol=1e-7):
    """Two returned values are the same answer (both from trusted code or decoded plain data).
    With atol=0, tiny values count too: the way a mistake differs from the right answer may be there."""
    if type(a) in (tuple, list) or type(b) in (tuple, list):
        return (type(a) in (tuple, list) and type(b) in (tuple, list) and len(a) == len(b)
                and all(_close(x, y, atol, rtol) for x, y in zip(a, b)))
    if a is None or b is None:
        return a is None and b is None
    try:
        x, y = np.asarray(a), np.asarray(b)
        if x.dtype.kind not in "biuf" or y.dtype.kind not in "biuf":
            return False
        return x.shape == y.shape and bool(np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=True))
    except Exception:
        return False


_MISSING = object()


def _same_data(a, b):
    """Equal as plain data, containers' types included: (2, 3) is not [2, 3]."""
    if type(a) in (tuple, list) or type(b) in (tuple, list):
        return type(a) is type(b) and len(a) == len(b) and all(_same_data(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, np.integer)) and isinstance(b, (int, np.integer)):
        return int(a) == int(b)
    return type(a) is type(b) and _close(a, b)


def _type_of(value):
    if type(value) in (tuple, list):
        return (type(value).__name__, tuple(_type_of(v) for v in value))
    if isinstance(value, (np.ndarray, np.generic)):
        return (type(value).__name__, str(np.asarray(value).dtype))
    return (type(value).__name__,)


def _error_type(call):
    return call.error.split(":", 1)[0] if call.error else None


def matches(student, mistake, aspect, expected=None):
    """The mistake's call failed the way the student's did, in the aspect a check found wrong. Values:
    the same answer, and, given the failed check's `expected`, nearer the mistake's than the right one
    (a tiny right value and a mistake's 0 are alike to matching, not to a check with atol = 0)."""
    if aspect == "modified":
        return bool(mistake.modified) and set(mistake.modified) == set(student.modified)
    if aspect == "warnings":
        return any(w.startswith("RuntimeWarning") for w in mistake.warnings)
    if aspect == "vectorised":  # the mistake, too, runs past the limit on this input
        return mistake.steps is not None and mistake.steps > student.max_steps
    if aspect == "memory":  # both held more memory than allowed
        return None not in (student.peak_bytes, mistake.peak_bytes) and mistake.peak_bytes > student.max_bytes
    if aspect == "avoid":  # the first function to avoid that each reached is the same: the one the check names
        # (np.vectorize may go on to np.frompyfunc, or not if it has made its ufunc before)
        first = [[name for name in call.called if name in student.avoid][:1] for call in (student, mistake)]
        return bool(first[0]) and first[0] == first[1]
    if aspect == "message":  # the right error, but its message lacks the same language
        return _error_type(student) == _error_type(mistake) and \
            languages(mistake.error.split(":", 1)[-1]) == languages(student.error.split(":", 1)[-1])
    if student.error or mistake.error:
        return _error_type(student) == _error_type(mistake)
    if aspect == "type":
        return _type_of(student.value) == _type_of(mistake.value)
    return _close(student.value, mistake.value) and (expected is None or _nearer(student.value, mistake.value, expected))


def _over(call, max_steps):
    """Whether a call ran past `max_steps` Python steps (its counter stops one step past the limit)."""
    return call.steps is None or call.steps > max_steps


def _nearer(student, mistake, expected):
    """Whether the student's value (the part a check failed) is at least as near the mistake's as the right one."""
    student, mistake = expected.checked(student), expected.checked(mistake)
    if student is _MISSING or mistake is _MISSING:
        return True
    try:
        s, m, r = (np.asarray(v, dtype=float) for v in (student, mistake, expected.value))
        return _distance(s, m) <= _distance(s, r)
    except (ValueError, TypeError):  # not numbers, or shapes that do not broadcast: matching's answer stands
        return True


def _distance(a, b):
    """The largest difference between two arrays; equal values (infinities, NaN and NaN) differ by 0."""
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.abs(a - b)
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    return float(np.max(np.where(same, 0.0, np.where(np.isnan(d), np.inf, d)), initial=0.0))


# Names in a message (d_model, num_heads, W1) are not English: a Chinese-only message may hold them.
IDENTIFIER = re.compile(r"\w*[_\d]\w*", re.ASCII)
ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}(?:['’][A-Za-z]+)?[ ,;]+[A-Za-z]{2,}")  # isn't, doesn't: one word each


def languages(text):
    """(Chinese, English) in a message: a Chinese character; two English words in a row, names aside."""
    return bool(re.search(r"[\u4e00-\u9fff]", text)), bool(ENGLISH_WORDS.search(IDENTIFIER.sub(" ", text)))


def bilingual(text):
    return all(languages(text))


def _size(values):
    return sum(np.asarray(v).size if isinstance(v, (np.ndarray, list)) else 1 for v in values)


def exact_key(value):
    """A SHA-256 digest that equal values of the grader's own arguments share and others do not
    (arrays by dtype, byte order and fields included, shape, strides and bytes); None for a value of
    any other kind, or one that holds an array, list or dict twice or two views of one array (a
    mistake that changed one would change the other, which equal values apart do not)."""
    digest, owners = hashlib.sha256(), set()

    def feed(v):
        if type(v) is np.ndarray or isinstance(v, np.generic):
            if v.dtype.hasobject:
                return False
            if type(v) is np.ndarray:
                owner = v
                while isinstance(owner.base, np.ndarray):
                    owner = owner.base
                if id(owner) in owners:
                    return False
                owners.add(id(owner))
            digest.update(repr((type(v).__name__, repr(v.dtype), v.shape, v.strides)).encode())
            digest.update(v.tobytes("A"))  # as many bytes as the dtype and shape say
            return True
        if v is None or type(v) in (bool, int, float, complex, str, bytes):
            digest.update(repr((type(v).__name__, v)).encode())
            return True
        if type(v) in (tuple, list, dict):
            if type(v) is not tuple:
                if id(v) in owners:
                    return False
                owners.add(id(v))
            digest.update(repr((type(v).__name__, len(v))).encode())
            return all(feed(k) and feed(x) for k, x in v.items()) if type(v) is dict else all(map(feed, v))
        return False

    return digest.digest() if feed(value) else None


def digest(function, args, kwargs, max_steps=None, max_bytes=None, avoid=()):
    """A call's fingerprint, the same in the builder and in a student's kernel (values as float32)."""
    def plain(v):
        if isinstance(v, (np.ndarray, np.generic)) or type(v) in (int, float):
            array = np.asarray(v)
            if array.dtype.kind in "iuf":  # float32 hides last-bit differences between machines
                return ["array", array.dtype.kind, array.shape,
                        hashlib.sha256(array.astype(np.float32).tobytes()).hexdigest()]
            return ["array", array.dtype.kind, array.shape, array.ravel().tolist()]
        if type(v) in (tuple, list):
            return [type(v).__name__, [plain(x) for x in v]]
        if type(v) is dict:
            return ["dict", {k: plain(x) for k, x in sorted(v.items())}]
        return ["other", repr(v)]
    text = json.dumps([function, plain(list(args)), plain(dict(kwargs))] + ([max_steps] if max_steps else [])
                      + ([{"max_bytes": max_bytes}] if max_bytes is not None else [])
                      + ([{"avoid": list(avoid)}] if avoid else []), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


# ---------------------------------------------------------------- where mistakes' outputs come from
class Diagnoser:
    """Remembers this notebook's calls of each catalogued function and explains failing ones."""

    def __init__(self, mistakes):
        self.mistakes = mistakes  # key -> Mistake (or its public dict, as a Mistake)
        self.history = {}
        self.failed = {}  # function -> {kind of failure (INHERITED): how many sources had run when it failed}
        self.sources = ipython_sources  # the code run so far, in order (the grader sets its own)
        self.parsed = {}  # source -> what it binds (Code)

    def of(self, function, vectorised=False, memory=False):
        """The function's mistakes; for a vectorisation check (a call with max_steps) only those that
        loop, and, where it limits memory (max_bytes), those that hold too much (`memory`): the others are
        never run on its large input, where one may take seconds and gigabytes (np.dot on a batch of 4000
        builds a 4000 × 4000 batch of products)."""
        return [m for m in self.mistakes.values()
                if m.function == function and (not vectorised or m.loops or (memory and m.memory))]

    def remember(self, result):
        if self.of(result.function):
            # a vectorisation check's calls apart, and only the last few: their inputs are large
            calls = self.history.setdefault(result.function if result.max_steps is None else (result.function, "steps"), [])
            calls.append(result)
            del calls[:-(HISTORY if result.max_steps is None else VECTORISED_HISTORY)]

    def outcome(self, mistake, call):
        """The mistake's Call on the same arguments, or None when unknown."""
        raise NotImplementedError

    def failed_uses(self, function, kinds):
        """Says which of the student's functions that `function` uses, itself or through others, failed their
        own tests in one of these `kinds` and were not bound again since (only the first in a chain: a helper
        that fails through another is not named); "" if none, or if code run since could not be read."""
        since = {name: max(found[kind] for kind in kinds if kind in found)
                 for name, found in self.failed.items() if name != function and found.keys() & set(kinds)}
        if not since:
            return ""
        code = Code(self.sources(), self.parsed)
        failed = code.reached_from(function) & since.keys()
        first = sorted(name for name in failed if code.unchanged_since(name, since[name]) and not any(
            other in code.reached_from(name) and name not in code.reached_from(other) for other in failed))
        if not first:
            return ""
        names = [f"`{name}`" for name in first]
        listed = " and ".join(filter(None, (", ".join(names[:-1]), names[-1])))
        it_zh, its, it = ("它", "its", "it") if len(first) == 1 else ("它们", "their", "them")
        return (f"`{function}`用到了你的{'、'.join(names)}，而{it_zh}自己的测试在前面没有通过：请先改正{it_zh}。/ "
                f"`{function}` uses your {listed}, which failed {its} own tests above: fix {it} first.")

    def hint_pointer(self, function):
        if not self.of(function):
            return ""
        return f"卡住了？打开`{function}`下面的提示1。/ Stuck? Open hint 1 under `{function}`."

    def advice(self, result, aspect, expected=None):
        kind = ("error" if result.error else aspect) if aspect in PASSED_ON + ("type",) else None
        if kind is not None:
            self.failed.setdefault(result.function, {})[kind] = len(self.sources())
        inherited = self.failed_uses(result.function, INHERITED[kind]) if aspect in PASSED_ON else ""
        if not self.of(result.function):
            return inherited
        found = []
        for mistake in self.of(result.function, result.max_steps is not None, result.max_bytes is not None):
            theirs = self.outcome(mistake, result)
            if theirs is None or not matches(result, theirs, aspect, expected):
                continue
            if expected is not None and aspect == "values" and not theirs.error and expected.met_by(theirs.value):
                continue  # the mistake passes this very check: it cannot be what failed it
            found.append(mistake)
        if inherited and result.error:
            # The catalogue's mistakes run with the lesson's own helpers: an error that comes from the
            # student's helper shares its type with many mistakes, and names none of them.
            found = []
        if not found:
            return inherited or self.hint_pointer(result.function)
        cases = [c for c in self.history.get(result.function, []) if c is not result] + [result]
        checked = [c for c in self.history.get((result.function, "steps"), []) if c is not result] + [result]

        def agreeing(mistake):
            return sum(1 for c in cases if (o := self.outcome(mistake, c)) is not None and matches(c, o, "values"))

        def same_limits(mistake):  # a loop over the batch, not the elements, is past only the many sequences' limit
            return aspect == "vectorised" and sum(1 for c in checked if (o := self.outcome(mistake, c)) is not None
                                                  and _over(o, c.max_steps) == _over(c, c.max_steps))

        def exact(mistake):  # tiny values are all "close": the very same output is the better match
            theirs = self.outcome(mistake, result)
            return not (result.error or theirs.error) and _close(result.value, theirs.value, 0)

        def same_type(mistake):  # then the same type too: float16 [nan, 0] is not float64 [nan, 0]
            theirs = self.outcome(mistake, result)
            return not (result.error or theirs.error) and _type_of(result.value) == _type_of(theirs.value)
        # On a vectorisation check, the mistake past the limit on the same calls; then the one that agrees on
        # most of this notebook's calls (a loop with right values beats a missing return that also loops);
        # max keeps the catalogue's order on ties.
        ranks = {m.key: (same_limits(m), agreeing(m), exact(m), same_type(m)) for m in found}
        best = max(found, key=lambda m: ranks[m.key])
        return "\n".join(filter(None, (explain(best, ranks[best.key][1] if aspect == "values" else None, len(cases)),
                                        inherited)))


@dataclass(frozen=True)
class Expected:
    """What a failed value check wanted: the right value (of the result's item `part` when the result
    is a tuple) within the check's tolerance."""
    value: object
    part: int = None
    rtol: float = 1e-7
    atol: float = 0.0

    def checked(self, result):
        """The part of a whole returned value that the check compared (_MISSING: a tuple has no such part)."""
        if self.part is None:
            return result
        return result[self.part] if type(result) in (tuple, list) and len(result) > self.part else _MISSING

    def met_by(self, result):
        """Whether a whole returned value would have passed the check."""
        item = self.checked(result)
        return _close(None if item is _MISSING else item, self.value, self.atol, self.rtol)


MARK = "诊断 / diagnosis ["  # how the report finds a named mistake (course/report.py)


def inert(text):
    """Text the student's code chose (an error message, a returned string, a type's name) with the mark
    of a named mistake defused, so that it cannot plant a mistake in the class report."""
    return text.replace(MARK, MARK[:-1] + "［")


def explain(mistake, agreeing, total):
    where = f"§{mistake.section}"
    lines = [f"{MARK}{mistake.key}]:",
             f"  {mistake.zh}：{mistake.why_zh} → 见{where}；打开`{mistake.function}`下面的提示{mistake.hint}。",
             f"  {mistake.en}: {mistake.why_en} → see {where}; open hint {mistake.hint} under `{mistake.function}`."]
    if agreeing:
        lines.append(f"  （你的结果在{total}个情形中的{agreeing}个上与此错误相同 / "
                     f"your results equal this mistake's on {agreeing} of {total} cases）")
    return "\n".join(lines)


class Live(Diagnoser):
    """In the grader: the catalogue's implementations, run on copies of the failing call's arguments."""

    timed = True  # a plain call's mistakes stopped by CPU time, uncounted (see run)

    def __init__(self, source_folder, samples_folder):
        mistakes = catalogue(samples_folder)
        super().__init__({m.key: m for m in mistakes})
        self.source, self.samples = Path(source_folder), Path(samples_folder)
        self._namespaces, self._outcomes, self._arguments = {}, {}, {}
        self._records, self._records_chars = {}, 0

    def namespace(self, mistake):
        """What the mistake's implementation defines, beside the source's own functions."""
        if mistake.key not in self._namespaces:
            namespace = dict(given_namespace(self.source))
            exec(compile((self.samples / mistake.function / mistake.samples[0]).read_text(), mistake.samples[0],
                         "exec"), namespace)
            self._namespaces[mistake.key] = namespace
        return self._namespaces[mistake.key]

    def implementation(self, mistake):
        return self.namespace(mistake)[mistake.function]

    def advice(self, result, aspect, expected=None):
        try:
            return super().advice(result, aspect, expected)
        finally:  # hashed anew next time (a test may change an argument since), and no call is kept
            self._arguments = {}

    def advice_for_variable(self, name, got, expected):
        """For an exercise answered with variables (04's predicted shapes): the mistake whose
        implementation sets `name` to what the student's did."""
        for mistake in self.mistakes.values():
            if mistake.function in given_namespace(self.source):
                continue  # a function's mistake, not a variable's
            value = self.namespace(mistake).get(name, _MISSING)
            if value is not _MISSING and _same_data(value, got) and not _same_data(value, expected):
                return explain(mistake, None, 1)
        return ""

    def outcome(self, mistake, call):
        if call.max_steps is None and _size(list(call.args) + list(call.kwargs.values())) > LARGE:
            return None  # a vectorisation check's large input is fine: the limit stops a loop early
        key = (mistake.key, id(call))
        cached = self._outcomes.get(key)
        if cached is None or cached[0] is not call:  # the call is kept: a gone call's id may be reused
            cached = self._outcomes[key] = (call, Call.from_record(call.label, self.record(mistake, call)))
        return cached[1]

    def record(self, mistake, call):
        """The mistake's record on the call's arguments, kept between notebooks: every notebook's tests
        make the same calls, and a catalogued implementation is a function of its arguments alone
        (tests/test_mistakes.py). Kept up to KEPT_RECORDS_CHARS, then started afresh."""
        kept = self._arguments.get(id(call))
        if kept is None or kept[0] is not call:  # hashed once per advice for all the function's mistakes
            kept = self._arguments[id(call)] = (call, exact_key([call.args, call.kwargs, call.max_steps, call.max_bytes,
                                                                 list(call.avoid)]))
        arguments = kept[1]
        if arguments is None:
            return self.run(mistake, call)
        key = (mistake.key, arguments)
        if key in self._records:
            return self._records[key]
        record = self.run(mistake, call)
        if str(record.get("error")).startswith(("MemoryError", "RecursionError")) or record.get("cpu_stopped"):
            return record  # the grader's state at the time (one large notebook, a busy moment), not the arguments'
        chars = len(json.dumps(record))
        if self._records_chars + chars > KEPT_RECORDS_CHARS:
            self._records, self._records_chars = {}, 0
        self._records[key], self._records_chars = record, self._records_chars + chars
        return record

    def run(self, mistake, call):
        """The mistake's record on copies of the call's arguments (a mistake may change them)."""
        args, kwargs = copy.deepcopy((call.args, call.kwargs))
        # steps are counted where they are read, where no timer can stop a loop (off the main thread), and for
        # a table the build writes (whose outputs must not depend on the machine): counting makes a loop
        # several times slower
        timed = self.timed and call.max_steps is None and threading.current_thread() is threading.main_thread()
        record = invoke(self.implementation(mistake), args, kwargs,
                        max_steps=None if timed else call.max_steps or MISTAKE_STEPS,
                        max_cpu=MISTAKE_SECONDS if timed else None,
                        count_bytes=call.max_bytes is not None, watch=call.avoid)
        if call.max_steps is None:
            record.pop("steps", None)
        else:  # only the counts matter, and the value may be large
            record = {"steps": record.get("steps"), "error": None, "warnings": [], "modified": [],
                      **{key: record[key] for key in ("peak_bytes", "called") if key in record}}
        return record


class Table(Diagnoser):
    """In a student's kernel: the mistakes' outputs on the visible checks' inputs (mistakes.json)."""

    def __init__(self, table):
        # the catalogue's order; a table built before `loops` existed holds every mistake's outputs
        mistakes = [Mistake(**{"loops": True, **info}, samples=[]) for info in table["mistakes"]]
        super().__init__({m.key: m for m in mistakes})
        self.calls = table["calls"]

    def outcome(self, mistake, call):
        record = self.calls.get(digest(call.function, call.args, call.kwargs, call.max_steps, call.max_bytes,
                                       call.avoid), {}).get(mistake.key)
        return None if record is None else Call.from_record(call.label, record)


def for_grading(source_folder, samples_folder, _cache={}):
    """The grader's Live diagnoser for one assignment, its implementations kept between notebooks
    and its memory of calls fresh for each."""
    key = (str(source_folder), str(samples_folder))
    if key not in _cache:
        _cache[key] = Live(source_folder, samples_folder)
    live = _cache[key]
    live.history, live._outcomes, live.failed, live.parsed = {}, {}, {}, {}
    return live


class Code:
    """What code run in order (`sources`) binds at its top level, read and never run: the last source
    that bound each name, and for a name a function holds, the module's names that it (or a function
    inside it) reads. A source is read as IPython runs it (%magic lines as calls); one with a syntax error
    ran nothing; one that cannot be read may have bound anything: UNREAD code (a cell magic: in IPython's
    history `run_cell_magic` with the code as a string), over LARGEST_SOURCE characters, or not Python and
    over TRANSFORMED_SOURCE, with over MOST_MAGICS magics, or past the first MOST_TRANSFORMED such cells.
    `parsed`: a dict keeping each source's reading for the next time (and under the key TRANSFORMS, how
    many were read through IPython)."""

    def __init__(self, sources, parsed):
        self.bound, self.uses, self.unread = {}, {}, []
        for index, source in enumerate(sources):
            if source not in parsed:
                parsed[source] = _read(source)
                if parsed[source] is NOT_PYTHON:  # read as IPython runs it, within bounds
                    transformed = parsed.get(TRANSFORMS, 0)
                    if len(source) > TRANSFORMED_SOURCE or transformed >= MOST_TRANSFORMED:
                        parsed[source] = None
                    else:
                        parsed[TRANSFORMS] = transformed + 1
                        as_run = _as_ipython_runs(source)
                        parsed[source] = None if as_run is None else _read(as_run, as_run=True)
            if parsed[source] is None:
                self.unread.append(index)
                continue
            functions, names = parsed[source]
            for name in names:
                self.bound[name], self.uses[name] = index, functions.get(name, set())

    def reached_from(self, name):
        """The names the function `name` uses, itself or through the functions it uses."""
        reached, todo = set(), [name]
        while todo:
            for used in self.uses.get(todo.pop(), ()):
                if used in self.uses and used not in reached:
                    reached.add(used)
                    todo.append(used)
        return reached

    def unchanged_since(self, name, count):
        """Whether `name` was last bound by one of the first `count` sources, and every later one was read."""
        return self.bound.get(name, count) < count and all(index < count for index in self.unread)


TRANSFORMS = ("transformed",)  # Code's count in `parsed` (a key no source can be)
NOT_PYTHON = "not Python"


def _read(source, as_run=False):
    """({function: the module's names it reads}, the names bound at the top level), None if unread, or
    NOT_PYTHON for code that is not Python (to be read as IPython runs it; `as_run`: it is already)."""
    if len(source) > LARGEST_SOURCE or UNREAD.search(source):
        return None
    try:
        module = symtable.symtable(source, "<cell>", "exec")
    except (SyntaxError, ValueError):  # Python compiles a cell before running any of it: then it ran nothing
        return ({}, set()) if as_run else NOT_PYTHON
    except (RecursionError, MemoryError):
        return None
    functions = {table.get_name(): _names_read(table) for table in module.get_children()
                 if table.get_type() == "function" and table.get_name() != "lambda"}
    return functions, {s.get_name() for s in module.get_symbols() if s.is_assigned() or s.is_imported()} | \
        _globals_assigned(module)


def _as_ipython_runs(source):
    """A cell as IPython runs it (a %magic or !command is a call); as it is if IPython cannot say (then it
    did not run either); None if it has over MOST_MAGICS magics (each is one more pass over the cell)."""
    from IPython.core.inputtransformer2 import TransformerManager  # 0.07 s: only for such a cell

    class Bounded(TransformerManager):
        def do_token_transforms(self, lines):  # IPython's, with MOST_MAGICS passes instead of 500
            for _ in range(MOST_MAGICS + 1):
                changed, lines = self.do_one_token_transform(lines)
                if not changed:
                    return lines
            raise OverflowError
    try:
        return Bounded().transform_cell(source)
    except OverflowError:
        return None
    except Exception:  # noqa: BLE001
        return source


def _globals_assigned(table):
    """The module's names that functions within `table` assign (after `global name`)."""
    names = set()
    for child in table.get_children():
        names |= {s.get_name() for s in child.get_symbols() if s.is_declared_global() and s.is_assigned()}
        names |= _globals_assigned(child)
    return names


def _names_read(table):
    """The module's names a function's code reads, its nested functions' included (not its own locals)."""
    names = {s.get_name() for s in table.get_symbols() if s.is_global() and s.is_referenced()}
    for child in table.get_children():
        names |= _names_read(child)
    return names


def ipython_sources():
    """The cells this IPython has run, in order (a student's kernel); none outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return []
    shell = get_ipython()
    return list(shell.history_manager.input_hist_parsed) if shell is not None else []


def given_namespace(source_folder, _cache={}):
    """The functions an assignment's source notebooks define (solutions and given cells, no lesson
    demos run): what a catalogued wrong implementation may call, as a student's would."""
    import nbformat  # here, not above: every kernel imports this module, and nbformat's validator costs 0.8 s

    source_folder = Path(source_folder).resolve()
    if source_folder not in _cache:
        namespace, solutions = {"__name__": "given"}, []
        for path in sorted(source_folder.glob("*.ipynb")):
            for cell in nbformat.read(path, as_version=4).cells:
                meta = cell.metadata.get("nbgrader", {})
                if cell.cell_type != "code":
                    continue
                if meta.get("solution"):
                    solutions.append(cell.source)  # last, so that no lesson cell's def replaces them
                elif not meta.get("grade"):
                    _run_definitions(cell.source, namespace)
        for source in solutions:
            _run_definitions(source, namespace)
        _cache[source_folder] = namespace
    return _cache[source_folder]


def _run_definitions(source, namespace):
    """Run a cell's imports and definitions only (no demo, no plot)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    kept = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom))
            and not any(name.startswith(("matplotlib", "ipywidgets", "IPython")) for name in _imported(node))]
    try:
        exec(compile(ast.Module(body=kept, type_ignores=[]), "<given>", "exec"), namespace)
    except Exception:  # an import this process lacks: the definitions that need it are not needed here
        pass


def _imported(node):
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    return []


# ---------------------------------------------------------------- the one in use
_UNSET = object()
_diagnoser = _UNSET


def use(diagnoser):
    """Set where mistakes' outputs come from (the grader sets a Live one per notebook)."""
    global _diagnoser
    _diagnoser = diagnoser


def _current():
    global _diagnoser
    if _diagnoser is _UNSET:  # a student's kernel: the table beside the notebook, if any
        try:
            _diagnoser = Table(json.loads(Path(TABLE).read_text(encoding="utf-8")))
        except Exception:
            _diagnoser = None
    return _diagnoser


def remember(result):
    diagnoser = _current()
    if diagnoser is not None and result.function:
        diagnoser.remember(result)


def advice_for_variable(name, got, expected):
    diagnoser = _current()
    if not isinstance(diagnoser, Live):
        return ""
    try:
        return diagnoser.advice_for_variable(name, got, expected)
    except Exception:  # a diagnosis must never turn a failing check into a crash
        return ""


def advice(result, aspect, expected=None):
    diagnoser = _current()
    if diagnoser is None or not result.function:
        return ""
    try:
        return diagnoser.advice(result, aspect, expected)
    except Exception:  # a diagnosis must never turn a failing check into a crash
        return diagnoser.hint_pointer(result.function)


# ---------------------------------------------------------------- the table, built by `course build`
class Recorder(Live):
    """Runs the visible checks with the source's solutions and keeps what each mistake gives on
    every call they make (course build)."""

    timed = False

    def __init__(self, source_folder, samples_folder):
        super().__init__(source_folder, samples_folder)
        self.calls = {}

    def remember(self, result):
        for mistake in self.of(result.function, result.max_steps is not None, result.max_bytes is not None):
            if not mistake.hidden_only:
                call = digest(result.function, result.args, result.kwargs, result.max_steps, result.max_bytes,
                              result.avoid)
                self.calls.setdefault(call, {})[mistake.key] = self.run(mistake, result)

    def table(self):
        return {"mistakes": [m.public() for m in self.mistakes.values()], "calls": self.calls}


def build_table(source_folder, samples_folder, release_folder, previous=None):
    """Write release/<assignment>/mistakes.json from the release notebooks' visible test cells;
    `previous`, the text of the table before, is kept when it holds the same outputs (same_table)."""
    recorder = Recorder(source_folder, samples_folder)
    if not recorder.mistakes:
        return None
    use(recorder)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the checks' "passed" lines
            _run_visible_checks(source_folder, release_folder)
    finally:
        use(_UNSET)
    target = Path(release_folder) / TABLE
    table = recorder.table()
    try:
        kept = previous is not None and same_table(json.loads(previous), table)
    except ValueError:  # not JSON (edited by hand): rewritten
        kept = False
    target.write_text(previous if kept else json.dumps(table, ensure_ascii=False, sort_keys=True) + "\n",
                      encoding="utf-8")
    return target


def same_table(a, b):
    """Two tables (parsed mistakes.json) hold the same outputs. Floating-point values may differ in
    their last bits, as NumPy's exp, log and matrix products do between CPUs (SIMD paths): a rebuild
    on another machine keeps the committed table, and release/ still matches source/."""
    if type(a) is not type(b):
        return False
    if type(a) is list:
        return len(a) == len(b) and all(map(same_table, a, b))
    if type(a) is not dict:
        return a == b
    if a.keys() != b.keys():
        return False
    if "peak_bytes" in a:
        return near_bytes(a["peak_bytes"], b["peak_bytes"]) and all(same_table(a[k], b[k]) for k in a if k != "peak_bytes")
    if "b64" in a:  # an array (wire.encode): the same dtype, shape and order
        x, y = decode(a), decode(b)
        return (all(a[k] == b[k] for k in a if k != "b64")
                and (_agree(x, y) if x.dtype.kind in "fc" else np.array_equal(x, y)))
    if a.get("kind") == "float" == b.get("kind"):
        return _agree(np.float64(a["value"]), np.float64(b["value"]))
    return all(same_table(a[k], b[k]) for k in a)


def near_bytes(x, y):
    """Two peak memories of one call (wire.PeakBytes): tracemalloc's count differs by a few hundred bytes
    from one run to another."""
    return x == y or (type(x) is int and type(y) is int and abs(x - y) <= max(4096, 0.05 * max(x, y)))


def _agree(x, y):
    """Equal to 1e-12 of the arrays' largest finite value: rounding noise where the exact value is 0
    (-5.6e-17 in a Jacobian of size 0.3, say) changes entirely with one last bit. An array of noise
    alone (lstsq's residual of an exact fit: 2.0e-31 on one CPU, 1.2e-31 on another) has no scale of
    its own; below 1e-20 values are noise, ten orders under the 1e-10 at which a mistake is matched."""
    scale = max(np.abs(np.where(np.isfinite(v), v, 0)).max(initial=0.0) for v in (x, y))
    return bool(np.allclose(x, y, rtol=1e-12, atol=max(1e-12 * scale, 1e-20), equal_nan=True))


def _run_visible_checks(source_folder, release_folder):
    import nbformat

    from .preprocessors import is_test_cell
    for path in sorted(Path(release_folder).glob("*.ipynb")):
        namespace = dict(given_namespace(source_folder))
        for cell in nbformat.read(path, as_version=4).cells:
            if is_test_cell(cell):
                try:
                    exec(compile(cell.source, f"<{path.name}>", "exec"), namespace)
                except Exception:  # e.g. it reads a lesson variable: the calls made so far are kept
                    pass
