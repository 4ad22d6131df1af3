"""lmp aggregate: person-year microdata into the contract, checked against plain pandas and
statsmodels on the same individual rows."""

from __future__ import annotations

import math
import os
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import statsmodels.api as sm

from lmp import aggregate as agg
from lmp import did
from lmp.cli import main
from lmp.contract import KEY, load_data, validate
from lmp.errors import ContractError, ParameterError
from lmp.reference import REFERENCE_DIR, load_reference
from lmp.sources.classification import classification_at, forward_map, parse_classification

PROEFTUIN = "vitaal-vechtdal"  # GM0160 Hardenberg, GM0175 Ommen; start 2014
START = 2014
# Codes of the 2018 classification and where they are in 2020: Bedum merged into Het Hogeland;
# Winsum was split, its largest part to Het Hogeland; Zuidhorn merged into Westerkwartier.
OLD_CODES = {"GM0005": "GM1966", "GM0053": "GM1966", "GM0056": "GM1969"}
OUTCOMES = ["cost_total", "cost_gp", "ed_visit"]
TOL = 1e-8


# --- person-year rows, generated without lmp ---------------------------------------------------


def microdata(seed: int = 5, years=range(2011, 2017)) -> pd.DataFrame:
    """Person-year rows of the proeftuin, six comparison towns and three towns under older codes.

    Persons keep their id, sex, birth year and conditions over the years; costs follow a hurdle
    model (zeros, lognormal positives, a few negative corrections) with a 10% drop in the
    proeftuin from the start year; a few persons have two insurance spells (two rows) in a year.
    """
    rng = np.random.default_rng(seed)
    ref = load_reference()
    treated = ref.municipalities(PROEFTUIN)
    pool = [c for c in ref.comparison_pool() if c not in set(OLD_CODES.values())]
    codes = treated + sorted(rng.choice(pool, 6, replace=False)) + list(OLD_CODES)
    frames, first_id = [], 0
    for code in codes:
        n = int(rng.integers(25, 45))
        persons = pd.DataFrame(
            {
                "person_id": np.arange(first_id, first_id + n),
                "sex": rng.choice(["M", "V"], n),
                "birth": rng.integers(1915, 2011, n),
                "chronic_count": rng.poisson(0.7, n),
                "mental_health_care": (rng.random(n) < 0.12).astype(int),
                "frail": (rng.random(n) < 0.2).astype(int),
            }
        )
        first_id += n
        level = rng.normal(0, 300)
        for year in years:
            frames.append(_year_rows(rng, persons, code, year, level, code in treated))
    rows = pd.concat(frames, ignore_index=True)
    return rows[[*agg.KEY_COLUMNS, *agg.FLAG_COLUMNS, *OUTCOMES]]  # the schema's column order


def _year_rows(rng, persons, code, year, level, treated) -> pd.DataFrame:
    n = len(persons)
    age = np.clip(year - persons["birth"].to_numpy(), 0, 110)
    fertile = (persons["sex"].to_numpy() == "V") & (age >= 18) & (age <= 44)
    part = rng.random(n) < 0.15
    fraction = np.where(part, np.round(rng.integers(1, 365, n) / 365, 6), 1.0)
    effect = 0.9 if (treated and year >= START) else 1.0
    positive = rng.random(n) > 0.2
    cost = np.where(positive, np.round(rng.lognormal(7 + level / 1000, 1.2, n) * effect, 2), 0.0)
    corrections = rng.random(n) < 0.03
    cost = np.where(corrections, -np.round(rng.uniform(1, 200, n), 2), cost)
    gp = np.where(rng.random(n) < 0.7, np.round(rng.lognormal(5, 0.8, n), 2), 0.0)
    frame = persons.assign(
        gemeente_code=code,
        year=year,
        insured_fraction=fraction,
        age=age,
        pregnant_postpartum=(fertile & (rng.random(n) < 0.2)).astype(int),
        cost_total=cost,
        cost_gp=gp,
        ed_visit=(rng.random(n) < 0.1).astype(int),
    ).drop(columns="birth")
    return _with_second_spells(rng, frame)


