# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Proeftuin report: did the Triple Aim move, and for whom?
#
# This report evaluates one *proeftuin populatiemanagement* (one of the nine regions the Dutch
# minister of health designated in 2013) with difference-in-differences: the proeftuin's
# municipalities against every municipality that belongs to no proeftuin, before and after the
# proeftuin started. It asks the question the national monitor left open: effects were aimed at
# target groups (chronically ill, frail elderly, ...) - do they show in the target group, and would
# they be visible in the whole population?
#
# The same notebook is run once per proeftuin with different parameters (`lmp render`), on the
# real Vektis open data (costs per municipality, sex and age class) and, as a demonstration with
# known answers, on synthetic data.

# %% tags=["parameters"]
proeftuin = "mijnzorg"
data_path = "data/synthetic/lmp_synthetic.parquet"
outcomes = None  # None: every catalogue outcome the data hold before and after the start
headline_outcome = "cost_total"
trend_outcomes = None  # None: one per Triple Aim goal the data hold
seed = 20130  # bootstrap draws and placebo regions
ri_match = "contiguous"  # placebo regions: as many neighbouring municipalities, 1.5x the persons
output_dir = "outputs/mijnzorg"

# %%
import math
import os
from pathlib import Path

from IPython.display import Image, Markdown, display

from lmp import did, plots, power, sensitivity, summaries, synthcontrol
from lmp.contract import load_data
from lmp.reference import load_reference

if Path.cwd().name == "notebooks":  # opened in Jupyter: paths are relative to the project root
    os.chdir("..")
ref = load_reference()
data = load_data(data_path)
info = ref.proeftuin(proeftuin)
start_year = int(info["start_year"])
headline = ref.outcome(headline_outcome)
real = data.scheme == "agesex"  # the open data: sex x age classes, insured-years as weights
outcomes = outcomes or summaries.analysable_outcomes(data, proeftuin, ref)
goals = ["cost_total", "good_health", "avoidable_admission"]
trend_outcomes = trend_outcomes or [code for code in goals if code in outcomes]
display(Markdown(f"## {info['name']} ({info['region']})"))
display(Markdown(summaries.banner(data)))

# %% [markdown]
# ## 1. The proeftuin
#
# What the public sources say about this proeftuin. The *confidence* row says how much of it is
# confirmed; facts that could not be confirmed are marked as such in `data/reference/proeftuinen.csv`.

# %%
display(summaries.profile(proeftuin, ref))
display(
    Markdown(
        "**Municipalities** (`confidence`: named by a source, or inferred by lmp; "
        "`partial`: the proeftuin covers only part of the population, which dilutes "
        "any effect in municipality-level data):"
    )
)
display(summaries.members_table(proeftuin, ref))

# %% [markdown]
# ## 2. Who lives there: population segments
#
# Persons per segment in the last year before the start, in the proeftuin and in the comparison
# municipalities. The target group is the set of segments the proeftuin's interventions aimed at;
# its share of the population decides how much of a target-group effect can show at population level.

# %%
mix = summaries.segment_mix(data, proeftuin, start_year - 1, ref)
summaries.write_table(mix, f"{output_dir}/tables/segment_mix.csv")
display(mix.round(1))

# %% [markdown]
# ## 3. Triple Aim trends
#
# Yearly person-weighted means of one outcome per Triple Aim goal (cost, health, quality of care),
# proeftuin against comparison, for the whole population and for the target group. The dashed line marks the start. Parallel lines before the
# start are what the difference-in-differences design relies on.

# %%
for code in trend_outcomes:
    outcome = ref.outcome(code)
    for standardise in [False, True] if real else [False]:
        trend = summaries.trends(data, proeftuin, code, ref, standardise=standardise)
        name = f"trends_{code}" + ("_agesex" if standardise else "")
        summaries.write_table(trend, f"{output_dir}/tables/{name}.csv")
        how = ", age-sex standardised" if standardise else (", crude" if real else "")
        title = f"{outcome['label_en']} ({outcome['dimension']}{how})"
        fig = plots.trend_figure(trend, title, outcome["unit"], start_year, data.synthetic)
        display(Image(filename=str(plots.save(fig, output_dir, name))))

