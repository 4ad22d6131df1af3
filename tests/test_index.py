"""outputs/index.html: every report linked, headline numbers with the right interval, SYNTHETIC."""

from __future__ import annotations

import json

from lmp import render
from tests import tiny_project

HEADER = "proeftuin,outcome,design,estimate,se,ci_low,ci_high,p_value"
RI_HEADER = HEADER + ",ci_ri_low,ci_ri_high,p_ri,ci_wcr_low,ci_wcr_high,p_wcr"


def _results(root, name: str, rows: list[str], header: str = HEADER) -> None:
    tables = root / "outputs" / name / "tables"
    tables.mkdir(parents=True)
    (tables / "results.csv").write_text("\n".join([header, *rows]) + "\n")


def test_the_index_shows_cr1_intervals_labelled_and_links_every_report(tmp_path):
    root = tiny_project.make_project(tmp_path)
    _results(
        root,
        "alpha",
        [
            "alpha,cost_total,population,-18.66,18.4,-54.957,17.636,0.31",
            "alpha,cost_total,target,-70.687,30.0,-129.77,-11.605,0.019",
            "alpha,cost_total,triple,-72.921,22.1,-116.44,-29.402,0.001",
            "alpha,cost_gp,target,5,1,3,7,0.01",
        ],
    )
    html = render.build_index(tiny_project.jobs(), root)
    assert "SYNTHETIC DATA" in html
    assert "<a href='alpha/report.html'>Alpha</a>" in html
    assert "-70.7 <span class='ci'>[-129.8, -11.6]</span>" in html  # target
    assert "-18.7 <span class='ci'>[-55.0, 17.6]</span>" in html  # population
    assert "-72.9 <span class='ci'>[-116.4, -29.4]</span>" in html  # triple
    assert "<td>95% CI, CR1 (cluster-robust)</td>" in html
    assert "<td>Beta</td><td colspan='4'>not rendered yet</td>" in html
    assert "<a href='cross_proeftuin/report.html'>" in html
    assert html == render.build_index(tiny_project.jobs(), root), "deterministic"
    assert "<script" not in html and "http" not in html


def test_the_index_prefers_the_randomization_inference_interval(tmp_path):
    root = tiny_project.make_project(tmp_path)
    rows = [
        f"alpha,cost_total,{design},-10,1,-12,-8,0.01,-15,-5,0.04,-14,-6,0.03"
        for design in ["population", "target", "triple"]
    ]
    _results(root, "alpha", rows, RI_HEADER)
    _results(root, "beta", ["beta,cost_total,target,-10,1,-12,-8,0.01,,,,,,"], RI_HEADER)
    html = render.build_index(tiny_project.jobs(), root)
    alpha = next(line for line in html.splitlines() if "alpha/report.html" in line)
    assert "-10.0 <span class='ci'>[-15.0, -5.0]</span>" in alpha
    assert "<td>95% CI, randomization inference</td>" in alpha
    beta = next(line for line in html.splitlines() if "beta/report.html" in line)
    assert "[-12.0, -8.0]" in beta and "95% CI, CR1" in beta, "no RI values: the CR1 interval"


def test_no_synthetic_banner_for_data_without_a_truth_sidecar(tmp_path):
    root = tiny_project.make_project(tmp_path)
    for name in tiny_project.REPORTS:
        (root / "data" / f"{name}.truth.json").unlink()
    assert "SYNTHETIC" not in render.build_index(tiny_project.jobs(), root)
    (root / "data" / "alpha.truth.json").write_text(json.dumps({"synthetic": True}))
    assert "SYNTHETIC DATA" in render.build_index(tiny_project.jobs(), root)
