"""The output scanner: every published table, read back from disk, checked for small cells."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lmp.disclosure import MIN_PERSONS, scan_outputs

ROOT = Path(__file__).resolve().parent.parent

TRENDS = """group,area,year,n_persons,mean,suppressed
population,comparison,2013,1.43267e+07,2852.98,False
population,comparison,2014,1.43697e+07,2918.07,False
population,proeftuin,2013,149378,2498.52,False
population,proeftuin,2014,149826,2534.83,False
target,comparison,2013,3.40415e+06,4719.12,False
target,comparison,2014,3.41438e+06,4772.19,False
target,proeftuin,2013,35442,4431.3,False
target,proeftuin,2014,35610,4512.6,False
"""

SEGMENT_MIX = """segment,target,persons_proeftuin,share_proeftuin_pct,persons_comparison,share_comparison_pct,suppressed
Healthy,,86737,58.0654,7.91397e+06,55.2392,False
Maternal and young child,,8412,5.63135,729968,5.09515,False
Single chronic condition,yes,29575,19.7988,2.84766e+06,19.8765,False
Mental health condition,,9089,6.08456,1.01059e+06,7.05387,False
Multimorbidity,,9698,6.49225,1.26805e+06,8.85096,False
Frail elderly,yes,5867,3.92762,556497,3.88433,False
"""

RESULTS = """proeftuin,outcome,design,estimate,se,n_persons,n_clusters
pelgrim,cost_total,population,-82.7923,9.28678,118424034,304
pelgrim,cost_total,target,-132.457,11.1589,21696300,304
pelgrim,cost_total,triple,-76.7023,8.29797,118424034,304
"""


def _outputs(tmp_path: Path, tables: dict[str, str]) -> Path:
    """An outputs folder with ``<report>/tables/<name>.csv`` for each entry."""
    root = tmp_path / "outputs"
    for name, text in tables.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _clean() -> dict[str, str]:
    return {
        "pelgrim/tables/trends_cost_total.csv": TRENDS,
        "pelgrim/tables/segment_mix.csv": SEGMENT_MIX,
        "synthetic/pelgrim/tables/results.csv": RESULTS,
    }


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_clean_tables_pass(tmp_path):
    assert scan_outputs(_outputs(tmp_path, _clean())) == []


def test_a_small_cell_is_named_by_file_column_and_row(tmp_path):
    tables = _clean()
    name = "synthetic/pelgrim/tables/results.csv"
    tables[name] = _edit(tables[name], "21696300", "4")
    problems = scan_outputs(_outputs(tmp_path, tables))
    assert problems == [
        f"outputs/{name}: small cell: column 'n_persons', row 2 (proeftuin=pelgrim, "
        f"outcome=cost_total, design=target): 4 persons, fewer than {MIN_PERSONS}"
    ]


def test_a_count_that_is_not_a_number_is_reported(tmp_path):
    tables = _clean()
    name = "pelgrim/tables/segment_mix.csv"
    tables[name] = _edit(tables[name], ",8412,5.63135,", ",<10,,")
    problems = scan_outputs(_outputs(tmp_path, tables))
    assert len(problems) == 1
    assert "column 'persons_proeftuin', row 2 (segment=Maternal and young child)" in problems[0]
    assert "'<10' is not a number of persons" in problems[0]


def test_a_table_without_a_person_count_is_reported(tmp_path):
    tables = _clean()
    tables["pelgrim/tables/event_study_target.csv"] = "rel_year,year,estimate\n0,2014,-156.64\n"
    problems = scan_outputs(_outputs(tmp_path, tables))
    assert len(problems) == 1
    assert problems[0].startswith(
        "outputs/pelgrim/tables/event_study_target.csv: no person count: no column n_persons"
    )


def test_a_withheld_part_recovered_from_a_total_row_is_reported(tmp_path):
    table = "region,n_persons,mean\nTotal,100,2.5\nnorth,50,2.0\neast,45,3.0\nwest,,\n"
    problems = scan_outputs(_outputs(tmp_path, {"r/tables/regions.csv": table}))
    assert problems == [
        "outputs/r/tables/regions.csv: recoverable by subtraction: column 'n_persons', row 1 "
        "(region=Total): the total 100 minus the 2 part(s) shown (rows 2, 3) leaves 5 persons "
        f"in 1 withheld row(s), fewer than {MIN_PERSONS}"
    ]
    safe = table.replace("east,45", "east,30")  # 20 persons withheld
    assert scan_outputs(_outputs(tmp_path / "safe", {"r/tables/regions.csv": safe})) == []


def test_a_target_group_whose_complement_is_small_is_reported(tmp_path):
    # population 149,826 in the proeftuin in 2014, target 149,818: the 8 others are revealed
    tables = _clean()
    name = "pelgrim/tables/trends_cost_total.csv"
    tables[name] = _edit(tables[name], "2014,35610,", "2014,149818,")
    problems = scan_outputs(_outputs(tmp_path, tables))
    assert len(problems) == 1
    assert (
        "recoverable by subtraction: column 'n_persons', row 4 (group=population, " in (problems[0])
    )
    assert (
        "area=proeftuin, year=2014): the total 149826 minus the 1 part(s) shown (rows 8)"
        in (problems[0])
    )
    assert "leaves 8 persons in the parts not published" in problems[0]


def test_counts_written_with_few_digits_are_not_taken_as_exact(tmp_path):
    # 1.43697e+07 is 14,369,650 to 14,369,750: a target of 14,369,695 leaves 0 to 55 others,
    # which the reader cannot tell; the same total written in full would reveal them
    tables = _clean()
    name = "pelgrim/tables/trends_cost_total.csv"
    tables[name] = _edit(tables[name], "2014,3.41438e+06,", "2014,14369695,")
    assert scan_outputs(_outputs(tmp_path, tables)) == []
    exact = _edit(tables[name], "2014,1.43697e+07,", "2014,14369700,")
    problems = scan_outputs(_outputs(tmp_path / "exact", {name: exact}))
    assert len(problems) == 1 and "leaves 5 persons" in problems[0]


def _mix(counts: list[float]) -> str:
    """A segment table of the given persons and their shares in percent, written as lmp does."""
    frame = pd.DataFrame({"segment": [f"s{i}" for i in range(len(counts))], "persons_x": counts})
    frame["share_x_pct"] = 100 * frame["persons_x"] / frame["persons_x"].sum()
    return frame.to_csv(index=False, float_format="%.6g", lineterminator="\n")


def test_a_withheld_segment_recovered_from_the_shares_is_reported(tmp_path):
    counts = [86737.0, 8412, 29575, 9089, 9698, 5]
    text = _mix(counts)
    assert scan_outputs(_outputs(tmp_path / "raw", {"p/tables/mix.csv": text})) != []  # the 5
    # only the small cell blank: the shares give the total, the total minus the rest the cell
    leaky = text.replace(text.splitlines()[-1], "s5,,")
    problems = scan_outputs(_outputs(tmp_path, {"p/tables/mix.csv": leaky}))
    assert problems == [
        "outputs/p/tables/mix.csv: recoverable by subtraction: column 'persons_x', rows 1, 2, "
        "3, 4, 5: their shares in 'share_x_pct' give a total of 143516 persons; minus the counts "
        f"shown that leaves 5 in 1 withheld row(s), fewer than {MIN_PERSONS}"
    ]
    # withholding a complement too (suppress_with_complements) leaves 9,703 persons unknown
    safe = leaky.replace(next(r for r in leaky.splitlines() if r.startswith("s4,")), "s4,,")
    assert scan_outputs(_outputs(tmp_path / "safe", {"p/tables/mix.csv": safe})) == []
    # the share of a withheld count left standing gives it away too
    shown = text.replace(text.splitlines()[-1], "s5,," + text.splitlines()[-1].split(",")[-1])
    problems = scan_outputs(_outputs(tmp_path / "shown", {"p/tables/mix.csv": shown}))
    assert any("row 6 (segment=s5): the count is withheld but its share" in p for p in problems)


def test_the_threshold_is_configurable(tmp_path):
    table = "area,n_persons,mean\nnorth,15,1.0\nsouth,300,2.0\n"
    root = _outputs(tmp_path, {"r/tables/areas.csv": table})
    assert scan_outputs(root) == []
    problems = scan_outputs(root, min_persons=20)
    assert problems == [
        "outputs/r/tables/areas.csv: small cell: column 'n_persons', row 1 (area=north): "
        "15 persons, fewer than 20"
    ]


def test_tables_are_found_at_any_depth_and_only_under_tables(tmp_path):
    small = "area,n_persons\nnorth,3\n"
    root = _outputs(
        tmp_path,
        {"a/tables/t.csv": small, "synthetic/b/tables/t.csv": small, "a/figures/t.csv": small},
    )
    files = [p.split(":")[0] for p in scan_outputs(root)]
    assert files == ["outputs/a/tables/t.csv", "outputs/synthetic/b/tables/t.csv"]


@pytest.mark.skipif(not (ROOT / "outputs").is_dir(), reason="no committed outputs")
def test_committed_outputs_show_no_small_or_recoverable_cell():
    # tables without a count column are reported until they carry one; nothing else may be
    problems = scan_outputs(ROOT / "outputs")
    assert [p for p in problems if ": no person count: " not in p] == []
    counted = [pd.read_csv(p) for p in sorted((ROOT / "outputs").glob("**/tables/trends_*.csv"))]
    assert counted, "the trends tables carry counts and are scanned"
