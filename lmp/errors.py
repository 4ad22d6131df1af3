"""Typed errors that carry the facts a person needs to fix a problem.

Only :mod:`lmp.cli` turns them into messages and exit codes; everything else raises them.
"""

from __future__ import annotations


class LmpError(Exception):
    """Base class of every error lmp raises on purpose."""


class ContractError(LmpError):
    """Input data that does not meet the data contract.

    Attributes name the file, the column and the 1-based data row (the first row after the header
    is row 1; for text files also the line number an editor shows) of the first offending value,
    so the message points at one place to look.
    """

    def __init__(
        self,
        path: str,
        message: str,
        column: str | None = None,
        row: int | None = None,
        line: int | None = None,
    ) -> None:
        self.path = str(path)
        self.column = column
        self.row = row
        self.line = line
        self.reason = message
        where = [self.path]
        if column is not None:
            where.append(f"column '{column}'")
        if row is not None:
            where.append(f"row {row}" + (f" (line {line})" if line is not None else ""))
        super().__init__(f"{', '.join(where)}: {message}")


class CatalogueError(LmpError):
    """A reference catalogue that is missing, malformed or inconsistent."""


class DesignError(LmpError):
    """An estimation request that the data cannot answer (e.g. no treated or no comparison units)."""


class ParameterError(LmpError):
    """A bad command-line or notebook parameter (unknown proeftuin, outcome, design, ...)."""


class RenderError(LmpError):
    """A report that could not be rendered."""
