"""A Jupyter server extension that makes nbgrader's formgrader show ids as text (the instructor's JupyterLab
enables it next to formgrader: jupyter_lab_config.py, hub/settings.py).

nbgrader makes formgrader's Jinja environment without autoescape, and its pages print ids raw, into HTML and into
script: a student's id taken from the page's address or from the gradebook, an assignment's or a notebook's name.
So a link in a student's notebook to such an address, clicked in formgrader, ran the student's script as the
instructor, with the instructor's Jupyter API open to it. Here formgrader's pages are escaped, and so are the texts
given to the page of a submission, which nbconvert renders with templates that print HTML and so cannot escape.
Extensions load in alphabetical order: this one (course.*) first, so it wraps formgrader's set-up.
"""
import html

from nbconvert import HTMLExporter
from nbgrader.server_extensions.formgrader.formgrader import FormgradeExtension

SUBMISSION_TEXTS = ("assignment_id", "notebook_id", "student", "last_name", "first_name", "notebook_path")


class EscapingExporter(HTMLExporter):
    """Formgrader's exporter of a submission's page, with the texts it is given about the submission escaped."""

    def from_filename(self, filename, resources=None, **kw):
        resources = {key: html.escape(value) if key in SUBMISSION_TEXTS and isinstance(value, str) else value
                     for key, value in (resources or {}).items()}
        return super().from_filename(filename, resources=resources, **kw)


def _load_jupyter_server_extension(serverapp):
    set_up = FormgradeExtension.init_tornado_settings

    def escaping_set_up(self, webapp):
        set_up(self, webapp)
        webapp.settings["nbgrader_jinja2_env"].autoescape = True  # no template is compiled before the first page
        webapp.settings["nbgrader_exporter"] = EscapingExporter(config=self.config)

    FormgradeExtension.init_tornado_settings = escaping_set_up
