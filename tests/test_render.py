"""papermill rendering of a proeftuin report and the synthesis on small data, end to end."""

from __future__ import annotations

import hashlib
import json
import re

import nbformat
import pytest

from lmp import render, synth
from lmp.errors import RenderError

SLUG = "vitaal-vechtdal"


def _snapshot(folder) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    cfg = synth.SynthConfig(seed=7, proeftuinen=[SLUG], comparison_municipalities=30)
    synth.write_dataset(*synth.generate(cfg), root / "data" / "small.parquet")
    jobs = [
        render.proeftuin_job(SLUG, "data/small.parquet", "outputs"),
        render.synthesis_job("data/small.parquet", "outputs", proeftuinen=[SLUG]),
    ]
    for job in jobs:
        render.run_job(job, root=root)
    return root, jobs


def test_reports_have_notebook_html_figures_and_tables(rendered):
    root, _ = rendered
    report = root / "outputs" / SLUG
    for name in ["proeftuin.ipynb", "report.html", "tables/results.csv", "figures/event_study.png"]:
        assert (report / name).is_file(), name
    synthesis = root / "outputs" / render.SYNTHESIS
    assert (synthesis / "cross_proeftuin.ipynb").is_file()
    assert (synthesis / "figures" / "forest_cost_total.png").is_file()
    assert not (root / "outputs" / render.STAGING).exists()


def test_outputs_say_synthetic_and_hold_no_run_specific_values(rendered):
    root, jobs = rendered
    for job in jobs:
        folder = root / job.output_dir
        html = (folder / "report.html").read_text(encoding="utf-8")
        assert "Synthetic data" in html
        assert "data:image/png;base64," in html, "figures are embedded"
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?://", html), "no CDN"
        nb = nbformat.read(folder / job.notebook, as_version=4)
        assert "papermill" not in nb.metadata
        assert nb.metadata["lmp"]["parameters"] == dict(sorted(job.parameters.items()))
        for cell in nb.cells:
            assert not {"papermill", "execution"} & set(cell.metadata)
            for output in cell.get("outputs", []):
                assert output["output_type"] != "error"
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1 and render.STAGING not in injected[0].source
        for path in folder.rglob("*"):
            if path.suffix in {".ipynb", ".html", ".csv"}:
                text = path.read_text(encoding="utf-8")
                assert str(root) not in text, path
                assert render.STAGING not in text, path


def test_rendering_again_under_other_time_zone_and_hash_seed_gives_the_same_bytes(
    rendered, monkeypatch
):
    root, jobs = rendered
    before = _snapshot(root / "outputs")
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    monkeypatch.setenv("PYTHONHASHSEED", "4242")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    for job in jobs:
        render.run_job(job, root=root)
    assert _snapshot(root / "outputs") == before


def test_a_failing_report_keeps_the_previous_outputs(rendered):
    root, jobs = rendered
    before = _snapshot(root / "outputs" / SLUG)
    broken = render.proeftuin_job(SLUG, "data/small.parquet", "outputs")
    broken.parameters["headline_outcome"] = "no_such_outcome"
    with pytest.raises(RenderError, match="no_such_outcome"):
        render.run_job(broken, root=root)
    assert _snapshot(root / "outputs" / SLUG) == before
    failed = root / "outputs" / f"{SLUG}.failed.ipynb"
    errors = [
        o
        for c in json.loads(failed.read_text())["cells"]
        for o in c.get("outputs", [])
        if o["output_type"] == "error"
    ]
    assert errors, "the failed notebook shows its error"
