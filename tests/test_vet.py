"""The vetted copy of a submission (course/vet.py) against a student who owns the submitted folder,
as on the hub, where `nbgrader collect` runs it as the instructor: folders swapped for links while
it copies, folders it cannot read, folders too deep, too many files, a timestamp that is not one."""
import ctypes
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import time

import nbformat
import pytest

from course import ROOT
from course.limits import Limits
from course.vet import last_change, too_costly, vetted_copy

RENAME_EXCHANGE = 2
SECRET = "BEGIN HIDDEN TESTS"


def swap_forever(folder, pairs):
    """Exchange each real folder pNN with the link qNN, over and over (renameat2 is atomic)."""
    renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    while True:
        for i in range(pairs):
            renameat2(-100, f"{folder}/p{i:02}".encode(), -100, f"{folder}/q{i:02}".encode(), RENAME_EXCHANGE)


def test_a_folder_swapped_for_a_link_while_it_is_copied_is_never_followed(tmp_path):
    """The red team's race, which won 6 of 14 collects when folders were opened by path: each pNN is
    a folder of links named like the instructor's files, each qNN a link to the instructor's folder,
    and a process swaps them while the copy runs. Not one copy may hold the secret."""
    instructor = tmp_path / "instructor"
    instructor.mkdir()
    (instructor / "gradebook.db").write_text(SECRET)
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    (submitted / "softmax.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    pairs = 16
    for i in range(pairs):
        (submitted / f"p{i:02}").mkdir()
        (submitted / f"p{i:02}" / "gradebook.db").symlink_to(instructor / "gradebook.db")
        (submitted / f"q{i:02}").symlink_to(instructor, target_is_directory=True)
    swapper = multiprocessing.get_context("fork").Process(target=swap_forever, args=(submitted, pairs), daemon=True)
    swapper.start()
    try:
        for attempt in range(150):
            target = tmp_path / "copy"
            vetted_copy(submitted, target)
            leaked = [p for p in target.rglob("*") if p.is_file() and SECRET in p.read_text(errors="replace")]
            assert not leaked, f"attempt {attempt}: {leaked}"
            assert (target / "softmax.ipynb").is_file()
    finally:
        swapper.kill()
        swapper.join()


def test_what_cannot_be_copied_is_named_and_the_rest_is_graded(tmp_path):
    """Folders too deep (the copy recursed into every one: 1,100 stopped collect with a RecursionError),
    more files than Limits.submission_files (100,000 empty files held a worker 15 minutes in
    nbgrader's quadratic search), and a timestamp.txt that is not a time (every student's
    `nbgrader collect --update` stopped on it)."""
    submitted = tmp_path / "submitted"
    deep = submitted.joinpath(*["d"] * 50)
    deep.mkdir(parents=True)
    (deep / "x.txt").write_text("deep")
    (submitted / "softmax.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    (submitted / "timestamp.txt").write_text("garbage")
    many = submitted / "many"
    many.mkdir()
    for i in range(500):
        (many / f"f{i:04}").write_text("")
    target = tmp_path / "copy"
    reasons = vetted_copy(submitted, target, Limits(submission_files=100, submission_depth=8))
    assert (target / "softmax.ipynb").is_file() and not (target / "timestamp.txt").exists()
    assert sum(1 for _ in target.rglob("*")) <= 100
    assert any("more than 100 files and folders" in r for r in reasons), reasons
    assert any("nested more than 8 deep" in r for r in reasons), reasons
    assert "timestamp.txt: 不是时间，已忽略 / not a time, left out" in reasons


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to drop the capability to read any folder")
def test_a_folder_the_grader_cannot_read_is_left_out(tmp_path):
    """A student who closes a folder of their own submission to the instructor (chmod 000) stopped
    the hub's collect with a PermissionError for the whole class; the copy, run without the power to
    read any folder (root's CAP_DAC_*), names it and copies the rest."""
    submitted = tmp_path / "submitted"
    (submitted / "closed").mkdir(parents=True)
    (submitted / "closed" / "notes.txt").write_text("mine")
    (submitted / "softmax.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    (submitted / "closed").chmod(0)
    target = tmp_path / "copy"
    code = "import sys; from course.vet import last_change, too_costly, vetted_copy; print('\\n'.join(vetted_copy(*sys.argv[1:])))"
    done = subprocess.run(["setpriv", "--bounding-set=-dac_override,-dac_read_search", sys.executable, "-c", code,
                           str(submitted), str(target)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "closed/: 无法读取" in done.stdout, done.stdout
    assert (target / "softmax.ipynb").is_file()


def test_a_notebook_of_too_many_cells_is_left_out(tmp_path):
    """Every cell costs nbclient, the feedback and formgrader whatever its size: a notebook with more
    cells than Limits.notebook_cells is left out (a lesson has at most 148). A cell's key quoted in
    a cell's text does not count."""
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    quoted = nbformat.v4.new_code_cell('cell = {"cell_type": "code"}')
    nbformat.write(nbformat.v4.new_notebook(cells=[quoted] * 10), submitted / "softmax.ipynb")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")] * 11), submitted / "extra.ipynb")
    target = tmp_path / "copy"
    reasons = vetted_copy(submitted, target, Limits(notebook_cells=10))
    assert (target / "softmax.ipynb").is_file() and not (target / "extra.ipynb").exists()
    assert reasons == ["extra.ipynb: 笔记本的单元格超过10个，已忽略 / more than 10 cells in the notebook, left out"]


def test_a_notebook_of_too_much_source_is_left_out(tmp_path):
    """A cell's size is not bounded by the number of cells: a 27 MB comment became a 33 MB feedback
    page, 23.5 s for formgrader to show. Past Limits.notebook_source_chars characters in all the
    cells' sources (strings or lists of lines, as nbformat writes them) a notebook is left out; every
    lesson is far below the default."""
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    lines = nbformat.v4.new_code_cell("")
    lines.source = ["# " + "x" * 97 + "\n"] * 5  # 500 characters as a list of lines
    nbformat.write(nbformat.v4.new_notebook(cells=[lines, nbformat.v4.new_markdown_cell("y" * 500)]),
                   submitted / "softmax.ipynb")
    nbformat.write(nbformat.v4.new_notebook(cells=[lines, nbformat.v4.new_markdown_cell("y" * 501)]),
                   submitted / "extra.ipynb")
    target = tmp_path / "copy"
    reasons = vetted_copy(submitted, target, Limits(notebook_source_chars=1000))
    assert (target / "softmax.ipynb").is_file() and not (target / "extra.ipynb").exists()
    assert reasons == ["extra.ipynb: 笔记本各单元格的内容超过1,000个字符，已忽略 / more than 1,000 characters in the "
                       "notebook's cells, left out"]
    for notebook in sorted(ROOT.glob("source/*/*.ipynb")):
        assert too_costly(notebook.read_bytes(), Limits()) is None, notebook


def test_a_notebook_nbgrader_would_read_some_other_way_is_left_out(tmp_path):
    """Found by reviews: arrays within arrays, too few for notebook_containers, raised RecursionError
    out of the vetting (a coordinator with --broker stopped for the whole class), or, less deep, in
    nbformat's reader (a grader failure instead of a reason); a notebook of format
    version 3 keeps its cells in worksheets, and one of version 1 (no version given) its text in
    "code" and "text": no bound counted them, and nbgrader upgrades both."""
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    (submitted / "deep.ipynb").write_text('{"cells": ' + "[" * 5000 + "]" * 5000 + "}")
    deeper = nbformat.v4.new_notebook()
    deeper.metadata["x"] = json.loads("[" * 600 + "]" * 600)  # json.loads reads it, nbformat does not
    (submitted / "deeper.ipynb").write_text(json.dumps(deeper))
    with pytest.raises(RecursionError):
        nbformat.read(submitted / "deeper.ipynb", as_version=4)
    cell = {"cell_type": "code", "input": "x" * 1001, "outputs": [], "language": "python", "metadata": {}}
    (submitted / "old.ipynb").write_text(json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {},
                                                     "worksheets": [{"cells": [cell] * 2, "metadata": {}}]}))
    # no version: nbformat reads it as version 1, whose cells hold "code" and "text"
    (submitted / "older.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "code": "x" * 1001}]}))
    for name in ("old.ipynb", "older.ipynb"):  # as nbgrader reads them
        assert len(nbformat.read(submitted / name, as_version=4).cells[0].source) == 1001
    reasons = vetted_copy(submitted, tmp_path / "copy", Limits(notebook_source_chars=1000))
    assert reasons == [*(f"{name}: 笔记本的JSON嵌套过深，已忽略 / the notebook's JSON is nested too deep, left out"
                         for name in ("deep.ipynb", "deeper.ipynb")),
                       *(f"{name}: 不是第4版的笔记本格式，已忽略 / not a notebook of format version 4, left out"
                         for name in ("old.ipynb", "older.ipynb"))]
    assert not any((tmp_path / "copy").iterdir())


def test_last_change_is_the_latest_ctime_in_the_folder(tmp_path):
    """A submission's time on the hub (hub/exchange.py): the latest ctime of its folder and of all in
    it, which a student cannot set back, never a modification time, which they can; a file rewritten
    in place changes its own ctime, not its folder's; a link is not followed; every entry counts,
    also past submission_files (found by a review: an honest submission of many files was dated now)."""
    folder = tmp_path / "submission"
    (folder / "a" / "b").mkdir(parents=True)
    deep = folder / "a" / "b" / "f.txt"
    deep.write_text("x")
    newer = tmp_path / "newer.txt"
    (folder / "link").symlink_to(newer)
    for path in (folder, folder / "a", folder / "a" / "b", deep):
        os.utime(path, (0, 0), follow_symlinks=False)
    while deep.stat().st_ctime <= folder.stat().st_ctime:  # rewritten in place, after its folders changed
        deep.write_text("rewritten")
    newer.write_text("not the submission's")
    while newer.stat().st_ctime <= deep.stat().st_ctime:
        newer.write_text("not the submission's")
    assert last_change(folder) == deep.stat().st_ctime == last_change(folder, Limits(submission_files=2))
    now = time.time()
    assert last_change(tmp_path / "missing") >= now
    assert last_change(folder, Limits(submission_files=0)) >= now  # past WALKED × submission_files entries: now


def test_last_change_holds_one_handle_per_level(tmp_path):
    """Found by a review: the walk kept every folder it had listed open until it got to it, so 1,100
    folders side by side (a dataset, one folder per class) ran out of file handles and the submission
    was dated now."""
    folder = tmp_path / "submission"
    for i in range(300):
        (folder / f"class{i:03}").mkdir(parents=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
    try:
        changed = last_change(folder)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert changed == max(path.stat().st_ctime for path in [folder, *folder.iterdir()])


def grow_and_shrink_forever(path):
    while True:
        os.truncate(path, 50 * 2**20)  # sparse: costs no disk
        os.truncate(path, 1000)


def test_what_a_student_changes_or_plants_cannot_get_past_the_limits(tmp_path):
    """Found by a review: the limits saw the listed size and the copy took the size at opening (a file
    the student grows meanwhile came in whole); a cell key written with JSON escapes was not counted;
    links and other entries left out did not count toward submission_files (5,000 links, 5,000
    reasons); a timestamp.txt naming a file as its time zone made nbgrader's parse_utc open it
    (/proc/self/mem: OSError out of the copy)."""
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    escaped = json.dumps(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")] * 11)).replace(
        '"cell_type"', '"\\u0063ell_type"')
    (submitted / "softmax.ipynb").write_text(escaped)
    (submitted / "timestamp.txt").write_text("2024-01-01 00:00:00 /proc/self/mem")
    for i in range(500):  # after the files above in the copy's order
        (submitted / f"zz{i:03}").symlink_to("/etc/hostname")
    growing = submitted / "data.bin"
    growing.write_bytes(b"x" * 1000)
    grower = multiprocessing.get_context("fork").Process(target=grow_and_shrink_forever, args=(growing,), daemon=True)
    grower.start()
    try:
        for _ in range(100):
            reasons = vetted_copy(submitted, tmp_path / "copy", Limits(notebook_cells=10, submission_files=100,
                                                                       submission_bytes=2**20))
            assert sum(p.stat().st_size for p in (tmp_path / "copy").rglob("*")) <= 2**20
    finally:
        grower.kill()
        grower.join()
    assert not (tmp_path / "copy" / "softmax.ipynb").exists() and "timestamp.txt: 不是时间，已忽略 / not a time, left out" in reasons
    assert len(reasons) <= 102 and any("more than 100 files and folders" in r for r in reasons), len(reasons)
