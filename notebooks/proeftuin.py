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
# The same notebook is run once per proeftuin with different parameters (`lmp render`).

# %% tags=["parameters"]
proeftuin = "mijnzorg"
data_path = "data/synthetic/lmp_synthetic.parquet"
outcomes = [
    "cost_total",
    "cost_gp",
    "cost_hospital",
    "cost_pharmacy",
    "cost_nursing",
    "cost_mental",
    "good_health",
    "avoidable_admission",
    "ed_visit",
]
headline_outcome = "cost_total"
trend_outcomes = ["cost_total", "good_health", "avoidable_admission"]  # one per Triple Aim goal
output_dir = "outputs/mijnzorg"

# %%
import os
from pathlib import Path

from IPython.display import Image, Markdown, display

from lmp import did, plots, summaries
from lmp.contract import load_data
from lmp.reference import load_reference

if Path.cwd().name == "notebooks":  # opened in Jupyter: paths are relative to the project root
    os.chdir("..")
ref = load_reference()
data = load_data(data_path)
info = ref.proeftuin(proeftuin)
start_year = int(info["start_year"])
headline = ref.outcome(headline_outcome)
display(Markdown(f"## {info['name']} ({info['region']})"))
display(Markdown(summaries.banner(data)))

# %% [markdown]
# ## 1. The proeftuin
#
# What the public sources say about this proeftuin. The *confidence* row says how much of it is
# confirmed; facts that could not be confirmed are marked as such in `data/reference/proeftuinen.csv`.

# %%
display(summaries.profile(proeftuin, ref))

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
    trend = summaries.trends(data, proeftuin, code, ref)
    summaries.write_table(trend, f"{output_dir}/tables/trends_{code}.csv")
    title = f"{outcome['label_en']} ({outcome['dimension']})"
    fig = plots.trend_figure(trend, title, outcome["unit"], start_year, data.synthetic)
    display(Image(filename=str(plots.save(fig, output_dir, f"trends_{code}"))))

# %% [markdown]
# ## 4. Difference-in-differences
#
# Three designs per outcome, each a person-weighted regression with municipality and year fixed
# effects and standard errors clustered by municipality (CR1):
#
# - **target**: the target group in the proeftuin against the same segments elsewhere;
# - **population**: everybody in the proeftuin against everybody elsewhere;
# - **triple**: the target-group difference minus the non-target difference, which removes shocks
#   that hit a whole municipality in a year.
#
# A caution on the p-values: with one proeftuin of a handful of municipalities, conventional
# cluster-robust standard errors are known to be too small (MacKinnon & Webb 2017). Read the
# intervals below as optimistic.

# %%
results = summaries.with_truth(did.estimate_all(data, proeftuin, outcomes, ref=ref), data)
summaries.write_table(results, f"{output_dir}/tables/results.csv")
columns = [
    "outcome",
    "design",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "p_value",
    "n_persons",
    "n_clusters",
]
if data.synthetic:
    columns.append("true_value")
display(results[columns].round(4))

# %% [markdown]
# ## 5. Event study: were the trends parallel before the start?
#
# One estimate per year relative to the start (the year before the start is the reference). Estimates
# before the start should scatter around zero; the joint test of all of them is the pre-trend test.

# %%
studies = [
    did.event_study(data, proeftuin, headline_outcome, design, ref=ref)
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
# ## 6. Dilution: why a target-group effect can vanish in the population
#
# If only the target group is affected, the population effect is the target-group effect times the
# target group's share of the population. The table compares that expectation with the population
# estimate and its confidence interval.

# %%
target = did.estimate(data, proeftuin, headline_outcome, "target", ref=ref)
population = did.estimate(data, proeftuin, headline_outcome, "population", ref=ref)
share = summaries.target_share(data, proeftuin, headline_outcome, ref)
dilution = summaries.dilution(target, population, share)
summaries.write_table(dilution, f"{output_dir}/tables/dilution.csv")
display(dilution.round(4).T)
fig = plots.dilution_figure(
    dilution, f"Dilution: {headline['label_en']}", headline["unit"], data.synthetic
)
display(Image(filename=str(plots.save(fig, output_dir, "dilution"))))
display(Markdown(summaries.dilution_text(dilution)))

# %% [markdown]
# ## 7. What this report does not yet do
#
# Inference that holds with one treated region (wild cluster bootstrap, randomization inference),
# power and minimum detectable effects, pre-trend sensitivity and synthetic control are planned
# additions. Until then, treat the CR1 p-values above as a lower bound on the real uncertainty.
