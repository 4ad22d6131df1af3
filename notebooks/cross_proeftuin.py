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
# <!-- lmp synthesis report. Markdown cells tagged "en" or "nl" are kept only in the report of
# that language; numbers and the sentences that describe them come from lmp.report. -->

# %% tags=["parameters"]
outputs_root = "outputs"
proeftuinen = None  # None: all nine; or a list of slugs
data_path = "data/synthetic/lmp_synthetic.parquet"
headline_outcome = "cost_total"
pool_confidence = ["confirmed"]  # proeftuin statuses the meta-analysis pools; others shown apart
language = "en"  # "en" or "nl": every text, table and figure of the report
results_cache = ""  # results file the second language reads; empty: compute, keep nothing
output_dir = "outputs/cross_proeftuin"

# %%
import os
from pathlib import Path

from IPython.display import Image, Markdown, display

from lmp import meta, plots, summaries
from lmp.contract import load_data
from lmp.reference import load_reference
from lmp.report import appendix, sentences, tables

if Path.cwd().name == "notebooks":  # opened in Jupyter: paths are relative to the project root
    os.chdir("..")
ref = load_reference()
data = load_data(data_path)
results = summaries.collect_results(outputs_root, proeftuinen, ref)
summaries.write_table(results, f"{output_dir}/tables/all_results.csv")
headline = ref.outcome(headline_outcome)
label = headline[f"label_{language}"]
unit = sentences.unit_text(headline["unit"], language, short=True)  # for figure axes


def figure(fig, name, show=True):
    """Save a figure of this report's language (and show it)."""
    path = plots.save(fig, output_dir, f"{name}.{language}")
    if show:
        display(Image(filename=str(path)))


def table(frame, columns, name, **options):
    """Show a table formatted for reading in this report's language."""
    display(tables.format_table(frame, columns, language, name, ref=ref, **options))


title = (
    "Across the proeftuinen: target group against whole population"
    if language == "en"
    else "Over de proeftuinen heen: doelgroep tegenover hele bevolking"
)
display(Markdown(f"# {title}"))
display(Markdown(sentences.banner(data, language=language)))

# %% [markdown] tags=["en"]
# ## Summary
#
# This report reads the tables of every proeftuin report and sets them side by side. The national
# monitor found that effects aimed at target groups did not show at the level of the regional
# population. Each report's primary analysis (on the open data: total cost per insured-year,
# whole population, age-sex adjusted, 2011-2018, randomization inference) across the nine:

# %% [markdown] tags=["nl"]
# ## Samenvatting
#
# Dit rapport leest de tabellen van alle rapporten per proeftuin en zet ze naast elkaar. De
# landelijke monitor vond dat effecten die op doelgroepen gericht waren, niet zichtbaar werden op
# het niveau van de bevolking van de regio. De primaire analyse van elk rapport (op de open data:
# totale zorgkosten per verzekerdenjaar, hele bevolking, gecorrigeerd voor leeftijd en geslacht,
# 2011-2018, randomisatie-inferentie) over de negen proeftuinen:

# %%
primary = summaries.collect_table(outputs_root, "primary", proeftuinen, ref)
primary["p_ri_holm"] = summaries.holm(primary["p_ri"])
summaries.write_table(primary, f"{output_dir}/tables/primary.csv")
display(Markdown(sentences.synthesis_summary_text(primary, language=language)))
figure(
    plots.forest_figure(
        primary.assign(design="population"),
        tables.primary_across_title(label, not data.synthetic, language),
        unit,
        data.synthetic,
        language=language,
    ),
    "summary",
)
table(
    primary,
    ["name", "estimate", "ci_ri", "p_ri", "p_ri_holm", "mde_ri", "pretrend_p_ri"],
    "primary",
    unit=headline["unit"],
)
display(Markdown(sentences.primary_across_text(primary, language=language)))

# %% [markdown] tags=["en"]
# ## 1. The nine regions
#
# The municipalities of each proeftuin in the analysis classification (CBS 2020). Hatched: a
# membership lmp inferred from the region's description rather than found named in a source
# (`data/reference/proeftuin_members.csv`). Boundaries: CBS / PDOK, Gebiedsindelingen 2020.

# %% [markdown] tags=["nl"]
# ## 1. De negen regio's
#
# De gemeenten van elke proeftuin in de gemeentelijke indeling van de analyse (CBS 2020). Gearceerd:
# een gemeente waarvan lmp de deelname afleidde uit de beschrijving van de regio, niet genoemd door
# een bron (`data/reference/proeftuin_members.csv`). Grenzen: CBS / PDOK, Gebiedsindelingen 2020.

# %%
figure(plots.proeftuin_map(ref, language=language), "map")

