"""Offline maps of Dutch municipalities and regions of municipalities, drawn with matplotlib.

Boundaries: CBS generalised boundaries in TopoJSON in ``data/geo`` (origin, citation, checksums:
``data/geo/SOURCES.md``), read by a small decoder; no GIS library, tile server or internet. Assumed:

- coordinates are WGS84 longitude/latitude in degrees and are treated as planar (fine for centroids
  and for drawing a country the size of the Netherlands; areas are in square degrees, not km²);
- a file holds one TopoJSON object, a GeometryCollection of Polygons and MultiPolygons, each with a
  unique ``statcode`` property (``GMxxxx`` for municipalities, ``PVxx`` for provinces);
- neighbouring areas share their border as the same TopoJSON arc, once arcs with identical points
  are taken as one (see :func:`_canonical`); then every arc of these files is used by at most two
  areas, in opposite directions (tested);
- the municipalities need not cover the country: open water such as the IJsselmeer is in none of
  them, and generalisation left a few tiny gaps (one of about 150 m in south Limburg, 2020).
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from itertools import chain
from pathlib import Path

import numpy as np
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

GEO_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"
ASPECT_LATITUDE = 52.2  # degrees north; one degree of longitude is cos(52.2°) of one of latitude
GREY, BORDER, PROVINCE, OUTLINE, HATCH = "#dcdcdc", "white", "#8c8c8c", "#1a1a1a", "#333333"
HALO = [patheffects.withStroke(linewidth=2.5, foreground="white")]  # keeps labels readable

# A polygon: closed rings (N x 2 arrays of lon, lat), the first the exterior, any others holes.
Polygon = list[np.ndarray]
Shapes = dict[str, list[Polygon]]
ArcPolygons = dict[str, list[list[list[int]]]]  # per statcode: polygons of rings of arc indices


def _decode_arc(arc: list, transform: dict | None) -> np.ndarray:
    """Positions of one arc as lon/lat; quantised arcs are delta-encoded integers."""
    points = np.asarray(arc, dtype=float)
    if points.ndim != 2 or points.shape[0] < 2 or points.shape[1] < 2:
        raise ValueError("an arc needs at least two positions of two numbers")
    points = points[:, :2]
    if transform is None:
        return points
    return np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]


def _ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    """Join a ring's arcs (~i is arc i reversed), dropping the point each arc shares with the last."""
    parts: list[np.ndarray] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        if parts and not np.array_equal(parts[-1][-1], arc[0]):
            raise ValueError(f"arc {i} does not start where the previous arc ends")
        parts.append(arc if not parts else arc[1:])
    ring = np.concatenate(parts)
    if len(ring) < 4 or not np.array_equal(ring[0], ring[-1]):
        raise ValueError("a ring must be closed and have at least four positions")
    return ring


def _canonical(arcs: list[np.ndarray]) -> list[int]:
    """Per arc, the signed index of the first arc with the same points (~j: arc j reversed).

    The files hold some borders twice, as two separate two-point arcs with the same points (39
    in gemeente_2020, 2 in gemeente_2025); counted as one arc, they are shared as they should be.
    """
    first: dict[bytes, int] = {}
    result = []
    for i, arc in enumerate(arcs):
        forward, backward = arc.tobytes(), arc[::-1].tobytes()
        if forward in first:
            result.append(first[forward])
        elif backward in first:
            result.append(~first[backward])
        else:
            first[forward] = i
            result.append(i)
    return result


