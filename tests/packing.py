"""Several samples in one graded submission, so that the corpus grades in a fraction of the kernels.

A sample replaces one exercise's solution cell and leaves the rest of the source as it is; its
score is that of its exercise's test cells. Samples of different exercises can share a submission
when they cannot see each other: no sample reaches another's exercise (its own code or its
exercise's test cells name it, directly or through an exercise left as in the source), and no
sample binds a top-level name that anything else in the notebook binds, its own answer apart. A
sample that does not fit, or loops in Python (slow: the notebook's call budget is shared), goes
alone. Cheats, the source and the release are always graded alone.
"""
import ast
import re

from course import exercise_of, grade_id
from course.sample_class import solution_ids, with_answer

SHARED = {"np", "math"}  # `import numpy as np` and `import math` bind what the notebook binds
LOOPS = {"vectorize", "apply_along_axis", "frompyfunc"}


def bound_names(code):
    """Top-level names a cell binds (defs, classes, imports, assignments); None if the cell must be
    graded alone: it does not parse, runs something at import time, or loops in Python."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.With)):
            names |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            return None  # it runs something at import time: alone
    if any(isinstance(n, (ast.For, ast.While)) or (isinstance(n, ast.Attribute) and n.attr in LOOPS)
           for n in ast.walk(tree)):
        return None  # a Python loop is slow: it would spend its neighbours' share of the call budget
    return names - SHARED


def texts(source):
    """{exercise: (its solution cell, its test cells)} as source code."""
    exercises = solution_ids(source)
    found = {e: ["", ""] for e in exercises}
    for nb in source.values():
        for cell in nb.cells:
            if grade_id(cell) in found:
                found[grade_id(cell)][0] += cell.source + "\n"
            elif owner := exercise_of(grade_id(cell), exercises):
                found[owner][1] += cell.source + "\n"
    return found


def named(code, exercises, besides):
    return {x for x in exercises if x != besides and re.search(rf"\b{x}\b", code)}


def uses(source):
    """{exercise: the exercises it uses as in the source, directly or through others}."""
    text = texts(source)
    found = {e: named(solution + tests, set(text), e) for e, (solution, tests) in text.items()}
    while True:
        more = {e: found[e] | set().union(*(found[x] for x in found[e])) - {e} for e in found}
        if more == found:
            return found
        found = more


def pack(source, samples):
    """[(student id, [samples])]: submissions of one or more samples each (see the module's docstring)."""
    text, uses_ = texts(source), uses(source)
    exercises = set(text)
    own = {e: bound_names(solution) or set() for e, (solution, _) in text.items()}
    bound = {}  # name: how many code cells of the source bind it
    for nb in source.values():
        for cell in nb.cells:
            if cell.cell_type == "code":
                for name in bound_names(cell.source) or set():
                    bound[name] = bound.get(name, 0) + 1
    packs = []  # [samples, exercises replaced, exercises reached, names bound]
    for sample in samples:
        code = sample.path.read_text()
        names = bound_names(code)
        direct = named(code + text[sample.exercise][1], exercises, sample.exercise)
        reached = direct | set().union(*(uses_[x] for x in direct))
        alone = names is None or any(bound.get(n, 0) - (n in own[sample.exercise]) > 0 for n in names)
        home = None if alone else next(
            (p for p in packs if p[1] is not None and sample.exercise not in p[1] | p[2]
             and not reached & p[1] and not names & p[3]), None)
        if home is None:
            home = [[], None, None, None] if alone else [[], set(), set(), set()]
            packs.append(home)
        home[0].append(sample)
        if not alone:
            home[1].add(sample.exercise)
            home[2] |= reached
            home[3] |= names
    return [(f"pack{i:02d}" if len(p[0]) > 1 else p[0][0].student_id, p[0]) for i, p in enumerate(packs)]


def packed_submission(source, members):
    """Copies of the source notebooks with each member's exercise answered by the member."""
    notebooks = source
    for sample in members:
        notebooks = with_answer(notebooks, sample.exercise, sample.path.read_text())
    return notebooks
