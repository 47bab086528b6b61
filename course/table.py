"""The course's one table helper: the printed tables (grade summary, demo scores) and the report's."""
import re

# Control characters (a terminal's escape codes, line breaks) and bidirectional overrides: a cell holds
# text a student chose (a tampered cell's grade id, a file's name), which must not redraw the terminal
# or start a new row.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What can make Markdown of a cell's text (CommonMark, GFM, mistune, marked): the punctuation of links,
# images, HTML, code, emphasis, entities and escapes, an autolink's ":", "@", "www." or a bare domain's
# ending (linkify's .com), a "_" at a word's edge. Escaping it all is not enough (GFM links a bare
# https://... or www....): such a cell is a code span, in which nothing is markup.
MARKUP = re.compile(r"[!#$&*:<>@\[\\\]^`{|}~]|www\.|\.(?:xn--|[^\W\d_]{2,}(?![\w-]))|(?<![^\W_])_|_(?![^\W_])",
                    re.IGNORECASE)
# In a code span still: "|" ends a table cell unless escaped as "\|", and renderers disagree on a
# backslash before that (marked counts them), so the text's own is written \x5c; no raw tag in the file.
IN_CODE = str.maketrans({"|": "\\|", "<": "&lt;", ">": "&gt;"})


def shown(cell, markdown=False):
    """A table cell as inert text: control characters written as escapes (\\x1b, \\n); in Markdown,
    text that could be markup as a code span."""
    text = CONTROL.sub(lambda m: repr(m[0])[1:-1] if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", str(cell))
    if not markdown or not MARKUP.search(text):
        return text
    text = text.replace("\\|", "\\x5c|").translate(IN_CODE)
    fence = "`" * (1 + max(map(len, re.findall("`+", text)), default=0))  # longer than any run of ` in it
    pad = " " if {text[0], text[-1]} & {"`", " "} else ""  # one space each side is not part of the span
    return f"{fence}{pad}{text}{pad}{fence}"


def shown_lines(text):
    """Text of several lines (a log message, a test's output), each line `shown`."""
    return "\n".join(shown(line) for line in str(text).split("\n"))


def table(header, rows, markdown=False):
    """`rows` under `header`: a Markdown table, or plain text in columns two spaces apart."""
    rows = [[shown(cell, markdown) for cell in row] for row in rows]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    everything = [list(header)] + rows
    widths = [max(len(row[i]) for row in everything) for i in range(len(header) - 1)]
    return "\n".join("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]]) for row in everything)
