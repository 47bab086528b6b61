"""nbgrader's formgrader, loaded as a Jupyter server extension with what it shows made inert. The instructor's
JupyterLab (jupyter_lab_config.py, hub/settings.py) loads formgrader only through this module, so that without it
there is no formgrader rather than an unguarded one.

nbgrader makes formgrader's Jinja environment without autoescape, and its pages print ids raw, into HTML and into
script: a student's id taken from the page's address or from the gradebook, an assignment's or a notebook's name.
So a link in a student's notebook to such an address, clicked in formgrader, ran the student's script as the
instructor, with the instructor's Jupyter API open to it; and so did a page of her own (`evil.html`, handed in
beside her notebook), which formgrader serves from her graded folder. Here:
- formgrader's pages are escaped, and the values they give their scripts are written as JSON (escaped HTML inside
  a script would be the wrong string: `o'brien` became `o&#39;brien`, and the student's page listed nothing);
- the texts given to the page of a submission, which nbconvert renders with templates that print HTML and so
  cannot escape, are escaped before;
- a file of a student's folder is served sandboxed (Content-Security-Policy: sandbox): it shows, runs no script,
  and has no origin of the instructor's.
"""
import html
import re

from jinja2 import BaseLoader
from nbconvert import HTMLExporter
from nbgrader.server_extensions.formgrader import load_jupyter_server_extension as load_formgrader
from nbgrader.server_extensions.formgrader.formgrader import FormgradeExtension
from nbgrader.server_extensions.formgrader.handlers import SubmissionFilesHandler

SUBMISSION_TEXTS = ("assignment_id", "notebook_id", "student", "last_name", "first_name", "notebook_path")
SCRIPT_VALUE = re.compile(r'^(\s*var \w+ = )"\{\{ *([\w.]+) *\}\}";', re.MULTILINE)  # var student_id = "{{ student_id }}";


class ScriptValuesAsJSON(BaseLoader):
    """formgrader's templates, each `var name = "{{ value }}";` of theirs written `var name = {{ value|tojson }};`."""

    def __init__(self, loader):
        self.loader = loader

    def get_source(self, environment, template):
        source, filename, uptodate = self.loader.get_source(environment, template)
        return SCRIPT_VALUE.sub(r"\1{{ \2|tojson }};", source), filename, uptodate


class EscapingExporter(HTMLExporter):
    """Formgrader's exporter of a submission's page, with the texts it is given about the submission escaped."""

    def from_filename(self, filename, resources=None, **kw):
        resources = {key: html.escape(value) if key in SUBMISSION_TEXTS and isinstance(value, str) else value
                     for key, value in (resources or {}).items()}
        return super().from_filename(filename, resources=resources, **kw)


def sandboxed(self, path):
    self.set_header("Content-Security-Policy", "sandbox")


def _load_jupyter_server_extension(serverapp):
    set_up = FormgradeExtension.init_tornado_settings

    def escaping_set_up(self, webapp):
        set_up(self, webapp)
        environment = webapp.settings["nbgrader_jinja2_env"]  # no template is compiled before the first page
        environment.autoescape, environment.loader = True, ScriptValuesAsJSON(environment.loader)
        webapp.settings["nbgrader_exporter"] = EscapingExporter(config=self.config)

    FormgradeExtension.init_tornado_settings = escaping_set_up
    SubmissionFilesHandler.set_extra_headers = sandboxed
    load_formgrader(serverapp)
