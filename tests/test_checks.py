"""The check helpers: clear bilingual reports, and no crash on whatever a student returns."""
import numpy as np
import pytest

from course.checks import (CheckFailure, Score, call, count_steps, expect_close, expect_equal, expect_error,
                           expect_type, expect_unmodified, expect_vectorised, fetch, partial_credit)
from course.wire import decode, encode


def failure(fn, expected, *args, **kwargs):
    with pytest.raises(CheckFailure) as info:
        expect_close(call(fn, *args), expected, **kwargs)
    return str(info.value)


@pytest.mark.parametrize("returned", [None, [0.5, 0.5], (np.zeros(2),), 0.5, "0.5", {"a": 1}, object(),
                                      np.float32([0.5, 0.5]), 0.5 + 0j])
def test_odd_return_values_fail_the_type_check_cleanly(returned):
    with pytest.raises(CheckFailure, match="numpy.ndarray of dtype float64"):
        expect_type(call(lambda x: returned, np.zeros(2)), "array")


@pytest.mark.parametrize("returned", [None, (np.zeros(2),), 0.5, "0.5", {"a": 1}, object()])
def test_values_that_are_not_the_answer_fail_the_value_check_cleanly(returned):
    failure(lambda x: returned, np.array([0.5, 0.5]), np.zeros(2))


def test_value_checks_judge_values_not_containers():
    """One mistake, one lost aspect: the type has its own cell (expect_type)."""
    expect_close(call(lambda x: [0.5, 0.25], np.zeros(2)), [0.5, 0.25])
    expect_close(call(lambda z: 0.5, 0.0), 0.5)
    expect_close(call(lambda x: np.array([1, 2]), 0), [1.0, 2.0])


def test_missing_return_gets_a_hint():
    assert "return" in failure(lambda x: None, np.ones(2), np.zeros(2))


def test_tuple_of_wrong_length_is_reported():
    message = failure(lambda q: (np.ones(2),), (np.ones(2), np.ones(2)), np.zeros(2))
    assert "tuple of 2" in message and "长度1" in message


def test_shape_mismatch_names_both_shapes():
    message = failure(lambda x: np.ones((3, 2)), np.ones((2, 3)), np.zeros(1))
    assert "(2, 3)" in message and "(3, 2)" in message and "形状" in message


def test_wrong_values_report_max_errors_and_where():
    expected = np.arange(12.0).reshape(3, 4)
    got = expected.copy()
    got[2, 1] += 0.5
    message = failure(lambda x: got, expected, np.zeros(1))
    assert "index (2, 1)" in message and "max rel error" in message and "最大绝对误差" in message


def test_nan_is_reported_with_its_index():
    message = failure(lambda x: np.array([0.1, np.nan]), np.array([0.1, 0.9]), np.zeros(1))
    assert "NaN" in message and "(1,)" in message


def test_integer_dtype_is_reported_by_the_type_check():
    with pytest.raises(CheckFailure, match="int64"):
        expect_type(call(lambda x: np.array([0, 1]), np.zeros(1)), "array")


def test_modified_input_is_reported_by_its_own_check_only():
    def in_place(x):
        x -= x.max()
        return x
    result = call(in_place, np.array([1.0, 2.0]))
    expect_close(result, [-1.0, 0.0])
    with pytest.raises(CheckFailure, match="in place"):
        expect_unmodified(result)
    expect_unmodified(call(lambda x: x - x.max(), np.array([1.0, 2.0])))


def test_runtime_warning_is_reported_even_if_the_notebook_silenced_numpy():
    def overflowing(x):
        return np.exp(x) / np.exp(x)
    np.seterr(all="ignore")  # silenced at the top of the notebook: the check still hears it
    try:
        assert "RuntimeWarning" in failure(overflowing, np.array([1.0]), np.array([1000.0]))
    finally:
        np.seterr(all="warn", under="ignore")


def test_other_warnings_do_not_fail_a_correct_answer():
    import warnings

    def chatty(x):
        warnings.warn("this API will change", DeprecationWarning)
        return np.asarray(x, dtype=float) * 2
    expect_close(call(chatty, [1.0, 2.0]), np.array([2.0, 4.0]))


