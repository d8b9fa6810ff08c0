"""What a quality check is, as plain data: no Great Expectations import here.

Suites are declared as ``SuiteSpec`` (a name, the SQL that reads the frame to validate, and
``Check``s), so building them costs nothing and tests can read them; ``quality.runner`` turns
them into GX expectation suites only when they run. The SQL runs on DuckDB and the frame is
validated in pandas: GX's SQL datasource does not work on DuckDB (STACK_NOTES.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

Severity = Literal["error", "warning"]

#: ``error`` blocks whatever is downstream of the checked table; ``warning`` is reported only.
SEVERITIES: tuple[Severity, ...] = ("error", "warning")


@dataclass(frozen=True)
class Check:
    """One expectation: a GX Core expectation class and its arguments, with a severity.

    ``expectation`` names a class of ``great_expectations.expectations`` (for example
    ``"ExpectColumnValuesToBeUnique"``); ``kwargs`` are its arguments. ``name`` identifies
    the check in results and Data Docs; by default it is derived from the class and column.
    """

    expectation: str
    kwargs: dict[str, Any]
    severity: Severity
    description: str
    name: str | None = None
    #: The table this check guards when it is not the suite's own (``schema.table``): the
    #: volume suite holds one check per raw table.
    table: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    @property
    def expectation_type(self) -> str:
        """snake_case type, as GX reports it (``expect_column_values_to_be_unique``)."""
        out = []
        for i, ch in enumerate(self.expectation):
            if ch.isupper() and i:
                out.append("_")
            out.append(ch.lower())
        return "".join(out)

    @property
    def column(self) -> str | None:
        """The column checked, when the expectation has one."""
        if "column" in self.kwargs:
            return str(self.kwargs["column"])
        if "column_A" in self.kwargs:
            return f"{self.kwargs['column_A']},{self.kwargs['column_B']}"
        if "column_list" in self.kwargs:
            return ",".join(self.kwargs["column_list"])
        return None

    @property
    def label(self) -> str:
        """The name results are recorded under."""
        if self.name:
            return self.name
        column = self.column
        return f"{self.expectation_type}({column})" if column else self.expectation_type


@dataclass(frozen=True)
class SuiteSpec:
    """A suite: the frame to validate (``query`` on DuckDB) and the checks on it.

    ``requires`` lists tables that must exist for the query to run; when one is missing the
    suite is not run and reports a failed ``table_exists`` check with ``missing_severity``.
    ``transform``, when given, derives columns in pandas that SQL cannot (for example text
    cleaned by ``text_analytics.clean``) before the frame is validated.
    ``by_file``: the frame holds only rows of landing files that have not passed this suite
    yet (with their ``_file_sha256`` and ``_file_path``); when no error-level check fails,
    those files are remembered (``quality.validated_files``).
    ``by_loaded_at``: a column of the frame (the source) whose values each keep a watermark:
    the frame holds only rows loaded (``_loaded_at``, also a column) after the latest load
    time that passed this suite for their value; when no error-level check fails, each
    watermark moves to its rows' latest (``quality.validated_loads``).
    """

    name: str
    layer: str
    query: str
    checks: list[Check] = field(default_factory=list)
    requires: tuple[str, ...] = ()
    missing_severity: Severity = "error"
    description: str = ""
    transform: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    by_file: bool = False
    by_loaded_at: str | None = None
    #: The table the suite guards (``schema.table``); by default its name, for suites named
    #: after their table.
    table: str | None = None

    @property
    def guarded_table(self) -> str:
        return self.table or self.name
