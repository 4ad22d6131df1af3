"""Render many reports: in parallel, only what is stale, and check what is committed.

:func:`render_reports` decides from the manifest which reports are stale (or all, with ``force``),
runs each in a worker process (one kernel each), at most ``workers`` at a time, and renders a report that reads other reports' outputs (the synthesis)
after them, deciding only then whether it is stale. A failing report does not stop the others.
After each report the manifest is updated, and at the end the index page is rebuilt. An interrupt
(Ctrl-C, SIGTERM) kills the worker processes and their kernels, puts back the previous outputs of
any report caught mid-swap and removes the staging area: every report is then either as it was
before or completely re-rendered, and the manifest says which.

:func:`check_outputs` is ``lmp check``: are the outputs current and clean?
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from lmp.errors import RenderError
from lmp.render.index import INDEX, build_index
from lmp.render.jobs import REPO_ROOT, STAGING, Job, check_parameters
from lmp.render.manifest import MANIFEST, Manifest, file_hash, input_hashes, stale_reasons
from lmp.render.normalise import unclean
from lmp.render.run import PREVIOUS, failed_notebooks, recover

LOCK = ".render.lock"  # in the outputs folder: held by the one render writing there

# One BLAS/OpenMP thread per kernel unless the caller set these: kernels run side by side, and on
# two cores two kernels with two threads each ran several times slower (benchmarks/render.py).
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

RENDERED, CURRENT, FAILED, NOT_RUN = "rendered", "current", "FAILED", "not run"


@dataclass
class Outcome:
    """What happened to one report in a batch."""

    name: str
    status: str
    seconds: float = 0.0
    output: str = ""
    message: str = ""


class BatchInterrupted(KeyboardInterrupt):
    """The batch was interrupted; ``outcomes`` says what was finished before."""

    def __init__(self, outcomes: list[Outcome]) -> None:
        super().__init__("interrupted")
        self.outcomes = outcomes


def default_workers() -> int:
    """One worker per core."""
    return os.cpu_count() or 1


def _outputs_root(jobs: list[Job], root: Path) -> Path:
    roots = {job.outputs_root for job in jobs}
    if len(roots) != 1:
        raise RenderError(f"one batch renders into one outputs folder, got {sorted(roots)}")
    return root / roots.pop()


def _upstream(job: Job, jobs: list[Job]) -> set[str]:
    """The reports in ``jobs`` that write a file ``job`` reads."""
    return {
        other.name
        for other in jobs
        if other is not job and any(r.startswith(other.output_dir + "/") for r in job.reads)
    }


def _start_worker() -> None:
    """Initialise a worker process: out of the terminal's process group (Ctrl-C reaches only the
    batch, which then ends the workers and their kernels) and one BLAS thread per kernel."""
    os.setsid()
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    quiet = os.open(os.devnull, os.O_WRONLY)  # kernels' start-up chatter would break the bar;
    os.dup2(quiet, 1)  # a failing report's message comes from its exception instead
    os.dup2(quiet, 2)


def _render_one(job_data: dict, root: str) -> tuple[str, str]:
    """Render one report in a worker process; returns (status, message). Never raises for a
    report that fails, so one failure stops nothing else."""
    from lmp.errors import LmpError
    from lmp.render.run import run_job

    job = Job.from_dict(job_data)
    try:
        run_job(job, Path(root))
    except LmpError as exc:
        return FAILED, str(exc)
    except Exception as exc:
        return FAILED, f"report '{job.name}': {type(exc).__name__}: {exc}"
    return RENDERED, ""


class _Workers:
    """A pool of worker processes, one kernel each, that an interrupt can end with their kernels.

    Workers are started fresh (``spawn``) and reused for several reports, so papermill and
    nbconvert are imported once per worker, not once per report.
    """

    def __init__(self, size: int) -> None:
        before = {p.pid for p in multiprocessing.active_children()}
        self.executor = ProcessPoolExecutor(
            max_workers=size,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
        )
        self._before = before
        self._started: dict = {}  # pid -> psutil.Process: what the workers started, see watch()

    def submit(self, job: Job, root: Path) -> Future:
        return self.executor.submit(_render_one, job.to_dict(), str(root))

    def _workers(self) -> list:
        return [p for p in multiprocessing.active_children() if p.pid not in self._before]

    def watch(self) -> None:
        """Remember the processes (kernels) the workers have started. When a worker dies, the
        pool ends the other workers itself and their kernels lose their parent; this record is
        how :meth:`kill_all` still finds them. A kernel started after the last call is missed
        (it ends by itself once its parent is gone)."""
        import psutil

        for worker in self._workers():
            try:
                for child in psutil.Process(worker.pid).children(recursive=True):
                    self._started.setdefault(child.pid, child)
            except psutil.NoSuchProcess:
                continue

    def kill_all(self) -> None:
        """End every worker process and the kernels it started (the whole process tree)."""
        import psutil

        victims = [p for p in self._started.values() if p.is_running()]
        for worker in self._workers():
            try:
                parent = psutil.Process(worker.pid)
                victims += [*parent.children(recursive=True), parent]
            except psutil.NoSuchProcess:
                continue
        for victim in victims:
            try:
                victim.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(victims, timeout=10)
        self.executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self.executor.shutdown(wait=True)


class _Progress:
    """One bar for the batch (which reports run, done/total, elapsed) on a terminal; one line per
    finished report otherwise (CI logs)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.done = 0
        self.start = time.monotonic()
        self.bar = None
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                unit="report",
                file=sys.stderr,
                bar_format="{desc} {bar} {n_fmt}/{total_fmt} [{elapsed}]",
            )
        self.enabled = enabled

    def running(self, names: list[str]) -> None:
        if self.bar is not None:
            self.bar.set_description_str(", ".join(names) or "waiting", refresh=True)

    def finished(self, outcome: Outcome) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
        elif self.enabled:
            elapsed = time.monotonic() - self.start
            print(
                f"[{self.done}/{self.total} {elapsed:5.0f}s] {outcome.name}: {outcome.status}",
                file=sys.stderr,
                flush=True,
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def plan(jobs: list[Job], root: Path = REPO_ROOT, force: bool = False) -> dict[str, list[str]]:
    """Report name -> why it must be rendered, for the stale ones (all of them with ``force``).

    A report that reads the outputs of a report to be rendered is listed too ("after ..."); the
    batch decides when those have finished whether it really is stale.
    """
    root = Path(root)
    manifest = Manifest.load(_outputs_root(jobs, root))
    stale = {}
    for job in jobs:
        reasons = ["--force"] if force else stale_reasons(job, manifest, root)
        if reasons:
            stale[job.name] = reasons
    for job in jobs:  # catalogue order: readers come after the reports they read
        waiting = sorted(_upstream(job, jobs) & set(stale))
        if job.name not in stale and waiting:
            stale[job.name] = [f"after {', '.join(waiting)}"]
    return stale


def write_index(jobs: list[Job], root: Path, manifest: Manifest | None = None) -> bool:
    """Rebuild ``<outputs>/index.html`` and record it in the manifest; True if it changed."""
    root = Path(root)
    outputs = _outputs_root(jobs, root)
    manifest = manifest or Manifest.load(outputs)
    path = outputs / INDEX
    text = build_index(jobs, root)
    changed = not path.exists() or path.read_text(encoding="utf-8") != text
    if changed:
        outputs.mkdir(parents=True, exist_ok=True)
        tmp = outputs / f".{INDEX}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    manifest.record_index(INDEX, file_hash(path))
    manifest.save()
    return changed


def render_reports(
    jobs: list[Job],
    root: Path = REPO_ROOT,
    workers: int | None = None,
    force: bool = False,
    preflight: Callable[[list[Job]], None] | None = None,
    progress: bool = True,
    index_jobs: list[Job] | None = None,
) -> list[Outcome]:
    """Render the stale reports among ``jobs`` (all with ``force``); returns one outcome each.

    Parameters are checked for every job before anything starts (:class:`ParameterError`);
    ``preflight`` gets the reports about to be rendered and may refuse them (the command line
    validates their data). With nothing stale no kernel and no worker starts. The index page is
    rebuilt from ``index_jobs`` (default: ``jobs``). Raises :class:`BatchInterrupted` on Ctrl-C.
    """
    root = Path(root)
    outputs = _outputs_root(jobs, root)
    for job in jobs:
        check_parameters(job.notebook, job.parameters, root, run=True)
    with render_lock(outputs):
        return _render_locked(
            jobs, root, outputs, workers, force, preflight, progress, index_jobs or jobs
        )


def _render_locked(
    jobs: list[Job],
    root: Path,
    outputs: Path,
    workers: int | None,
    force: bool,
    preflight: Callable[[list[Job]], None] | None,
    progress: bool,
    index_jobs: list[Job],
) -> list[Outcome]:
    """:func:`render_reports` once it holds the outputs folder's lock."""
    recover(outputs)
    todo_reasons = plan(jobs, root, force)
    outcomes = {j.name: Outcome(j.name, CURRENT, output=j.output_dir) for j in jobs}
    todo = [job for job in jobs if job.name in todo_reasons]
    manifest = Manifest.load(outputs)
    if todo:
        if preflight is not None:
            preflight(todo)
        _run_batch(
            todo,
            jobs,
            root,
            outputs,
            workers or default_workers(),
            force,
            manifest,
            progress,
            outcomes,
        )
    write_index(index_jobs, root, manifest)
    return [outcomes[j.name] for j in jobs]


@contextmanager
def render_lock(outputs: Path) -> Iterator[None]:
    """Hold ``outputs``' render lock (``LOCK``, an advisory ``flock``) while a render runs.

    A second ``lmp render`` into the same folder is refused with a clear message instead of both
    swapping reports at once. The lock ends with the process, so a killed render leaves none
    behind (the empty file stays; it is ignored by git and by ``lmp check``). Where ``fcntl`` does
    not exist (Windows) there is no lock: run one render at a time there.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    outputs.mkdir(parents=True, exist_ok=True)
    with open(outputs / LOCK, "a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RenderError(
                f"another `lmp render` is writing to {outputs.name}/ right now; "
                "wait for it to finish, then run this one again"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run_batch(
    todo: list[Job],
    jobs: list[Job],
    root: Path,
    outputs: Path,
    workers: int,
    force: bool,
    manifest: Manifest,
    progress: bool,
    outcomes: dict[str, Outcome],
) -> None:
    """Schedule ``todo`` on ``workers`` worker processes (see :func:`render_reports`)."""
    upstream = {job.name: _upstream(job, todo) for job in todo}
    first = {job.name for job in todo if not upstream[job.name]}
    waiting = list(todo)
    finished: set[str] = set()
    bar = _Progress(len(todo), progress)
    previous_handler = None
    if threading.current_thread() is threading.main_thread():
        previous_handler = signal.signal(signal.SIGTERM, signal.default_int_handler)
    size = min(workers, len(todo))
    pool = _Workers(size)
    running: dict[Future, tuple[Job, dict[str, str], float]] = {}
    isolated: set[str] = set()  # reports lost with a dead worker process: they now run alone
    try:
        while waiting or running:
            broken = False
            for job in _startable(waiting, running, upstream, finished, isolated, workers):
                waiting.remove(job)
                if not force and job.name not in first and not stale_reasons(job, manifest, root):
                    finished.add(job.name)  # what it reads did not change after all
                    bar.finished(outcomes[job.name])
                    continue
                inputs = input_hashes(job, root)
                try:
                    future = pool.submit(job, root)
                except BrokenExecutor:  # a worker process died while idle: the pool takes no more
                    waiting.insert(0, job)
                    broken = True
                    break
                running[future] = (job, inputs, time.monotonic())
            bar.running([job.name for job, _, _ in running.values()])
            pool.watch()
            done: set[Future] = set()
            if not broken:
                done, _ = wait(list(running), timeout=0.5, return_when=FIRST_COMPLETED)
                broken = any(isinstance(f.exception(), BrokenExecutor) for f in done)
            if broken:
                # A worker process died (killed by its report's code, or by the system). The pool
                # is then broken and every report running in it ends now, lost or just finished:
                # collect them all, end what the old workers started, and start a new pool.
                wait(list(running))
                done = set(running)
                pool = _renew(pool, size)
                recover(outputs)  # nothing is running: undo a swap the dead worker left unfinished
            for future in done:
                job, inputs, started = running.pop(future)
                try:
                    status, message = future.result()
                except BrokenExecutor as exc:
                    if job.name not in isolated:  # perhaps lost with another report's worker
                        isolated.add(job.name)
                        waiting.insert(0, job)
                        continue
                    status, message = FAILED, f"its worker process died while it ran alone: {exc}"
                except Exception as exc:  # anything else that went wrong outside the report
                    status, message = FAILED, f"worker process failed: {type(exc).__name__}: {exc}"
                outcome = Outcome(
                    job.name, status, time.monotonic() - started, job.output_dir, message
                )
                if status == RENDERED:
                    manifest.record(job, inputs, root)
                    manifest.save()
                elif status == FAILED:
                    failed = failed_notebooks(root / job.outputs_root, job.name)
                    outcome.output = ", ".join(p.relative_to(root).as_posix() for p in failed)
                outcomes[job.name] = outcome
                finished.add(job.name)
                bar.finished(outcome)
    except KeyboardInterrupt:
        pool.kill_all()
        for job, _, started in running.values():
            outcomes[job.name] = Outcome(
                job.name, NOT_RUN, time.monotonic() - started, "", "interrupted"
            )
        for job in waiting:
            outcomes[job.name] = Outcome(job.name, NOT_RUN, 0.0, "", "interrupted")
        recover(outputs)
        raise BatchInterrupted([outcomes[j.name] for j in jobs]) from None
    finally:
        pool.close()
        bar.close()
        if previous_handler is not None:
            signal.signal(signal.SIGTERM, previous_handler)
        _remove_staging(outputs)


def _startable(
    waiting: list[Job],
    running: dict[Future, tuple[Job, dict[str, str], float]],
    upstream: dict[str, set[str]],
    finished: set[str],
    isolated: set[str],
    workers: int,
) -> Iterator[Job]:
    """The waiting reports to start now, in order; reads ``running`` as the caller fills it.

    A report lost when a worker process died (in ``isolated``) runs alone: it starts only when
    nothing else runs and nothing starts beside it, so if it kills its worker again it is the
    culprit and no other report is lost with it.
    """
    for job in list(waiting):
        if len(running) >= workers or any(j.name in isolated for j, _, _ in running.values()):
            return
        if upstream[job.name] - finished:
            continue
        if job.name in isolated:
            if not running:
                yield job
            return
        yield job


def _renew(pool: _Workers, size: int) -> _Workers:
    """A fresh pool in place of a broken one, after ending every process the old one started."""
    pool.kill_all()
    return _Workers(size)


def _remove_staging(outputs: Path) -> None:
    staging = outputs / STAGING
    if staging.exists() and not any(p for p in staging.iterdir()):
        staging.rmdir()


def summary_table(outcomes: list[Outcome]) -> str:
    """A plain-text table: report, status, seconds, output path (and why a report failed)."""
    rows = [("report", "status", "seconds", "output")]
    rows += [(o.name, o.status, f"{o.seconds:.1f}", o.output or "-") for o in outcomes]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += [f"{o.name}: {o.message}" for o in outcomes if o.status == FAILED and o.message]
    return "\n".join(lines)


@dataclass
class CheckResult:
    """What ``lmp check`` found: stale reports (with reasons) and unclean files."""

    stale: dict[str, list[str]] = field(default_factory=dict)
    unclean: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.stale and not self.unclean

    def text(self) -> str:
        lines = []
        for name, reasons in self.stale.items():
            lines.append(f"stale: {name}")
            lines += [f"    {reason}" for reason in reasons]
        for problem in self.unclean:
            lines.append(f"unclean: {problem}")
        return "\n".join(lines)


def check_outputs(
    jobs: list[Job], root: Path = REPO_ROOT, min_persons: int | None = None
) -> CheckResult:
    """Are the outputs of ``jobs`` current (manifest hashes against the inputs now) and clean?

    A report that reads a stale report is stale too. The index must be what ``lmp render`` would
    write now. Every file under the outputs folder is scanned by :func:`unclean`; leftovers of a
    failed or unfinished render are reported as well. Every published table (``tables/*.csv`` of
    each report) goes through the output scanner (:func:`lmp.disclosure.scan_table`): it must
    carry the persons behind its statistics, none fewer than ``min_persons`` (default
    :data:`lmp.disclosure.MIN_PERSONS`), also not by subtraction.
    """
    from lmp.disclosure import MIN_PERSONS, scan_table

    minimum = MIN_PERSONS if min_persons is None else min_persons
    root = Path(root)
    outputs = _outputs_root(jobs, root)
    result = CheckResult()
    manifest = Manifest.load(outputs)
    base = outputs.relative_to(root).as_posix()
    if not manifest.exists:
        result.stale[MANIFEST] = [f"{base}/{MANIFEST} is missing: run `lmp render --all`"]
    for job in jobs:
        reasons = stale_reasons(job, manifest, root)
        waiting = sorted(_upstream(job, jobs) & set(result.stale))
        if waiting:
            reasons.append(f"reads the outputs of stale report(s): {', '.join(waiting)}")
        if reasons:
            result.stale[job.name] = reasons
    index = outputs / INDEX
    if not index.exists():
        result.stale[INDEX] = [f"{base}/{INDEX} is missing"]
    elif index.read_text(encoding="utf-8") != build_index(jobs, root):
        result.stale[INDEX] = [f"{base}/{INDEX} differs from the reports' tables"]
    elif manifest.data.get("index", {}).get(INDEX) != file_hash(index):
        result.stale[INDEX] = [f"{base}/{INDEX} is not the one recorded in the manifest"]
    known = {Path(job.output_dir).name for job in jobs} | {INDEX, MANIFEST, LOCK}
    # another report set's folder inside this one (outputs/synthetic) has its own manifest
    known |= (
        {p.name for p in outputs.iterdir() if (p / MANIFEST).exists()}
        if outputs.is_dir()
        else set()
    )
    for path in sorted(outputs.iterdir()) if outputs.is_dir() else []:
        name = f"{base}/{path.name}"
        if path.name.endswith(".failed.ipynb"):
            result.unclean.append(f"{name}: a failed render's notebook (fix the report, re-render)")
        elif path.name == STAGING or path.name.endswith(PREVIOUS):
            result.unclean.append(f"{name}: left by an unfinished render (run `lmp render`)")
        elif path.name not in known:
            result.unclean.append(f"{name}: not written by any report")
    for path in sorted(outputs.rglob("*")) if outputs.is_dir() else []:
        if path.is_file() and STAGING not in path.parts:
            result.unclean += unclean(path, path.relative_to(root).as_posix(), root)
    for job in jobs:
        for table in sorted((root / job.output_dir / "tables").glob("*.csv")):
            name = table.relative_to(root).as_posix()
            result.unclean += scan_table(table, name=name, min_persons=minimum)
    return result
