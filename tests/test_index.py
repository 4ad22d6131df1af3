"""outputs/index.html: every report in both languages, its headline number and main figure."""

from __future__ import annotations

import json

from lmp import render
from tests import tiny_project

HEADER = "proeftuin,outcome,design,adjust,estimate,ci_ri_low,ci_ri_high,p_ri,ri_placebos,mde_ri"
PNG = b"\x89PNG\r\n\x1a\n"


def _report(root, name: str, primary: list[str] | None, pages=("en", "nl"), figure=True) -> None:
    """A report folder as a render leaves it: its primary table, pages and main figure."""
    folder = root / "outputs" / name
    (folder / "tables").mkdir(parents=True)
    (folder / "figures").mkdir()
    if primary is not None:
        (folder / "tables" / "primary.csv").write_text("\n".join([HEADER, *primary]) + "\n")
    for language in pages:
        (folder / f"report.{language}.html").write_text("<html></html>")
    if figure:
        (folder / "figures" / "summary.en.png").write_bytes(PNG)
        (folder / "figures" / "summary.nl.png").write_bytes(PNG)


def _row(html: str, name: str) -> str:
    return next(line for line in html.splitlines() if line.startswith(f"<tr><td>{name}</td>"))


def test_the_index_lists_every_report_in_both_languages_with_its_headline_and_figure(tmp_path):
    root = tiny_project.make_project(tmp_path)
    _report(
        root, "alpha", ["alpha,cost_total,population,agesex,-18.66,-54.957,1217.6,0.0004,999,5"]
    )
    _report(
        root, "beta", ["beta,cost_total,population,agesex,44.59,-inf,inf,0.2857,13,inf"], ["en"]
    )
    _report(root, render.SYNTHESIS, None)
    synthesis = root / "outputs" / render.SYNTHESIS / "tables" / "primary.csv"
    synthesis.write_text(f"{HEADER},p_ri_holm\nalpha,{'x,' * 9}0.0008\nbeta,{'x,' * 9}1\n")
    jobs = tiny_project.jobs(languages=render.LANGUAGES)
    html = render.build_index(jobs, root)

    alpha = _row(html, "Alpha")
    assert "&minus;19 <span class='ci'>[&minus;55, 1,218]</span>" in alpha
    assert "<td class='num'>&lt; 0.001</td><td class='num'>&lt; 0.001</td>" in alpha, "p, Holm"
    assert "<a href='alpha/report.en.html' hreflang='en' lang='en'>English</a>" in alpha
    assert "<a href='alpha/report.nl.html' hreflang='nl' lang='nl'>Nederlands</a>" in alpha
    assert (
        "<a href='alpha/report.en.html'><img class='thumb' src='alpha/figures/summary.en.png' "
        "width='160' alt='Alpha: main figure (English)'></a>"
    ) in alpha
    assert "<a href='alpha/report.nl.html' lang='nl'><img class='thumb' " in alpha
    assert "src='alpha/figures/summary.nl.png'" in alpha  # each language its own figure
    beta = _row(html, "Beta")
    assert "45 <span class='ci'>(no finite interval)</span>" in beta
    assert "<td class='num'>0.286</td><td class='num'>1.000</td>" in beta
    assert "Nederlands: not rendered" in beta and "href='beta/report.en.html'" in beta
    assert "summary.nl.png" not in beta  # no Dutch report, no Dutch thumbnail
    assert "Total health-care cost per insured-year, whole population design, age-sex adjusted" in (
        html
    )
    assert "Over de proeftuinen heen" in html and "Primaire schatting" in html
    assert "href='cross_proeftuin/report.nl.html'" in html
    assert "src='cross_proeftuin/figures/summary.en.png'" in html
    assert "SYNTHETIC DATA" in html
    assert html == render.build_index(jobs, root), "deterministic"
    assert "<script" not in html and "http" not in html and "base64" not in html


def test_a_report_not_rendered_yet_says_so(tmp_path):
    root = tiny_project.make_project(tmp_path)
    _report(root, "alpha", ["alpha,cost_total,population,agesex,1,0,2,0.5,999,5"], figure=False)
    html = render.build_index(tiny_project.jobs(languages=render.LANGUAGES), root)
    assert "<td colspan='3' class='missing'>not rendered yet</td>" in _row(html, "Beta")
    assert "no figure yet" in _row(html, "Alpha")
    assert "<p>(figure" not in html


def test_no_synthetic_banner_for_data_without_a_truth_sidecar(tmp_path):
    root = tiny_project.make_project(tmp_path)
    for name in tiny_project.REPORTS:
        (root / "data" / f"{name}.truth.json").unlink()
    assert "SYNTHETIC" not in render.build_index(tiny_project.jobs(), root)
    (root / "data" / "alpha.truth.json").write_text(json.dumps({"synthetic": True}))
    assert "SYNTHETIC DATA" in render.build_index(tiny_project.jobs(), root)
