"""papermill rendering of a proeftuin report and the synthesis on small data, end to end.

One proeftuin report is rendered in both languages (the second reads the first's cached
estimates); the other and the synthesis in English only, to keep the run short. The browser test
of the committed outputs is in test_browser.py.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path

import nbformat
import pytest

from lmp import render, synth
from lmp.errors import RenderError
from lmp.render.batch import LOCK
from lmp.render.jobs import RESULTS_CACHE

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
            dataclasses.replace(
                job,
                parameters={**job.parameters, "ri_match": "municipalities"},
                languages=render.LANGUAGES if job.name == SLUG else ("en",),
            )
            for job in (render.proeftuin_job(s, "data/small.parquet", "outputs") for s in SLUGS)
        ),
        render.synthesis_job("data/small.parquet", "outputs", proeftuinen=SLUGS, languages=("en",)),
    ]
    for job in jobs:
        render.run_job(job, root=root)
    return root, jobs


def test_reports_have_notebook_html_figures_and_tables_in_each_language(rendered):
    root, _ = rendered
    report = root / "outputs" / SLUG
    for name in ["tables/results.csv", "tables/primary.csv"]:
        assert (report / name).is_file(), name
    for language in render.LANGUAGES:
        for name in [f"proeftuin.{language}.ipynb", f"report.{language}.html"]:
            assert (report / name).is_file(), name
        assert (report / "figures" / f"summary.{language}.png").is_file()
    assert not (report / "proeftuin.ipynb").exists() and not (report / "report.html").exists()
    synthesis = root / "outputs" / render.SYNTHESIS
    assert (synthesis / "cross_proeftuin.en.ipynb").is_file()
    assert (synthesis / "report.en.html").is_file()
    assert (synthesis / "figures" / "summary.en.png").is_file()
    assert (synthesis / "tables" / "primary.csv").is_file()
    assert not (root / "outputs" / render.STAGING).exists()
    assert not list((root / "outputs").rglob(RESULTS_CACHE)), "cache not published"


def test_outputs_say_synthetic_and_hold_no_run_specific_values(rendered):
    root, jobs = rendered
    for job, language in [(j, lang) for j in jobs for lang in j.languages]:
        folder = root / job.output_dir
        html = (folder / f"report.{language}.html").read_text(encoding="utf-8")
        assert re.search(r"synthetic data|synthetische (data|gegevens)", html, re.I)
        assert f'<html lang="{language}">' in html
        assert f"<title>{job.title_for(language)}</title>" in html
        assert "data:image/png;base64," in html, "figures are embedded"
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?://", html), "no CDN"
        nb = nbformat.read(folder / job.executed(language), as_version=4)
        assert "papermill" not in nb.metadata
        expected = dict(sorted({**job.parameters, "language": language}.items()))
        assert nb.metadata["lmp"]["parameters"] == expected
        other = {"en": "nl", "nl": "en"}[language]
        tagged = [c for c in nb.cells if other in c.metadata.get("tags", [])]
        assert not [c for c in tagged if c.cell_type == "markdown"], "other language removed"
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
    failed = root / "outputs" / f"{SLUG}.en.failed.ipynb"
    errors = [
        o
        for c in json.loads(failed.read_text())["cells"]
        for o in c.get("outputs", [])
        if o["output_type"] == "error"
    ]
    assert errors, "the failed notebook shows its error"


def test_the_synthesis_depends_on_every_table_it_reads():
    job = render.synthesis_job(proeftuinen=["mijnzorg", "goedleven"])
    notebook = (Path(__file__).parent.parent / "notebooks" / "cross_proeftuin.py").read_text()
    read = set(re.findall(r'collect_table\(\s*outputs_root,\s*"(\w+)"', notebook))
    read |= {"results"} if "collect_results(" in notebook else set()
    assert read == set(render.SYNTHESIS_READS)
    assert {f"outputs/{s}/tables/{t}.csv" for s in ["mijnzorg", "goedleven"] for t in read} == set(
        job.reads
    )
