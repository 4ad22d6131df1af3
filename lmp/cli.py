"""The ``lmp`` command: the only module that talks to people (messages and exit codes).

    lmp synth     regenerate the bundled synthetic dataset (or a new one)
    lmp validate  check a data file against the data contract
    lmp import    turn published files (Vektis open data) into the data contract, with a report
    lmp did       estimate one DiD design and print it (or JSON)
    lmp render    render the stale proeftuin reports and the synthesis into outputs/, in parallel
    lmp check     are the committed outputs current (manifest) and clean? (CI runs it)
    lmp pdf       print the rendered reports to PDF with headless Chromium (into build/pdf/)
    lmp params    list a report notebook's parameters (name, type, default)
    lmp textconv  a notebook as readable text, for `git diff`

Errors that lmp raises on purpose become one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import math
import sys
from pathlib import Path

from lmp import render
from lmp.errors import LmpError, ParameterError


class _Lazy:
    """A module imported on first use. pandas, scipy and papermill take seconds to import; `lmp
    render` with nothing to do must answer in well under one. (`lmp check` also reads every
    published table with the output scanner, which needs pandas: a few seconds.)"""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name), attr)


did = _Lazy("lmp.did")
synth = _Lazy("lmp.synth")


def load_data(path, **options):
    """:func:`lmp.contract.load_data`, imported on first use."""
    from lmp.contract import load_data as load

    return load(path, **options)


def _reading(args: argparse.Namespace) -> dict:
    """The options of :func:`lmp.contract.load_data` given on the command line."""
    return {"decimal": args.decimal, "missing_segments": args.missing_segments}


def _synth(args: argparse.Namespace) -> int:
    cfg = synth.SynthConfig(
        seed=args.seed,
        comparison_municipalities=args.comparison_municipalities,
        outcomes=args.outcomes,
        scenario=args.scenario,
    )
    data, truth = synth.generate(cfg)
    path = synth.write_dataset(data, truth, args.out)
    print(
        f"wrote {len(data):,} rows to {path} and its ground truth to {path.name.split('.')[0]}.truth.json"
    )
    return 0


def _import_vektis(args: argparse.Namespace) -> int:
    from lmp.sources import vektis

    result = vektis.import_files(args.files, classification=args.classification, year=args.year)
    written = vektis.write_import(result, args.out)
    for report in result.reports:
        aside = sum(report.rows_set_aside.values())
        print(
            f"{report.file}: year {report.year}, names of {report.classification} -> "
            f"{report.analysis_classification}; {report.rows_in:,} rows in, {aside} set aside, "
            f"{report.cells_written:,} cells written, {report.cells_absent} absent (suppressed)"
        )
    print(f"wrote {len(result.frame):,} rows to {written[0]}; import report {written[2].name}")
    return 0


def _aggregate(args: argparse.Namespace) -> int:
    from lmp import aggregate

    result = aggregate.aggregate(
        args.input,
        scheme=args.scheme,
        classification=args.classification,
        outcomes=args.outcomes,
        memory_limit=args.memory_limit or aggregate.DEFAULT_MEMORY_LIMIT,
        threads=args.threads,
        engine=args.engine,
    )
    written = aggregate.write_aggregate(result, args.out)
    report = result.report
    print(
        f"{report.file}: {report.rows_in:,} rows in, {report.rows_aggregated:,} aggregated, "
        f"{sum(report.rows_set_aside.values()):,} set aside"
    )
    for reason, rows in report.rows_set_aside.items():
        print(f"  set aside: {rows:,} row(s), {reason}")
    if report.cells_insured_beyond_persons:
        print(
            f"  warning: {report.cells_insured_beyond_persons:,} cell(s) with more insured-years "
            "than persons (overlapping spells or rows delivered twice), first "
            + ", ".join(report.cells_insured_beyond_persons_first)
        )
    data = load_data(written[0])  # the written file meets the contract, or this raises
    print(
        f"wrote {len(data.frame):,} rows ({report.scheme} segments, municipalities of "
        f"{report.analysis_classification}) to {written[0]}; import report {written[2].name}"
    )
    return 0


def _validate(args: argparse.Namespace) -> int:
    data = load_data(args.path, **_reading(args))
    frame = data.frame
    print(
        f"{args.path}: OK - {len(frame):,} rows, {frame['gemeente_code'].nunique()} municipalities, "
        f"years {frame['year'].min()}-{frame['year'].max()}, {frame['outcome'].nunique()} outcomes"
        + (" (synthetic)" if data.synthetic else "")
    )
    return 0


def _did(args: argparse.Namespace) -> int:
    data = load_data(args.data, **_reading(args))
    if args.reps is not None and args.reps < 1:
        raise ParameterError("--reps must be at least 1")
    result = did.estimate(
        data,
        args.proeftuin,
        args.outcome,
        args.design,
        alpha=args.alpha,
        inference=args.inference,
        wcr_reps=args.reps or 9999,
        weights=args.weights,
        ri_reps=args.reps or 999,
        ri_match=args.match,
        seed=args.seed,
        options=did.DesignOptions(
            target_ages=args.target_ages,
            adjust=args.adjust,
            years=did.parse_years(args.years) if args.years else None,
            start_year=args.start_year,
            sourced_only=args.sourced_only,
            comparison=args.comparison,
            exclude_neighbours=args.exclude_neighbours,
        ),
    )
    if args.json:
        print(json.dumps(_json_ready(result.to_dict()), indent=2))
    else:
        print(result.summary())
    return 0


def _reading_options(parser: argparse.ArgumentParser) -> None:
    """--decimal and --missing-segments: how :func:`lmp.contract.load_data` reads the data file."""
    parser.add_argument(
        "--decimal",
        choices=[".", ","],
        default=None,
        help="decimal mark of a CSV file (default: '.' for comma-separated files, else inferred; "
        "a file where it is ambiguous, e.g. only values like 312.345, is refused)",
    )
    parser.add_argument(
        "--missing-segments",
        choices=["error", "allow"],
        default=None,
        help="a municipality x year x outcome lacking a segment that other rows have: refuse "
        "(error) or accept (allow); default: accept only cells the import report documents as "
        "suppressed at the source",
    )


def _json_ready(row: dict) -> dict:
    """Infinite interval ends (no finite bound at this level) become null in JSON."""
    return {k: None if isinstance(v, float) and math.isinf(v) else v for k, v in row.items()}


def _sets(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(data, outputs) of each batch: the one named by --data/--outputs, else every report set
    that --set selects (real, then synthetic)."""
    if args.data is not None or args.outputs is not None:
        return [(args.data or render.DEFAULT_DATA, args.outputs or render.DEFAULT_OUTPUTS)]
    names = list(render.REPORT_SETS) if args.set == "all" else [args.set]
    return [render.REPORT_SETS[name] for name in names]