# %% [markdown]
# ## 4. Difference-in-differences, with inference that holds for one treated region
#
# Three designs per outcome, each a person-weighted regression with municipality and year fixed
# effects:
#
# - **target**: the target group in the proeftuin against the same segments elsewhere;
# - **population**: everybody in the proeftuin against everybody elsewhere;
# - **triple**: the target-group difference minus the non-target difference, which removes shocks
#   that hit a whole municipality in a year.
#
# Every estimate comes with three kinds of inference: conventional cluster-robust standard errors
# (CR1), the wild cluster restricted bootstrap (WCR: 9,999 draws of Webb weights, null imposed,
# interval by test inversion) and randomization inference (RI: the same estimate for placebo
# regions of comparison municipalities, interval by test inversion). The text below the table
# says which to trust for this proeftuin, and why.

# %%
results = did.estimate_all(
    data, proeftuin, outcomes, ref=ref, inference="all", seed=seed, ri_match=ri_match
)
results = summaries.with_truth(results, data)
summaries.write_table(results, f"{output_dir}/tables/results.csv")
display(summaries.readable(summaries.inference_table(results)))
display(Markdown(summaries.inference_guide(results.iloc[0])))

# %% [markdown]
# On the open data, costs differ with age and sex, and the proeftuin regions age and shrink faster
# than the country. The same designs with **age-sex adjustment** compare each sex x age class
# with itself (cells per municipality, year and class; fixed effects municipality x class and
# year x class): the regression form of age-sex standardisation. The primary analysis, chosen in
# the project's issue tracker (not a registered pre-analysis plan), is total cost, population
# design, age-sex adjusted, 2011-2018, judged by randomization inference.

# %%
if real:
    adjusted = did.estimate_all(
        data,
        proeftuin,
        outcomes,
        designs=("population", "target"),
        ref=ref,
        inference="all",
        seed=seed,
        ri_match=ri_match,
        options=did.DesignOptions(adjust="agesex"),
    )
    summaries.write_table(adjusted, f"{output_dir}/tables/results_agesex.csv")
    display(summaries.readable(summaries.inference_table(adjusted)))
    primary = adjusted.set_index(["outcome", "design"]).loc[(headline_outcome, "population")]
    primary_study = did.event_study(
        data,
        proeftuin,
        headline_outcome,
        "population",
        ref=ref,
        ri_reps=999,
        seed=seed,
        ri_match=ri_match,
        options=did.DesignOptions(adjust="agesex"),
    )
    display(
        Markdown(
            "Pre-trend test of the primary analysis (age-sex adjusted, population):\n\n"
            + primary_study.pretrend_text()
        )
    )
    display(
        Markdown(
            summaries.answer_text(
                primary, info["name"], headline["unit"], primary_study.pretrend_p_ri
            )
        )
    )
    primary_pretrend = primary_study.pretrend_p_ri
else:  # the synthetic demonstration has no sex x age classes: its primary design is the crude one
    primary = results.set_index(["outcome", "design"]).loc[(headline_outcome, "population")]
    primary_pretrend = float("nan")
summaries.write_table(
    summaries.primary_row(primary, proeftuin, primary_pretrend),
    f"{output_dir}/tables/primary.csv",
    count_columns=[],
)

# %% [markdown]
# ### How the answer moves with the design choices
#
# The same primary estimate (total cost, population, age-sex adjusted, randomization inference)
# under the choices a referee asks about: no age-sex adjustment; comparison municipalities from
# the proeftuin's own province only (removes province-wide trends), or from its own COROP region
# only (CBS's 40 regions for regional statistics: finer, with few comparisons); the municipalities bordering
# the proeftuin left out of the comparison (spillover); only the municipalities a source names as
# members; the designation year 2013 as the start.

# %%
if real:
    robustness = summaries.robustness_table(
        data, proeftuin, headline_outcome, ref, seed=seed, ri_match=ri_match
    )
    summaries.write_table(robustness, f"{output_dir}/tables/robustness.csv", count_columns=[])
    display(summaries.readable(robustness))
    display(Markdown(summaries.robustness_text(robustness)))

