"""The course's one table helper: the printed tables (grade summary, demo scores) and the report's."""


def table(header, rows, markdown=False):
    """`rows` under `header`: a Markdown table, or plain text in columns two spaces apart."""
    rows = [[str(cell) for cell in row] for row in rows]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    everything = [list(header)] + rows
    widths = [max(len(row[i]) for row in everything) for i in range(len(header) - 1)]
    return "\n".join("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]]) for row in everything)