def _jobs(args: argparse.Namespace) -> list[render.Job]:
    """The reports of the batch; in the languages of --language where the command has it."""
    jobs = render.all_jobs(args.data, args.outputs)
    languages = getattr(args, "language", None)
    if languages:
        chosen = render.check_languages(languages)
        jobs = [dataclasses.replace(job, languages=chosen) for job in jobs]
    return jobs


def _for_each_set(args: argparse.Namespace, run) -> int:
    """``run`` once per batch of :func:`_sets`, with that batch's data and outputs; the worst exit
    code of them all."""
    return max(
        run(argparse.Namespace(**{**vars(args), "data": data, "outputs": outputs}))
        for data, outputs in _sets(args)
    )


def _render(args: argparse.Namespace) -> int:
    return _for_each_set(args, _render_set)


def _render_set(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    jobs = _jobs(args)
    every_language = _jobs(argparse.Namespace(**{**vars(args), "language": None}))
    known = [job.name for job in jobs]
    if args.all == bool(args.reports):
        raise ParameterError("name reports to render, or give --all (not both)")
    unknown = [n for n in args.reports if n not in known]
    if unknown:
        raise ParameterError(
            f"unknown report(s) {', '.join(unknown)}; choose from {', '.join(known)}"
        )
    if args.jobs is not None and args.jobs < 1:
        raise ParameterError(
            f"--jobs takes a number of parallel kernels, at least 1, got {args.jobs}"
        )
    chosen = [job for job in jobs if args.all or job.name in args.reports]

    def refuse_bad_data(todo: list[render.Job]) -> None:  # before any kernel starts
        for data_path in sorted({job.parameters["data_path"] for job in todo}):
            load_data(root / data_path)

    try:
        outcomes = render.render_reports(
            chosen, root, args.jobs, args.force, refuse_bad_data, index_jobs=every_language
        )
    except render.BatchInterrupted as exc:
        print(render.summary_table(exc.outcomes))
        print("lmp: interrupted; every report not marked rendered is as it was", file=sys.stderr)
        return 130
    if all(o.status == render.CURRENT for o in outcomes):
        manifest = f"{args.outputs}/{render.MANIFEST}"
        print(f"nothing to render: {len(outcomes)} report(s) current according to {manifest}")
        return 0
    print(render.summary_table(outcomes))
    failed = [o.name for o in outcomes if o.status == render.FAILED]
    if failed:
        print(f"lmp: {len(failed)} report(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _check(args: argparse.Namespace) -> int:
    return _for_each_set(args, _check_set)


def _check_set(args: argparse.Namespace) -> int:
    result = render.check_outputs(
        _jobs(args), Path(args.root).resolve(), min_persons=args.min_persons
    )
    if result.ok:
        print(f"{args.outputs}: every report and the index are current and clean")
        return 0
    print(result.text())
    print(
        f"lmp check: {len(result.stale)} stale, {len(result.unclean)} unclean; re-render with "
        "`lmp render --all` and commit outputs/ with the change",
        file=sys.stderr,
    )
    return 1


def _set_name(data: str, outputs: str) -> str:
    """The name of a report set (real, synthetic), or of an outputs folder of one's own."""
    names = {pair: name for name, pair in render.REPORT_SETS.items()}
    return names.get((data, outputs), Path(outputs).name)


def _pdf(args: argparse.Namespace) -> int:
    from lmp.render import pdf

    pdf.require_chromium()  # one line and exit 2 when there is none, before anything else
    return _for_each_set(args, _pdf_set)


def _pdf_set(args: argparse.Namespace) -> int:
    from lmp.render import pdf

    root = Path(args.root).resolve()
    jobs = _jobs(args)
    known = [job.name for job in jobs]
    unknown = [n for n in args.reports if n not in known]
    if unknown:
        raise ParameterError(
            f"unknown report(s) {', '.join(unknown)}; choose from {', '.join(known)}"
        )
    chosen = [job for job in jobs if not args.reports or job.name in args.reports]
    if args.jobs is not None and args.jobs < 1:
        raise ParameterError(f"--jobs takes a number of pages printed at once, got {args.jobs}")
    folder = f"{args.pdf_dir or pdf.PDF_ROOT}/{_set_name(args.data, args.outputs)}"
    tasks = list(pdf.pdf_tasks(chosen, folder))
    printed, problems = pdf.build_pdfs(tasks, root, args.jobs)
    for task in printed:
        print(f"{task.html} -> {task.pdf}")
    for task, why in problems:
        print(f"lmp pdf: {task.report} ({task.language}): {why}", file=sys.stderr)
    return 1 if problems else 0


def _params(args: argparse.Namespace) -> int:
    for parameter in render.parameter_schema(args.notebook):
        print(f"{parameter.name:18} {parameter.kind:18} default {parameter.default!r}")
    return 0


def _textconv(args: argparse.Namespace) -> int:
    from lmp.render.textconv import notebook_text

    sys.stdout.write(notebook_text(args.path) + "\n")
    return 0


def build_parser(with_schema: bool = False) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lmp", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("synth", help="generate synthetic data with injected effects")
    p.add_argument("--seed", type=int, default=synth.DEFAULT_SEED)
    p.add_argument("--out", type=Path, default=synth.DEFAULT_PATH, help="a .parquet or .csv path")
    p.add_argument(
        "--comparison-municipalities", type=int, default=None, help="sample the comparison pool"
    )
    p.add_argument("--outcomes", nargs="+", default=None, help="outcome codes (default: all)")
    p.add_argument(
        "--scenario",
        choices=sorted(synth.SCENARIOS),
        default="parallel",
        help="parallel trends (default), a pre-start trend in the proeftuinen, a regional shock "
        "on them and their neighbours, or spillover of the effects to neighbouring municipalities",
    )
    p.set_defaults(func=_synth)

    p = sub.add_parser("import", help="turn published files into the data contract")
    kinds = p.add_subparsers(dest="source", required=True)
    v = kinds.add_parser(
        "vektis",
        help="Vektis open data, Zvw costs per municipality x sex x age class (gemeente files)",
    )
    v.add_argument("files", nargs="+", type=Path, help="published CSV files (.csv or .csv.gz)")
    v.add_argument("--out", type=Path, required=True, help="a .parquet or .csv path")
    v.add_argument(
        "--classification",
        default=None,
        help="analysis classification: a year (1 January) or a date such as 2022-03-24 "
        "(default: the newest among the files)",
    )
    v.add_argument("--year", type=int, default=None, help="the data year (one file only)")
    v.set_defaults(func=_import_vektis)

    p = sub.add_parser(
        "aggregate", help="person-year microdata (Parquet or CSV) into the data contract"
    )
    p.add_argument("input", type=Path, help="person-year rows: .parquet, .csv or .csv.gz")
    p.add_argument("--out", type=Path, required=True, help="a .parquet or .csv path")
    p.add_argument(
        "--scheme",
        choices=["agesex", "morbidity"],
        required=True,
        help="segments: the 38 sex x age classes, or the morbidity segments of segments.csv",
    )
    p.add_argument(
        "--classification",
        default="2020",
        help="analysis classification: a year (1 January) or a date (default 2020)",
    )
    p.add_argument(
        "--outcomes", nargs="+", default=None, help="outcome columns (default: all in the file)"
    )
    p.add_argument(
        "--memory-limit",
        default=None,
        help="DuckDB's memory limit, e.g. 2GB; beyond it, it spills to a temporary folder "
        "(default: lmp.aggregate.DEFAULT_MEMORY_LIMIT)",
    )
    p.add_argument("--threads", type=int, default=None, help="threads (default: all cores)")
    p.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        default="duckdb",
        help="duckdb (default, one machine) or spark (the same SQL on Spark: pip install "
        "'lmp[spark]' and a Java runtime; under spark-submit, the cluster's session)",
    )
    p.set_defaults(func=_aggregate)

    p = sub.add_parser("validate", help="check a data file against the data contract")
    p.add_argument("path", type=Path)
    _reading_options(p)
    p.set_defaults(func=_validate)

    p = sub.add_parser("did", help="estimate one difference-in-differences design")
    p.add_argument("--data", type=Path, default=Path(render.DEFAULT_DATA))
    _reading_options(p)
    p.add_argument("--proeftuin", required=True, help="proeftuin slug, e.g. mijnzorg")
    p.add_argument("--outcome", required=True, help="outcome code, e.g. cost_total")
    p.add_argument("--design", choices=did.DESIGNS, default="target")
    p.add_argument("--alpha", type=float, default=0.05)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--inference",
        choices=did.INFERENCE,
        default="cr1",
        help="cr1: cluster-robust only; wcr: add the wild cluster restricted bootstrap; "
        "ri: add randomization inference over placebo regions; all: both",
    )
    p.add_argument(
        "--reps",
        type=int,
        default=None,
        help="bootstrap draws (default 9999) and placebo regions (default 999); "
        "enumerated when there are fewer",
    )
    p.add_argument(
        "--weights",
        choices=["rademacher", "webb"],
        default="webb",
        help="wild bootstrap weights (webb: six-point, better with few clusters)",
    )
    p.add_argument(
        "--match",
        choices=did.RI_MATCHES,
        default=did.REPORT_RI_MATCH,
        help="placebo regions: contiguous (neighbouring municipalities, as many as the proeftuin's,"
        " within a factor 1.5 of its persons; default, as in the reports), persons (the same, not"
        " necessarily neighbours), or municipalities (the number only)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed for bootstrap draws and placebos")
    p.add_argument(
        "--target-ages",
        default=None,
        help="target group on age-sex (real) data, e.g. 65+, 75+, 0-19, 20-64, 0-4,75+ "
        "(class boundaries; default: the proeftuin's target_ages in the reference data)",
    )
    p.add_argument(
        "--adjust",
        choices=did.ADJUSTMENTS,
        default="none",
        help="agesex: cells per sex x age class with municipality x stratum and year x stratum "
        "fixed effects (population and target designs)",
    )
    p.add_argument(
        "--years", default=None, help="FIRST-LAST (default 2011-2018 on real data, else all)"
    )
    p.add_argument(
        "--start-year", type=int, default=None, help="first treated year (default: reference)"
    )
    p.add_argument(
        "--sourced-only",
        action="store_true",
        help="treat only municipalities a source names as members; inferred ones leave the design",
    )
    p.add_argument(
        "--comparison",
        choices=did.COMPARISONS,
        default="country",
        help=(
            "comparison municipalities: the whole country (default), the proeftuin's province or "
            "its COROP region(s)"
        ),
    )
    p.add_argument(
        "--exclude-neighbours",
        action="store_true",
        help="leave the municipalities bordering the proeftuin out of the comparison (spillover)",
    )
    p.set_defaults(func=_did)

    _add_render_commands(sub, with_schema)
    return parser