# %% [markdown] tags=["en"]
# ## 2. Headline outcome, all proeftuinen, all designs
#
# Estimates with randomization-inference (RI) 95% intervals and p-values, the inference the
# proeftuin reports trust with one treated region. Sections 2 to 5 use the **crude** designs (no
# age-sex adjustment), so on the open data their numbers differ from the primary results above.
# Proeftuinen whose identity could not be confirmed from a source are marked (column *Status as proeftuin*).

# %% [markdown] tags=["nl"]
# ## 2. Hoofduitkomst, alle proeftuinen, alle opzetten
#
# Schattingen met 95%-intervallen en p-waarden uit randomisatie-inferentie (RI), de inferentie
# die de rapporten per proeftuin bij één behandelde regio vertrouwen. De secties 2 tot en met 5
# gebruiken de **ruwe** opzetten (zonder correctie voor leeftijd en geslacht), dus op de open data
# verschillen hun getallen van de primaire resultaten hierboven. Proeftuinen waarvan de identiteit
# niet door een bron bevestigd kon worden, zijn gemarkeerd (kolom *Status als proeftuin*).

# %%
part = results[results["outcome"] == headline_outcome]
table(
    part.assign(status=part["confidence"]),
    ["name", "design", "estimate", "ci_ri", "p_ri", "ci_cr1", "p_value", "status"],
    "headline",
    keys=2,
    unit=headline["unit"],
    max_columns=8,
)

# %% [markdown] tags=["en"]
# How many proeftuinen show an effect at the 5% level, by each kind of inference. The gap between
# the CR1 column and the other two is the cost of trusting conventional standard errors with one
# treated region. The full table (`tables/all_results.csv`) holds every proeftuin, outcome and
# design with CR1, wild cluster restricted bootstrap (WCR) and RI inference.

# %% [markdown] tags=["nl"]
# Hoeveel proeftuinen een effect laten zien op het 5%-niveau, per soort inferentie. Het verschil
# tussen de kolom CR1 en de andere twee is wat het kost om bij één behandelde regio op gewone
# standaardfouten te vertrouwen. De volledige tabel (`tables/all_results.csv`) bevat elke
# proeftuin, uitkomstmaat en opzet met CR1, de wild cluster restricted bootstrap (WCR) en RI.

# %%
counts = summaries.significance_counts(results)
persons = results.groupby(["outcome", "design"])["n_persons_proeftuin"].sum()
counts = counts.join(persons, on=["outcome", "design"])
summaries.write_table(counts, f"{output_dir}/tables/significance_counts.csv")
table(
    counts,
    ["outcome", "design", "significant_cr1", "significant_wcr", "significant_ri", "proeftuinen"],
    "significance",
    keys=2,
)

# %% [markdown] tags=["en"]
# ## 3. Forest plot: target group against whole population

# %% [markdown] tags=["nl"]
# ## 3. Forest plot: doelgroep tegenover hele bevolking

# %%
figure(
    plots.forest_figure(part, label, unit, data.synthetic, language=language),
    f"forest_{headline_outcome}",
)

# %% [markdown] tags=["en"]
# ## 4. Random-effects meta-analysis
#
# One pooled effect per outcome and design across the proeftuinen (DerSimonian-Laird tau², with
# Hartung-Knapp intervals, which hold their level better with nine studies). Each proeftuin's
# standard error is the spread of its placebo estimates from randomization inference, not its CR1
# standard error. Two cautions: the proeftuinen share one comparison pool, so their estimates
# are not independent and the pooled standard error is optimistic; and a pooled
# effect averages different interventions for different target groups - read it as "the typical
# proeftuin", and read tau² and I² as how much they differ. Only proeftuinen whose status is
# confirmed by a source, and whose randomization-inference interval is finite, are pooled.

# %% [markdown] tags=["nl"]
# ## 4. Meta-analyse met random effects
#
# Eén samengenomen effect per uitkomstmaat en opzet over de proeftuinen (tau² volgens
# DerSimonian-Laird, intervallen volgens Hartung-Knapp, die bij negen studies hun niveau beter
# houden). De standaardfout van elke proeftuin is de spreiding van zijn placeboschattingen uit
# randomisatie-inferentie, niet zijn CR1-standaardfout. Twee kanttekeningen: de proeftuinen delen
# één groep vergelijkingsgemeenten, dus hun schattingen zijn niet onafhankelijk en de samengenomen
# standaardfout is te optimistisch; en een samengenomen effect
# middelt verschillende interventies voor verschillende doelgroepen - lees het als "de typische
# proeftuin", en lees tau² en I² als de mate waarin ze verschillen. Alleen proeftuinen waarvan de
# status door een bron bevestigd is en waarvan het interval uit randomisatie-inferentie eindig is,
# worden samengenomen.

