"""The reference catalogues: complete, consistent, and with a source for every fact."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from lmp.errors import CatalogueError
from lmp.reference import REFERENCE_DIR, load_reference


def test_municipalities_of_the_2020_classification():
    ref = load_reference()
    assert len(ref.gemeenten) == 355
    assert ref.gemeenten["province"].nunique() == 12
    names = ref.gemeenten.set_index("gemeente_code")["name"]
    assert names["GM0363"] == "Amsterdam" and names["GM0935"] == "Maastricht"
    assert names["GM1954"] == "Beekdaelen"


def test_nine_proeftuinen_each_with_municipalities_segments_and_a_status():
    ref = load_reference()
    assert len(ref.proeftuinen) == 9
    for _, row in ref.proeftuinen.iterrows():
        assert ref.municipalities(row["slug"])
        assert ref.target_segments(row["slug"])
        assert row["confidence"] in {"confirmed", "probable", "uncertain", "placeholder"}
        if row["confidence"] == "placeholder":
            assert "PLACEHOLDER" in row["region"] and not row["source"]
        else:
            assert row["source"].startswith("http")
    confirmed = ref.proeftuinen[ref.proeftuinen["confidence"] == "confirmed"]["name"]
    assert {"Blauwe Zorg", "MijnZorg", "Vitaal Vechtdal"} <= set(confirmed)


def test_comparison_pool_excludes_every_proeftuin_municipality():
    ref = load_reference()
    pool = set(ref.comparison_pool())
    treated = set(ref.gemeenten.loc[ref.gemeenten["proeftuin"] != "", "gemeente_code"])
    assert pool and treated and not pool & treated
    assert len(pool) + len(treated) == 355


def test_segments_and_outcomes_cover_what_the_reports_need():
    ref = load_reference()
    assert list(ref.segments["code"])[0] == "healthy"
    assert ref.segments["code"].is_unique
    assert {"cost", "health", "quality"} == set(ref.outcomes["dimension"])
    assert set(ref.outcomes.loc[ref.outcomes["kind"] == "binary", "max_value"]) == {1.0}
    assert (ref.outcomes["source"] != "").all() and (ref.segments["source"] != "").all()


def test_unknown_codes_raise_catalogue_errors():
    ref = load_reference()
    with pytest.raises(CatalogueError, match="unknown proeftuin"):
        ref.proeftuin("atlantis")
    with pytest.raises(CatalogueError, match="unknown outcome"):
        ref.outcome("happiness")


def test_every_2020_municipality_has_one_corop_region_within_its_province():
    ref = load_reference()
    table = pd.read_csv(REFERENCE_DIR / "corop.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == ["gemeente_code", "corop_code", "corop_name"]
    assert len(table) == 355 and table["gemeente_code"].is_monotonic_increasing
    assert set(table["gemeente_code"]) == set(ref.gemeenten["gemeente_code"])
    corop = ref.gemeenten.set_index("gemeente_code")["corop"]
    assert corop.str.fullmatch(r"CR\d{2}").all()
    assert sorted(corop.unique()) == [f"CR{i:02d}" for i in range(1, 41)]
    assert (ref.gemeenten.groupby("corop")["province"].nunique() == 1).all()
    assert (ref.gemeenten.groupby("corop")["corop_name"].nunique() == 1).all()


def test_corop_spot_checks():
    ref = load_reference()
    rows = ref.gemeenten.set_index("gemeente_code")
    assert rows.loc["GM0363", ["corop", "corop_name"]].tolist() == ["CR23", "Groot-Amsterdam"]
    # Zuid-Limburg: Maastricht, Sittard-Geleen and all of Parkstad Limburg (Heerlen, Kerkrade,
    # Landgraaf, Brunssum, Simpelveld, Voerendaal, Beekdaelen)
    zuid_limburg = ["GM0935", "GM1883", "GM0917", "GM0928", "GM0882", "GM0899", "GM0965"]
    zuid_limburg += ["GM0986", "GM1954"]
    assert set(rows.loc[zuid_limburg, "corop"]) == {"CR39"}
    assert set(rows.loc[zuid_limburg, "corop_name"]) == {"Zuid-Limburg"}
    assert set(rows.loc[rows["corop"] == "CR39", "province"]) == {"Limburg"}
    assert rows.loc["GM0983", "corop"] == "CR37"  # Venlo: Noord-Limburg


def test_a_corop_region_across_a_province_border_is_refused(tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference)
    path = reference / "corop.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[table["gemeente_code"] == "GM0983", ["corop_code", "corop_name"]] = [
        "CR35",
        "Noordoost-Noord-Brabant",
    ]  # Venlo (Limburg) into a Brabant region
    table.to_csv(path, index=False)
    with pytest.raises(CatalogueError, match="CR35 crosses a province border"):
        load_reference(reference)
    table.iloc[:-1].to_csv(path, index=False)
    with pytest.raises(CatalogueError, match="not the municipalities of gemeenten.csv"):
        load_reference(reference)