# %%
part = results[results["outcome"] == headline_outcome]
fig = plots.inference_figure(
    part, f"{headline['label_en']}: three kinds of 95% interval", headline["unit"], data.synthetic
)
display(Image(filename=str(plots.save(fig, output_dir, "inference"))))

# %% [markdown]
# ## 5. Event study: were the trends parallel before the start?
#
# One estimate per year relative to the start (the year before the start is the reference). Estimates
# before the start should scatter around zero; the joint test of all of them is the pre-trend test.
# Its F statistic is judged twice: against the F distribution with CR1 standard errors (as
# optimistic as CR1 is, so with few treated municipalities it flags pre-trends too often) and
# against the same statistic for placebo regions of comparison municipalities (randomization
# inference, the one to trust here, as for the DiD itself). The bars in the figure are
# randomization-inference 95% intervals of each year's estimate, from the same placebo regions.

# %%
if real:
    display(
        Markdown(
            "*On the open data, sections 5 to 7 use the **crude** designs of the first table of "
            "section 4 (not age-sex adjusted); the primary analysis and its pre-trend test are "
            "the age-sex adjusted ones above.*"
        )
    )
studies = [
    did.event_study(
        data,
        proeftuin,
        headline_outcome,
        design,
        ref=ref,
        ri_reps=999,
        seed=seed,
        ri_match=ri_match,
    )
    for design in ["target", "population"]
]
for study in studies:
    table = study.table.assign(design=study.design)
    summaries.write_table(table, f"{output_dir}/tables/event_study_{study.design}.csv")
    display(Markdown(study.pretrend_text()))
title = f"Event study: {headline['label_en']}"
fig = plots.event_study_figure(studies, title, headline["unit"], data.synthetic)
display(Image(filename=str(plots.save(fig, output_dir, "event_study"))))

# %% [markdown]
# The DiD estimate of section 4 and the event study answer slightly different questions: the
# event study measures each year against the year before the start, the DiD the years from the
# start against the average of all years before it.

# %%
for study in studies:
    row = part.set_index("design").loc[study.design]
    numbers = did.reconcile(row["estimate"], study)
    half = (row["ci_ri_high"] - row["ci_ri_low"]) / 2
    tolerance = 0.1 * half if math.isfinite(half) else 0.1 * abs(row["estimate"])
    display(
        Markdown(
            f"**{study.design}**: "
            + summaries.reconciliation_text(numbers, headline["unit"], tolerance)
        )
    )

# %% [markdown]
# ### How much could a trend difference change the conclusion?
#
# A joint pre-trend test that does not reject is weak evidence with few treated municipalities.
# Following the idea of Rambachan & Roth's relative-magnitude bounds, we allow the trend
# difference after the start to change, year on year, by up to M-bar times the largest change seen
# before the start, and show the average post-start effect's identified set and a robust 95%
# interval for each M-bar. The interval widens the identified set by the randomization-inference
# half-width of the average post-start effect (the same average computed for every placebo
# region), not by a CR1 standard error: at M-bar = 0 it is the randomization-inference interval,
# and on data without an effect it excludes zero at most about as often as that test rejects
# (`benchmarks/results/sensitivity_size.md`). (A simplified, conservative version of their
# method: see `lmp/sensitivity.py`.)

# %%
bounds = {}
for study in studies:
    critical = sensitivity.ri_critical_value(study)
    if math.isinf(critical):
        display(
            Markdown(f"**{study.design}**: too few placebo regions to reject anything; skipped.")
        )
        continue
    table = sensitivity.relative_magnitude_bounds(study, critical_value=critical)
    summaries.write_table(
        table.assign(design=study.design), f"{output_dir}/tables/sensitivity_{study.design}.csv"
    )
    bounds[study.design] = table
    breakdown = sensitivity.breakdown_mbar(study, critical_value=critical)
    display(Markdown(f"**{study.design}**: " + sensitivity.sensitivity_text(table, breakdown)))