def test_exception_is_reported_not_raised():
    message = failure(lambda x: 1 / 0, np.ones(1), np.zeros(1))
    assert "ZeroDivisionError" in message


def test_base_exceptions_from_student_code_are_caught():
    def leave(x):
        raise SystemExit(3)
    assert "SystemExit" in failure(leave, np.ones(1), np.zeros(1))


def test_object_equal_to_everything_earns_nothing():
    class Always:
        shape = (2,)
        def __eq__(self, other):
            return True
    assert "Always" in failure(lambda x: Always(), np.ones(2), np.zeros(2))


def test_ndarray_subclass_is_not_taken_for_an_array():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return np.ones(np.shape(other), bool)
    assert "Liar" in failure(lambda x: np.zeros(2).view(Liar), np.ones(2), np.zeros(2))


def test_patched_numpy_does_not_change_the_verdict(monkeypatch):
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(np, "abs", lambda x: np.zeros_like(x))
    monkeypatch.setattr(np.testing, "assert_allclose", lambda *a, **k: None)
    assert "wrong values" in failure(lambda x: np.zeros(2), np.ones(2), np.zeros(2))


def test_type_kinds():
    expect_type(call(lambda z: np.float64(0.5), 0.0), "scalar")
    expect_type(call(lambda z: np.array(0.5), 0.0), "scalar")
    for wrong in (0.5, np.array([0.5]), np.float32(0.5)):
        with pytest.raises(CheckFailure, match="NumPy float64 scalar"):
            expect_type(call(lambda z: wrong, 0.0), "scalar")
    for loss in (0.5, np.float64(0.5), np.float32(0.5), np.array(0.5)):
        expect_type(call(lambda: loss), "float")
    with pytest.raises(CheckFailure, match="a float"):
        expect_type(call(lambda: np.array([0.5])), "float")
    expect_type(call(lambda: np.ones(2, bool)), "bool array")
    with pytest.raises(CheckFailure, match="dtype bool"):
        expect_type(call(lambda: np.ones(2)), "bool array")
    expect_type(call(lambda: (np.ones(2), np.zeros(3))), ("array", "array"))
    with pytest.raises(CheckFailure, match=r"\[1\] should return a numpy.ndarray"):
        expect_type(call(lambda: (np.ones(2), [0.0])), ("array", "array"))
    with pytest.raises(CheckFailure, match="tuple of 2 items"):
        expect_type(call(lambda: np.ones(2)), ("array", "array"))


def test_vectorised_answers_pass_and_per_element_loops_fail_fast():
    import math
    import time
    z = np.linspace(-5, 5, 200_000)

    def vectorised(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    def loop(z):
        return np.array([1 / (1 + math.exp(-v)) for v in z])
    steps = count_steps(vectorised, z)
    assert 0 < steps < 20
    assert expect_vectorised(vectorised, z, max_steps=50 * steps).steps == steps
    started = time.process_time()
    for slow in (loop, np.vectorize(lambda v: 1 / (1 + math.exp(-v)))):
        with pytest.raises(CheckFailure, match="more than 1000 Python steps"):
            expect_vectorised(slow, z, max_steps=1000)
    assert time.process_time() - started < 5, "the count stops a loop early"


def test_a_loop_that_catches_the_stop_still_fails():
    def stubborn(z):
        out = []
        for v in z:
            try:
                out.append(v * 2)
            except BaseException:
                pass
        return np.array(out)
    with pytest.raises(CheckFailure, match="more than 100 Python steps"):
        expect_vectorised(stubborn, np.ones(10_000), max_steps=100)


PRINTS_IN_A_KERNEL = """
import sys
import numpy as np
from course.checks import count_steps

def quiet(x):
    return x * 2

def chatty(x):
    print("debug", x.shape)
    print("debug", x.size)
    print("debug", file=sys.stderr)
    return x * 2

print([count_steps(fn, np.ones(3)) for fn in (quiet, chatty)])
"""


def test_printing_in_a_kernel_is_not_counted_as_a_loop():
    """In Jupyter one print() takes about 240 steps in ipykernel's Python: three debug prints would
    have failed a limit of 600 steps. Only the three lines of the prints count."""
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell(PRINTS_IN_A_KERNEL)])
    NotebookClient(nb, kernel_name="python3", timeout=60).execute()
    quiet, chatty = eval(next(o.text for o in nb.cells[0].outputs if o.get("name") == "stdout").splitlines()[-1])
    assert chatty == quiet + 3, (quiet, chatty)


