"""The newcomer's path: same packages for pip and conda, CI runs the README's test command."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# Optional extras outside the default environment (pyproject.toml says why); not in environment.yml.
OUTSIDE_DEFAULT = {"spark"}


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    specs = project["dependencies"] + [
        d for name, ds in extras.items() if name not in OUTSIDE_DEFAULT for d in ds
    ]
    pins = {}
    for spec in specs:
        name, _, version = spec.partition("==")
        assert version, f"pyproject.toml: '{spec}' is not pinned with =="
        pins[name.strip().lower()] = version.strip()
    return pins


def _environment() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        # conda pins "- name=version"; the pip: section pins "- name==version"
        line = line.split("#")[0]
        match = re.fullmatch(r"\s*-\s*([A-Za-z0-9_.\-]+)==?([^=\s]+)\s*", line)
        if match and match.group(1) != "python":
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_environment_yml_and_pyproject_list_the_same_packages_and_versions():
    assert _environment() == _pyproject()
    assert {"jupyter", "pandas", "statsmodels", "matplotlib", "papermill"} <= set(_pyproject())


def test_lock_file_agrees_with_the_pins():
    lock = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line:
            name, version = line.split("==")
            lock[name.lower().replace("_", "-")] = version
    for name, version in _pyproject().items():
        assert lock.get(name.replace("_", "-")) == version, name


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [
        line.strip() for line in ci.splitlines() if line.strip() and not line.startswith("#")
    ]
    assert commands[-1] == "make test"
    assert "make test" in readme and "make reports" in readme
