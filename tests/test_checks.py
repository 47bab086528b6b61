"""The check helpers: clear bilingual reports, and no crash on whatever a student returns."""
import numpy as np
import pytest

from course.checks import CheckFailure, Score, call, expect_close, expect_equal, expect_error, fetch, partial_credit
from course.wire import decode, encode


def failure(fn, expected, *args, **kwargs):
    with pytest.raises(CheckFailure) as info:
        expect_close(call(fn, *args), expected, **kwargs)
    return str(info.value)


@pytest.mark.parametrize("returned", [None, [0.5, 0.5], (np.zeros(2),), 0.5, "0.5", {"a": 1}, object()])
def test_odd_return_values_fail_cleanly(returned):
    message = failure(lambda x: returned, np.array([0.5, 0.5]), np.zeros(2))
    assert "numpy.ndarray" in message


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


def test_integer_dtype_is_reported():
    assert "dtype" in failure(lambda x: np.array([0, 1]), np.array([0.0, 1.0]), np.zeros(1))


def test_modified_input_is_reported():
    def in_place(x):
        x -= x.max()
        return x
    assert "in place" in failure(in_place, np.array([-1.0, 0.0]), np.array([1.0, 2.0]))


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


def test_scalar_mode_accepts_numpy_scalars_only():
    expect_close(call(lambda z: np.float64(0.5), 0.0), np.float64(0.5), scalar=True)
    with pytest.raises(CheckFailure, match="NumPy scalar"):
        expect_close(call(lambda z: 0.5, 0.0), np.float64(0.5), scalar=True)
    with pytest.raises(CheckFailure, match="NumPy scalar"):
        expect_close(call(lambda z: np.array([0.5]), 0.0), np.float64(0.5), scalar=True)


def test_expect_error_and_expect_equal():
    def strict(n):
        raise ValueError("不能整除 / not divisible")
    expect_error(call(strict, 3), "ValueError", "not divisible")
    with pytest.raises(CheckFailure):
        expect_error(call(lambda n: n, 3), "ValueError", "not divisible")
    expect_equal(fetch((2, 3)), (2, 3), "shape")
    with pytest.raises(CheckFailure):
        expect_equal(fetch([2, 3]), (2, 3), "shape")


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
    assert "in place" in failure(changes_b, np.ones(2), np.ones(2), params)
    expect_close(call(lambda x, p: x @ p["W"] + p["b"], np.ones(2), params), [4.0, 6.0, 8.0])  # b is now 1