def _load(path: str | Path) -> tuple[list[np.ndarray], ArcPolygons, Shapes]:
    """Decoded arcs, polygons as (canonical) arc indices, and polygons as coordinates."""
    path = Path(path)
    try:
        topology = json.loads(path.read_text(encoding="utf-8"))
        if topology.get("type") != "Topology":
            raise ValueError("not a TopoJSON Topology")
        objects = list(topology["objects"].values())
        if len(objects) != 1:
            raise ValueError(f"expected one object, found {len(objects)}")
        arcs = [_decode_arc(arc, topology.get("transform")) for arc in topology["arcs"]]
        canon = _canonical(arcs)
        indices: ArcPolygons = {}
        shapes: Shapes = {}
        for geometry in objects[0]["geometries"]:
            code = geometry["properties"]["statcode"]
            if code in indices:
                raise ValueError(f"statcode {code} occurs twice")
            if geometry["type"] == "Polygon":
                indices[code] = [geometry["arcs"]]
            elif geometry["type"] == "MultiPolygon":
                indices[code] = geometry["arcs"]
            else:
                raise ValueError(f"{code}: unsupported geometry type {geometry['type']!r}")
            shapes[code] = [[_ring(arcs, ring) for ring in polygon] for polygon in indices[code]]
            indices[code] = [
                [[canon[i] if i >= 0 else ~canon[~i] for i in ring] for ring in polygon]
                for polygon in indices[code]
            ]
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(f"{path}: malformed TopoJSON ({type(exc).__name__}: {exc})") from exc
    return arcs, indices, shapes


def read_topojson(path: str | Path) -> Shapes:
    """Polygons per area code (``statcode``), in file order; each polygon a list of closed rings.

    Raises ``ValueError`` naming the file if it is not a TopoJSON file as described in the module
    docstring (bad JSON, missing keys, arc indices out of range, rings that do not close).
    """
    return _load(path)[2]


def _municipality_file(path_or_classification: int | str | Path) -> Path:
    if isinstance(path_or_classification, int):
        return GEO_DIR / f"gemeente_{path_or_classification}.topojson"
    return Path(path_or_classification)


def municipality_shapes(classification: int = 2020) -> Shapes:
    """Municipalities of the CBS classification of 1 January ``classification`` (2020 or 2025)."""
    return read_topojson(_municipality_file(classification))


def province_shapes() -> Shapes:
    """The twelve provinces of 2020 (codes ``PVxx``)."""
    return read_topojson(GEO_DIR / "provincie_2020.topojson")


def _check_mapping(mapping: dict[str, str], codes: dict) -> None:
    unknown = sorted(set(mapping) - set(codes))
    if unknown:
        raise ValueError(f"municipality codes not in this classification: {', '.join(unknown)}")


def dissolve(shapes: Shapes, mapping: dict[str, str]) -> Shapes:
    """Collect the polygons of each region's municipalities (``mapping``: code -> region).

    No polygon union: the members' polygons are simply listed together, which is enough for filling
    and for centroids (members do not overlap). Codes not in ``mapping`` are left out; a code in
    ``mapping`` but not in ``shapes`` raises ``ValueError`` (usually a classification mix-up).
    Use :func:`region_outlines` for the region's boundary.
    """
    _check_mapping(mapping, shapes)
    regions: Shapes = {}
    for code, polygons in shapes.items():
        if code in mapping:
            regions.setdefault(mapping[code], []).extend(polygons)
    return regions


def _chain(arcs: list[np.ndarray], signed: list[int]) -> list[np.ndarray]:
    """Arcs used once in ``signed`` (all member rings' arc indices), chained into polylines.

    An arc used twice is a border between two members, so interior. Outer arcs keep the direction
    their ring walks them and are joined end to start; endpoints compare exactly, as they are
    computed from the same integers.
    """
    uses = Counter(i if i >= 0 else ~i for i in signed)
    outer = [
        arcs[i] if i >= 0 else arcs[~i][::-1] for i in signed if uses[i if i >= 0 else ~i] == 1
    ]
    starts: dict[tuple[float, float], list[int]] = {}
    for k, arc in enumerate(outer):
        starts.setdefault((arc[0, 0], arc[0, 1]), []).append(k)
    used = [False] * len(outer)
    lines = []
    for first in range(len(outer)):
        k, parts = first, []
        while not used[k]:
            used[k] = True
            parts.append(outer[k] if not parts else outer[k][1:])
            nexts = [j for j in starts.get((outer[k][-1, 0], outer[k][-1, 1]), []) if not used[j]]
            k = nexts[0] if nexts else k
        if parts:
            lines.append(np.concatenate(parts))
    return lines


