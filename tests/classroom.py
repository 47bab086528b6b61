"""Grade whole classes in throw-away copies of the course, through the real nbgrader CLI.

Students are split over a few course copies graded at the same time (one `nbgrader autograde`
process each, every one grading many notebooks), so the suite stays fast on two cores.
"""
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nbgrader.api import Gradebook

from course.build import course_copy, nbgrader
from course.sample_class import write_submission

COPIES = 2


def scores(folder, assignment):
    """{student: {grade id: (score, max score)}} from the course copy's gradebook."""
    with Gradebook(f"sqlite:///{Path(folder) / 'gradebook.db'}") as gb:
        return {sub.student_id: {g.name: (g.score, g.max_score) for nb in sub.notebooks for g in nb.grades}
                for sub in gb.assignment_submissions(assignment)}


def grade_class(tmp, assignment, submissions, copies=COPIES):
    """Grade {student: {notebook name: notebook}} with `nbgrader autograde`; return `scores`."""
    students = sorted(submissions)
    folders = []
    for i in range(min(copies, len(students))):
        folder = course_copy(Path(tmp) / f"course{i}", [assignment])
        for student in students[i::copies]:
            write_submission(folder, student, assignment, submissions[student])
        folders.append(folder)

    def run(folder):
        return nbgrader("autograde", assignment, "--force", root=folder, check=False)

    with ThreadPoolExecutor(len(folders)) as pool:
        results = list(pool.map(run, folders))
    graded = {}
    for folder, result in zip(folders, results):
        graded.update(scores(folder, assignment))
    return graded, results