def test_messages_read_well():
    message = failure(lambda x: x * 0 + 1.5, np.full(9, 2.0), np.zeros(9))
    assert "an array of shape (9,)" in message and "形状为(9,)的数组" in message and "array(9" not in message
    assert "np.float64" not in message and "got 1.5," in message and "expected 2.0" in message
    zero = failure(lambda x: np.ones(2), np.zeros(2), np.zeros(2))
    assert "rel error" not in zero and "expected 0.0" in zero
    assert "keepdims" not in failure(lambda z: np.full(2, np.nan), np.ones(2), np.zeros(2))


def test_a_failing_check_shows_the_cell_and_the_message_only():
    try:
        expect_close(call(lambda x: np.zeros(2), np.zeros(2)), np.ones(2))  # the "cell"
    except CheckFailure as failure_:
        shown = "\n".join(failure_._render_traceback_())
    assert "cell, line" in shown and "np.zeros(2)" in shown and "wrong values" in shown and "checks.py" not in shown


def test_expect_error_and_expect_equal():
    def strict(n):
        raise ValueError("不能整除 / not divisible")
    expect_error(call(strict, 3), "ValueError", "not divisible")

    def english_only(n):
        raise ValueError("not divisible")
    with pytest.raises(CheckFailure, match="in Chinese and in English"):
        expect_error(call(english_only, 3), "ValueError", "not divisible")
    for message in ("d_model=5不是偶数 / d_model=5 isn't even", "不能整除 / num_heads=4 doesn’t divide d_model=10"):
        expect_error(call(lambda n, message=message: exec("raise ValueError(message)"), 3), "ValueError", "odd")
    for message in ("d_model必须是偶数，实际为5", "mask的维数多于X", "num_heads=4不能整除d_model=10"):  # names, one word
        with pytest.raises(CheckFailure, match="in Chinese and in English"):
            expect_error(call(lambda n, message=message: exec("raise ValueError(message)"), 3), "ValueError", "odd")
    with pytest.raises(CheckFailure) as info:
        expect_error(call(lambda n: n, 3), "ValueError", ("不能整除", "not divisible"))
    zh, en = str(info.value).splitlines()[:2]  # a pair: each language's half says why in its own words
    assert zh.endswith("ValueError（不能整除）。") and en.endswith("should raise ValueError (not divisible)."), info.value
    expect_equal(fetch((2, 3)), (2, 3), "shape")
    with pytest.raises(CheckFailure, match=r"expected \(2, 3\), got \[2, 3\]"):
        expect_equal(fetch([2, 3]), (2, 3), "shape")
    with pytest.raises(CheckFailure) as info:  # where the expected value is the answer itself
        expect_equal(fetch((3, 2)), (2, 3), "shape", reveal=False)
    assert "(3, 2)" in str(info.value) and "(2, 3)" not in str(info.value), info.value


def test_partial_credit_is_a_plain_float_share_of_the_points(capsys):
    def bad():
        expect_close(call(lambda: np.zeros(1)), np.ones(1))
    score = partial_credit([lambda: None, bad, lambda: None, lambda: None], points=2)
    assert isinstance(score, Score) and repr(score) == "1.5"
    assert "3/4" in capsys.readouterr().out


def test_failure_messages_are_capped():
    with pytest.raises(CheckFailure) as info:
        expect_equal(fetch(list(range(9000))), (2, 3), "shape")  # a repr of 45,000 characters
    assert len(str(info.value)) < 5000


def test_dicts_of_arrays_are_encoded_and_changes_inside_them_are_seen():
    params = {"W": np.arange(6.0).reshape(2, 3), "b": np.zeros(3)}
    back = decode(encode(params))
    assert back.keys() == params.keys() and np.array_equal(back["W"], params["W"])

    def changes_b(x, p):
        p["b"] += 1
        return x
    with pytest.raises(CheckFailure, match="in place"):
        expect_unmodified(call(changes_b, np.ones(2), params))
    expect_close(call(lambda x, p: x @ p["W"] + p["b"], np.ones(2), params), [4.0, 6.0, 8.0])  # b is now 1
