"""The course's one table helper: the printed tables (grade summary, demo scores) and the report's."""
import re

# Control characters (a terminal's escape codes, line breaks) and bidirectional overrides: a cell holds
# text a student chose (a tampered cell's grade id, a file's name), which must not redraw the terminal
# or start a new row.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MARKDOWN = str.maketrans({"|": "\\|", "<": "&lt;", ">": "&gt;"})


def shown(cell, markdown=False):
    """A table cell as inert text: control characters written as escapes (\\x1b, \\n)."""
    text = CONTROL.sub(lambda m: repr(m[0])[1:-1] if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", str(cell))
    return text.translate(MARKDOWN) if markdown else text


def table(header, rows, markdown=False):
    """`rows` under `header`: a Markdown table, or plain text in columns two spaces apart."""
    rows = [[shown(cell, markdown) for cell in row] for row in rows]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    everything = [list(header)] + rows
    widths = [max(len(row[i]) for row in everything) for i in range(len(header) - 1)]
    return "\n".join("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]]) for row in everything)
