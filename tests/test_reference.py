"""The reference catalogues: complete, consistent, and with a source for every fact."""

from __future__ import annotations

import pytest

from lmp.errors import CatalogueError
from lmp.reference import load_reference


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
