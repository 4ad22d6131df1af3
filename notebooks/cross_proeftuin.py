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
# This report reads the results table of every proeftuin report and sets them side by side. The
# national monitor found that effects aimed at target groups did not show at the level of the
# regional population; the forest plots show, per proeftuin, the target-group effect next to the
# population effect.

# %% tags=["parameters"]
outputs_root = "outputs"
proeftuinen = None  # None: all nine; or a list of slugs
data_path = "data/synthetic/lmp_synthetic.parquet"
headline_outcome = "cost_total"
output_dir = "outputs/cross_proeftuin"

# %%
import os
from pathlib import Path

from IPython.display import Image, Markdown, display

from lmp import plots, summaries
from lmp.contract import load_data
from lmp.reference import load_reference

if Path.cwd().name == "notebooks":  # opened in Jupyter: paths are relative to the project root
    os.chdir("..")
ref = load_reference()
data = load_data(data_path)
display(Markdown(summaries.banner(data)))
results = summaries.collect_results(outputs_root, proeftuinen, ref)
summaries.write_table(results, f"{output_dir}/tables/all_results.csv")

# %% [markdown]
# ## 1. Headline outcome, all proeftuinen
#
# Estimates with 95% CR1 confidence intervals. Proeftuinen whose identity could not be confirmed
# from a source are marked in the reference data (`confidence`).

# %%
headline = ref.outcome(headline_outcome)
table = summaries.side_by_side(results, headline_outcome)
display(table.round(2))

# %% [markdown]
# ## 2. Forest plot: target group against whole population

# %%
part = results[results["outcome"] == headline_outcome]
fig = plots.forest_figure(
    part, f"{headline['label_en']}: target group vs population", headline["unit"], data.synthetic
)
display(Image(filename=str(plots.save(fig, output_dir, f"forest_{headline_outcome}"))))

# %% [markdown]
# ## 3. Every outcome
#
# The same comparison for each Triple Aim outcome: how many proeftuinen show a target-group effect
# whose 95% interval excludes zero, and how many show one in the whole population.

# %%
display(summaries.significance_counts(results).round(3))
for outcome in sorted(set(results["outcome"]) - {headline_outcome}):
    label = ref.outcome(outcome)
    fig = plots.forest_figure(
        results[results["outcome"] == outcome], label["label_en"], label["unit"], data.synthetic
    )
    plots.save(fig, output_dir, f"forest_{outcome}")
display(Markdown("Forest plots for every outcome are in `figures/`."))