def _with_second_spells(rng, frame: pd.DataFrame, k: int = 2) -> pd.DataFrame:
    """``k`` persons' rows split into two spells (same person, same cell), costs split too."""
    chosen = rng.choice(len(frame), k, replace=False)
    first = frame.iloc[chosen].copy()
    second = first.copy()
    first["insured_fraction"] = np.round(first["insured_fraction"] / 2, 6)
    second["insured_fraction"] = np.round(second["insured_fraction"] - first["insured_fraction"], 6)
    for column in ["cost_total", "cost_gp"]:
        first[column] = np.round(first[column] / 2, 2)
        second[column] = np.round(second[column] - first[column], 2)
    second["ed_visit"] = 0
    rest = frame.drop(frame.index[chosen])
    return pd.concat([rest, first, second], ignore_index=True)


# --- the same contract by plain pandas ----------------------------------------------------------


def morbidity_segment(rows: pd.DataFrame) -> np.ndarray:
    """The rules of segments.csv written out independently, in order of precedence."""
    age, chronic = rows["age"], rows["chronic_count"]
    conditions = [
        (age >= 75) & (rows["frail"] == 1),
        chronic >= 2,
        rows["mental_health_care"] == 1,
        chronic == 1,
        (rows["pregnant_postpartum"] == 1) | (age < 4),
    ]
    names = ["frail_elderly", "multimorbid", "mental_health", "chronic", "maternal_child"]
    return np.select(conditions, names, default="healthy")


def agesex_segment(rows: pd.DataFrame) -> np.ndarray:
    """'M_05_09', 'V_90_plus': five-year classes with an open top class, from the age."""
    low = np.minimum(rows["age"].to_numpy() // 5 * 5, 90)
    return np.array(
        [
            f"{s}_90_plus" if lo == 90 else f"{s}_{lo:02d}_{lo + 4:02d}"
            for s, lo in zip(rows["sex"], low, strict=True)
        ]
    )


def pandas_contract(rows: pd.DataFrame, scheme: str) -> pd.DataFrame:
    """Group-by of the rows (older codes mapped by hand), cells with persons only."""
    frame = rows.assign(gemeente_code=rows["gemeente_code"].replace(OLD_CODES))
    frame["segment"] = morbidity_segment(frame) if scheme == "morbidity" else agesex_segment(frame)
    cells = []
    for outcome in OUTCOMES:
        weight = 1.0 if outcome == "ed_visit" else frame["insured_fraction"]
        grouped = frame.assign(
            outcome=outcome,
            value=frame[outcome],
            square=frame[outcome] ** 2 / weight,  # weight * (value per insured-year)**2
            weight=weight,
        ).groupby(KEY, as_index=False)
        cells.append(
            grouped.agg(
                n_persons=("person_id", "nunique"),
                person_years=("weight", "sum"),
                value_sum=("value", "sum"),
                value_sumsq=("square", "sum"),
            )
        )
    return pd.concat(cells, ignore_index=True).sort_values(KEY).reset_index(drop=True)


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return microdata()


@pytest.fixture(scope="module")
def parquet_path(rows, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("micro") / "person_years.parquet"
    rows.to_parquet(path, index=False)
    return path


@pytest.fixture(scope="module")
def morbidity(parquet_path):
    return agg.aggregate(parquet_path, "morbidity", threads=2)


# --- (a) the contract equals a pandas group-by -----------------------------------------------------


@pytest.mark.parametrize("scheme", ["morbidity", "agesex"])
def test_contract_equals_a_pandas_group_by_of_the_same_rows(rows, parquet_path, scheme):
    frame = agg.aggregate(parquet_path, scheme, threads=2).frame
    expected = pandas_contract(rows, scheme)
    occupied = frame[frame["n_persons"] > 0].reset_index(drop=True)
    pd.testing.assert_frame_equal(occupied[KEY], expected[KEY])
    assert (occupied["n_persons"] == expected["n_persons"]).all()
    np.testing.assert_allclose(occupied["person_years"], expected["person_years"], rtol=1e-12)
    np.testing.assert_allclose(occupied["value_sum"], expected["value_sum"], rtol=0, atol=0.005)
    # each row's square is rounded to whole cents squared (0.0001 euro squared) before the sum
    np.testing.assert_allclose(occupied["value_sumsq"], expected["value_sumsq"], rtol=0, atol=0.005)
    # every municipality x year has every segment; those without persons are zeros
    segments = 6 if scheme == "morbidity" else 38
    groups = frame.groupby(["gemeente_code", "year", "outcome"]).size()
    assert (groups == segments).all()
    empty = frame[frame["n_persons"] == 0]
    assert (empty[["person_years", "value_sum", "value_sumsq"]] == 0).all().all()


def test_persons_with_two_spells_are_counted_once(morbidity, rows):
    report = morbidity.report
    spells = rows.groupby(["person_id", "year"]).size()
    assert report.rows_of_persons_already_in_cell == int((spells - 1).sum()) > 0
    total = morbidity.frame[morbidity.frame["outcome"] == "cost_total"]["n_persons"].sum()
    assert total == len(spells)


def test_the_result_does_not_depend_on_the_number_of_threads(parquet_path, morbidity):
    one = agg.aggregate(parquet_path, "morbidity", threads=1).frame
    pd.testing.assert_frame_equal(one, morbidity.frame, check_exact=True)


# --- (b) the contract passes the contract's checks ---------------------------------------------------


def test_written_contract_passes_validate_and_load_data(morbidity, tmp_path):
    validate(morbidity.frame, "aggregated")
    written = agg.write_aggregate(morbidity, tmp_path / "contract.parquet")
    assert [p.name for p in written] == [
        "contract.parquet",
        "contract.import.json",
        "contract.import.md",
    ]
    data = load_data(written[0])
    assert data.scheme == "morbidity" and data.missing_cells.empty
    assert data.provenance["aggregation"]["rows_in"] == morbidity.report.rows_in
    assert not data.synthetic
    assert "rows in:" in written[2].read_text()


# --- (c) a DiD on the aggregate equals WLS on the individual rows --------------------------------------


def test_did_on_the_aggregate_equals_statsmodels_wls_on_the_individual_rows(
    morbidity, rows, tmp_path
):
    written = agg.write_aggregate(morbidity, tmp_path / "contract.parquet")
    result = did.estimate(load_data(written[0]), PROEFTUIN, "cost_total", "population")

    ref = load_reference()
    frame = rows.assign(gemeente_code=rows["gemeente_code"].replace(OLD_CODES))
    treated = frame["gemeente_code"].isin(ref.municipalities(PROEFTUIN))
    weight = frame["insured_fraction"].to_numpy()
    y = frame["cost_total"] / frame["insured_fraction"]  # euros per insured-year
    exog = pd.concat(
        [
            (treated & (frame["year"] >= START)).astype(float).rename("D"),
            pd.get_dummies(frame["gemeente_code"], prefix="g", dtype=float),
            pd.get_dummies(frame["year"].astype(str), prefix="t", drop_first=True, dtype=float),
        ],
        axis=1,
    )
    groups = pd.factorize(frame["gemeente_code"])[0]
    fit = sm.WLS(y, exog, weights=weight).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False}
    )
    # lmp's CR1 factor G/(G-1) * (N-1)/(N-K), N the sum of the weights (lmp.inference.cr1_factor)
    g, n, k = groups.max() + 1, weight.sum(), exog.shape[1]
    se = math.sqrt(fit.cov_params().loc["D", "D"] * g / (g - 1) * (n - 1) / (n - k))
    assert result.estimate == pytest.approx(fit.params["D"], rel=TOL)
    assert result.se == pytest.approx(se, rel=TOL)
    assert result.n_clusters == g


