"""nbconvert's NotebookExporter for nbgrader's Autograde, without the copies it makes of each notebook.

nbgrader converts a notebook it has just read from a file, so nobody else holds it; yet nbconvert
deep-copied it four times per pass (from_notebook_node, _preprocess, validator.normalize, the JSON
writer), and autograde makes two passes per notebook. AutogradeExporter keeps every other step as
nbconvert and nbformat 5.11 take it (the preprocessors, the validation after them and before
writing, the file's JSON), and writes the same file with the same log, byte for byte
(tests/test_grade.py).
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
        # nbconvert normalizes a copy here, but nbformat.read's validation normalized the notebook already, in
        # place and with the same settings (as validate always does), and normalizing twice changes nothing
        resources = copy.deepcopy(resources)  # a few names, which nbconvert copies too
        for preprocessor in self._preprocessors:
            nb, resources = preprocessor(nb, resources)
            if not self.optimistic_validation:
                self._validate_preprocessor(nb, preprocessor)
        if self.optimistic_validation and self._preprocessors:
            self._validate_preprocessor(nb, preprocessor)
        return nb, resources

    @staticmethod
    def writes(nb):
        """nbformat.writes(nb, 4), which validates, then writes a deep copy with its text split into lines."""
        try:
            nbformat.validate(nb)
        except nbformat.ValidationError as error:
            nbformat.get_logger().error("Notebook JSON is invalid: %s", error)
        output = json.dumps(strip_transient(split_lines(nb)), cls=BytesEncoder, indent=1, sort_keys=True,
                            separators=(",", ": "), ensure_ascii=False)
        return output if output.endswith("\n") else output + "\n"