def _schema_text() -> str:
    """The report notebooks' parameters (name, type, default), for ``lmp render --help``."""
    lines = [
        "notebook parameters (lmp refuses unknown names and wrong types before a kernel starts):"
    ]
    for notebook in ("proeftuin.ipynb", "cross_proeftuin.ipynb"):
        lines.append(f"  {notebook}")
        for parameter in render.parameter_schema(notebook):
            lines.append(
                f"    {parameter.name:18} {parameter.kind:18} default {parameter.default!r}"
            )
    return "\n".join(lines)


def _add_render_commands(sub, with_schema: bool = False) -> None:
    """The sub-commands that must start fast: they import no pandas until they need it.

    ``with_schema`` adds the notebooks' parameter schema to ``lmp render --help`` (it reads the
    notebooks, so only when help is asked for).
    """
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument(
        "--data",
        default=None,
        help="contract data, relative to the project root (with --outputs: one batch of your own)",
    )
    where.add_argument(
        "--outputs",
        default=None,
        help="output root, relative to the project root",
    )
    where.add_argument(
        "--set",
        choices=["all", *render.REPORT_SETS],
        default="all",
        help="report sets when neither --data nor --outputs is given: real "
        f"({render.DEFAULT_DATA} -> {render.DEFAULT_OUTPUTS}/), synthetic "
        f"({render.SYNTHETIC_DATA} -> {render.SYNTHETIC_OUTPUTS}/), or all (default)",
    )
    where.add_argument(
        "--root", default=str(render.REPO_ROOT), help="project root (default: this checkout)"
    )

    p = sub.add_parser(
        "render",
        parents=[where],
        help="render stale reports into outputs/",
        epilog=_schema_text() if with_schema else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("reports", nargs="*", help="proeftuin slugs and/or 'cross_proeftuin'")
    p.add_argument(
        "--all", action="store_true", help="all nine proeftuin reports, then the synthesis"
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        help="reports rendered at the same time, one kernel each (default: number of cores)",
    )
    p.add_argument("--force", action="store_true", help="render the current reports too")
    p.add_argument(
        "--language",
        action="append",
        choices=render.LANGUAGES,
        default=None,
        help="render only this language (repeat for more; default: all, "
        f"{', '.join(render.LANGUAGES)}); the report is then stale for `lmp check` until it is "
        "rendered in every language again",
    )
    p.set_defaults(func=_render)

    p = sub.add_parser(
        "pdf",
        parents=[where],
        help="print the rendered reports to PDF with headless Chromium",
        description="Print each report.<lang>.html with Debian's Chromium (/usr/bin/chromium) on "
        "A4, without header, footer or dates, to <pdf-dir>/<set>/<report>.<lang>.pdf. PDFs depend "
        "on the Chromium version: they are built, not committed.",
    )
    p.add_argument("reports", nargs="*", help="proeftuin slugs and/or 'cross_proeftuin' (all)")
    p.add_argument(
        "--language",
        action="append",
        choices=render.LANGUAGES,
        default=None,
        help="print only this language (repeat for more; default: all)",
    )
    p.add_argument(
        "--pdf-dir",
        default=None,
        help="where the PDFs go, relative to the project root (default: build/pdf)",
    )
    p.add_argument(
        "--jobs", "-j", type=int, default=None, help="pages printed at once (default: cores)"
    )
    p.set_defaults(func=_pdf)

    p = sub.add_parser(
        "check", parents=[where], help="are the outputs current and clean? (exit 1 if not)"
    )
    p.add_argument(
        "--min-persons",
        type=int,
        default=None,
        help="the output scanner's threshold: no published statistic may rest on fewer persons "
        "(default 10)",
    )
    p.set_defaults(func=_check)

    p = sub.add_parser("params", help="list a notebook's parameters: name, type, default")
    p.add_argument("notebook", choices=["proeftuin.ipynb", "cross_proeftuin.ipynb"])
    p.set_defaults(func=_params)

    p = sub.add_parser("textconv", help="a notebook as readable text (a git diff filter)")
    p.add_argument("path", type=Path)
    p.set_defaults(func=_textconv)


def _fast_parser(with_schema: bool = False) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lmp", description=__doc__.split("\n\n")[0])
    _add_render_commands(parser.add_subparsers(dest="command", required=True), with_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    fast = argv[:1] in (["render"], ["check"], ["pdf"], ["params"], ["textconv"])
    with_schema = bool({"-h", "--help"} & set(argv))
    args = (_fast_parser(with_schema) if fast else build_parser(with_schema)).parse_args(argv)
    try:
        return args.func(args)
    except LmpError as exc:
        print(f"lmp: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
