"""Disclosure control: nothing under 10 persons is published, in code and in the committed outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lmp import summaries
from lmp.contract import WHOLE_YEAR_COLUMNS, Dataset, load_data, validate
from lmp.disclosure import (
    MIN_PERSONS,
    DisclosureError,
    assert_no_recoverable_cells,
    recoverable_cells,
    suppress,
    suppress_with_complements,
)
from lmp.reference import load_reference
from lmp.summaries import write_table

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ROOT / "outputs"


def test_suppress_blanks_small_cells_and_flags_them():
    frame = pd.DataFrame({"n_persons": [9, 10, 250], "mean": [1.0, 2.0, 3.0]})
    out = suppress(frame, "n_persons", ["mean"])
    assert out["suppressed"].tolist() == [True, False, False]
    assert out["mean"].isna().tolist() == [True, False, False]
    assert out["n_persons"].isna().tolist() == [True, False, False]


def test_write_table_refuses_a_small_cell(tmp_path):
    frame = pd.DataFrame({"n_persons": [12, 3], "mean": [1.0, 2.0]})
    with pytest.raises(DisclosureError, match="row 2 shows 3 persons"):
        write_table(frame, tmp_path / "t.csv")
    assert not (tmp_path / "t.csv").exists()


def test_committed_tables_show_no_cell_under_the_minimum():
    tables = sorted(OUTPUTS.glob("*/tables/*.csv"))
    assert tables, "outputs are committed"
    for path in tables:
        frame = pd.read_csv(path)
        for column in [c for c in frame if c.startswith(("n_persons", "persons_"))]:
            shown = frame[column].dropna()
            assert (shown >= MIN_PERSONS).all(), f"{path}: {column}"


def _shares(counts: list[int]) -> pd.DataFrame:
    """One published group: persons per cell and each cell's share of the total, in percent."""
    frame = pd.DataFrame({"persons": counts}, dtype=float)
    return frame.assign(share_pct=100 * frame["persons"] / frame["persons"].sum())


@pytest.mark.parametrize(
    ("counts", "withheld"),
    [
        ([5, 100, 200, 300], [True, True, False, False]),  # one small cell: total minus the rest
        ([3, 4, 50, 60, 70], [True, True, True, False, False]),  # two, adding up to 7
        ([0, 40, 30], [True, False, True]),  # an empty cell is withheld and protected too
    ],
)
def test_complementary_suppression_stops_recovery_by_subtraction(counts, withheld):
    frame = _shares(counts)
    old = suppress(frame, "persons", ["share_pct"])
    leak = recoverable_cells(old, "persons", [], share_column="share_pct")
    assert leak["withheld"].tolist() == [sum(c for c in counts if c < MIN_PERSONS)]
    with pytest.raises(DisclosureError, match="reveal .* withheld persons"):
        assert_no_recoverable_cells(old, "persons", [], "old", share_column="share_pct")
    new = suppress_with_complements(frame, "persons", ["share_pct"], [])
    assert new["suppressed"].tolist() == withheld
    assert new["share_pct"].isna().tolist() == withheld  # shares of withheld counts are blank
    assert_no_recoverable_cells(new, "persons", [], "new", share_column="share_pct")


def test_small_cells_that_add_up_to_the_minimum_need_no_complement():
    new = suppress_with_complements(_shares([6, 8, 100, 200]), "persons", ["share_pct"], [])
    assert new["suppressed"].tolist() == [True, True, False, False]


def test_groups_are_protected_one_by_one():
    frame = pd.DataFrame(
        {"year": [2013] * 3 + [2014] * 3, "persons": [5.0, 50, 60, 20, 50, 60]}
    ).assign(total=lambda f: f.groupby("year")["persons"].transform("sum"))
    new = suppress_with_complements(frame, "persons", [], ["year"])
    assert new["suppressed"].tolist() == [True, True, False, False, False, False]
    assert_no_recoverable_cells(new, "persons", ["year"], "t", total_column="total")
    with pytest.raises(DisclosureError, match=r"group \(year=2013\)"):
        assert_no_recoverable_cells(
            suppress(frame, "persons", []), "persons", ["year"], "t", total_column="total"
        )


def test_a_part_whose_rest_of_the_total_is_small_is_withheld():
    # population 105 is shown; the target group of 100 beside it would reveal the other 5
    frame = pd.DataFrame({"group": ["target"], "persons": [100.0], "population": [105.0]})
    new = suppress_with_complements(frame, "persons", [], ["group"], total_column="population")
    assert new["suppressed"].tolist() == [True]
    with pytest.raises(DisclosureError, match="reveal 5 withheld persons"):
        assert_no_recoverable_cells(frame, "persons", ["group"], "t", total_column="population")