def _outlines(
    arcs: list[np.ndarray], indices: ArcPolygons, mapping: dict[str, str]
) -> dict[str, list[np.ndarray]]:
    _check_mapping(mapping, indices)
    signed: dict[str, list[int]] = {}
    for code, polygons in indices.items():
        if code in mapping:
            signed.setdefault(mapping[code], []).extend(i for p in polygons for r in p for i in r)
    return {region: _chain(arcs, arc_indices) for region, arc_indices in signed.items()}


def region_outlines(
    path_or_classification: int | str | Path, mapping: dict[str, str]
) -> dict[str, list[np.ndarray]]:
    """Boundary of each region (``mapping``: municipality code -> region) as lon/lat polylines.

    Computed on TopoJSON arcs: an arc used by exactly one member ring is on the region's boundary;
    an arc used twice (the border between two members) is interior and left out. The outer arcs are
    chained end to start, so each polyline is a closed ring (first point == last point) as long as
    the members' rings close, which the decoder checks. ``path_or_classification``: a year (file
    ``gemeente_<year>.topojson`` in :data:`GEO_DIR`) or a path to a TopoJSON file.
    """
    arcs, indices, _ = _load(_municipality_file(path_or_classification))
    return _outlines(arcs, indices, mapping)


def centroid(polygons: list[Polygon]) -> tuple[float, float]:
    """Area-weighted centroid (lon, lat) of polygons; holes (rings after the first) count negative.

    Planar in lon/lat; the longitude scaling used for drawing does not move a centroid. May fall
    outside a non-convex shape.
    """
    area = moment_x = moment_y = 0.0
    for polygon in polygons:
        for k, ring in enumerate(polygon):
            x0, y0, x1, y1 = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
            cross = x0 * y1 - x1 * y0
            sign = np.sign(cross.sum()) * (1.0 if k == 0 else -1.0)
            area += sign * cross.sum() / 2
            moment_x += sign * ((x0 + x1) * cross).sum() / 6
            moment_y += sign * ((y0 + y1) * cross).sum() / 6
    if area <= 0:
        raise ValueError("polygons have no area")
    return float(moment_x / area), float(moment_y / area)


def _compound_path(polygons: list[Polygon]) -> MplPath:
    """One path for all polygons; exteriors anticlockwise, holes clockwise (nonzero fill rule)."""
    paths = []
    for polygon in polygons:
        for k, ring in enumerate(polygon):
            cross = ring[:-1, 0] * ring[1:, 1] - ring[1:, 0] * ring[:-1, 1]
            anticlockwise = cross.sum() > 0
            paths.append(MplPath(ring if anticlockwise == (k == 0) else ring[::-1], closed=True))
    return MplPath.make_compound_path(*paths)


def _provinces(shapes: Shapes) -> dict[str, str]:
    """Province code per municipality: the 2020 province whose polygon holds its centroid.

    Province borders drawn as outlines of these groups follow the municipality borders exactly (the
    province file is generalised on its own and strays from them by up to about 3 km). Assumes no
    municipality changed province after 2020, true up to 2025; checked against
    data/reference/gemeenten.csv for 2020 in the tests.
    """
    paths = {code: _compound_path(polygons) for code, polygons in province_shapes().items()}
    result = {}
    for code, polygons in shapes.items():
        point = centroid(polygons)
        for province, path in paths.items():
            if path.contains_point(point):
                result[code] = province
    return result


