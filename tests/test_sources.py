"""The Vektis importer and the municipal classifications: every shipped year, every header style,
the published figures, the merger table and the import report's balances."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lmp.contract import load_data
from lmp.errors import ContractError, ParameterError
from lmp.sources import vektis
from lmp.sources.classification import (
    classification_at,
    forward_map,
    load_changes,
    normalise_name,
    parse_classification,
)

ROOT = Path(__file__).resolve().parent.parent
VEKTIS = ROOT / "data" / "vektis"
YEARS = range(2011, 2021)


def _shipped(year: int) -> Path:
    return VEKTIS / f"vektis_{year}_gemeente.csv.gz"


@pytest.fixture(scope="module")
def parsed() -> dict[int, vektis.ParsedFile]:
    return {year: vektis.read_file(_shipped(year)) for year in YEARS}


# ---------------------------------------------------------------- shipped data and checksums


def test_shipped_files_match_the_published_checksums():
    sums = vektis.published_checksums()
    assert sorted(sums) == [f"vektis_{y}_gemeente.csv" for y in YEARS]
    for year in YEARS:
        raw = gzip.decompress(_shipped(year).read_bytes())
        assert hashlib.sha256(raw).hexdigest() == sums[f"vektis_{year}_gemeente.csv"]


def test_a_changed_file_fails_its_checksum(tmp_path):
    raw = gzip.decompress(_shipped(2012).read_bytes()).replace(b"AA EN HUNZE", b"AA EN HUNZX", 1)
    path = tmp_path / "vektis_2012_gemeente.csv"
    path.write_bytes(raw)
    (tmp_path / "SHA256SUMS").write_bytes((VEKTIS / "SHA256SUMS").read_bytes())
    with pytest.raises(ContractError, match="differs from the published"):
        vektis.read_file(path)


@pytest.mark.parametrize("year", YEARS)
def test_every_shipped_year_is_read_and_its_classification_found(parsed, year):
    file = parsed[year]
    assert file.checksum == "matches SHA256SUMS"
    assert file.rounded == 0  # published with two decimals: kept exactly, in cents
    assert len(file.set_aside) == 1  # the row of insured persons placed in no municipality
    assert file.set_aside["name"].iloc[0] == ""
    classification, codes = vektis.identify_classification(file)
    expected = {2019: "2021", 2020: "2022-03-24"}.get(year, "2020")
    assert classification.label == expected
    assert len(set(codes.values())) == len(classification.codes) == file.rows["name"].nunique()
    assert file.rows["n_persons"].min() >= 10  # smaller cells are suppressed (absent)


def test_published_cost_per_insured_year_2018_is_reproduced(parsed):
    """Vektis reported 2018: NL 2,625, Kerkrade 3,625, Urk 1,853 euro per insured-year (all
    KOSTEN_ columns over insured-years, municipality rows only)."""
    rows = parsed[2018].rows
    cost = rows[parsed[2018].costs].sum(axis=1)
    assert round(cost.sum() / rows["person_years_c"].sum()) == 2625
    for name, figure in [("KERKRADE", 3625), ("URK", 1853)]:
        mine = rows["name"] == name
        assert round(cost[mine].sum() / rows.loc[mine, "person_years_c"].sum()) == figure


# ---------------------------------------------------------------- the harmonised outcomes


def test_every_cost_column_of_every_year_is_defined_or_excluded(parsed):
    catalogue = vektis.load_cost_catalogue()
    for file in parsed.values():
        assert set(file.costs) <= set(catalogue.in_total)
        in_any = {c for terms in catalogue.terms.values() for alts, _ in terms for c in alts}
        for column in file.costs:
            # in cost_total, in a sector outcome, or explicitly left out of cost_total
            assert column in in_any or not catalogue.in_total[column]
    excluded = {c for c, counted in catalogue.in_total.items() if not counted}
    assert excluded == {
        "KOSTEN_GERIATRISCHE_REVALIDATIEZORG",
        "KOSTEN_LANGDURIGE_GGZ",
        "KOSTEN_VERPLEGING_EN_VERZORGING",
        "KOSTEN_EERSTELIJNSVERBLIJF",
        "KOSTEN_GZSP",
    }


def test_outcomes_follow_their_definitions_and_nursing_starts_in_2015(parsed):
    result = vektis.import_files([_shipped(2014), _shipped(2015)], classification=2020)
    frame = result.frame
    for report in result.reports:
        if report.year == 2014:
            assert "cost_nursing" in report.outcomes_not_available
        else:
            assert "cost_nursing" in report.outcomes_written
    file = parsed[2015]
    cents = file.rows
    sums = frame[frame["year"] == 2015].groupby("outcome")["value_sum"].sum()
    gp = ["KOSTEN_HUISARTS_INSCHRIJFTARIEF", "KOSTEN_HUISARTS_CONSULT", "KOSTEN_HUISARTS_OVERIG"]
    assert sums["cost_gp_excl_mdz"] == pytest.approx(cents[gp].to_numpy().sum() / 100, abs=0.005)
    assert sums["cost_gp"] - sums["cost_gp_excl_mdz"] == pytest.approx(
        cents["KOSTEN_HUISARTS_MDZ"].sum() / 100, abs=0.005
    )
    mental = ["KOSTEN_SPECIALISTISCHE_GGZ", "KOSTEN_GENERALISTISCHE_BASIS_GGZ"]
    assert sums["cost_mental"] == pytest.approx(cents[mental].to_numpy().sum() / 100, abs=0.005)
    counted = [c for c in file.costs if vektis.load_cost_catalogue().in_total[c]]
    assert sums["cost_total"] == pytest.approx(cents[counted].to_numpy().sum() / 100, abs=0.005)


# ---------------------------------------------------------------- the import report balances


def test_import_report_balances_every_column(tmp_path):
    result = vektis.import_files([_shipped(2018)])
    written = vektis.write_import(result, tmp_path / "one.parquet")
    report = json.loads(written[1].read_text())
    (file,) = report["files"]
    raw = pd.read_csv(gzip.open(_shipped(2018), "rt"), sep=";", dtype=str)
    frame = result.frame
    for balance in file["balances"]:
        column = balance["column"]
        in_file = pd.to_numeric(raw[column]).sum()
        parts = balance["written"] + balance["excluded"] + balance["set_aside"]
        assert balance["in_file"] == pytest.approx(in_file, abs=0.01)
        assert parts == pytest.approx(in_file, abs=0.01)
    total = sum(b["written"] for b in file["balances"] if b["column"].startswith("KOSTEN_"))
    out_total = frame.loc[frame["outcome"] == "cost_total", "value_sum"].sum()
    assert out_total == pytest.approx(total, abs=0.01)
    years = next(b for b in file["balances"] if b["column"] == "AANTAL_VERZEKERDEJAREN")
    out_years = frame.loc[frame["outcome"] == "cost_total", "person_years"].sum()
    assert out_years == pytest.approx(years["written"], abs=0.01)
    assert file["rows_in"] == len(raw)
    assert file["rows_municipality"] + 1 == len(raw)
    assert file["cells_absent"] == 355 * 38 - file["rows_municipality"]
    assert file["balances"][-1]["negative_values"] >= 0
    assert sum(b["negative_values"] for b in file["balances"]) > 0  # claims corrections, kept
    markdown = written[2].read_text()
    assert "set aside: 1 row(s), no municipality" in markdown
    assert "/" + "work" not in markdown and str(tmp_path) not in markdown


def test_bundled_contracts_are_rebuilt_byte_for_byte(tmp_path):
    """The committed data/open files equal a fresh import (what `make open-data` runs)."""
    paths = [_shipped(y) for y in range(2011, 2019)]
    written = vektis.write_import(
        vektis.import_files(paths, classification=2020), tmp_path / "vektis_zvw_2011_2018.parquet"
    )
    for path in written:
        assert path.read_bytes() == (ROOT / "data" / "open" / path.name).read_bytes(), path.name


def test_bundled_contract_reads_as_real_age_sex_data():
    data = load_data(ROOT / "data" / "open" / "vektis_zvw_2011_2018.parquet")
    assert data.scheme == "agesex" and not data.synthetic and not data.has_sumsq
    assert data.provenance["classification"] == "2020"
    assert data.years == list(range(2011, 2019))
    assert data.frame["gemeente_code"].nunique() == 355
    assert (data.frame["person_years"] > 0).all()


# ---------------------------------------------------------------- header styles and bad input

HEADER = (
    "GESLACHT;LEEFTIJDSKLASSE;GEMEENTENAAM;AANTAL_BSN;AANTAL_VERZEKERDEJAREN;"
    "KOSTEN_MEDISCH_SPECIALISTISCHE_ZORG;KOSTEN_FARMACIE;KOSTEN_HUISARTS_INSCHRIJFTARIEF;"
    "KOSTEN_HUISARTS_CONSULT;KOSTEN_HUISARTS_OVERIG;KOSTEN_GERIATRISCHE_REVALIDATIEZORG"
)


def _small_file(
    tmp_path: Path, header: str = HEADER, name: str = "vektis_2016_gemeente.csv", rows=None
):
    """A file in the 2020 classification (every municipality, two cells each) plus the unplaced row."""
    names = classification_at(date(2020, 1, 1)).names.values()
    lines = [header, ";;;20;18.5;100;10;1;2;3;4"]
    for i, official in enumerate(sorted(names)):
        label = {"Bergen (L.)": "BERGEN LB", "Bergen (NH.)": "BERGEN NH"}.get(official)
        label = label or (
            "NUENEN CA" if official.startswith("Nuenen") else normalise_name(official)
        )
        for sex in "MV":
            lines.append(f"{sex};65 t/m 69 jaar;{label};{20 + i};{19.5 + i};1000.25;-3.5;1;2;3;7")
    for row in rows or []:
        lines.append(row)
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "style",
    ["upper", "lower", "truncated"],
)
def test_header_styles_upper_lower_and_truncated(tmp_path, style):
    header = HEADER
    if style == "lower":
        header = header.lower()
    if style == "truncated":
        header = header.lower().replace(
            "kosten_medisch_specialistische_zorg", "kosten_medisch_specialistische_z"
        )
        header = header.replace(
            "kosten_geriatrische_revalidatiezorg", "kosten_geriatrische_revalidatiez"
        )
    result = vektis.import_files([_small_file(tmp_path, header)])
    (report,) = result.reports
    assert report.classification == "2020" and report.year == 2016
    assert (
        report.header[
            "kosten_medisch_specialistische_z"
            if style == "truncated"
            else (
                "KOSTEN_MEDISCH_SPECIALISTISCHE_ZORG"
                if style == "upper"
                else "kosten_medisch_specialistische_zorg"
            )
        ]
        == "KOSTEN_MEDISCH_SPECIALISTISCHE_ZORG"
    )
    total = result.frame[result.frame["outcome"] == "cost_total"]
    # hospital + pharmacy + three GP columns; geriatric rehabilitation is excluded from the total
    assert total["value_sum"].iloc[0] == pytest.approx(1000.25 - 3.5 + 1 + 2 + 3)
    assert set(total["segment"]) == {"M_65_69", "V_65_69"}
    assert "cost_mental" in report.outcomes_not_available


def test_dutch_decimal_commas_and_a_bom_are_read(tmp_path):
    path = _small_file(tmp_path)
    text = path.read_text().replace(".", ",")  # every decimal point becomes a comma
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    frame = vektis.import_files([path]).frame
    assert frame.loc[frame["outcome"] == "cost_hospital", "value_sum"].iloc[0] == 1000.25


def test_unknown_truncated_and_extra_columns_are_refused(tmp_path):
    bad = HEADER.replace("KOSTEN_FARMACIE", "KOSTEN_NIEUWE_ZORG")
    with pytest.raises(ContractError, match="unknown cost column.*vektis_columns.csv") as info:
        vektis.import_files([_small_file(tmp_path, bad)])
    assert info.value.column == "KOSTEN_NIEUWE_ZORG"
    ambiguous = HEADER.replace("KOSTEN_HUISARTS_CONSULT", "KOSTEN_HUISARTS_")
    with pytest.raises(ContractError, match="fits 4 known columns"):
        vektis.import_files([_small_file(tmp_path, ambiguous)])
    with pytest.raises(ContractError, match="unexpected column") as info:
        vektis.import_files([_small_file(tmp_path, HEADER.replace("AANTAL_BSN", "PERSONEN"))])
    assert info.value.column == "PERSONEN"


def test_unknown_names_are_all_listed_with_the_file(tmp_path):
    path = _small_file(
        tmp_path,
        rows=[
            "M;70 t/m 74 jaar;ATLANTIS;12;11;1;1;1;1;1;1",
            "V;70 t/m 74 jaar;LILLIPUT;12;11;1;1;1;1;1;1",
        ],
    )
    with pytest.raises(ContractError, match="2 municipality name.*ATLANTIS, LILLIPUT") as info:
        vektis.import_files([path])
    assert str(path) in str(info.value)


def test_a_name_set_of_no_classification_lists_the_differences(tmp_path):
    # a 2020 file with Weesp dropped fits no classification exactly (Weesp left only in 2022)
    path = _small_file(tmp_path)
    lines = [line for line in path.read_text().splitlines() if ";WEESP;" not in line]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ContractError, match="closest is 2020.*missing from the file Weesp"):
        vektis.import_files([path])


@pytest.mark.parametrize(
    "row, column, words",
    [
        ("X;65 t/m 69 jaar;URK;20;19;1;1;1;1;1;1", "GESLACHT", "not a sex"),
        ("M;67 jaar;URK;20;19;1;1;1;1;1;1", "LEEFTIJDSKLASSE", "not an age class"),
        ("M;70 t/m 74 jaar;URK;-20;19;1;1;1;1;1;1", "AANTAL_BSN", "negative count"),
        ("M;70 t/m 74 jaar;URK;20.5;19;1;1;1;1;1;1", "AANTAL_BSN", "whole number"),
        ("M;70 t/m 74 jaar;URK;20;19;1;abc;1;1;1;1", "KOSTEN_FARMACIE", "not a number"),
        ("M;70 t/m 74 jaar;URK;20;19;1;;1;1;1;1", "KOSTEN_FARMACIE", "empty value"),
        ("M;65 t/m 69 jaar;URK;20;19;1;1;1;1;1;1", "GEMEENTENAAM", "duplicate cell"),
    ],
)
def test_bad_rows_name_file_column_and_row(tmp_path, row, column, words):
    path = _small_file(tmp_path, rows=[row])
    with pytest.raises(ContractError, match=words) as info:
        vektis.import_files([path])
    assert info.value.column == column
    assert info.value.row == 2 + 355 * 2 + 1 - 1  # the appended row, after the unplaced row
    assert str(path) in str(info.value)


def test_year_from_the_name_or_given(tmp_path):
    assert (
        vektis.year_from_name(
            Path("Vektis Open Databestand Zorgverzekeringswet 2023 - gemeente.csv")
        )
        == 2023
    )
    with pytest.raises(ParameterError, match="give the year"):
        vektis.year_from_name(Path("gemeente.csv"))
    path = _small_file(tmp_path, name="gemeente.csv")
    assert vektis.import_files([path], year=2017).reports[0].year == 2017


# ---------------------------------------------------------------- classifications and mergers


def test_classification_sizes_follow_cbs_and_the_2025_boundaries():
    sizes = {
        d: len(classification_at(date.fromisoformat(d)).codes)
        for d in [
            "2011-01-01",
            "2014-01-01",
            "2018-01-01",
            "2019-01-01",
            "2020-01-01",
            "2021-01-01",
            "2022-01-01",
            "2022-03-24",
            "2023-01-01",
            "2025-01-01",
        ]
    }
    assert sizes == {
        "2011-01-01": 418,
        "2014-01-01": 403,
        "2018-01-01": 380,
        "2019-01-01": 355,
        "2020-01-01": 355,
        "2021-01-01": 352,
        "2022-01-01": 345,
        "2022-03-24": 344,
        "2023-01-01": 342,
        "2025-01-01": 342,
    }
    geo = json.loads((ROOT / "data" / "geo" / "gemeente_2025.topojson").read_text())
    (layer,) = geo["objects"].values()
    codes = {g["properties"]["statcode"] for g in layer["geometries"]}
    assert classification_at(date(2025, 1, 1)).codes == codes


def test_parse_classification():
    assert parse_classification("2022") == date(2022, 1, 1)
    assert parse_classification("2022-03-24") == date(2022, 3, 24)
    with pytest.raises(ParameterError, match="neither a year"):
        parse_classification("March 2022")


def test_forward_aggregation_preserves_sums_and_the_split_rule(parsed):
    result = vektis.import_files([_shipped(2018)], classification="2022-03-24")
    frame = result.frame[result.frame["outcome"] == "cost_total"]
    file = parsed[2018]
    assert frame["n_persons"].sum() == file.rows["n_persons"].sum()
    assert frame["person_years"].sum() == pytest.approx(file.rows["person_years_c"].sum() / 100)
    counted = [c for c in file.costs if vektis.load_cost_catalogue().in_total[c]]
    assert frame["value_sum"].sum() == pytest.approx(file.rows[counted].to_numpy().sum() / 100)
    # Haaren (split in 2021) goes whole to Oisterwijk, the successor with the largest share
    haaren = file.rows[file.rows["name"] == "HAAREN"]["n_persons"].sum()
    oisterwijk = file.rows[file.rows["name"] == "OISTERWIJK"]["n_persons"].sum()
    assert frame.loc[frame["gemeente_code"] == "GM0824", "n_persons"].sum() == haaren + oisterwijk
    notes = result.reports[0].reorganised
    assert any("Haaren split on 2021-01-01: counted whole in Oisterwijk" in n for n in notes)
    assert any("Weesp merged into Amsterdam on 2022-03-24" in n for n in notes)
    eemsdelta = file.rows["name"].isin(["APPINGEDAM", "DELFZIJL", "LOPPERSUM"])
    assert (
        frame.loc[frame["gemeente_code"] == "GM1979", "n_persons"].sum()
        == file.rows.loc[eemsdelta, "n_persons"].sum()
    )


def test_data_cannot_move_back_to_an_older_classification():
    with pytest.raises(ParameterError, match="cannot move data of the 2022-03-24"):
        vektis.import_files([_shipped(2020)], classification=2020)


def test_merger_table_is_consistent():
    changes = load_changes()
    splits = changes[changes["kind"] == "split"]
    assert (
        splits.groupby(["date", "old_code"])["largest"].apply(lambda s: (s == "yes").sum()) == 1
    ).all()
    assert set(changes["kind"]) == {"merger", "split", "rename"}
    # every municipality of 2011 reaches exactly one of 2020 going forward
    moves = forward_map(classification_at(date(2011, 1, 1)), classification_at(date(2020, 1, 1)))
    assert set(code for code, _ in moves.values()) == classification_at(date(2020, 1, 1)).codes
    assert np.all([code.startswith("GM") for code in moves])


def _walk_date_by_date(source, target):
    """An independent oracle for forward_map: apply the reorganisations one date at a time."""
    changes = load_changes()
    steps = changes[(changes["date"] > source.valid_from) & (changes["date"] <= target.valid_from)]
    result = {}
    for code in source.names:
        current, notes = code, []
        for day, rows in steps.groupby("date", sort=True):
            mine = rows[rows["old_code"] == current]
            if mine.empty:
                continue
            if (mine["kind"] == "split").any():
                best = mine[mine["largest"] == "yes"].iloc[0]
                notes.append(
                    f"{best['old_name']} split on {day.isoformat()}: counted whole in "
                    f"{best['new_name']} (largest share)"
                )
            else:
                best = mine.iloc[0]
                notes.append(
                    f"{best['old_name']} merged into {best['new_name']} on {day.isoformat()}"
                )
            current = best["new_code"]
        result[code] = (current, "; ".join(notes))
    return result


@pytest.mark.parametrize("target_year", [2019, 2020, 2021])
def test_forward_map_equals_a_walk_date_by_date(target_year):
    target = classification_at(date(target_year, 1, 1))
    for year in range(2010, target_year + 1):
        source = classification_at(date(year, 1, 1))
        assert forward_map(source, target) == _walk_date_by_date(source, target), year
