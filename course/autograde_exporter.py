"""nbconvert's NotebookExporter for nbgrader's Autograde, without the copies it makes of each notebook.

nbgrader converts a notebook it has just read from a file, so nobody else holds it; yet nbconvert
deep-copied it four times per pass (from_notebook_node, _preprocess, validator.normalize, the JSON
writer), and autograde makes two passes per notebook. AutogradeExporter keeps every other step as
nbconvert and nbformat 5.11 take it (the preprocessors, the validations after them, the file's JSON),
and writes the same file with the same log, byte for byte (tests/test_grade.py).
"""
import copy
import json

import nbformat
from nbconvert.exporters import NotebookExporter
from nbformat.v4.nbjson import BytesEncoder
from nbformat.v4.rwbase import split_lines, strip_transient


class AutogradeExporter(NotebookExporter):

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = self._init_resources(resources)
        if "language" in nb["metadata"]:
            resources["language"] = nb["metadata"]["language"].lower()
        nb, resources = self._preprocess(nb, resources)
        resources["output_suffix"] = ".nbconvert"
        return self.writes(nb), resources

    def _preprocess(self, nb, resources):
        """nbconvert's, without the copy and the normalization: nbformat.read's validation normalized the
        notebook already, in place and with the same settings (as validate always does), and normalizing
        twice changes nothing."""
        resources = copy.deepcopy(resources)  # a few names, which nbconvert copies too
        for preprocessor in self._preprocessors:
            nb, resources = preprocessor(nb, resources)
            if not self.optimistic_validation:
                self._validate_preprocessor(nb, preprocessor)
        return nb, resources

    def writes(self, nb):
        """The optimistic validation after the preprocessors, then nbformat.writes(nb, 4), which validates
        again, strictly, and writes a deep copy with its text split into lines. The strict validation is
        made first: a notebook that passes it passes the other, which is then left out."""
        try:
            nbformat.validate(nb)
        except nbformat.ValidationError as error:
            if self.optimistic_validation and self._preprocessors:
                self._validate_preprocessor(nb, self._preprocessors[-1])  # raises if nbconvert would
            nbformat.get_logger().error("Notebook JSON is invalid: %s", error)
        output = json.dumps(strip_transient(split_lines(nb)), cls=BytesEncoder, indent=1, sort_keys=True,
                            separators=(",", ": "), ensure_ascii=False)
        return output if output.endswith("\n") else output + "\n"