def draw_region_map(
    ax,
    regions: dict[str, list[str]],
    colours: dict[str, str],
    hatch: dict[str, bool] | None = None,
    labels: dict[str, str] | None = None,
    classification: int = 2020,
    hatch_members: set[str] | None = None,
) -> None:
    """Draw all municipalities, the regions' members in their colour, and the regions' outlines.

    ``regions``: region -> municipality codes of ``classification`` (a code in two regions raises
    ``ValueError``). ``colours``: region -> matplotlib colour. Members are hatched where
    ``hatch[region]`` is true or their code is in ``hatch_members`` (for example memberships that
    are only inferred). ``labels``: region -> text placed at the region's area-weighted centroid.
    Province borders (see :func:`_provinces`) are a little darker than the white municipality
    borders. Longitude is scaled by cos(52.2°) for equal distances; no ticks. Deterministic.
    """
    hatch = hatch or {}
    labels = labels or {}
    hatch_members = hatch_members or set()
    mapping: dict[str, str] = {}
    for region, codes in regions.items():
        for code in codes:
            if mapping.setdefault(code, region) != region:
                raise ValueError(f"{code} is in two regions: {mapping[code]} and {region}")
    missing = sorted(set(regions) - set(colours))
    unlabelable = sorted(r for r in labels if not regions.get(r))
    if missing or unlabelable:
        raise ValueError(
            f"regions without colour: {missing}; labels without members: {unlabelable}"
        )
    arcs, indices, shapes = _load(_municipality_file(classification))
    _check_mapping(mapping, shapes)

    for code, polygons in shapes.items():
        region = mapping.get(code)
        hatched = code in hatch_members or (region is not None and hatch.get(region, False))
        fill = GREY if region is None else colours[region]
        ax.add_patch(
            PathPatch(
                _compound_path(polygons),
                facecolor=fill,
                edgecolor=BORDER,
                linewidth=0.3,
                hatch="////" if hatched else None,
                hatchcolor=HATCH,
                zorder=1,
            )
        )
    provinces = list(chain.from_iterable(_outlines(arcs, indices, _provinces(shapes)).values()))
    ax.add_collection(LineCollection(provinces, colors=PROVINCE, linewidths=0.6, zorder=2))
    outlines = list(chain.from_iterable(_outlines(arcs, indices, mapping).values()))
    ax.add_collection(
        LineCollection(
            outlines, colors=OUTLINE, linewidths=1.0, capstyle="round", joinstyle="round", zorder=3
        )
    )
    members = dissolve(shapes, mapping)
    for region, text in labels.items():
        lon, lat = centroid(members[region])
        ax.text(lon, lat, text, ha="center", va="center", fontsize=8, zorder=4, path_effects=HALO)

    points = np.concatenate([ring for polygons in shapes.values() for p in polygons for ring in p])
    low, high = points.min(axis=0), points.max(axis=0)
    margin = 0.02 * (high - low)
    ax.set_xlim(low[0] - margin[0], high[0] + margin[0])
    ax.set_ylim(low[1] - margin[1], high[1] + margin[1])
    ax.set_aspect(1 / math.cos(math.radians(ASPECT_LATITUDE)))
    ax.set_xticks([])
    ax.set_yticks([])


@functools.cache
def neighbours(classification: int = 2020) -> dict[str, set[str]]:
    """Municipality code -> the municipalities that share a border with it.

    Two municipalities are neighbours when their rings share an arc of the (simplified) CBS
    boundaries; municipalities that only face each other across water are not. Used to leave a
    proeftuin's neighbours out of its comparison pool (spillover), not for anything finer.
    """
    _, indices, _ = _load(_municipality_file(classification))
    owners: dict[int, set[str]] = {}
    for code, polygons in indices.items():
        for polygon in polygons:
            for ring in polygon:
                for signed in ring:
                    owners.setdefault(signed if signed >= 0 else ~signed, set()).add(code)
    result: dict[str, set[str]] = {code: set() for code in indices}
    for codes in owners.values():
        for code in codes:
            result[code] |= codes - {code}
    return result
