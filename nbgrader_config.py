"""nbgrader configuration of the course (the project root is the course directory)."""
import os

from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearMarkScheme,
                                    ClearOutput, ClearSolutions, ComputeChecksums, IgnorePattern,
                                    IncludeHeaderFooter, InstantiateTests, LimitOutput, LockCells, OverwriteKernelspec,
                                    SaveCells)
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor

from course.autograde_exporter import AutogradeExporter
from course.feedback_html import TEMPLATE, TEMPLATE_PATHS, TEMPLATES, FeedbackExporter
from course.gradebook_steps import GetGrades, OverwriteCells, SaveAutoGrades
from course.preprocessors import (FeedbackHeader, FormNeedsValues, HideTestCode, LanguageFilter, PlainCopies,
                                  SafeHTML, validate_plain_copies)
from course.trusted_execute import TrustedExecute

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "transformer-foundations"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))  # absolute: nbgrader warns about "."
c.CourseDirectory.db_url = "sqlite:///gradebook.db"
# Notebooks stay at the assignment's top level; sample data or pictures may sit beside them.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]
# nbconvert checks a notebook against the notebook schema after every step of a pass; this checks it
# once, after the last step: the notebook that is written (the checks between steps were ~5% of grading).
c.Exporter.optimistic_validation = True

# Release: the language filter first, then nbgrader's usual steps.
c.GenerateAssignment.preprocessors = [
    LanguageFilter, IncludeHeaderFooter, InstantiateTests, LockCells, ClearSolutions, ClearOutput,
    CheckCellMetadata, ComputeChecksums, SaveCells, ClearHiddenTests, ClearMarkScheme, ComputeChecksums,
    CheckCellMetadata,
]
c.LanguageFilter.keep = "both"
c.ClearSolutions.code_stub = {
    "python": "# 在这里写代码 / YOUR CODE HERE\nraise NotImplementedError(\"请完成这个函数 / implement this function\")"
}

# Autograde: nbgrader's steps, those that ask the gradebook cell by cell reading a notebook's rows at
# once (course/gradebook_steps.py, which also has nbgrader's metadata schema checked once, not per cell);
# test cells run in the grader (course/trusted_execute.py), not in the student's kernel.
c.Autograde.sanitize_preprocessors = [ClearOutput, PlainCopies, OverwriteKernelspec, OverwriteCells, CheckCellMetadata]
c.Autograde.autograde_preprocessors = [
    TrustedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SafeHTML, FormNeedsValues, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]
c.Autograde.exporter_class = AutogradeExporter  # nbconvert's, without its copies of each notebook
# Validate (the lab's button, `nbgrader validate`) takes a pasted copy of a cell as autograde does.
validate_plain_copies()
# The heaviest hidden test cell runs in well under 2 s here; 30 s leaves room for a slow machine,
# and a student's lesson cell that loops forever still ends.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
# After a timeout the interrupt has this long to work; then the kernel is killed and the rest of
# the notebook scores 0 with the reason (course/trusted_execute.py).
c.Execute.iopub_timeout = 4
# Student code runs under bubblewrap with memory, CPU and process limits (course/sandbox.py);
# grading refuses to start without it. Turn off only knowingly: --TrustedExecute.sandbox=False
# (`python -m course grade --no-sandbox`). Every limit: c.Limits.* (course/limits.py; README.md, Limits).
c.TrustedExecute.sandbox = True
# nbgrader scores a cell 0 as soon as it wrote anything to stderr: warnings from a correct
# solution (DeprecationWarning, a harmless UserWarning) must not cost points.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"Warning"

# Feedback: nbgrader's steps (GetGrades reading the notebook's grades at once, course/gradebook_steps.py),
# with a bilingual header (student, score) as the first cell. Test cells show their grade id, points,
# verdict, the code the release showed and their messages, never the hidden tests (course/preprocessors.py).
c.GenerateFeedback.preprocessors = [GetGrades, HideTestCode, FeedbackHeader, CSSHTMLHeaderPreprocessor]
# The feedback HTML is self-contained (course/feedback_html.py): its math is MathML, rendered by the
# browser with no network (nbgrader's page loads MathJax from a CDN), and its table of contents
# numbers and names the test cells (course/templates/course_feedback).
c.GenerateFeedback.exporter_class = FeedbackExporter
c.FeedbackExporter.template_name = TEMPLATE
c.FeedbackExporter.extra_template_basedirs = [str(TEMPLATES), str(TEMPLATE_PATHS[0])]
c.FeedbackExporter.extra_template_paths = [str(path) for path in TEMPLATE_PATHS]
# `nbgrader export` writes grades.csv quoted and formula-safe (course/report.py; nbgrader's own CSV is
# not quoted, so a comma in a student id shifted every later column). A name: imported only by export.
c.ExportApp.plugin_class = "course.report.GradesExport"