# --- (d) bad rows: counted by reason, none dropped silently ------------------------------------------


def _bad_rows_table() -> tuple[pa.Table, dict[str, int]]:
    """Three good rows, then one row per way to be wrong (NaN kept as NaN, None as null)."""
    good = {
        "person_id": "p1",
        "gemeente_code": "GM0363",
        "year": 2015.0,
        "insured_fraction": 1.0,
        "sex": "V",
        "age": 40.0,
        "chronic_count": 0.0,
        "mental_health_care": 0.0,
        "pregnant_postpartum": 0.0,
        "frail": 0.0,
        "cost_total": 100.0,
        "ed_visit": 0.0,
    }
    changes = [
        ({"person_id": "p2", "cost_total": -12.5}, None),
        ({"person_id": "p3", "cost_total": 10.005}, None),
        ({"person_id": None}, "person_id missing"),
        ({"gemeente_code": None}, "gemeente_code missing"),
        ({"year": None}, "year missing"),
        ({"year": 1850.0}, "year not a whole number in 1990-2100"),
        ({"year": 2015.5}, "year not a whole number in 1990-2100"),
        ({"gemeente_code": "GM9999"}, "gemeente_code in no classification of gemeente_changes.csv"),
        (
            {"gemeente_code": "GM1979"},
            "gemeente_code of a classification newer than 2020 (cannot be moved back)",
        ),
        ({"insured_fraction": 0.0}, "insured_fraction outside (0, 1] (or under one micro-year)"),
        ({"insured_fraction": 1.5}, "insured_fraction outside (0, 1] (or under one micro-year)"),
        (
            {"insured_fraction": math.nan},
            "insured_fraction outside (0, 1] (or under one micro-year)",
        ),
        ({"sex": "X"}, "sex not 'M' or 'V'"),
        ({"sex": "m"}, "sex not 'M' or 'V'"),
        ({"age": -1.0}, "age not a whole number in 0-120"),
        ({"age": 121.0}, "age not a whole number in 0-120"),
        ({"age": 40.5}, "age not a whole number in 0-120"),
        ({"chronic_count": -1.0}, "chronic_count not a whole number in 0-1000"),
        ({"mental_health_care": None}, "mental_health_care missing"),
        ({"frail": 2.0}, "frail not 0 or 1"),
        ({"cost_total": None}, "cost_total missing"),
        ({"cost_total": math.nan}, "cost_total not a finite number within +-1e+12 euros"),
        ({"cost_total": math.inf}, "cost_total not a finite number within +-1e+12 euros"),
        ({"ed_visit": 0.5}, "ed_visit not 0 or 1"),
    ]
    records = [good] + [{**good, **change} for change, _ in changes]
    expected: dict[str, int] = {}
    for _, reason in changes:
        if reason:
            expected[reason] = expected.get(reason, 0) + 1
    types = {"person_id": pa.string(), "gemeente_code": pa.string(), "sex": pa.string()}
    table = pa.table(
        {
            name: pa.array([r[name] for r in records], type=types.get(name, pa.float64()))
            for name in good
        }
    )
    return table, expected


