"""nbgrader's steps that ask the gradebook cell by cell, with a notebook's rows read at once.

For every cell with nbgrader metadata, nbgrader's OverwriteCells asks the gradebook for the
instructor's copy (a query, and another for a graded cell's points), SaveAutoGrades for the student's
grade or comment (a query, then a commit), GetGrades (feedback) for the grade or comment again. Here
nbgrader's own step opens its gradebook and decides cell by cell as before, but its cells see the
notebook's cells, grades and comments read in a few queries (`HeldRows`, `NotebookRows`), and what they
changed is committed once, after the last cell.

Three things nbgrader pays in every process that grades:
- a new SQLAlchemy engine for every Gradebook it opens (about ten per submission), so that every
  query is compiled anew: `one_engine_per_database` keeps one per database URL;
- the tables checked (and the missing ones created) at every opening: `tables_made_once`;
- jsonschema.validate for every cell's metadata (CheckCellMetadata, twice per graded notebook), which
  first checks nbgrader's schema itself against JSON Schema's metaschema: `SchemaCheckedOnce` checks
  each schema once, then validates as before (the same error, jsonschema's best match).

`python bench/gradebook_steps.py` (04, 8 notebooks, CPU per notebook, medians of 5 rounds taking turns):
all the steps that use the gradebook took 170.6 ms as nbgrader runs them and 51.9 ms here (3.3×):
OverwriteCells 30.7 → 8.1, CheckCellMetadata 27.8 → 4.1, SaveAutoGrades 46.7 → 12.9, GetGrades
47.1 → 17.4, and with the engine alone OverwriteKernelspec 7.4 → 3.5, AssignLatePenalties 10.9 → 5.9.
tests/test_grade.py checks that each step leaves the notebook, the log and the gradebook as nbgrader's.
"""
import functools
import json
import os
import sqlite3

import jsonschema
from nbgrader import api
from nbgrader import preprocessors as nbgrader_steps
from nbgrader.api import BaseCell, GradeCell, SolutionCell, TaskCell
from nbgrader.nbgraderformat import common
from nbgrader.preprocessors import NbGraderPreprocessor
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import scoped_session, sessionmaker, with_polymorphic


def one_engine_per_database(create_engine):
    """SQLAlchemy's create_engine as nbgrader's Gradebook calls it, made once per database URL in a
    process: a Gradebook is opened about ten times per submission, and a new engine compiles every query
    anew. Gradebook.close still disposes of the engine's connections (the next Gradebook opens new ones)."""
    engines = {}

    @functools.wraps(create_engine)
    def engine_of(url, **options):
        key = (os.getpid(), str(url), repr(sorted(options.items())))  # a forked worker makes its own
        if key not in engines:
            engines[key] = create_engine(url, **options)
        return engines[key]
    return engine_of


api.create_engine = one_engine_per_database(api.create_engine)


def tables_made_once(init):
    """nbgrader's Gradebook.__init__, which on every opening reads the database's table names, creates the
    missing tables and looks up the course (an opening took 2.4 ms here, 1.0 ms without the first two):
    after it has succeeded for a database in this process (or the one it was forked from), an opening only
    looks up the course. If that fails because the tables are gone (a file replaced meanwhile), nbgrader's
    opening runs again."""
    made = set()

    @functools.wraps(init)
    def opened(self, db_url, course_id="default_course", authenticator=None):
        if str(db_url) in made:
            self.engine = api.create_engine(db_url, echo=False, future=True)
            self.db = scoped_session(sessionmaker(autoflush=True, bind=self.engine, future=True))
            try:
                self.check_course(course_id=course_id)
                self.course_id, self.authenticator = course_id, authenticator
                return
            except DBAPIError as error:
                self.db.remove()
                if not tables_gone(error):
                    raise  # a locked file, say: nbgrader's opening would wait for it again
        init(self, db_url, course_id, authenticator)
        made.add(str(db_url))
    return opened


api.Gradebook.__init__ = tables_made_once(api.Gradebook.__init__)


def tables_gone(error):
    """Whether a database error says a table is missing: SQLite's "no such table", PostgreSQL's 42P01."""
    cause = error.orig
    return getattr(cause, "pgcode", None) == "42P01" or (isinstance(cause, sqlite3.OperationalError)
                                                         and str(cause).startswith("no such table"))


