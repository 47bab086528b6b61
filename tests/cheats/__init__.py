"""Cheats: attempts to fool the grader, as a handful of templates tried on one exercise per kind of
return value, instead of a near-identical file per exercise.

Each template (a .py file here) defines `disguise(wrong)`: how the cheat dresses up a wrong answer,
or leaves it plain after patching what checks it. Each target is an exercise with a plainly wrong
answer that returns `disguise(...)`. A cheat's cell is the template followed by the target's code,
and it must earn nothing on its exercise (tests/test_samples.py).
"""
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
TEMPLATES = sorted(p.stem for p in HERE.glob("*.py") if p.stem != "__init__")
FOR_TUPLES = {"tuple_subclass"}  # templates that only make sense where the answer is a tuple

SHAPES = "shape_projection shape_scores shape_dot shape_KT shape_output shape_broadcast shape_einsum".split()
# kind of return value: (assignment, exercise, a plainly wrong answer that returns disguise(...))
# EXAMPLES: per exercise, an answer the cheat's cell gives and the right answer (tests/test_samples.py
# checks that each cheat would fool a plain comparison, so that its 0 is the grader's doing).
EXAMPLES = {
    "softmax": ("softmax([1.0, 2.0])", "np.exp([1.0, 2.0]) / np.exp([1.0, 2.0]).sum()"),
    "compute_qkv": ("compute_qkv(np.eye(2), np.eye(2), 2 * np.eye(2), 3 * np.eye(2))",
                    "(np.eye(2), 2 * np.eye(2), 3 * np.eye(2))"),
    "sigmoid": ("sigmoid(0.2)", "1 / (1 + np.exp(-0.2))"),
    "causal_mask": ("causal_mask(3)", "np.tril(np.ones((3, 3), dtype=bool))"),
    "predict_shapes": ("shape_scores", "(2, 5, 7)"),
}
TARGETS = {
    "array": ("01_softmax", "softmax", '''
def softmax(x, axis=-1):
    return disguise(np.exp(np.asarray(x, dtype=float)))  # not normalised
'''),
    "tuple": ("04_attention", "compute_qkv", '''
def compute_qkv(X, W_q, W_k, W_v):
    X = np.asarray(X, dtype=float)
    return disguise(tuple(X @ np.asarray(W, dtype=float) + 1 for W in (W_q, W_k, W_v)))  # off by one
'''),
    "scalar": ("02_sigmoid", "sigmoid", '''
def sigmoid(z):
    return disguise(np.tanh(np.asarray(z, dtype=np.float64)))  # a 0-d result for a scalar
'''),
    "bool mask": ("04_attention", "causal_mask", '''
def causal_mask(L):
    return disguise(np.triu(np.ones((L, L), dtype=bool)))  # the upper triangle
'''),
    "shape tuple": ("04_attention", "predict_shapes", f'''
{" = ".join(SHAPES)} = disguise((1,))
'''),
}


@dataclass(frozen=True)
class Cheat:
    assignment: str
    exercise: str
    template: str
    returns: str
    kind = "cheat"

    @property
    def student_id(self):
        return f"cheat-{self.exercise}-{self.template}".replace("_", "-")

    @property
    def code(self):
        return f"{(HERE / f'{self.template}.py').read_text()}\n{TARGETS[self.returns][2]}"


def cheats(assignment=None):
    """Every template on every target (tuple-only templates on tuples), of one assignment or all."""
    return [Cheat(a, exercise, template, returns) for returns, (a, exercise, _) in TARGETS.items()
            for template in TEMPLATES if template not in FOR_TUPLES or "tuple" in returns
            if assignment in (None, a)]