def test_bad_rows_are_counted_by_reason_and_none_is_dropped_silently(tmp_path):
    table, expected = _bad_rows_table()
    path = tmp_path / "bad.parquet"
    pq.write_table(table, path)
    result = agg.aggregate(path, "morbidity")
    report = result.report
    assert report.rows_set_aside == expected
    assert report.rows_in == table.num_rows
    assert report.rows_aggregated == 3
    assert report.rows_aggregated + sum(report.rows_set_aside.values()) == table.num_rows
    cost = {b.column: b for b in report.balances}["cost_total"]
    assert cost.negative_values == 1 and report.values_rounded == 1
    assert cost.aggregated == pytest.approx(100 - 12.5 + 10.01)  # 10.005 rounded to cents
    cells = result.frame[result.frame["outcome"] == "cost_total"]
    assert cells["n_persons"].sum() == 3


def test_files_that_do_not_fit_the_schema_are_refused(rows, tmp_path):
    path = tmp_path / "extra.parquet"
    rows.assign(postcode="1234AB").to_parquet(path)
    with pytest.raises(ContractError, match="unexpected column"):
        agg.aggregate(path, "agesex")
    path = tmp_path / "short.parquet"
    rows.drop(columns="frail").to_parquet(path)
    with pytest.raises(ContractError, match="missing column.*frail"):
        agg.aggregate(path, "morbidity")
    assert agg.aggregate(path, "agesex").report.rows_in == len(rows)  # no flags needed there
    path = tmp_path / "typed.parquet"
    rows.assign(age=rows["age"].astype(str)).to_parquet(path)
    with pytest.raises(ContractError, match="does not fit age"):
        agg.aggregate(path, "agesex")
    with pytest.raises(ParameterError, match="unknown scheme"):
        agg.aggregate(path, "income")


# --- (e) codes of older classifications ----------------------------------------------------------------


def test_codes_of_older_classifications_go_to_their_2020_municipality(morbidity, rows):
    codes = set(morbidity.frame["gemeente_code"])
    assert not codes & set(OLD_CODES) and set(OLD_CODES.values()) <= codes
    moved = {line.split(":")[0]: line for line in morbidity.report.reorganised}
    assert set(moved) == set(OLD_CODES.values())
    assert (
        "Winsum split on 2019-01-01: counted whole in Het Hogeland (largest share)"
        in (moved["GM1966"])
    )
    per_town = rows["gemeente_code"].replace(OLD_CODES).value_counts()
    assert f"{per_town['GM1966']:,} row(s)" in moved["GM1966"]


def test_the_code_map_is_the_one_of_lmp_sources():
    target = classification_at(parse_classification("2020"))
    codes = agg.municipality_codes(target).set_index("source_code")
    targets = sorted(target.codes)
    for year in (2010, 2018):
        source = classification_at(parse_classification(str(year)))
        for code, (moved_to, _) in forward_map(source, target).items():
            assert targets[codes.loc[code, "gemeente_id"]] == moved_to
    assert pd.isna(codes.loc["GM1979", "gemeente_id"])  # Eemsdelta, formed in 2021
    later = agg.municipality_codes(classification_at(parse_classification("2021")))
    haaren = later.set_index("source_code").loc["GM0788", "gemeente_id"]
    assert sorted(classification_at(parse_classification("2021")).codes)[haaren] == "GM0824"