if bounds:
    fig = plots.sensitivity_figure(
        bounds,
        f"Sensitivity to trend differences: {headline['label_en']}",
        headline["unit"],
        data.synthetic,
    )
    display(Image(filename=str(plots.save(fig, output_dir, "sensitivity"))))

# %% [markdown]
# ## 6. Dilution and power: why a target-group effect can vanish in the population
#
# If only the target group is affected, the population effect is the target-group effect times
# the target group's share of the population (plus any spillover on everybody else, estimated as
# the target-group minus the triple-difference effect). Whether the population design could see
# it depends on its minimum detectable effect (MDE: the smallest effect found with 80% power in a
# 5% two-sided test), computed here under randomization inference, the inference this report
# trusts; the CR1 MDE is shown for comparison.

# %%
shares = {code: summaries.target_share(data, proeftuin, code, ref) for code in outcomes}
dilution = power.dilution_table(results, shares)
summaries.write_table(dilution, f"{output_dir}/tables/dilution.csv")
display(summaries.readable(dilution))
row = dilution.set_index("outcome").loc[headline_outcome]
fig = plots.dilution_figure(
    row, f"Dilution and power: {headline['label_en']}", headline["unit"], data.synthetic
)
display(Image(filename=str(plots.save(fig, output_dir, "dilution"))))
display(Markdown(power.dilution_text(row, headline["unit"])))

# %% [markdown]
# ## 7. Robustness: synthetic control
#
# A different way to build the comparison: instead of all comparison municipalities with equal
# standing, a weighted average of them whose path matches the proeftuin's before the start
# (Abadie, Diamond & Hainmueller 2010; weights over municipalities, fitted on the pre-start years).
# Only the 20 comparison municipalities whose pre-start paths are closest may get weight, so a few
# extreme municipalities cannot dominate every fit. The effect is the average gap after the start; its p-value compares that gap with the same
# quantity for placebo regions of comparison municipalities. Where the synthetic control and the
# DiD agree, the conclusion does not hinge on the parallel-trends assumption of the DiD alone.

# %%
controls = [
    synthcontrol.synthetic_control(data, proeftuin, headline_outcome, design, seed=seed, ref=ref)
    for design in ["target", "population"]
]
robustness = summaries.synthetic_control_table(controls, results)
summaries.write_table(robustness, f"{output_dir}/tables/synthetic_control.csv", count_columns=[])
display(summaries.readable(robustness))
fig = plots.synthetic_control_figure(
    controls, f"Synthetic control: {headline['label_en']}", headline["unit"], data.synthetic
)
display(Image(filename=str(plots.save(fig, output_dir, "synthetic_control"))))
display(Markdown(summaries.synthetic_control_text(robustness)))

# %% [markdown]
# ### Does the synthetic control's fit hold out of sample?
#
# With few pre-start years and many donors, weights can match the pre-start path exactly and
# still predict nothing. So the weights are fitted again without the last pre-start year, which
# they then predict. A fit that is exact on the years it was fitted to but misses the held-out year
# by more than three times its in-sample error is flagged as overfit: its placebo p-values are
# then no evidence of an effect, and it is not compared with the DiD above.

# %%
fits = summaries.synthetic_control_fit_table(controls)
summaries.write_table(fits, f"{output_dir}/tables/synthetic_control_fit.csv", count_columns=[])
display(summaries.readable(fits))
for control in controls:
    fig = plots.synthcontrol_fit_figure(
        control,
        f"Synthetic control fit ({control.design}): {headline['label_en']}",
        headline["unit"],
        data.synthetic,
    )
    display(
        Image(filename=str(plots.save(fig, output_dir, f"synthetic_control_fit_{control.design}")))
    )
display(Markdown("\n".join(f"- {control.fit_text()}" for control in controls)))

# %% [markdown]
# ## Data and definitions
#
# Where the numbers come from, what they mean and what they cannot see.

# %%
if real:
    display(Markdown(summaries.definitions_text(outcomes, ref)))
    display(summaries.provenance_table(data))
    display(Markdown(summaries.LIMITS_REAL))
else:
    display(Markdown(summaries.SYNTHETIC_NOTE))
