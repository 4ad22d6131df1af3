"""The ``lmp`` command: the only module that talks to people (messages and exit codes).

    lmp synth     regenerate the bundled synthetic dataset (or a new one)
    lmp validate  check a data file against the data contract
    lmp did       estimate one DiD design and print it (or JSON)
    lmp render    render proeftuin reports and the synthesis into outputs/
    lmp params    list a report notebook's parameters (name, type, default)

Errors that lmp raises on purpose become one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from lmp import did, render, synth
from lmp.contract import load_data
from lmp.errors import LmpError, ParameterError
from lmp.reference import load_reference


def _synth(args: argparse.Namespace) -> int:
    cfg = synth.SynthConfig(
        seed=args.seed,
        comparison_municipalities=args.comparison_municipalities,
        outcomes=args.outcomes,
    )
    data, truth = synth.generate(cfg)
    path = synth.write_dataset(data, truth, args.out)
    print(
        f"wrote {len(data):,} rows to {path} and its ground truth to {path.name.split('.')[0]}.truth.json"
    )
    return 0


def _validate(args: argparse.Namespace) -> int:
    data = load_data(args.path)
    frame = data.frame
    print(
        f"{args.path}: OK - {len(frame):,} rows, {frame['gemeente_code'].nunique()} municipalities, "
        f"years {frame['year'].min()}-{frame['year'].max()}, {frame['outcome'].nunique()} outcomes"
        + (" (synthetic)" if data.synthetic else "")
    )
    return 0


def _did(args: argparse.Namespace) -> int:
    data = load_data(args.data)
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
    )
    if args.json:
        print(json.dumps(_json_ready(result.to_dict()), indent=2))
    else:
        print(result.summary())
    return 0


def _json_ready(row: dict) -> dict:
    """Infinite interval ends (no finite bound at this level) become null in JSON."""
    return {k: None if isinstance(v, float) and math.isinf(v) else v for k, v in row.items()}


def _render(args: argparse.Namespace) -> int:
    ref = load_reference()
    known = list(ref.proeftuinen["slug"])
    if args.all == bool(args.reports):
        raise ParameterError("name reports to render, or give --all (not both)")
    names = [*known, render.SYNTHESIS] if args.all else args.reports
    unknown = [n for n in names if n not in known and n != render.SYNTHESIS]
    if unknown:
        raise ParameterError(
            f"unknown report(s) {', '.join(unknown)}; choose from {', '.join([*known, render.SYNTHESIS])}"
        )
    load_data(args.data)  # refuse bad data before any kernel starts
    for name in names:
        job = (
            render.synthesis_job(args.data, args.outputs)
            if name == render.SYNTHESIS
            else render.proeftuin_job(name, args.data, args.outputs, ref)
        )
        print(f"rendering {name} ...", flush=True)
        out = render.run_job(job)
        print(f"  -> {out.relative_to(render.REPO_ROOT)}")
    return 0


def _params(args: argparse.Namespace) -> int:
    for parameter in render.parameter_schema(args.notebook):
        print(f"{parameter.name:18} {parameter.kind:18} default {parameter.default!r}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lmp", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("synth", help="generate synthetic data with injected effects")
    p.add_argument("--seed", type=int, default=synth.DEFAULT_SEED)
    p.add_argument("--out", type=Path, default=synth.DEFAULT_PATH, help="a .parquet or .csv path")
    p.add_argument(
        "--comparison-municipalities", type=int, default=None, help="sample the comparison pool"
    )
    p.add_argument("--outcomes", nargs="+", default=None, help="outcome codes (default: all)")
    p.set_defaults(func=_synth)

    p = sub.add_parser("validate", help="check a data file against the data contract")
    p.add_argument("path", type=Path)
    p.set_defaults(func=_validate)

    p = sub.add_parser("did", help="estimate one difference-in-differences design")
    p.add_argument("--data", type=Path, default=Path(render.DEFAULT_DATA))
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
        default="municipalities",
        help="placebo regions match the proeftuin's number of municipalities, or also its persons",
    )
    p.add_argument("--seed", type=int, default=0, help="seed for bootstrap draws and placebos")
    p.set_defaults(func=_did)

    p = sub.add_parser("render", help="render reports into outputs/")
    p.add_argument("reports", nargs="*", help="proeftuin slugs and/or 'cross_proeftuin'")
    p.add_argument(
        "--all", action="store_true", help="all nine proeftuin reports, then the synthesis"
    )
    p.add_argument(
        "--data", default=render.DEFAULT_DATA, help="contract data, relative to the repo"
    )
    p.add_argument(
        "--outputs", default=render.DEFAULT_OUTPUTS, help="output root, relative to the repo"
    )
    p.set_defaults(func=_render)

    p = sub.add_parser("params", help="list a notebook's parameters: name, type, default")
    p.add_argument("notebook", choices=["proeftuin.ipynb", "cross_proeftuin.ipynb"])
    p.set_defaults(func=_params)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except LmpError as exc:
        print(f"lmp: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
