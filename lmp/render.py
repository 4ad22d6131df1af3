"""Run the report notebooks with papermill and make their outputs byte-deterministic.

One report is one :class:`Job`: a notebook, its parameters and an output folder. :func:`run_job`
executes the notebook in a staging folder, normalises the executed notebook (no timestamps,
durations, kernel or random cell ids, environment-specific versions or staging paths), exports a
self-contained HTML file, and only then swaps the staging folder in for the old outputs. A report
that fails leaves the previous outputs as they were.

The notebook sources are percent-format scripts (``notebooks/*.py``, what a reviewer reads in a
diff); :func:`sync_notebook` writes the paired ``.ipynb`` with stable cell ids.
"""

from __future__ import annotations

import ast
import copy
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat
import papermill
from nbconvert import HTMLExporter
from papermill.translators import translate_parameters

from lmp.errors import ParameterError, RenderError
from lmp.reference import Reference, load_reference

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
DEFAULT_DATA = "data/synthetic/lmp_synthetic.parquet"
DEFAULT_OUTPUTS = "outputs"
SYNTHESIS = "cross_proeftuin"
KERNEL = "python3"
STAGING = ".staging"
TEMPLATES = Path(__file__).resolve().parent / "templates"
_VOLATILE_CELL_METADATA = ("papermill", "execution", "ExecuteTime", "collapsed", "scrolled")


@dataclass
class Job:
    """One report to render: ``notebook`` (a name in notebooks/) with ``parameters``."""

    name: str
    notebook: str
    title: str
    parameters: dict = field(default_factory=dict)

    @property
    def output_dir(self) -> str:
        return self.parameters["output_dir"]


def proeftuin_job(
    slug: str,
    data_path: str = DEFAULT_DATA,
    outputs_root: str = DEFAULT_OUTPUTS,
    ref: Reference | None = None,
) -> Job:
    """The report of one proeftuin (raises for an unknown slug)."""
    ref = ref or load_reference()
    name = ref.proeftuin(slug)["name"]
    return Job(
        name=slug,
        notebook="proeftuin.ipynb",
        title=f"{name} - lmp proeftuin report",
        parameters={
            "proeftuin": slug,
            "data_path": data_path,
            "output_dir": f"{outputs_root}/{slug}",
        },
    )


def synthesis_job(
    data_path: str = DEFAULT_DATA,
    outputs_root: str = DEFAULT_OUTPUTS,
    proeftuinen: list[str] | None = None,
) -> Job:
    """The cross-proeftuin report; it reads the proeftuin reports' result tables."""
    extra = {} if proeftuinen is None else {"proeftuinen": list(proeftuinen)}
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
    )


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


def parameter_schema(notebook: str) -> list[Parameter]:
    """The parameters of ``notebooks/<notebook>``: plain ``name = literal`` lines of the cell
    tagged ``parameters`` (a default of None takes None or a list of strings)."""
    nb = nbformat.read(NOTEBOOK_DIR / notebook, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise RenderError(f"{notebook}: expected one cell tagged 'parameters', found {len(cells)}")
    schema = []
    for node in ast.parse(cells[0].source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            default = ast.literal_eval(node.value)
            schema.append(Parameter(node.targets[0].id, default, _kind(default)))
    return schema


def check_parameters(notebook: str, parameters: dict) -> None:
    """Refuse unknown parameter names and values of the wrong type, before any kernel starts."""
    schema = {p.name: p for p in parameter_schema(notebook)}
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


def sync_notebook(script: Path) -> Path:
    """Write ``<script>.ipynb`` from the percent-format script, with cell ids ``cell-<n>``."""
    nb = jupytext.read(script)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
    target = script.with_suffix(".ipynb")
    nbformat.write(nb, target)
    return target


def normalise(nb: nbformat.NotebookNode, parameters: dict) -> nbformat.NotebookNode:
    """Strip every run-specific value from an executed notebook.

    The injected-parameters cell is rewritten with ``parameters`` as the user gave them (the kernel
    saw a staging output folder); the notebook keeps them under ``metadata.lmp.parameters``.
    """
    nb = copy.deepcopy(nb)
    nb.metadata.pop("papermill", None)
    language = nb.metadata.get("language_info", {})
    nb.metadata["language_info"] = {"name": language.get("name", "python")}
    nb.metadata["lmp"] = {"parameters": dict(sorted(parameters.items()))}
    for index, cell in enumerate(nb.cells):
        for key in _VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        cell["id"] = f"cell-{index}"
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = translate_parameters(KERNEL, "python", parameters).strip()
    return nb


def to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """Self-contained HTML of an executed notebook: images embedded, no CDN scripts, code hidden
    (the .ipynb keeps the code)."""
    exporter = HTMLExporter(
        extra_template_basedirs=[str(TEMPLATES)],
        template_name="lmp_report",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def _swap_in(staging: Path, final: Path) -> None:
    """Replace ``final`` by ``staging`` with renames only, so a reader never sees half of either."""
    backup = final.with_name(f"{final.name}.previous")
    if backup.exists():
        shutil.rmtree(backup)
    if final.exists():
        final.rename(backup)
    staging.rename(final)
    if backup.exists():
        shutil.rmtree(backup)


def run_job(job: Job, root: Path = REPO_ROOT) -> Path:
    """Execute, normalise and publish one report; returns its output folder.

    Raises :class:`ParameterError` for unknown or ill-typed parameters before a kernel starts, and
    :class:`RenderError` when the notebook fails; the failed notebook is then kept as
    ``<outputs>/<name>.failed.ipynb`` and the earlier outputs are left untouched.
    """
    check_parameters(job.notebook, job.parameters)
    final = root / job.output_dir
    staging = final.parent / STAGING / job.name
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    kernel_parameters = {**job.parameters, "output_dir": staging.relative_to(root).as_posix()}
    executed = staging / job.notebook
    failed = final.parent / f"{job.name}.failed.ipynb"
    try:
        papermill.execute_notebook(
            str(NOTEBOOK_DIR / job.notebook),
            str(executed),
            parameters=kernel_parameters,
            kernel_name=KERNEL,
            cwd=str(root),
            progress_bar=False,
            log_output=False,
        )
    except papermill.PapermillExecutionError as exc:
        if executed.exists():
            nb = normalise(nbformat.read(executed, as_version=4), job.parameters)
            nbformat.write(nb, failed)
        shutil.rmtree(staging, ignore_errors=True)
        raise RenderError(
            f"report '{job.name}' failed in cell {exc.cell_index}: {exc.ename}: {exc.evalue}"
            f" (executed notebook kept at {failed.relative_to(root)})"
        ) from exc
    nb = normalise(nbformat.read(executed, as_version=4), job.parameters)
    nbformat.write(nb, executed)
    (staging / "report.html").write_text(to_html(nb, job.title), encoding="utf-8")
    _swap_in(staging, final)
    if not any(staging.parent.iterdir()):
        staging.parent.rmdir()
    if failed.exists():
        failed.unlink()
    return final


def all_jobs(data_path: str = DEFAULT_DATA, outputs_root: str = DEFAULT_OUTPUTS) -> list[Job]:
    """The nine proeftuin reports in reference order, then the synthesis."""
    ref = load_reference()
    jobs = [proeftuin_job(slug, data_path, outputs_root, ref) for slug in ref.proeftuinen["slug"]]
    return [*jobs, synthesis_job(data_path, outputs_root)]
