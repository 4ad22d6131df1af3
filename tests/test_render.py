"""papermill rendering of a proeftuin report and the synthesis on small data, end to end."""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from lmp import render, synth
from lmp.errors import RenderError
from lmp.render.batch import LOCK

SLUG = "vitaal-vechtdal"
SLUGS = [SLUG, "pelgrim"]  # the synthesis meta-analyses at least two


def _snapshot(folder) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    cfg = synth.SynthConfig(seed=7, proeftuinen=SLUGS, comparison_municipalities=30)
    synth.write_dataset(*synth.generate(cfg), root / "data" / "small.parquet")
    # 30 comparison municipalities drawn from the whole country: too few neighbours or towns of
    # the proeftuinen's size for contiguous, persons-matched placebo regions, so match the number
    jobs = [
        *(
            dataclasses.replace(job, parameters={**job.parameters, "ri_match": "municipalities"})
            for job in (render.proeftuin_job(s, "data/small.parquet", "outputs") for s in SLUGS)
        ),
        render.synthesis_job("data/small.parquet", "outputs", proeftuinen=SLUGS),
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


def test_rendering_again_elsewhere_in_parallel_gives_the_same_bytes(
    rendered, monkeypatch, tmp_path
):
    """Other time zone, locale, hash seed, working directory, user and home; the batch path with
    worker processes against the in-process render of the fixture."""
    root, jobs = rendered
    before = _snapshot(root / "outputs")
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    monkeypatch.setenv("PYTHONHASHSEED", "4242")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("USER", "someone-else")
    (tmp_path / "home").mkdir()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    outcomes = render.render_reports(jobs, root, workers=2, force=True)
    assert [o.status for o in outcomes] == [render.RENDERED] * len(jobs)
    after = _snapshot(root / "outputs")
    assert {name: after.pop(name) for name in [render.MANIFEST, render.INDEX]}
    assert after.pop(LOCK) == hashlib.sha256(b"").hexdigest()  # the batch's lock: empty
    assert after == before
    assert render.check_outputs(jobs, root).ok, render.check_outputs(jobs, root).text()


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


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PROBE = """
<script>
window.addEventListener("load", function () {
  var probe = document.createElement("pre");
  probe.id = "lmp-probe";
  probe.textContent = JSON.stringify({
    images: Array.from(document.images).map(function (i) { return i.naturalWidth; }),
    tables: document.querySelectorAll("table").length,
    text: document.body.innerText.slice(0, 4000)
  });
  document.body.appendChild(probe);
});
</script>
"""


def _browse(page, tmp_path) -> dict:
    """Load a copy of ``page`` with a probe script in headless Chromium; what the probe saw."""
    copy = page.with_name(f"probe-{page.name}")
    copy.write_text(page.read_text(encoding="utf-8") + PROBE, encoding="utf-8")
    try:
        done = subprocess.run(
            [
                CHROMIUM,
                *("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"),
                *("--disable-background-networking", "--disable-component-update"),
                *("--disable-sync", f"--user-data-dir={tmp_path / 'chromium'}"),
                *("--virtual-time-budget=10000", "--dump-dom", copy.as_uri()),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        copy.unlink()
    assert done.returncode == 0, done.stderr[-2000:]
    probe = re.search(r'<pre id="lmp-probe">(.*?)</pre>', done.stdout, re.S)
    assert probe, "the page loaded and ran the probe"
    return json.loads(html.unescape(probe.group(1)))


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="no Chromium (make test installs it on Debian: apt-get install chromium)",
)
def test_index_and_report_show_tables_and_figures_in_a_real_browser(rendered, tmp_path):
    root, jobs = rendered
    render.write_index(jobs, root)
    index = _browse(root / "outputs" / render.INDEX, tmp_path)
    assert "SYNTHETIC DATA" in index["text"]
    assert index["tables"] == 1 and "95% CI" in index["text"]
    assert index["images"] and all(width > 0 for width in index["images"]), (
        "the forest plot decodes"
    )
    report = _browse(root / "outputs" / SLUG / "report.html", tmp_path)
    assert "Synthetic data" in report["text"]
    assert report["tables"] >= 3
    assert len(report["images"]) >= 4 and all(width > 0 for width in report["images"])


def test_the_synthesis_depends_on_every_table_it_reads():
    job = render.synthesis_job(proeftuinen=["mijnzorg", "goedleven"])
    notebook = (Path(__file__).parent.parent / "notebooks" / "cross_proeftuin.py").read_text()
    read = set(re.findall(r'collect_table\(\s*outputs_root,\s*"(\w+)"', notebook))
    read |= {"results"} if "collect_results(" in notebook else set()
    assert read == set(render.SYNTHESIS_READS)
    assert {f"outputs/{s}/tables/{t}.csv" for s in ["mijnzorg", "goedleven"] for t in read} == set(
        job.reads
    )