def test_a_withheld_count_whose_share_is_shown_is_refused():
    leaky = suppress(_shares([5, 100, 200]), "persons", [])  # the share of the 5 stays
    with pytest.raises(DisclosureError, match="blank count shows its share"):
        assert_no_recoverable_cells(leaky, "persons", [], "t", share_column="share_pct")


def _small_proeftuin(counts: dict[str, int]) -> Dataset:
    """PELGRIM (one municipality, target chronic and frail_elderly, start 2014) with the given
    persons per segment in 2013 and 2014, beside one large comparison municipality."""
    rows = []
    for gemeente, persons in [("GM0202", counts), ("GM0003", dict.fromkeys(counts, 1000))]:
        for segment, n in persons.items():
            for year in [2013, 2014]:
                rows.append((gemeente, year, segment, "cost_total", n, 2000.0 * n))
    frame = validate(pd.DataFrame(rows, columns=WHOLE_YEAR_COLUMNS[:-1]), "small.csv")
    return Dataset(frame=frame, path="small.csv")


def test_segment_mix_withholds_a_complement_where_suppression_alone_leaks():
    data = _small_proeftuin(
        {
            "healthy": 500,
            "maternal_child": 5,
            "chronic": 200,
            "mental_health": 100,
            "multimorbid": 80,
            "frail_elderly": 60,
        }
    )
    mix = summaries.segment_mix(data, "pelgrim", 2013).set_index("segment")
    blank = mix["persons_proeftuin"].isna()
    # the small cell and the smallest other non-target segment
    assert set(mix.index[blank]) == {"Maternal and young child", "Multimorbidity"}
    assert mix["share_proeftuin_pct"].isna().equals(blank)
    assert mix["suppressed"].equals(blank) and mix["persons_comparison"].notna().all()
    # what was published before: only the small cell blank, recovered from the shares
    old = suppress(_shares([500, 5, 200, 100, 80, 60]), "persons", ["share_pct"])
    with pytest.raises(DisclosureError, match="reveal 5 withheld persons"):
        assert_no_recoverable_cells(old, "persons", [], "old", share_column="share_pct")


def test_trends_withhold_a_target_group_whose_complement_is_small():
    data = _small_proeftuin(
        {
            "healthy": 3,
            "maternal_child": 2,
            "chronic": 200,
            "mental_health": 1,
            "multimorbid": 2,
            "frail_elderly": 60,
        }
    )
    table = summaries.trends(data, "pelgrim", "cost_total")
    table = table[table["year"] == 2014].set_index(["group", "area"])
    assert table.loc[("population", "proeftuin"), "n_persons"] == 268
    assert np.isnan(table.loc[("target", "proeftuin"), "n_persons"])  # 268 - 260 = 8 persons
    assert np.isnan(table.loc[("target", "proeftuin"), "mean"])
    assert table.loc[("target", "comparison"), "n_persons"] == 2000
    assert np.isnan(summaries.target_share(data, "pelgrim", "cost_total"))
    mix = summaries.segment_mix(data, "pelgrim", 2013)
    assert mix["persons_proeftuin"].isna().sum() == 5  # the four small ones and one complement


def _population_total(table: pd.DataFrame) -> pd.Series:
    """The published population persons beside each target row of a trends table."""
    population = table[table["group"] == "population"].set_index(["area", "year"])["n_persons"]
    index = pd.MultiIndex.from_frame(table[["area", "year"]])
    return pd.Series(population.reindex(index).to_numpy(), index=table.index).where(
        table["group"] == "target"
    )


@pytest.mark.parametrize(
    "name", ["synthetic/lmp_synthetic.parquet", "open/vektis_zvw_2011_2018.parquet"]
)
def test_published_tables_of_the_bundled_data_reveal_no_small_cell(name):
    data = load_data(ROOT / "data" / name)
    ref = load_reference()
    for slug in ref.proeftuinen["slug"]:
        start = int(ref.proeftuin(slug)["start_year"])
        mix = summaries.segment_mix(data, slug, start - 1, ref)
        for area in ["proeftuin", "comparison"]:
            assert_no_recoverable_cells(
                mix, f"persons_{area}", [], slug, share_column=f"share_{area}_pct"
            )
        for standardise in [False, True] if data.scheme == "agesex" else [False]:
            table = summaries.trends(data, slug, "cost_total", ref, standardise=standardise)
            assert_no_recoverable_cells(
                table.assign(population=_population_total(table)),
                "n_persons",
                ["group", "area", "year"],
                slug,
                total_column="population",
            )
        assert 0 < summaries.target_share(data, slug, "cost_total", ref) < 1
