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
# # Across the proeftuinen: target group against whole population
#
# This report reads the tables of every proeftuin report and sets them side by side. The national
# monitor found that effects aimed at target groups did not show at the level of the regional
# population. Here we ask, for all nine proeftuinen together: how large are the target-group,
# population and triple-difference effects, how much do they differ between proeftuinen, and
# could the population design have seen the target-group effects at all?

# %% tags=["parameters"]
outputs_root = "outputs"
proeftuinen = None  # None: all nine; or a list of slugs
data_path = "data/synthetic/lmp_synthetic.parquet"
headline_outcome = "cost_total"
pool_confidence = ["confirmed"]  # proeftuin statuses the meta-analysis pools; others shown apart
output_dir = "outputs/cross_proeftuin"

# %%
import os
from pathlib import Path

from IPython.display import Image, Markdown, display

from lmp import meta, plots, summaries
from lmp.contract import load_data
from lmp.reference import load_reference

if Path.cwd().name == "notebooks":  # opened in Jupyter: paths are relative to the project root
    os.chdir("..")
ref = load_reference()
data = load_data(data_path)
display(Markdown(summaries.banner(data)))
results = summaries.collect_results(outputs_root, proeftuinen, ref)
summaries.write_table(results, f"{output_dir}/tables/all_results.csv")
headline = ref.outcome(headline_outcome)

# %% [markdown]
# ## The nine regions
#
# The municipalities of each proeftuin in the analysis classification (CBS 2020). Hatched: a
# membership lmp inferred from the region's description rather than found named in a source
# (`data/reference/proeftuin_members.csv`). Boundaries: CBS / PDOK, Gebiedsindelingen 2020.

# %%
fig = plots.proeftuin_map(ref)
display(Image(filename=str(plots.save(fig, output_dir, "map"))))

# %% [markdown]
# ## The primary analysis across the nine
#
# Each report's primary analysis, chosen in the project's issue tracker (on the open data: total cost
# per insured-year, population design, age-sex adjusted, 2011-2018; on the synthetic
# demonstration data, which have no age classes: the crude population design), judged by
# randomization inference. Nine regions are nine tests: the Holm-adjusted p-value
# (`p_ri_holm`) corrects for testing all of them, the unadjusted one is shown beside it.

# %%
primary = summaries.collect_table(outputs_root, "primary", proeftuinen, ref)
primary["p_ri_holm"] = summaries.holm(primary["p_ri"])
summaries.write_table(primary, f"{output_dir}/tables/primary.csv", count_columns=[])
display(summaries.readable(primary.drop(columns=["alpha"])))
display(Markdown(summaries.primary_across_text(primary)))

# %% [markdown]
# ## 1. Headline outcome, all proeftuinen
#
# Estimates with randomization-inference (RI) 95% intervals and p-values, the inference the
# proeftuin reports trust with one treated region (see their section 4). Sections 1 to 5 use the
# **crude** designs (no age-sex adjustment: the first results table of each report), so on the
# open data their numbers differ from the primary results above. Proeftuinen whose identity
# could not be confirmed from a source are marked in the reference data (`confidence`).

# %%
display(summaries.readable(summaries.side_by_side(results, headline_outcome)))

# %% [markdown]
# ## 2. Every effect with all three kinds of inference
#
# The full table (`tables/all_results.csv`) holds every proeftuin, outcome and design with CR1,
# wild cluster restricted bootstrap (WCR) and RI inference. For the headline outcome:

# %%
part = results[results["outcome"] == headline_outcome]
display(summaries.readable(summaries.inference_table(part).assign(proeftuin=part["proeftuin"])))

# %% [markdown]
# How many proeftuinen show an effect at the 5% level, by each kind of inference. The gap between
# the CR1 column and the other two is the cost of trusting conventional standard errors with one
# treated region.

# %%
counts = summaries.significance_counts(results)
summaries.write_table(counts, f"{output_dir}/tables/significance_counts.csv", count_columns=[])
display(counts)

# %% [markdown]
# ## 3. Forest plot: target group against whole population

# %%
fig = plots.forest_figure(
    part,
    f"{headline['label_en']}:\ntarget group vs population (RI 95% CI)",
    headline["unit"],
    data.synthetic,
)
display(Image(filename=str(plots.save(fig, output_dir, f"forest_{headline_outcome}"))))

