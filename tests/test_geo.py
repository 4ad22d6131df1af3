"""The offline map: CBS boundaries decode to the right municipalities in the right places, region
outlines leave out the borders between members, and maps are byte-identical between runs."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lmp import geo

ROOT = Path(__file__).resolve().parent.parent

# 1 January 2021-2025 mergers: new code -> the 2020 municipalities it replaced (CBS).
NEW_IN_2025 = {
    "GM1979": ["GM0003", "GM0010", "GM0024"],  # Eemsdelta (2021)
    "GM1980": ["GM0398", "GM0416"],  # Dijk en Waard (2022)
    "GM1982": ["GM0756", "GM0786", "GM0815", "GM1684", "GM1702"],  # Land van Cuijk (2022)
    "GM1991": ["GM0856", "GM1685"],  # Maashorst (2022)
    "GM1992": ["GM0501", "GM0530", "GM0614"],  # Voorne aan Zee (2023)
}


def _area(polygons) -> float:
    """Plain shoelace area in square degrees, independent of lmp.geo."""
    total = 0.0
    for polygon in polygons:
        for k, ring in enumerate(polygon):
            a = abs(np.sum(ring[:-1, 0] * ring[1:, 1] - ring[1:, 0] * ring[:-1, 1])) / 2
            total += a if k == 0 else -a
    return total


def _segments(lines) -> set[frozenset]:
    """Undirected segments between consecutive points of polylines."""
    return {
        frozenset({tuple(p), tuple(q)})
        for line in lines
        for p, q in zip(line[:-1], line[1:], strict=True)
    }


@pytest.mark.parametrize(("classification", "count"), [(2020, 355), (2025, 342)])
def test_municipalities_decode_closed_and_inside_the_netherlands(classification, count):
    shapes = geo.municipality_shapes(classification)
    assert len(shapes) == count
    assert all(re.fullmatch(r"GM\d{4}", code) for code in shapes)
    for polygons in shapes.values():
        assert polygons
        for polygon in polygons:
            for ring in polygon:
                assert ring.ndim == 2 and ring.shape[1] == 2 and len(ring) >= 4
                assert np.array_equal(ring[0], ring[-1])
                assert (ring[:, 0] >= 3.2).all() and (ring[:, 0] <= 7.3).all()
                assert (ring[:, 1] >= 50.7).all() and (ring[:, 1] <= 53.6).all()


def test_provinces_decode():
    provinces = geo.province_shapes()
    assert len(provinces) == 12
    assert all(re.fullmatch(r"PV\d{2}", code) for code in provinces)


def test_municipalities_fall_in_their_province():
    """The centroid-in-province rule behind the drawn province borders agrees with the reference
    list for 2020 (names differ: 'Fryslân' there, 'Friesland' in the boundary file, so compare as a
    one-to-one pairing) and places every 2025 municipality."""
    reference = pd.read_csv(ROOT / "data" / "reference" / "gemeenten.csv")
    found = geo._provinces(geo.municipality_shapes(2020))
    assert set(found) == set(reference["gemeente_code"])
    pairs = set(zip(reference["province"], reference["gemeente_code"].map(found), strict=True))
    assert len(pairs) == len({name for name, _ in pairs}) == len({pv for _, pv in pairs}) == 12
    assert len(geo._provinces(geo.municipality_shapes(2025))) == 342


@pytest.mark.parametrize(
    ("code", "lon", "lat"),
    [("GM0935", 5.69, 50.85), ("GM0363", 4.90, 52.37), ("GM0014", 6.57, 53.22)],
)
def test_centroids_are_where_the_towns_are(code, lon, lat):
    """Maastricht, Amsterdam, Groningen, within 0.1 degree."""
    c_lon, c_lat = geo.centroid(geo.municipality_shapes(2020)[code])
    assert abs(c_lon - lon) < 0.1 and abs(c_lat - lat) < 0.1


def test_new_codes_2025_are_the_five_mergers():
    codes_2020 = set(geo.municipality_shapes(2020))
    codes_2025 = set(geo.municipality_shapes(2025))
    assert codes_2025 - codes_2020 == {"GM1979", "GM1980", "GM1982", "GM1991", "GM1992"}
    # Gone by 2025: the merged ones, plus Beemster (into Purmerend, 2022), Weesp (into Amsterdam,
    # 2022) and Haaren (split over four neighbours, 2021).
    gone = {code for members in NEW_IN_2025.values() for code in members}
    assert codes_2020 - codes_2025 == gone | {"GM0370", "GM0457", "GM0788"}


@pytest.mark.parametrize("new_code", sorted(NEW_IN_2025))
def test_dissolved_2020_mergers_match_the_2025_municipality(new_code):
    """The 2020 members' area equals the 2025 municipality's within 5%. Not closer: the two files
    are generalised separately (unchanged municipalities differ by up to 13%, Vlieland; median
    0.5%), and the five mergers differ by 0.5-2.8%."""
    mapping = dict.fromkeys(NEW_IN_2025[new_code], new_code)
    merged = geo.dissolve(geo.municipality_shapes(2020), mapping)[new_code]
    assert _area(merged) == pytest.approx(_area(geo.municipality_shapes(2025)[new_code]), rel=0.05)


def test_region_outline_leaves_out_the_shared_border():
    """Maastricht and Eijsden-Margraten: the outline is their borders minus the one they share."""
    shapes = geo.municipality_shapes(2020)
    a = _segments(ring for polygon in shapes["GM0935"] for ring in polygon)
    b = _segments(ring for polygon in shapes["GM1903"] for ring in polygon)
    shared = a & b
    assert shared  # they are neighbours (two segments at this generalisation)

    mapping = {"GM0935": "south", "GM1903": "south"}
    outline = geo.region_outlines(2020, mapping)["south"]
    assert _segments(outline) == a ^ b
    assert len(outline) == 1 and np.array_equal(outline[0][0], outline[0][-1])  # one closed ring

    # A region of one municipality is outlined by its own rings.
    alone = geo.region_outlines(2020, {"GM0935": "x"})["x"]
    assert _segments(alone) == a


@pytest.mark.parametrize("classification", [2020, 2025])
def test_neighbours_share_arcs(classification):
    """Every arc is used by at most two municipalities, in opposite directions, and the outline of
    the whole country is closed rings without two-point stubs. Fails if a border stored as two
    separate identical arcs (39 in the 2020 file) is not counted as one arc."""
    _, indices, shapes = geo._load(geo.GEO_DIR / f"gemeente_{classification}.topojson")
    signed = Counter(i for polygons in indices.values() for p in polygons for r in p for i in r)
    assert max(signed.values()) == 1
    unsigned = Counter(i if i >= 0 else ~i for i in signed.elements())
    assert max(unsigned.values()) == 2
    outline = geo.region_outlines(classification, dict.fromkeys(shapes, "NL"))["NL"]
    assert all(len(line) >= 4 and np.array_equal(line[0], line[-1]) for line in outline)


def test_dissolve_collects_members_and_refuses_unknown_codes():
    shapes = geo.municipality_shapes(2020)
    regions = geo.dissolve(shapes, {"GM0935": "r", "GM1903": "r", "GM0014": "s"})
    assert len(regions["r"]) == len(shapes["GM0935"]) + len(shapes["GM1903"])
    assert set(regions) == {"r", "s"}
    with pytest.raises(ValueError, match="GM1979"):  # a 2025 code on the 2020 map
        geo.dissolve(shapes, {"GM1979": "r"})


def test_malformed_file_names_the_file(tmp_path):
    bad = tmp_path / "broken.topojson"
    bad.write_text(
        '{"type": "Topology", "arcs": [[[0, 0], [1, 0]]], "objects": {"x": '
        '{"type": "GeometryCollection", "geometries": [{"type": "Polygon", '
        '"properties": {"statcode": "GM0001"}, "arcs": [[0, 5]]}]}}}'
    )
    with pytest.raises(ValueError, match="broken.topojson"):
        geo.read_topojson(bad)
    bad.write_text("not json")
    with pytest.raises(ValueError, match="broken.topojson"):
        geo.read_topojson(bad)


def _draw(path) -> bytes:
    fig = Figure(figsize=(4, 5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    geo.draw_region_map(
        ax,
        {"north": ["GM0003", "GM0010", "GM0024"], "south": ["GM0935", "GM1903"]},
        {"north": "#2980b9", "south": "#c0392b"},
        hatch={"north": True},
        labels={"north": "North", "south": "South"},
        hatch_members={"GM1903"},
    )
    assert len(ax.patches) == 355
    assert sum(bool(patch.get_hatch()) for patch in ax.patches) == 4  # north's three, GM1903
    assert sorted(t.get_text() for t in ax.texts) == ["North", "South"]
    fig.savefig(path, dpi=80, metadata={"Software": None})
    return path.read_bytes()


def test_map_draws_and_is_byte_identical(tmp_path):
    first = _draw(tmp_path / "a.png")
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert first == _draw(tmp_path / "b.png")


def test_map_refuses_a_municipality_in_two_regions():
    fig = Figure()
    with pytest.raises(ValueError, match="labels without members"):
        geo.draw_region_map(fig.add_subplot(), {"a": ["GM0935"]}, {"a": "r"}, labels={"b": "B"})
    with pytest.raises(ValueError, match="GM1979"):
        geo.draw_region_map(fig.add_subplot(), {"a": ["GM1979"]}, {"a": "r"}, classification=2020)
    with pytest.raises(ValueError, match="two regions"):
        geo.draw_region_map(
            fig.add_subplot(), {"a": ["GM0935"], "b": ["GM0935"]}, {"a": "r", "b": "b"}
        )