# --- (f) the morbidity rule on hand-made persons ---------------------------------------------------------

HAND_MADE = [
    # age, sex, chronic_count, mental_health_care, pregnant_postpartum, frail -> segment
    (80, "V", 3, 1, 0, 1, "frail_elderly"),
    (75, "M", 0, 0, 0, 1, "frail_elderly"),
    (74, "M", 2, 0, 0, 1, "multimorbid"),
    (80, "V", 2, 0, 0, 0, "multimorbid"),
    (40, "M", 2, 1, 0, 0, "multimorbid"),
    (90, "V", 0, 1, 0, 0, "mental_health"),
    (40, "V", 1, 1, 0, 0, "mental_health"),
    (30, "V", 1, 0, 1, 0, "chronic"),
    (2, "M", 1, 0, 0, 0, "chronic"),
    (30, "V", 0, 0, 1, 0, "maternal_child"),
    (25, "M", 0, 0, 1, 0, "maternal_child"),
    (3, "V", 0, 0, 0, 0, "maternal_child"),
    (4, "M", 0, 0, 0, 0, "healthy"),
    (60, "V", 0, 0, 0, 1, "healthy"),
    (50, "M", 0, 0, 0, 0, "healthy"),
]


def test_morbidity_rule_on_hand_made_persons(tmp_path):
    towns = sorted(load_reference().comparison_pool())[: len(HAND_MADE)]
    persons = pd.DataFrame(
        HAND_MADE,
        columns=["age", "sex", *agg.FLAG_COLUMNS, "expected"],
    ).assign(
        person_id=range(len(HAND_MADE)),
        gemeente_code=towns,
        year=2016,
        insured_fraction=1.0,
        cost_total=100.0,
    )
    path = tmp_path / "hand.parquet"
    persons.drop(columns="expected").to_parquet(path)
    frame = agg.aggregate(path, "morbidity").frame
    found = frame[frame["n_persons"] == 1].set_index("gemeente_code")["segment"]
    assert found.reindex(towns).tolist() == persons["expected"].tolist()


def test_segments_csv_states_the_rules_the_query_uses():
    segments = pd.read_csv(REFERENCE_DIR / "segments.csv", dtype=str, keep_default_na=False)
    assert dict(zip(segments["code"], segments["rule"], strict=True)) == dict(agg.MORBIDITY_RULES)
    # precedence: from the last segment of segments.csv to the first
    order = segments.sort_values("order", key=lambda s: s.astype(int), ascending=False)
    assert list(order["code"]) == [code for code, _ in agg.MORBIDITY_RULES]


# --- (g) CSV in, the same contract out --------------------------------------------------------------------


def test_csv_input_gives_the_same_contract_as_parquet(rows, morbidity, tmp_path):
    path = tmp_path / "person_years.csv"
    rows.to_csv(path, index=False)
    result = agg.aggregate(path, "morbidity", threads=2)
    pd.testing.assert_frame_equal(result.frame, morbidity.frame, check_exact=True)
    assert result.report.rows_set_aside == morbidity.report.rows_set_aside == {}
    assert result.report.format == "csv"


def test_csv_values_that_are_not_numbers_are_set_aside(rows, tmp_path):
    text = rows.head(20).astype(str)
    text.loc[3, "age"] = "veertig"
    text.loc[5, "cost_total"] = ""
    path = tmp_path / "text.csv"
    text.to_csv(path, index=False)
    report = agg.aggregate(path, "agesex").report
    assert report.rows_set_aside == {
        "age missing or not a number": 1,
        "cost_total missing or not a number": 1,
    }


# --- the SQL is portable; the command line ----------------------------------------------------------------


@pytest.mark.parametrize("scheme", agg.SCHEMES)
def test_the_aggregation_sql_uses_no_duckdb_only_construct(scheme):
    sql = agg.aggregation_sql(scheme, ["cost_total", "ed_visit"], {"ed_visit"}).upper()
    for construct in [
        "READ_PARQUET",
        "READ_CSV",
        "TRY_CAST",
        "GROUP BY ALL",
        "::",
        "HUGEINT",
        "//",
        "QUALIFY",
        "ILIKE",
        "EXCLUDE",
        '"',
    ]:
        assert construct not in sql, construct
    assert "FROM PERSON_YEAR_ROWS" in sql and "COUNT(DISTINCT PERSON_ID)" in sql


