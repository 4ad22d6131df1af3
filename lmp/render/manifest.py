"""What each rendered report was made from: content hashes in ``<outputs>/manifest.json``.

A report depends on its notebook, its parameters and languages, its data file (and the
ground-truth sidecar that labels it synthetic), the files it reads from other reports, the lmp
package source (which the notebook imports and which normalises the outputs), the reference
catalogues, and the pinned environment (``requirements.lock``). The manifest keeps a SHA-256 of
each, and of every file the report wrote, under paths relative to the project root (inputs) or to
the outputs folder (outputs), so the file is the same on every machine and can be committed with
the outputs. A report is current when all of these hashes match; nothing else (times, sizes) is
compared.

Assumption: the lmp package, the reference catalogues and ``requirements.lock`` are those of the
checkout lmp is installed from (``REPO_ROOT``), also when rendering a project elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from lmp.render.jobs import REFERENCE_DIR, REPO_ROOT, Job, notebook_path

MANIFEST = "manifest.json"
FORMAT = 1
PACKAGE_DIR = REPO_ROOT / "lmp"
LOCK_FILE = REPO_ROOT / "requirements.lock"
MISSING = "missing"


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, or ``"missing"``."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return MISSING


def tree_hash(files: dict[str, Path]) -> str:
    """One SHA-256 over named files (name and content hash, sorted by name)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{file_hash(files[name])}\n".encode())
    return digest.hexdigest()


def package_files(package: Path | None = None) -> dict[str, Path]:
    """The lmp source that a rendered report depends on: every ``*.py`` file and the HTML
    templates (editor backups and ``__pycache__`` are not source)."""
    package = package or PACKAGE_DIR
    files = [p for p in package.rglob("*.py") if "__pycache__" not in p.parts]
    files += [p for p in (package / "templates").rglob("*") if p.is_file()]
    return {p.relative_to(package).as_posix(): p for p in files}


def _truth_path(data_path: str) -> str:
    """The ground-truth sidecar of a data file (as :func:`lmp.contract.truth_path`)."""
    path = Path(data_path)
    return path.with_name(f"{path.name.split('.')[0]}.truth.json").as_posix()


def input_hashes(job: Job, root: Path = REPO_ROOT) -> dict[str, str]:
    """Hashes of everything ``job`` depends on, keyed by a path relative to the project root
    (folders end in ``/`` and hash every file in them). ``lmp/``, ``data/reference/`` and
    ``requirements.lock`` are those of the lmp checkout (the same folder in this repository)."""
    root = Path(root)
    data = job.parameters.get("data_path")
    files = {f"notebooks/{job.notebook}": notebook_path(job.notebook, root)}
    if data:
        files[data] = root / data
        files[_truth_path(data)] = root / _truth_path(data)
    for read in job.reads:
        files[read] = root / read
    hashes = {name: file_hash(path) for name, path in files.items()}
    reference = {p.name: p for p in REFERENCE_DIR.glob("*.csv")}
    hashes["lmp/"] = tree_hash(package_files())
    hashes["data/reference/"] = tree_hash(reference)
    hashes["requirements.lock"] = file_hash(LOCK_FILE)
    return hashes


def output_hashes(job: Job, root: Path = REPO_ROOT) -> dict[str, str]:
    """Hashes of every file in the report's folder, keyed relative to the outputs folder."""
    folder = Path(root) / job.output_dir
    base = folder.parent
    return {
        p.relative_to(base).as_posix(): file_hash(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class Manifest:
    """The manifest of one outputs folder: ``{"format", "reports": {name: entry}, "index"}``."""

    def __init__(self, path: Path, data: dict | None = None) -> None:
        self.path = Path(path)
        self.data = data or {"format": FORMAT, "reports": {}, "index": {}}

    @classmethod
    def load(cls, outputs: Path) -> Manifest:
        path = Path(outputs) / MANIFEST
        if not path.exists():
            return cls(path)
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return cls(path)
        return cls(path, data)

    @property
    def exists(self) -> bool:
        return self.path.exists()

    @property
    def reports(self) -> dict[str, dict]:
        return self.data.setdefault("reports", {})

    def record(self, job: Job, inputs: dict[str, str], root: Path) -> None:
        """Record a report just rendered from ``inputs`` (hashed before it started)."""
        self.reports[job.name] = {
            "notebook": job.notebook,
            "languages": list(job.languages),
            "parameters": dict(sorted(job.parameters.items())),
            "inputs": dict(sorted(inputs.items())),
            "outputs": output_hashes(job, root),
        }

    def record_index(self, name: str, digest: str) -> None:
        self.data["index"] = {name: digest}

    def text(self) -> str:
        return json.dumps(self.data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"

    def save(self) -> None:
        """Write atomically, and only when the content changed."""
        text = self.text()
        if self.path.exists() and self.path.read_text(encoding="utf-8") == text:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{MANIFEST}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.path)


def stale_reasons(job: Job, manifest: Manifest, root: Path = REPO_ROOT) -> list[str]:
    """Why ``job``'s outputs are not current (empty list: they are)."""
    entry = manifest.reports.get(job.name)
    if entry is None:
        return ["never rendered (not in the manifest)"]
    reasons = []
    if entry.get("notebook") != job.notebook:
        reasons.append(f"notebook changed: {entry.get('notebook')} -> {job.notebook}")
    if entry.get("languages") != list(job.languages):
        rendered = ", ".join(entry.get("languages") or ["(none recorded)"])
        reasons.append(f"languages: rendered in {rendered}, now {', '.join(job.languages)}")
    recorded = entry.get("parameters", {})
    for name in sorted(set(recorded) | set(job.parameters)):
        if recorded.get(name) != job.parameters.get(name):
            reasons.append(
                f"parameter {name}: rendered with {recorded.get(name)!r}, "
                f"now {job.parameters.get(name)!r}"
            )
    recorded_inputs = entry.get("inputs", {})
    for name, digest in sorted(input_hashes(job, root).items()):
        if name not in recorded_inputs:
            reasons.append(f"{name}: a new input")
        elif recorded_inputs[name] != digest:
            reasons.append(f"{name}: {'missing' if digest == MISSING else 'changed'}")
    current = output_hashes(job, root)
    recorded_outputs = entry.get("outputs", {})
    for name in sorted(set(recorded_outputs) | set(current)):
        if name not in current:
            reasons.append(f"output {name}: missing")
        elif name not in recorded_outputs:
            reasons.append(f"output {name}: not written by the render")
        elif current[name] != recorded_outputs[name]:
            reasons.append(f"output {name}: changed after rendering")
    return reasons
