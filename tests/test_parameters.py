"""Strict notebook parameters: read from the tagged cell, checked before any kernel starts."""

from __future__ import annotations

import pytest

from lmp import cli, render
from lmp.errors import ParameterError


def test_schema_is_read_from_the_parameters_cell():
    schema = {p.name: p for p in render.parameter_schema("proeftuin.ipynb")}
    assert set(schema) >= {"proeftuin", "data_path", "outcomes", "output_dir"}
    assert schema["proeftuin"].kind == "str" and schema["outcomes"].kind == "list[str] | None"
    synthesis = {p.name: p for p in render.parameter_schema("cross_proeftuin.ipynb")}
    assert synthesis["proeftuinen"].kind == "list[str] | None"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"proeftuin_slug": "mijnzorg"}, "unknown parameter(s) proeftuin_slug; valid parameters:"),
        (
            {"outcomes": "cost_total"},
            "parameter 'outcomes' takes list[str] | None, got 'cost_total'",
        ),
        ({"proeftuin": 7}, "parameter 'proeftuin' takes str, got 7"),
    ],
)
def test_bad_parameters_are_refused_before_a_kernel_starts(tmp_path, change, words):
    job = render.proeftuin_job("mijnzorg", "data/none.parquet", "outputs")
    job.parameters.update(change)
    with pytest.raises(ParameterError) as info:
        render.run_job(job, root=tmp_path)
    assert words in str(info.value)
    assert not (tmp_path / "outputs").exists(), "nothing was staged, so no kernel ran"


def test_none_or_a_list_is_accepted_where_the_default_is_none():
    render.check_parameters("cross_proeftuin.ipynb", {"proeftuinen": None})
    render.check_parameters("cross_proeftuin.ipynb", {"proeftuinen": ["mijnzorg"]})
    with pytest.raises(ParameterError):
        render.check_parameters("cross_proeftuin.ipynb", {"proeftuinen": "mijnzorg"})


def test_lmp_params_prints_the_schema(capsys):
    assert cli.main(["params", "proeftuin.ipynb"]) == 0
    out = capsys.readouterr().out
    assert "proeftuin" in out and "list[str]" in out and "'mijnzorg'" in out
