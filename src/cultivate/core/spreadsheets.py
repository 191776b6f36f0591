"""Text bound for a spreadsheet (CSV downloads): a cell that starts like a formula is run as
one by spreadsheet programs (CWE-1236), so it starts with a quote instead."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text