class SchemaCheckedOnce:
    """Stands in for the jsonschema module in nbgrader's metadata validator, whose only use of it is
    `jsonschema.validate(instance, schema)`."""

    validators = {}  # the schema, as JSON: a validator of it, the schema checked

    @classmethod
    def validate(cls, instance, schema):
        key = json.dumps(schema, sort_keys=True)
        if key not in cls.validators:
            kind = jsonschema.validators.validator_for(schema)
            kind.check_schema(schema)
            cls.validators[key] = kind(schema)
        error = jsonschema.exceptions.best_match(cls.validators[key].iter_errors(instance))
        if error is not None:
            raise error


common.jsonschema = SchemaCheckedOnce


class OneCommit:
    """A gradebook session whose commits wait for the step's end (SaveAutoGrades commits after each cell)."""

    def __init__(self, session):
        self.session = session

    def commit(self):
        pass

    def __getattr__(self, name):
        return getattr(self.session, name)


class NotebookRows:
    """A gradebook, with the rows of one notebook (and one student's submission of it) read at once:
    nbgrader's finders of a cell, grade or comment there answer from them; anything else (a name not
    held: MissingEntry) is the gradebook's to answer. Its session commits once (`OneCommit`)."""

    def __init__(self, gradebook, notebook, assignment, student=None):
        self.gradebook, self.held, self.db = gradebook, (notebook, assignment), OneCommit(gradebook.db)
        master = gradebook.find_notebook(notebook, assignment)
        self.source_cells = {cell.name: cell for cell in master.source_cells}
        # every kind's columns in one query (the relationship reads a grade cell's points cell by cell)
        cells = gradebook.db.query(with_polymorphic(BaseCell, "*")).filter(BaseCell.notebook_id == master.id).all()
        # the gradebook's finders look for a grade (solution) cell of the name first, then a task cell
        self.graded_cells = {cell.name: cell for kind in (TaskCell, GradeCell) for cell in cells if isinstance(cell, kind)}
        if student is not None:
            self.held += (student,)
            submitted = gradebook.find_submission_notebook(notebook, assignment, student)
            self.grades = by_cell(submitted.grades, GradeCell)
            self.comments = by_cell(submitted.comments, SolutionCell)

    def find_source_cell(self, name, *where):
        return self.row(self.source_cells, name, where, "find_source_cell")

    def find_graded_cell(self, name, *where):
        return self.row(self.graded_cells, name, where, "find_graded_cell")

    def find_grade(self, name, *where):
        return self.row(self.grades, name, where, "find_grade")

    def find_comment(self, name, *where):
        return self.row(self.comments, name, where, "find_comment")

    def row(self, rows, name, where, finder):
        if where == self.held and name in rows:
            return rows[name]
        return getattr(self.gradebook, finder)(name, *where)  # MissingEntry, with the gradebook's own message

    def __getattr__(self, name):
        return getattr(self.gradebook, name)


def by_cell(rows, first):
    """{cell name: row}, the row of a `first` cell where two cells share a name (as the gradebook finds)."""
    return {row.name: row for row in sorted(rows, key=lambda row: isinstance(row.cell, first))}


class HeldRows(NbGraderPreprocessor):
    """Mixed in after one of nbgrader's steps that ask the gradebook cell by cell: nbgrader's step opens
    its gradebook and calls this for its cells, which then see the notebook's rows read at once
    (`NotebookRows`); what the cells changed is committed after the last."""

    def preprocess(self, nb, resources):
        gradebook = self.gradebook
        self.gradebook = NotebookRows(gradebook, self.notebook_id, self.assignment_id, getattr(self, "student_id", None))
        try:
            return super().preprocess(nb, resources)
        finally:  # what was decided is written, as a commit after each cell would have
            gradebook.db.commit()


class OverwriteCells(nbgrader_steps.OverwriteCells, HeldRows):
    """nbgrader's OverwriteCells (autograde), with the notebook's cells read at once."""


class SaveAutoGrades(nbgrader_steps.SaveAutoGrades, HeldRows):
    """nbgrader's SaveAutoGrades (autograde), with the submission's grades and comments read at once and
    written in one commit."""


class GetGrades(nbgrader_steps.GetGrades, HeldRows):
    """nbgrader's GetGrades (feedback), with the submission's grades and comments read at once."""