def test_command_line_writes_the_contract_and_its_report(parquet_path, tmp_path, capsys):
    out = tmp_path / "contract.parquet"
    code = main(["aggregate", str(parquet_path), "--out", str(out), "--scheme", "agesex"])
    assert code == 0
    assert out.exists() and (tmp_path / "contract.import.md").exists()
    printed = capsys.readouterr().out
    assert "rows in" in printed and "agesex segments" in printed
    assert load_data(out).scheme == "agesex"
    missing = tmp_path / "nothing.parquet"
    assert main(["aggregate", str(missing), "--out", str(out), "--scheme", "agesex"]) == 2


def test_overlapping_spells_and_files_without_a_good_row_are_reported(rows, tmp_path):
    one_cell = rows.head(3).assign(
        gemeente_code="GM0363", year=2016, sex="M", age=30, insured_fraction=[0.8, 0.7, 1.0]
    )
    one_cell["person_id"] = [7, 7, 8]  # person 7 insured for 1.5 years in 2016
    path = tmp_path / "overlap.parquet"
    one_cell.to_parquet(path)
    report = agg.aggregate(path, "agesex").report
    assert report.cells_insured_beyond_persons == 1
    assert report.cells_insured_beyond_persons_first == ["GM0363 2016 M_30_34"]
    assert report.rows_of_persons_already_in_cell == 1
    bad = tmp_path / "bad.parquet"
    rows.head(5).assign(sex="X").to_parquet(bad)
    with pytest.raises(ContractError, match="no row could be aggregated: 5 row"):
        agg.aggregate(bad, "agesex")
    with pytest.raises(ParameterError, match="memory limit"):
        agg.aggregate(path, "agesex", memory_limit="lots")


# --- (h) optional: the same query on Spark (local mode) ----------------------------------------------
#
# Needs the optional extra (pip install 'lmp[spark]') and a Java runtime; skipped with the reason
# otherwise. Marked slow: starting Spark takes 10-20 s. Deselect with -m "not slow".


@pytest.fixture(scope="module")
def spark():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pyspark on pandas 3
            from pyspark.sql import SparkSession
    except ImportError:
        pytest.skip("optional Spark engine: pyspark not installed (pip install 'lmp[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("optional Spark engine: no Java runtime (java not on PATH, JAVA_HOME unset)")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("lmp tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.codegen.wholeStage", "false")  # small data: compiling costs more
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _in_cents(values: pd.Series) -> np.ndarray:
    return np.round(values.to_numpy() * 100).astype(np.int64)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_spark_runs_the_same_sql_and_gives_the_same_contract(spark, parquet_path, morbidity):
    result = agg.aggregate(parquet_path, "morbidity", engine="spark", spark=spark)
    frame, duck = result.frame, morbidity.frame
    pd.testing.assert_frame_equal(frame[KEY], duck[KEY])
    assert (frame["n_persons"] == duck["n_persons"]).all()
    np.testing.assert_array_equal(_in_cents(frame["value_sum"]), _in_cents(duck["value_sum"]))
    np.testing.assert_array_equal(frame["person_years"], duck["person_years"])
    np.testing.assert_array_equal(frame["value_sumsq"], duck["value_sumsq"])
    assert result.report.to_dict() == morbidity.report.to_dict()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_spark_sets_aside_the_same_bad_rows(spark, rows, tmp_path):
    table, expected = _bad_rows_table()  # NaN, infinities, nulls: compared differently by engines
    path = tmp_path / "bad.parquet"
    pq.write_table(table, path)
    report = agg.aggregate_spark(path, "morbidity", spark=spark).report
    assert report.rows_set_aside == expected and report.rows_aggregated == 3
    text = rows.head(20).astype(str)
    text.loc[3, "age"] = "veertig"
    text.loc[5, "cost_total"] = ""
    csv = tmp_path / "text.csv"
    text.to_csv(csv, index=False)
    on_spark = agg.aggregate_spark(csv, "agesex", spark=spark)
    on_duckdb = agg.aggregate(csv, "agesex")
    assert on_spark.report.rows_set_aside == {
        "age missing or not a number": 1,
        "cost_total missing or not a number": 1,
    }
    pd.testing.assert_frame_equal(on_spark.frame, on_duckdb.frame, check_exact=True)
