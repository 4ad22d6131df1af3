"""Render one report in this process: papermill into a staging folder, normalise, swap in.

Publishing is a pair of renames inside the outputs folder: the old report folder becomes
``<name>.previous``, the staging folder becomes ``<name>``, and only then is ``<name>.previous``
removed. While ``<name>.previous`` exists the swap has not finished, so :func:`recover` (run before
and after every batch, and after an interrupt) puts the previous outputs back. A reader therefore
sees either the old report or the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from lmp.errors import RenderError
from lmp.render.jobs import KERNEL, REPO_ROOT, STAGING, Job, check_parameters, notebook_path
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


def _execute(job: Job, root: Path, staging: Path, executed: Path, kernel: str) -> None:
    """Run papermill, retrying once when the kernel fails to start (not when a cell fails)."""
    import papermill

    kernel_parameters = {**job.parameters, "output_dir": staging.relative_to(root).as_posix()}
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
            for path in staging.iterdir():  # a clean staging folder for the retry
                shutil.rmtree(path) if path.is_dir() else path.unlink()


def run_job(job: Job, root: Path = REPO_ROOT, kernel: str = KERNEL) -> Path:
    """Execute, normalise and publish one report; returns its output folder.

    Raises :class:`ParameterError` for unknown or ill-typed parameters before a kernel starts, and
    :class:`RenderError` when the notebook fails; the failed notebook is then kept as
    ``<outputs>/<name>.failed.ipynb`` (normalised, with the error visible) and the earlier outputs
    are left untouched. The kernel runs in ``root`` with this process's environment.
    """
    import nbformat
    import papermill

    root = Path(root)
    check_parameters(job.notebook, job.parameters, root)
    final = root / job.output_dir
    staging = final.parent / STAGING / job.name
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    executed = staging / job.notebook
    failed = final.parent / f"{job.name}.failed.ipynb"
    try:
        _execute(job, root, staging, executed, kernel)
    except papermill.PapermillExecutionError as exc:
        if executed.exists():
            nb = normalise(nbformat.read(executed, as_version=4), job.parameters)
            nbformat.write(nb, failed)
        shutil.rmtree(staging, ignore_errors=True)
        raise RenderError(
            f"report '{job.name}' failed in cell {exc.cell_index}: {exc.ename}: {exc.evalue}"
            f" (executed notebook kept at {failed.relative_to(root).as_posix()})"
        ) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    nb = normalise(nbformat.read(executed, as_version=4), job.parameters)
    nbformat.write(nb, executed)
    (staging / "report.html").write_text(to_html(nb, job.title), encoding="utf-8")
    _swap_in(staging, final)
    with contextlib.suppress(OSError):  # another report may be staging beside it
        staging.parent.rmdir()
    if failed.exists():
        failed.unlink()
    return final