# %%
included, apart = summaries.pooling_groups(results, pool_confidence, ref)
display(Markdown(sentences.pooling_text(included, apart, pool_confidence, language=language)))
pooled = meta.meta_analysis(
    included.assign(meta_se=included["sd_ri"]), se_col="meta_se", method="dl"
)
persons = included.groupby(["outcome", "design"])["n_persons_proeftuin"].sum()
pooled = pooled.join(persons, on=["outcome", "design"])
summaries.write_table(pooled, f"{output_dir}/tables/meta_analysis.csv")
table(
    pooled,
    ["outcome", "design", "k", "estimate", "ci_hk", "p_value_hk", "i2", "q_p_value"],
    "meta",
    keys=2,
    max_columns=8,
)
in_pool = part[part["proeftuin"].isin(set(included["proeftuin"]))]
for design in ["target", "population", "triple"]:
    rows = in_pool[in_pool["design"] == design].assign(meta_se=lambda f: f["sd_ri"])
    row = pooled[(pooled["outcome"] == headline_outcome) & (pooled["design"] == design)].iloc[0]
    fig = plots.meta_forest_figure(
        rows,
        row,
        f"{label}, {tables.design_words(design, language)}",
        unit,
        data.synthetic,
        language=language,
    )
    figure(fig, f"meta_{headline_outcome}_{design}")

# %% [markdown] tags=["en"]
# ## 5. Could the population design have seen the target-group effects?
#
# Per proeftuin, the target-group effect, the population effect it implies (target-group effect
# times the target group's share), and the grey band of population effects smaller than the
# population design's minimum detectable effect (80% power, randomization inference). An implied
# effect inside the band would have been detected less than 80% of the time, however large it
# was in the target group.

# %% [markdown] tags=["nl"]
# ## 5. Kon de opzet hele bevolking de effecten in de doelgroep zien?
#
# Per proeftuin het effect in de doelgroep, het effect in de bevolking dat daaruit volgt (effect in
# de doelgroep maal het aandeel van de doelgroep), en de grijze band van effecten in de bevolking
# die kleiner zijn dan het minimaal aantoonbare effect van de opzet hele bevolking (80%
# onderscheidend vermogen, randomisatie-inferentie). Een verwacht effect binnen de band zou in
# minder dan 80% van de gevallen zijn aangetoond, hoe groot het in de doelgroep ook was.

# %%
dilution = summaries.collect_table(outputs_root, "dilution", proeftuinen, ref)
summaries.write_table(dilution, f"{output_dir}/tables/dilution.csv")
head = dilution[dilution["outcome"] == headline_outcome].reset_index(drop=True)
table(
    head,
    [
        "name",
        "target_effect",
        "target_share",
        "implied_population_effect",
        "mde_population_ri",
        "implied_visible",
        "target_effect_needed",
    ],
    "dilution",
    unit=headline["unit"],
)
title = (
    f"{label}: what the population design could see"
    if language == "en"
    else f"{label}: wat de opzet hele bevolking kon zien"
)
figure(
    plots.dilution_across_figure(head, title, unit, data.synthetic, language=language),
    f"dilution_{headline_outcome}",
)
display(Markdown(sentences.visibility_text(head, dilution, language=language)))

# %% [markdown] tags=["en"]
# ## 6. Every outcome
#
# Forest plots (RI intervals) for every other outcome are in `figures/`.

# %% [markdown] tags=["nl"]
# ## 6. Alle uitkomstmaten
#
# Forest plots (RI-intervallen) voor alle andere uitkomstmaten staan in `figures/`.

# %%
for outcome in sorted(set(results["outcome"]) - {headline_outcome}):
    other = ref.outcome(outcome)
    fig = plots.forest_figure(
        results[results["outcome"] == outcome],
        other[f"label_{language}"],
        sentences.unit_text(other["unit"], language, short=True),
        data.synthetic,
        language=language,
    )
    figure(fig, f"forest_{outcome}", show=False)

# %% [markdown] tags=["en"]
# ## Methods

# %% [markdown] tags=["nl"]
# ## Methoden

# %%
display(Markdown(appendix.synthesis_methods_text(language)))

# %% [markdown] tags=["en"]
# ## Limitations

# %% [markdown] tags=["nl"]
# ## Beperkingen

# %%
display(Markdown(appendix.limitations_text(language, real=not data.synthetic)))

# %% [markdown] tags=["en"]
# ## References

# %% [markdown] tags=["nl"]
# ## Literatuur

# %%
display(Markdown(appendix.references_text(None, language)))
