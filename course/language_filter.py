"""Keep one language of the paired lesson cells (tags `lang-zh` / `lang-en`).

Runs first in nbgrader's GenerateAssignment pipeline. Only markdown prose carries these tags;
graded cells never do, so grade ids and checksums are the same in every language's release.
"""
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Enum

LANGUAGE_TAGS = {"zh": "lang-zh", "en": "lang-en"}


class LanguageFilter(NbGraderPreprocessor):
    keep = Enum(["both", "zh", "en"], default_value="both", help="Which language to keep in the release.").tag(config=True)

    def preprocess(self, nb, resources):
        if self.keep != "both":
            dropped = {tag for lang, tag in LANGUAGE_TAGS.items() if lang != self.keep}
            nb.cells = [cell for cell in nb.cells if not dropped & set(cell.metadata.get("tags", []))]
        return nb, resources
