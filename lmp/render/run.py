"""Render one report in this process: papermill into a staging folder, normalise, swap in.

Publishing is a pair of renames inside the outputs folder: the old report folder becomes
``<name>.previous``, the staging folder becomes ``<name>``, and only then is ``<name>.previous``
removed. While ``<name>.previous`` exists the swap has not finished, so :func:`recover` (run before
and after every batch, and after an interrupt) puts the previous outputs back. A reader therefore
sees either the old report or the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from pathlib import Path

from lmp.errors import RenderError
from lmp.render.jobs import (
    KERNEL,
    LANGUAGES,
    REPO_ROOT,
    RESULTS_CACHE,
    STAGING,
    Job,
    check_parameters,
    failed_name,
    notebook_path,
    report_name,
)
from lmp.render.normalise import normalise, to_html

KERNEL_START_TIMEOUT = 60  # seconds for a kernel to answer; a kernel that does not is retried once
KERNEL_ATTEMPTS = 2
PREVIOUS = ".previous"


class KernelStartError(RenderError):
    """A kernel that did not start (after the retry)."""


def _trash(outputs: Path, name: str) -> Path:
    return outputs / STAGING / f"{name}.trash"


def _remove(path: Path, outputs: Path) -> None:
    """Remove a folder by renaming it into the staging area first (a rename is atomic)."""
    trash = _trash(outputs, path.name)
    trash.parent.mkdir(parents=True, exist_ok=True)
    if trash.exists():
        shutil.rmtree(trash)
    path.rename(trash)
    shutil.rmtree(trash)


def _swap_in(staging: Path, final: Path) -> None:
    """Replace ``final`` by ``staging`` with renames only; the removal of the backup commits."""
    backup = final.with_name(final.name + PREVIOUS)
    if backup.exists():
        _remove(backup, final.parent)
    if final.exists():
        final.rename(backup)
    staging.rename(final)
    if backup.exists():
        _remove(backup, final.parent)


def recover(outputs: Path) -> list[str]:
    """Undo unfinished swaps under ``outputs`` and remove the staging area; returns the names of
    the reports whose previous outputs were put back."""
    restored = []
    if outputs.is_dir():
        for backup in sorted(outputs.glob(f"*{PREVIOUS}")):
            final = backup.with_name(backup.name[: -len(PREVIOUS)])
            if final.exists():
                _remove(final, outputs)
            backup.rename(final)
            restored.append(final.name)
    shutil.rmtree(outputs / STAGING, ignore_errors=True)
    return restored


def _cells_started(executed: Path) -> bool:
    """Whether papermill began executing any cell (else the kernel never came up)."""
    import nbformat

    if not executed.exists():
        return False
    nb = nbformat.read(executed, as_version=4)
    return any(c.metadata.get("papermill", {}).get("start_time") for c in nb.cells)


def _execute(
    job: Job, root: Path, staging: Path, executed: Path, kernel: str, language: str
) -> None:
    """Run papermill for one language, retrying once when the kernel fails to start (not when a
    cell fails). The kernel writes into the staging folder and caches its estimates there."""
    import papermill

    kernel_parameters = {
        **job.parameters,
        "output_dir": staging.relative_to(root).as_posix(),
        "language": language,
        "results_cache": (staging / RESULTS_CACHE).relative_to(root).as_posix(),
    }
    for attempt in range(1, KERNEL_ATTEMPTS + 1):
        try:
            papermill.execute_notebook(
                str(notebook_path(job.notebook, root)),
                str(executed),
                parameters=kernel_parameters,
                kernel_name=kernel,
                cwd=str(root),
                progress_bar=False,
                log_output=False,
                start_timeout=KERNEL_START_TIMEOUT,
            )
            return
        except papermill.PapermillExecutionError:
            raise
        except Exception as exc:
            if _cells_started(executed):
                raise RenderError(f"report '{job.name}': the kernel died: {exc}") from exc
            if attempt == KERNEL_ATTEMPTS:
                raise KernelStartError(
                    f"report '{job.name}': the kernel did not start ({attempt} attempts): {exc}"
                ) from exc
            executed.unlink(missing_ok=True)  # no cell ran: nothing else was written


def failed_notebooks(outputs: Path, name: str) -> list[Path]:
    """The failed notebooks kept for report ``name`` in ``outputs``, in language order."""
    return [p for lang in LANGUAGES if (p := Path(outputs) / failed_name(name, lang)).exists()]


def _remove_failed(outputs: Path, name: str) -> None:
    for path in failed_notebooks(outputs, name):
        path.unlink()


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != RESULTS_CACHE
    }


def _check_same_in_every_language(job: Job, before: dict[str, str], after: dict[str, str]) -> None:
    """A file that an earlier language wrote (a table, a figure without a language in its name)
    must come out of the next language with the same bytes."""
    changed = sorted(name for name, digest in before.items() if after.get(name) != digest)
    if changed:
        raise RenderError(
            f"report '{job.name}': the languages wrote different bytes to {', '.join(changed)} "
            "(files without a language in their name must be the same in every language)"
        )


def run_job(job: Job, root: Path = REPO_ROOT, kernel: str = KERNEL) -> Path:
    """Execute, normalise and publish one report in each of its languages; returns its folder.

    The notebook runs once per language (``job.languages``, English first) in one staging folder,
    with ``language`` and a ``results_cache`` file in that folder, so the second language reuses
    the estimates of the first; the cache is removed before the folder is published. Each
    language gives ``<notebook>.<lang>.ipynb`` and ``report.<lang>.html``; the other files must be
    the same in every language.

    Raises :class:`ParameterError` for unknown or ill-typed parameters before a kernel starts, and
    :class:`RenderError` when the notebook fails; the failed notebook is then kept as
    ``<outputs>/<name>.<lang>.failed.ipynb`` (normalised, with the error visible) and the earlier
    outputs are left untouched. The kernel runs in ``root`` with this process's environment.
    """
    import nbformat
    import papermill

    root = Path(root)
    check_parameters(job.notebook, job.parameters, root, run=True)
    final = root / job.output_dir
    staging = final.parent / STAGING / job.name
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    before: dict[str, str] = {}
    try:
        for language in job.languages:
            executed = staging / job.executed(language)
            parameters = {**job.parameters, "language": language}
            try:
                _execute(job, root, staging, executed, kernel, language)
            except papermill.PapermillExecutionError as exc:
                failed = final.parent / failed_name(job.name, language)
                _remove_failed(final.parent, job.name)
                if executed.exists():
                    nb = normalise(nbformat.read(executed, as_version=4), parameters)
                    nbformat.write(nb, failed)
                raise RenderError(
                    f"report '{job.name}' ({language}) failed in cell {exc.cell_index}: "
                    f"{exc.ename}: {exc.evalue}"
                    f" (executed notebook kept at {failed.relative_to(root).as_posix()})"
                ) from exc
            nb = normalise(nbformat.read(executed, as_version=4), parameters)
            nbformat.write(nb, executed)
            page = to_html(nb, job.title_for(language), language)
            (staging / report_name(language)).write_text(page, encoding="utf-8")
            after = _hashes(staging)
            _check_same_in_every_language(job, before, after)
            before = after
        (staging / RESULTS_CACHE).unlink(missing_ok=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(OSError):  # another report may be staging beside it
            staging.parent.rmdir()
        raise
    _swap_in(staging, final)
    with contextlib.suppress(OSError):  # another report may be staging beside it
        staging.parent.rmdir()
    _remove_failed(final.parent, job.name)
    return final