# %% [markdown]
# ## 4. Random-effects meta-analysis
#
# One pooled effect per outcome and design across the proeftuinen (DerSimonian-Laird tau², with
# Hartung-Knapp intervals, which hold their level better with nine studies). Each proeftuin's
# standard error is the spread of its placebo estimates from randomization inference, not its CR1
# standard error, which is far too small with one treated region. Three cautions: the proeftuinen
# share one comparison pool, so their estimates are not independent and the pooled standard error
# is optimistic; proeftuinen with the same number of municipalities (and, for the target and
# triple designs, the same target segments) are compared with the same placebo regions and so get
# the same standard error; and a pooled effect averages different interventions for different
# target groups - read it as "the typical proeftuin", and read tau² and I² as how much they differ.
# Only proeftuinen whose status as one of the nine is confirmed by a source are pooled (the
# `pool_confidence` parameter); the others are shown apart, with their own intervals. Estimates
# without a finite randomization-inference interval (too few placebo regions) are not pooled.

# %%
included, apart = summaries.pooling_groups(results, pool_confidence, ref)
display(Markdown(summaries.pooling_text(included, apart, pool_confidence)))
pooled = meta.meta_analysis(
    included.assign(meta_se=included["sd_ri"]), se_col="meta_se", method="dl"
)
summaries.write_table(pooled, f"{output_dir}/tables/meta_analysis.csv", count_columns=[])
columns = [
    "outcome",
    "design",
    "k",
    "estimate",
    "ci_low_hk",
    "ci_high_hk",
    "p_value_hk",
    "tau2",
    "i2",
    "q_p_value",
]
display(summaries.readable(pooled[columns]))
if not apart.empty:
    display(summaries.readable(summaries.side_by_side(apart, headline_outcome)))
in_pool = part[part["proeftuin"].isin(set(included["proeftuin"]))]
for design in ["target", "population", "triple"]:
    rows = in_pool[in_pool["design"] == design].assign(meta_se=lambda f: f["sd_ri"])
    row = pooled[(pooled["outcome"] == headline_outcome) & (pooled["design"] == design)].iloc[0]
    fig = plots.meta_forest_figure(
        rows, row, f"{headline['label_en']}, {design}", headline["unit"], data.synthetic
    )
    display(Image(filename=str(plots.save(fig, output_dir, f"meta_{headline_outcome}_{design}"))))

# %% [markdown]
# ## 5. Could the population design have seen the target-group effects?
#
# Per proeftuin, the target-group effect, the population effect it implies (target-group effect
# times the target group's share), and the grey band of population effects smaller than the
# population design's minimum detectable effect (80% power, randomization inference). An implied
# effect inside the band could not have been seen, whatever its size in the target group.

# %%
dilution = summaries.collect_table(outputs_root, "dilution", proeftuinen, ref)
summaries.write_table(dilution, f"{output_dir}/tables/dilution.csv", count_columns=[])
head = dilution[dilution["outcome"] == headline_outcome].reset_index(drop=True)
display(
    summaries.readable(
        head[
            [
                "name",
                "target_effect",
                "target_share",
                "implied_population_effect",
                "mde_population_ri",
                "implied_visible",
                "target_effect_needed",
            ]
        ]
    )
)
fig = plots.dilution_across_figure(
    head,
    f"{headline['label_en']}: what the population design could see",
    headline["unit"],
    data.synthetic,
)
display(Image(filename=str(plots.save(fig, output_dir, f"dilution_{headline_outcome}"))))
display(Markdown(summaries.visibility_text(head, dilution)))

# %% [markdown]
# ## 6. Every outcome
#
# Forest plots (RI intervals) for every other outcome are in `figures/`.

# %%
for outcome in sorted(set(results["outcome"]) - {headline_outcome}):
    label = ref.outcome(outcome)
    fig = plots.forest_figure(
        results[results["outcome"] == outcome], label["label_en"], label["unit"], data.synthetic
    )
    plots.save(fig, output_dir, f"forest_{outcome}")
display(Markdown("Forest plots for every outcome are in `figures/`."))
