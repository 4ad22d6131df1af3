"""Render the report notebooks with papermill into byte-deterministic, checked outputs.

One report is one :class:`Job`: a notebook, its parameters and an output folder; the notebook is
executed once per language (``LANGUAGES``: English, then Dutch), each run giving
``<notebook>.<lang>.ipynb`` and ``report.<lang>.html``.

- :mod:`lmp.render.jobs`      the reports, their parameters (checked before a kernel starts)
- :mod:`lmp.render.normalise` strip run-specific values, export HTML, find what is left (``unclean``)
- :mod:`lmp.render.run`       one report in this process: staging folder, atomic swap, recovery
- :mod:`lmp.render.manifest`  content hashes of what each report was made from
- :mod:`lmp.render.batch`     parallel, incremental batches; ``lmp check``
- :mod:`lmp.render.index`     ``outputs/index.html``
- :mod:`lmp.render.pdf`       PDFs of the report pages, printed by headless Chromium (``lmp pdf``)
- :mod:`lmp.render.textconv`  a readable text form of a notebook for ``git diff``

The notebook sources are percent-format scripts (``notebooks/*.py``, what a reviewer reads in a
diff); :func:`sync_notebook` writes the paired ``.ipynb`` with stable cell ids. Importing this
package imports no pandas, papermill or nbconvert: deciding that nothing is stale is fast.
"""

from __future__ import annotations

from lmp.render.batch import (
    CURRENT,
    FAILED,
    NOT_RUN,
    RENDERED,
    BatchInterrupted,
    CheckResult,
    Outcome,
    check_outputs,
    default_workers,
    plan,
    render_reports,
    summary_table,
    write_index,
)
from lmp.render.index import INDEX, build_index
from lmp.render.jobs import (
    DEFAULT_DATA,
    DEFAULT_OUTPUTS,
    KERNEL,
    LANGUAGE_NAMES,
    LANGUAGES,
    NOTEBOOK_DIR,
    REPO_ROOT,
    REPORT_SETS,
    STAGING,
    SYNTHESIS,
    SYNTHESIS_READS,
    SYNTHETIC_DATA,
    SYNTHETIC_OUTPUTS,
    Job,
    Parameter,
    all_jobs,
    check_languages,
    check_parameters,
    executed_name,
    failed_name,
    notebook_path,
    parameter_schema,
    proeftuin_job,
    proeftuin_names,
    report_name,
    synthesis_job,
)
from lmp.render.manifest import MANIFEST, Manifest, input_hashes, stale_reasons
from lmp.render.normalise import TEMPLATES, normalise, sync_notebook, to_html, unclean
from lmp.render.run import failed_notebooks, recover, run_job

__all__ = [
    "REPORT_SETS",
    "SYNTHETIC_DATA",
    "SYNTHETIC_OUTPUTS",
    "CURRENT",
    "FAILED",
    "NOT_RUN",
    "RENDERED",
    "DEFAULT_DATA",
    "DEFAULT_OUTPUTS",
    "INDEX",
    "KERNEL",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "MANIFEST",
    "NOTEBOOK_DIR",
    "REPO_ROOT",
    "SYNTHESIS_READS",
    "STAGING",
    "SYNTHESIS",
    "TEMPLATES",
    "BatchInterrupted",
    "CheckResult",
    "Job",
    "Manifest",
    "Outcome",
    "Parameter",
    "all_jobs",
    "build_index",
    "check_languages",
    "check_outputs",
    "check_parameters",
    "default_workers",
    "executed_name",
    "failed_name",
    "failed_notebooks",
    "input_hashes",
    "normalise",
    "notebook_path",
    "parameter_schema",
    "plan",
    "proeftuin_job",
    "proeftuin_names",
    "recover",
    "report_name",
    "render_reports",
    "run_job",
    "stale_reasons",
    "summary_table",
    "sync_notebook",
    "synthesis_job",
    "to_html",
    "unclean",
    "write_index",
]
