"""The command line: JSON that tools can read, one clear line for every refusal."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lmp import cli, did
from lmp.contract import WHOLE_YEAR_COLUMNS
from tests.conftest import PROEFTUIN

KEYS = {"estimate", "se", "ci_low", "ci_high", "p_value", "n_persons", "n_clusters"}


@pytest.fixture()
def data_file(tmp_path, cells):
    path = tmp_path / "cells.csv"
    cells.to_csv(path, index=False)
    return path


def _did_args(data_file, design: str) -> list[str]:
    return [
        *("did", "--data", str(data_file), "--proeftuin", PROEFTUIN),
        *("--outcome", "cost_total", "--design", design, "--json"),
    ]


def test_did_json_has_the_specified_fields_and_matches_the_api(data_file, cells, capsys):
    assert cli.main(_did_args(data_file, "triple")) == 0
    printed = json.loads(capsys.readouterr().out)
    assert KEYS <= set(printed)
    expected = did.estimate(cells, PROEFTUIN, "cost_total", "triple")
    for key in KEYS:
        assert printed[key] == pytest.approx(getattr(expected, key), rel=1e-12)


def test_did_runs_as_a_command_in_a_fresh_process(data_file):
    done = subprocess.run(
        [sys.executable, "-m", "lmp.cli", *_did_args(data_file, "population")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert KEYS <= set(json.loads(done.stdout))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--proeftuin", "atlantis"], "unknown proeftuin 'atlantis'"),
        (["--outcome", "happiness"], "unknown outcome 'happiness'"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(data_file, capsys, args, words):
    base = {"--proeftuin": PROEFTUIN, "--outcome": "cost_total"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = ["did", "--data", str(data_file)] + [x for kv in base.items() for x in kv]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("lmp: error:") and words in err and err.count("\n") == 1


def test_bad_data_file_is_named_with_column_and_row(tmp_path, capsys):
    path = tmp_path / "broken.csv"
    path.write_text(",".join(WHOLE_YEAR_COLUMNS) + "\nGM0160,2013,healthy,cost_total,-1,0,0\n")
    assert cli.main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "column 'n_persons'" in err and "row 1" in err
    assert "Traceback" not in err


def test_render_refuses_unknown_reports_before_any_kernel_starts(capsys):
    assert cli.main(["render", "atlantis"]) == 2
    assert "unknown report(s) atlantis" in capsys.readouterr().err


def test_did_json_adds_randomization_inference_on_request(data_file, cells, capsys):
    argv = [*_did_args(data_file, "target"), "--inference", "ri", "--reps", "999"]
    argv += ["--match", "persons"]  # the fixture's comparison towns are scattered, not neighbours
    assert cli.main(argv) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = did.randomization_inference(cells, PROEFTUIN, "cost_total", "target", reps=999)
    assert printed["p_ri"] == expected.p_value
    assert printed["ri_placebos"] == 36 and printed["ri_enumerated"] is True


def test_did_json_holds_every_kind_of_inference(data_file, cells, capsys):
    argv = [*_did_args(data_file, "target"), "--inference", "all", "--reps", "999"]
    argv += ["--weights", "rademacher", "--seed", "4", "--match", "persons"]
    assert cli.main(argv) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = did.estimate(
        cells,
        PROEFTUIN,
        "cost_total",
        "target",
        inference="all",
        wcr_reps=999,
        weights="rademacher",
        ri_reps=999,
        seed=4,
    )
    for key in ["p_wcr", "ci_wcr_low", "ci_wcr_high", "p_ri", "ci_ri_low", "ci_ri_high"]:
        assert printed[key] == getattr(expected, key), key
    assert printed["wcr_draws"] == 999 and printed["wcr_enumerated"] is False
    assert printed["wcr_weights"] == "rademacher"
    assert printed["ri_placebos"] == 36 and printed["ri_enumerated"] is True
    assert printed["ci_wcr_low"] < printed["estimate"] < printed["ci_wcr_high"]


def test_did_refuses_unknown_weights(data_file, capsys):
    with pytest.raises(SystemExit):
        cli.main([*_did_args(data_file, "target"), "--inference", "wcr", "--weights", "normal"])
    assert "invalid choice" in capsys.readouterr().err


def test_render_help_shows_the_notebook_parameter_schema(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["render", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "proeftuin.ipynb" in text and "cross_proeftuin.ipynb" in text
    assert "seed               int" in text and "list[str] | None" in text


def test_did_draws_contiguous_placebo_regions_by_default_as_the_reports_do():
    from lmp.cli import build_parser

    args = build_parser().parse_args(["did", "--proeftuin", PROEFTUIN, "--outcome", "cost_total"])
    assert args.match == did.REPORT_RI_MATCH == "contiguous"


def test_synth_writes_a_named_scenario(tmp_path, capsys):
    out = tmp_path / "shock.parquet"
    argv = ["synth", "--out", str(out), "--scenario", "regional_shock"]
    argv += ["--comparison-municipalities", "20", "--outcomes", "cost_total"]
    assert cli.main(argv) == 0
    truth = json.loads(out.with_name("shock.truth.json").read_text())
    assert truth["scenario"]["name"] == "regional_shock"


def test_render_and_pdf_take_a_language_and_refuse_others(capsys):
    for command in ["render", "pdf"]:
        with pytest.raises(SystemExit):
            cli.main([command, "--language", "fr"])
        assert "argument --language: invalid choice: 'fr'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["pdf", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "--language" in text and "<set>/<report>.<lang>.pdf" in text
