"""What a report is: a notebook, its parameters and the files it reads (no kernel, no pandas here).

Everything in this module is cheap to import on purpose: deciding that nothing needs rendering must
not pay for pandas, papermill or nbconvert. The proeftuin catalogue is therefore read with the
:mod:`csv` module (the same file :mod:`lmp.reference` reads and checks), and a notebook's parameters
are read from its JSON.
"""

from __future__ import annotations

import ast
import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from lmp.errors import CatalogueError, ParameterError, RenderError

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
REFERENCE_DIR = REPO_ROOT / "data" / "reference"
DEFAULT_DATA = "data/open/vektis_zvw_2011_2018.parquet"  # the real data: Vektis open data
DEFAULT_OUTPUTS = "outputs"
SYNTHETIC_DATA = "data/synthetic/lmp_synthetic.parquet"
SYNTHETIC_OUTPUTS = "outputs/synthetic"
# The report sets `lmp render --all` renders, in this order: name -> (data, outputs folder). The
# real reports are the product; the synthetic ones demonstrate the method on data with known
# answers, in their own folder.
REPORT_SETS = {
    "real": (DEFAULT_DATA, DEFAULT_OUTPUTS),
    "synthetic": (SYNTHETIC_DATA, SYNTHETIC_OUTPUTS),
}
SYNTHESIS = "cross_proeftuin"
KERNEL = "python3"
STAGING = ".staging"


@dataclass
class Job:
    """One report to render: ``notebook`` (a name in notebooks/) with ``parameters``.

    ``reads`` lists files (relative to the project root) that the notebook reads besides its data,
    e.g. the proeftuin reports' result tables that the synthesis sets side by side; the report is
    stale when one of them changes, and a batch renders it after the reports that write them.
    """

    name: str
    notebook: str
    title: str
    parameters: dict = field(default_factory=dict)
    reads: list[str] = field(default_factory=list)

    @property
    def output_dir(self) -> str:
        return self.parameters["output_dir"]

    @property
    def outputs_root(self) -> str:
        """The folder that holds this report's folder (and the manifest)."""
        return Path(self.output_dir).parent.as_posix()

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "notebook": self.notebook,
            "title": self.title,
            "parameters": self.parameters,
            "reads": self.reads,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Job:
        return cls(**data)


def proeftuin_names(reference_dir: Path = REFERENCE_DIR) -> dict[str, str]:
    """Slug -> name of the proeftuinen, in catalogue order (``data/reference/proeftuinen.csv``)."""
    with open(reference_dir / "proeftuinen.csv", encoding="utf-8", newline="") as handle:
        return {row["slug"]: row["name"] for row in csv.DictReader(handle)}


def proeftuin_job(
    slug: str,
    data_path: str = DEFAULT_DATA,
    outputs_root: str = DEFAULT_OUTPUTS,
) -> Job:
    """The report of one proeftuin (raises :class:`CatalogueError` for an unknown slug)."""
    names = proeftuin_names()
    if slug not in names:
        raise CatalogueError(f"unknown proeftuin '{slug}'; known: {', '.join(names)}")
    return Job(
        name=slug,
        notebook="proeftuin.ipynb",
        title=f"{names[slug]} - lmp proeftuin report",
        parameters={
            "proeftuin": slug,
            "data_path": data_path,
            "output_dir": f"{outputs_root}/{slug}",
        },
    )


# The tables of every proeftuin report that notebooks/cross_proeftuin.py reads.
SYNTHESIS_READS = ("results", "dilution", "primary")


def synthesis_job(
    data_path: str = DEFAULT_DATA,
    outputs_root: str = DEFAULT_OUTPUTS,
    proeftuinen: list[str] | None = None,
) -> Job:
    """The cross-proeftuin report; it reads ``SYNTHESIS_READS`` of ``proeftuinen`` (None: all)."""
    extra = {} if proeftuinen is None else {"proeftuinen": list(proeftuinen)}
    slugs = list(proeftuin_names()) if proeftuinen is None else list(proeftuinen)
    return Job(
        name=SYNTHESIS,
        notebook="cross_proeftuin.ipynb",
        title="Across the proeftuinen - lmp synthesis report",
        parameters={
            "outputs_root": outputs_root,
            "data_path": data_path,
            "output_dir": f"{outputs_root}/{SYNTHESIS}",
            **extra,
        },
        reads=[
            f"{outputs_root}/{slug}/tables/{table}.csv"
            for slug in slugs
            for table in SYNTHESIS_READS
        ],
    )


def all_jobs(data_path: str = DEFAULT_DATA, outputs_root: str = DEFAULT_OUTPUTS) -> list[Job]:
    """The nine proeftuin reports in catalogue order, then the synthesis."""
    jobs = [proeftuin_job(slug, data_path, outputs_root) for slug in proeftuin_names()]
    return [*jobs, synthesis_job(data_path, outputs_root)]


def notebook_path(notebook: str, root: Path = REPO_ROOT) -> Path:
    """Where a report notebook lives: ``<root>/notebooks/<notebook>`` when the project brings its
    own (a test project does), else the notebooks of the checkout lmp is installed from."""
    own = Path(root) / "notebooks" / notebook
    return own if own.exists() else NOTEBOOK_DIR / notebook


@dataclass(frozen=True)
class Parameter:
    """One entry of a notebook's ``parameters`` cell: its name, default and the type it takes."""

    name: str
    default: object
    kind: str  # "str", "int", "float", "bool", "list[str]", or "list[str] | None"

    def accepts(self, value: object) -> bool:
        if self.kind == "list[str] | None" and value is None:
            return True
        if self.kind.startswith("list[str]"):
            return isinstance(value, list) and all(isinstance(v, str) for v in value)
        if self.kind == "float":
            return isinstance(value, int | float) and not isinstance(value, bool)
        expected = {"str": str, "int": int, "bool": bool}[self.kind]
        return isinstance(value, expected) and (self.kind == "bool" or not isinstance(value, bool))


def _kind(default: object) -> str:
    if default is None:
        return "list[str] | None"
    if isinstance(default, list):
        return "list[str]"
    return type(default).__name__


def parameter_schema(notebook: str, root: Path = REPO_ROOT) -> list[Parameter]:
    """The parameters of a report notebook: plain ``name = literal`` lines of the cell tagged
    ``parameters`` (a default of None takes None or a list of strings)."""
    nb = json.loads(notebook_path(notebook, root).read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise RenderError(f"{notebook}: expected one cell tagged 'parameters', found {len(cells)}")
    source = cells[0]["source"]
    source = "".join(source) if isinstance(source, list) else source
    schema = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            default = ast.literal_eval(node.value)
            schema.append(Parameter(node.targets[0].id, default, _kind(default)))
    return schema


def check_parameters(notebook: str, parameters: dict, root: Path = REPO_ROOT) -> None:
    """Refuse unknown parameter names and values of the wrong type, before any kernel starts."""
    schema = {p.name: p for p in parameter_schema(notebook, root)}
    valid = ", ".join(f"{p.name} ({p.kind})" for p in schema.values())
    unknown = sorted(set(parameters) - set(schema))
    if unknown:
        raise ParameterError(
            f"{notebook}: unknown parameter(s) {', '.join(unknown)}; valid parameters: {valid}"
        )
    for name, value in parameters.items():
        if not schema[name].accepts(value):
            raise ParameterError(
                f"{notebook}: parameter '{name}' takes {schema[name].kind}, got {value!r}"
            )
