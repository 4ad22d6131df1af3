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
# The languages of every report, in the order a render job executes them: English first, then
# Dutch, which reuses the estimates the English run cached in the staging folder.
LANGUAGES = ("en", "nl")
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}
# Parameters that the render sets for each run of a notebook; a job does not set them itself.
RUN_PARAMETERS = ("language", "results_cache")
RESULTS_CACHE = ".results.pkl"  # in the staging folder; never published


def executed_name(notebook: str, language: str) -> str:
    """The executed notebook of one language: ``proeftuin.ipynb`` -> ``proeftuin.en.ipynb``."""
    return f"{Path(notebook).stem}.{language}.ipynb"


def report_name(language: str) -> str:
    """The report page of one language: ``report.en.html``."""
    return f"report.{language}.html"


def failed_name(name: str, language: str) -> str:
    """Where a failed notebook is kept, beside the report folder: ``<name>.<lang>.failed.ipynb``."""
    return f"{name}.{language}.failed.ipynb"


def check_languages(languages) -> tuple[str, ...]:
    """``languages`` in the order of ``LANGUAGES`` (English first); refuses unknown or none."""
    unknown = sorted(set(languages) - set(LANGUAGES))
    if unknown or not languages:
        raise ParameterError(
            f"languages: choose one or more of {', '.join(LANGUAGES)}, got {list(languages)!r}"
        )
    return tuple(language for language in LANGUAGES if language in set(languages))


@dataclass
class Job:
    """One report to render: ``notebook`` (a name in notebooks/) with ``parameters``, once per
    language in ``languages`` (a subset of ``LANGUAGES``, rendered in that order).

    ``title`` is the English title of the report page, ``titles`` the titles in other languages
    (a language without one gets ``title``). ``reads`` lists files (relative to the project root)
    that the notebook reads besides its data, e.g. the proeftuin reports' result tables that the
    synthesis sets side by side; the report is stale when one of them changes, and a batch
    renders it after the reports that write them.
    """

    name: str
    notebook: str
    title: str
    parameters: dict = field(default_factory=dict)
    reads: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    languages: tuple[str, ...] = LANGUAGES

    def __post_init__(self) -> None:
        self.languages = check_languages(self.languages)

    def title_for(self, language: str) -> str:
        """The page title in ``language``."""
        return self.titles.get(language, self.title)

    def executed(self, language: str) -> str:
        """The executed notebook's file name in ``language`` (in the report folder)."""
        return executed_name(self.notebook, language)

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
            "titles": self.titles,
            "languages": list(self.languages),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Job:
        return cls(**{**data, "languages": tuple(data.get("languages", LANGUAGES))})


def proeftuin_names(reference_dir: Path = REFERENCE_DIR) -> dict[str, str]:
    """Slug -> name of the proeftuinen, in catalogue order (``data/reference/proeftuinen.csv``)."""
    with open(reference_dir / "proeftuinen.csv", encoding="utf-8", newline="") as handle:
        return {row["slug"]: row["name"] for row in csv.DictReader(handle)}


def proeftuin_job(
    slug: str,
    data_path: str = DEFAULT_DATA,
    outputs_root: str = DEFAULT_OUTPUTS,
    languages: tuple[str, ...] = LANGUAGES,
) -> Job:
    """The report of one proeftuin (raises :class:`CatalogueError` for an unknown slug)."""
    names = proeftuin_names()
    if slug not in names:
        raise CatalogueError(f"unknown proeftuin '{slug}'; known: {', '.join(names)}")
    return Job(
        name=slug,
        notebook="proeftuin.ipynb",
        title=f"{names[slug]} - lmp proeftuin report",
        titles={"nl": f"{names[slug]} - lmp rapport proeftuin"},
        parameters={
            "proeftuin": slug,
            "data_path": data_path,
            "output_dir": f"{outputs_root}/{slug}",
        },
        languages=languages,
    )


# The tables of every proeftuin report that notebooks/cross_proeftuin.py reads.
SYNTHESIS_READS = ("results", "dilution", "primary")


def synthesis_job(
    data_path: str = DEFAULT_DATA,
    outputs_root: str = DEFAULT_OUTPUTS,
    proeftuinen: list[str] | None = None,
    languages: tuple[str, ...] = LANGUAGES,
) -> Job:
    """The cross-proeftuin report; it reads ``SYNTHESIS_READS`` of ``proeftuinen`` (None: all)."""
    extra = {} if proeftuinen is None else {"proeftuinen": list(proeftuinen)}
    slugs = list(proeftuin_names()) if proeftuinen is None else list(proeftuinen)
    return Job(
        name=SYNTHESIS,
        notebook="cross_proeftuin.ipynb",
        title="Across the proeftuinen - lmp synthesis report",
        titles={"nl": "Over de proeftuinen heen - lmp synthese"},
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
        languages=languages,
    )


def all_jobs(
    data_path: str = DEFAULT_DATA,
    outputs_root: str = DEFAULT_OUTPUTS,
    languages: tuple[str, ...] = LANGUAGES,
) -> list[Job]:
    """The nine proeftuin reports in catalogue order, then the synthesis."""
    jobs = [proeftuin_job(slug, data_path, outputs_root, languages) for slug in proeftuin_names()]
    return [*jobs, synthesis_job(data_path, outputs_root, languages=languages)]


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


def check_parameters(
    notebook: str, parameters: dict, root: Path = REPO_ROOT, run: bool = False
) -> None:
    """Refuse unknown parameter names and values of the wrong type, before any kernel starts.

    With ``run`` (a render job's parameters) the notebook must take the parameters that the render
    sets for each run (``RUN_PARAMETERS``: language, results cache), and the job must not set them.
    """
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
    if run:
        own = sorted(set(parameters) & set(RUN_PARAMETERS))
        if own:
            raise ParameterError(
                f"{notebook}: parameter(s) {', '.join(own)} are set by lmp render for each "
                "language; choose the languages instead (lmp render --language)"
            )
        missing = [name for name in RUN_PARAMETERS if name not in schema]
        if missing:
            raise ParameterError(
                f"{notebook}: the notebook has no parameter(s) {', '.join(missing)}, which lmp "
                "render sets for each language; add them to its parameters cell"
            )
