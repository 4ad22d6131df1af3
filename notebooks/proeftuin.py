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
# <!-- lmp proeftuin report. Markdown cells tagged "en" or "nl" are kept only in the report of
# that language; numbers and the sentences that describe them come from lmp.report. -->

# %% tags=["parameters"]
proeftuin = "mijnzorg"
data_path = "data/synthetic/lmp_synthetic.parquet"
outcomes = None  # None: every catalogue outcome the data hold before and after the start
headline_outcome = "cost_total"
trend_outcomes = None  # None: one per Triple Aim goal the data hold
seed = 20130  # bootstrap draws and placebo regions
ri_match = "contiguous"  # placebo regions: as many neighbouring municipalities, 1.5x the persons
language = "en"  # "en" or "nl": every text, table and figure of the report
results_cache = ""  # results file the second language reads; empty: compute, keep nothing
output_dir = "outputs/mijnzorg"

# %%
import math
import os
from pathlib import Path

from IPython.display import Image, Markdown, display

from lmp import analysis, did, plots, power, sensitivity, summaries
from lmp.contract import load_data
from lmp.files import file_sha256
from lmp.reference import load_reference
from lmp.report import appendix, sentences, tables

if Path.cwd().name == "notebooks":  # opened in Jupyter: paths are relative to the project root
    os.chdir("..")
ref = load_reference()
data = load_data(data_path)
info = ref.proeftuin(proeftuin)
start_year = int(info["start_year"])
headline = ref.outcome(headline_outcome)
label = headline[f"label_{language}"]
unit = sentences.unit_text(headline["unit"], language, short=True)  # for figure axes
real = data.scheme == "agesex"  # the open data: sex x age classes, insured-years as weights
outcomes = outcomes or summaries.analysable_outcomes(data, proeftuin, ref)
goals = ["cost_total", "good_health", "avoidable_admission"]
trend_outcomes = trend_outcomes or [code for code in goals if code in outcomes]
key = {
    "proeftuin": proeftuin,
    "data": file_sha256(data_path),
    "outcomes": outcomes,
    "headline": headline_outcome,
    "seed": seed,
    "ri_match": ri_match,
}
numbers = analysis.cached(
    results_cache,
    key,
    lambda: analysis.analyse_proeftuin(
        data, proeftuin, ref, outcomes, headline_outcome, seed=seed, ri_match=ri_match
    ),
)
primary = numbers.primary
primary_study = numbers.primary_study if real else numbers.studies[1]  # crude on synthetic data
persons = analysis.persons_behind(data, proeftuin, ref, start_year - 1)
primary_key = (headline_outcome, "population", primary["adjust"])
holm_tables = {"results": numbers.results.copy()}
if real:
    holm_tables["adjusted"] = numbers.adjusted.copy()
    holm_tables["robustness"] = numbers.robustness.copy()
analysis.holm_within(holm_tables, primary_key)


def figure(fig, name):
    """Save a figure of this report's language and show it."""
    display(Image(filename=str(plots.save(fig, output_dir, f"{name}.{language}"))))


def table(frame, columns, name, **options):
    """Show a table formatted for reading in this report's language."""
    display(tables.format_table(frame, columns, language, name, ref=ref, **options))


title = "Proeftuin report" if language == "en" else "Rapport proeftuin"
display(Markdown(f"# {title}: {info['name']} ({info['region']})"))
display(Markdown(sentences.banner(data, language=language)))

# %% [markdown] tags=["en"]
# ## Summary
#
# Did the costs of care per insured-year change in this *proeftuin populatiemanagement* after it
# started, compared with the municipalities that belong to no proeftuin? The primary analysis,
# fixed before the real reports existed: total health-care cost per insured-year, the whole
# population of the proeftuin's municipalities, age-sex adjusted, 2011-2018, judged by
# randomization inference (placebo regions of neighbouring comparison municipalities).

# %% [markdown] tags=["nl"]
# ## Samenvatting
#
# Veranderden de zorgkosten per verzekerdenjaar in deze *proeftuin populatiemanagement* na de start,
# vergeleken met de gemeenten die bij geen enkele proeftuin horen? De primaire analyse, vastgelegd
# voordat de rapporten op echte data bestonden: de totale zorgkosten per verzekerdenjaar, de hele
# bevolking van de gemeenten van de proeftuin, gecorrigeerd voor leeftijd en geslacht, 2011-2018,
# beoordeeld met randomisatie-inferentie (placeboregio's van aangrenzende vergelijkingsgemeenten).

# %%
display(
    Markdown(
        sentences.summary_text(
            primary,
            info["name"],
            headline["unit"],
            primary_study.pretrend_p_ri,
            robustness=numbers.robustness,
            breakdown=numbers.breakdown if real else None,
            language=language,
            pretrend_placebos=primary_study.pretrend_ri_placebos,
            largest_pre=sentences.largest_pre_coefficient(primary_study),
        )
    )
)
figure(
    plots.event_study_figure(
        [primary_study],
        tables.summary_figure_title(label, real, language),
        unit,
        data.synthetic,
        language=language,
    ),
    "summary",
)
summaries.write_table(
    summaries.primary_row(primary, proeftuin, primary_study.pretrend_p_ri).assign(
        n_persons_proeftuin=persons["population"]
    ),
    f"{output_dir}/tables/primary.csv",
)

# %% [markdown] tags=["en"]
# ## 1. The proeftuin
#
# What the public sources say about this proeftuin. Facts that could not be confirmed are marked
# as such in the reference data (`data/reference/proeftuinen.csv`); a municipality's membership is
# either named by a source or inferred by lmp from the region's description.

# %% [markdown] tags=["nl"]
# ## 1. De proeftuin
#
# Wat de openbare bronnen over deze proeftuin zeggen. Feiten die niet bevestigd konden worden, zijn
# als zodanig gemarkeerd in de referentiedata (`data/reference/proeftuinen.csv`); of een gemeente
# bij de proeftuin hoort, is ofwel door een bron genoemd, ofwel door lmp afgeleid uit de
# beschrijving van de regio. De vrije tekst (partners, interventies, toelichting) is door lmp
# vertaald uit de Engelse referentiedata (`data/reference/proeftuinen_nl.csv`).

# %%
table(summaries.profile(proeftuin, ref, language), ["field", "value"], "profile")
table(
    summaries.members_table(proeftuin, ref, language).rename(
        columns={"name": "municipality", "note": "member_note"}
    ),
    ["gemeente_code", "municipality", "confidence", "partial", "member_note"],
    "members",
)

# %% [markdown] tags=["en"]
# ## 2. Who lives there: population segments
#
# Persons per segment in the last year before the start, in the proeftuin and in the comparison
# municipalities. The target group is the set of segments the proeftuin's interventions aimed at;
# its share of the population decides how much of a target-group effect can show at population
# level. Cells of fewer than 10 persons, and cells from which they could be recovered, are
# withheld.

# %% [markdown] tags=["nl"]
# ## 2. Wie er wonen: bevolkingssegmenten
#
# Personen per segment in het laatste jaar vóór de start, in de proeftuin en in de
# vergelijkingsgemeenten. De doelgroep bestaat uit de segmenten waarop de interventies van de
# proeftuin gericht waren; haar aandeel in de bevolking bepaalt hoeveel van een effect in de
# doelgroep in de hele bevolking zichtbaar kan zijn. Cellen met minder dan 10 personen, en cellen
# waaruit die terug te rekenen zijn, worden niet getoond.

# %%
mix = summaries.segment_mix(data, proeftuin, start_year - 1, ref)
summaries.write_table(mix, f"{output_dir}/tables/segment_mix.csv")
table(
    tables.translated_segments(mix, ref, language),
    [
        "segment",
        "target",
        "persons_proeftuin",
        "share_proeftuin_pct",
        "persons_comparison",
        "share_comparison_pct",
    ],
    "segment-mix",
)

# %% [markdown] tags=["en"]
# ## 3. Triple Aim trends
#
# Yearly person-weighted means of one outcome per Triple Aim goal the data hold (on the open data:
# cost only), proeftuin against comparison, for the whole population and for the target group. The
# dashed line marks the start. Parallel lines before the start are what the
# difference-in-differences design relies on.

# %% [markdown] tags=["nl"]
# ## 3. Trends in de Triple Aim
#
# Jaarlijkse gemiddelden, gewogen naar personen, van één uitkomstmaat per doel van de Triple Aim
# waarvoor de data gegevens bevatten (op de open data: alleen kosten), proeftuin tegenover
# vergelijkingsgemeenten, voor de hele bevolking en voor de doelgroep. De stippellijn markeert de
# start. Evenwijdige lijnen vóór de start zijn waar het verschil-in-verschillenontwerp op steunt.

# %%
for code in trend_outcomes:
    outcome = ref.outcome(code)
    for standardise in [False, True] if real else [False]:
        trend = summaries.trends(data, proeftuin, code, ref, standardise=standardise)
        name = f"trends_{code}" + ("_agesex" if standardise else "")
        summaries.write_table(trend, f"{output_dir}/tables/{name}.csv")
        how = tables.standardisation_words(standardise, real, language)
        fig = plots.trend_figure(
            trend,
            f"{outcome[f'label_{language}']}{how}",
            sentences.unit_text(outcome["unit"], language, short=True),
            start_year,
            data.synthetic,
            language=language,
        )
        figure(fig, name)

# %% [markdown] tags=["en"]
# ## 4. Difference-in-differences, with inference that holds for one treated region
#
# Three designs per outcome, each a person-weighted regression with municipality and year fixed
# effects: **target group** (the target group in the proeftuin against the same segments
# elsewhere), **whole population** (everybody in the proeftuin against everybody elsewhere) and the
# **triple difference** (the target-group difference minus the non-target difference, which
# removes shocks that hit a whole municipality in a year). Every estimate comes with three kinds of
# inference: conventional cluster-robust standard errors (CR1), the wild cluster restricted
# bootstrap (WCR) and randomization inference (RI); the text below the tables says which to trust
# for this proeftuin. The last column corrects the randomization-inference p-values of all these
# secondary tests for multiplicity within this report (Holm); the primary analysis is judged alone.

# %% [markdown] tags=["nl"]
# ## 4. Verschil-in-verschillen, met inferentie die klopt bij één behandelde regio
#
# Drie opzetten per uitkomstmaat, elk een naar personen gewogen regressie met vaste effecten voor
# gemeente en jaar: **doelgroep** (de doelgroep in de proeftuin tegenover dezelfde segmenten
# elders), **hele bevolking** (iedereen in de proeftuin tegenover iedereen elders) en het
# **drievoudig verschil** (het verschil in de doelgroep min het verschil buiten de doelgroep; dat
# neemt schokken weg die een hele gemeente in een jaar treffen). Elke schatting heeft drie soorten
# inferentie: gewone clusterrobuuste standaardfouten (CR1), de wild cluster restricted bootstrap
# (WCR) en randomisatie-inferentie (RI); de tekst onder de tabellen zegt welke voor deze proeftuin
# te vertrouwen is. De laatste kolom corrigeert de p-waarden van randomisatie-inferentie van al
# deze secundaire toetsen voor meervoudig toetsen binnen dit rapport (Holm); de primaire analyse
# wordt apart beoordeeld.

# %%
INFERENCE = ["outcome", "design", "estimate", "ci_cr1", "p_value", "ci_wcr", "p_wcr"]
RI = ["outcome", "design", "ci_ri", "p_ri", "p_ri_holm", "mde_ri", "n_persons_proeftuin"]
results = analysis.with_persons(holm_tables["results"], persons)
summaries.write_table(results, f"{output_dir}/tables/results.csv")
if data.synthetic:
    RI.insert(2, "true_value")
caption = "Crude designs" if language == "en" else "Ruwe opzetten"
wcr_caption = caption + tables.wcr_note(results, language)
table(
    tables.without_uninformative_wcr(results),
    INFERENCE,
    "results-cr1-wcr",
    keys=2,
    caption=wcr_caption,
)
table(results, RI, "results-ri", keys=2, caption=caption)
display(Markdown(sentences.inference_guide(results.iloc[0], language=language)))

# %% [markdown] tags=["en"]
# On the open data, costs differ with age and sex, and the proeftuin regions age and shrink faster
# than the country. The same designs with **age-sex adjustment** compare each sex x age class with
# itself (fixed effects municipality x class and year x class): the regression form of age-sex
# standardisation. The primary analysis is the whole-population row of total cost in this table.

# %% [markdown] tags=["nl"]
# Op de open data verschillen de kosten met leeftijd en geslacht, en de regio's van de proeftuinen
# vergrijzen en krimpen sneller dan de rest van het land. Dezelfde opzetten **gecorrigeerd voor
# leeftijd en geslacht** vergelijken elke klasse van geslacht x leeftijd met zichzelf (vaste
# effecten gemeente x klasse en jaar x klasse): de regressievorm van standaardisatie naar leeftijd
# en geslacht. De primaire analyse is de rij hele bevolking van de totale kosten in deze tabel.

# %%
if real:
    adjusted = analysis.with_persons(holm_tables["adjusted"], persons)
    summaries.write_table(adjusted, f"{output_dir}/tables/results_agesex.csv")
    caption = (
        "Age-sex adjusted designs" if language == "en" else "Gecorrigeerd voor leeftijd en geslacht"
    )
    wcr_caption = caption + tables.wcr_note(adjusted, language)
    table(
        tables.without_uninformative_wcr(adjusted),
        INFERENCE,
        "adjusted-cr1-wcr",
        keys=2,
        caption=wcr_caption,
    )
    table(adjusted, RI, "adjusted-ri", keys=2, caption=caption)
    display(Markdown(sentences.pretrend_text(numbers.primary_study, language=language)))
    display(
        Markdown(
            sentences.answer_text(
                primary,
                info["name"],
                headline["unit"],
                numbers.primary_study.pretrend_p_ri,
                language=language,
            )
        )
    )

# %% [markdown] tags=["en"]
# ### How the answer moves with the design choices
#
# The same primary estimate under the choices a referee asks about: no age-sex adjustment;
# comparison municipalities from the proeftuin's own province only, or from its own COROP region
# only (CBS's 40 regions for regional statistics); the municipalities bordering the proeftuin left
# out of the comparison (spillover); only the municipalities a source names as members; the
# designation year 2013 as the start.

# %% [markdown] tags=["nl"]
# ### Hoe het antwoord verandert met de keuzes in de opzet
#
# Dezelfde primaire schatting onder de keuzes waar een referent naar vraagt: geen correctie voor
# leeftijd en geslacht; vergelijkingsgemeenten alleen uit de eigen provincie van de proeftuin, of
# alleen uit de eigen COROP-regio (de 40 regio's van het CBS voor regionale statistiek); de
# gemeenten die aan de proeftuin grenzen weggelaten uit de vergelijking (uitstraling); alleen de
# gemeenten die een bron als deelnemer noemt; het jaar van aanwijzing 2013 als start.

# %%
if real:
    robustness = holm_tables["robustness"].assign(n_persons_proeftuin=persons["population"])
    summaries.write_table(robustness, f"{output_dir}/tables/robustness.csv")
    table(
        robustness,
        [
            "choice",
            "estimate",
            "ci_ri",
            "p_ri",
            "p_ri_holm",
            "comparison_municipalities",
            "treated_municipalities",
            "note",
        ],
        "robustness",
        unit=headline["unit"],
    )
    display(Markdown(sentences.robustness_text(robustness, language=language)))

# %%
part = results[results["outcome"] == headline_outcome]
title = (
    f"{label}: three kinds of 95% interval"
    if language == "en"
    else f"{label}: drie soorten 95%-interval"
)
figure(plots.inference_figure(part, title, unit, data.synthetic, language=language), "inference")

# %% [markdown] tags=["en"]
# ## 5. Event study: were the trends parallel before the start?
#
# One estimate per year relative to the start (the year before the start is the reference).
# Estimates before the start should scatter around zero; the joint test of all of them is the
# pre-trend test, judged against the F distribution with CR1 standard errors (too optimistic with
# few treated municipalities) and against placebo regions (randomization inference, the one to
# trust here). The bars are randomization-inference 95% intervals of each year's estimate. On the
# open data this section shows the age-sex adjusted population design of the primary analysis
# beside the crude target-group design.

# %% [markdown] tags=["nl"]
# ## 5. Event study: liepen de trends vóór de start gelijk op?
#
# Eén schatting per jaar ten opzichte van de start (het jaar vóór de start is de referentie).
# Schattingen vóór de start horen rond nul te liggen; de gezamenlijke toets daarvan is de toets op
# een trendverschil vooraf, beoordeeld tegen de F-verdeling met CR1-standaardfouten (te optimistisch
# bij weinig behandelde gemeenten) en tegen placeboregio's (randomisatie-inferentie, hier de te
# vertrouwen toets). De balken zijn 95%-intervallen uit randomisatie-inferentie per jaar. Op de
# open data toont deze sectie de voor leeftijd en geslacht gecorrigeerde opzet hele bevolking van
# de primaire analyse naast de ruwe opzet doelgroep.

# %%
studies = [numbers.studies[0], primary_study]
for study in studies:
    frame = study.table.assign(design=study.design)
    frame = analysis.with_persons(frame, persons)
    summaries.write_table(frame, f"{output_dir}/tables/event_study_{study.design}.csv")
    display(Markdown(sentences.pretrend_text(study, language=language)))
title = f"Event study: {label}"
figure(
    plots.event_study_figure(studies, title, unit, data.synthetic, language=language), "event_study"
)

# %% [markdown] tags=["en"]
# The DiD estimate of section 4 and the event study answer slightly different questions: the event
# study measures each year against the year before the start, the DiD the years from the start
# against the average of all years before it.

# %% [markdown] tags=["nl"]
# De DiD-schatting van sectie 4 en de event study beantwoorden net verschillende vragen: de event
# study meet elk jaar tegen het jaar vóór de start, de DiD de jaren vanaf de start tegen het
# gemiddelde van alle jaren ervoor.

# %%
for study in studies:
    source = adjusted if (real and study is primary_study) else results
    row = source[source["outcome"] == headline_outcome].set_index("design").loc[study.design]
    reconciled = did.reconcile(row["estimate"], study)
    half = (row["ci_ri_high"] - row["ci_ri_low"]) / 2
    tolerance = 0.1 * half if math.isfinite(half) else 0.1 * abs(row["estimate"])
    text = sentences.reconciliation_text(reconciled, headline["unit"], tolerance, language=language)
    display(Markdown(f"**{tables.study_label(study, language)}**: {text}"))

# %% [markdown] tags=["en"]
# ### How much could a trend difference change the conclusion?
#
# A pre-trend test that does not reject is weak evidence with few treated municipalities.
# Following Rambachan & Roth's relative-magnitude bounds, the trend difference after the start may
# change, year on year, by up to M-bar times the largest change seen before the start; for each
# M-bar the figure shows the identified set of the average post-start effect and a robust 95%
# interval, widened by the randomization-inference half-width (at M-bar = 0 it is the
# randomization-inference interval). A simplified, conservative version of their method.

# %% [markdown] tags=["nl"]
# ### Hoeveel kan een trendverschil de conclusie veranderen?
#
# Een toets op een trendverschil vooraf die niet verwerpt, zegt weinig bij weinig behandelde
# gemeenten. Naar de grenzen van Rambachan & Roth mag het trendverschil na de start van jaar op jaar
# veranderen met ten hoogste M-bar keer de grootste verandering vóór de start; per M-bar toont de
# figuur de geïdentificeerde verzameling van het gemiddelde effect na de start en een robuust
# 95%-interval, verbreed met de halve breedte uit randomisatie-inferentie (bij M-bar = 0 is dat
# het interval van randomisatie-inferentie). Een vereenvoudigde, conservatieve versie van hun
# methode.

# %%
bounds = {}
for study in studies:
    critical = sensitivity.ri_critical_value(study)
    if critical == float("inf"):
        display(Markdown(sentences.too_few_placebos_text(study.design, language=language)))
        continue
    bound = sensitivity.relative_magnitude_bounds(study, critical_value=critical)
    frame = analysis.with_persons(bound.assign(design=study.design), persons)
    summaries.write_table(frame, f"{output_dir}/tables/sensitivity_{study.design}.csv")
    bounds[study.design] = bound
    breakdown = sensitivity.breakdown_mbar(study, critical_value=critical)
    text = sentences.sensitivity_text(bound, breakdown, language=language)
    display(Markdown(f"**{tables.study_label(study, language)}**: {text}"))
if bounds:
    title = (
        f"Sensitivity to trend differences: {label}"
        if language == "en"
        else f"Gevoeligheid voor trendverschillen: {label}"
    )
    figure(
        plots.sensitivity_figure(bounds, title, unit, data.synthetic, language=language),
        "sensitivity",
    )

# %% [markdown] tags=["en"]
# ## 6. Dilution and power: why a target-group effect can vanish in the population
#
# If only the target group is affected, the population effect is the target-group effect times the
# target group's share of the population (plus any spillover on everybody else). Whether the
# population design could see it depends on its minimum detectable effect (MDE: the smallest effect
# found with 80% power in a 5% two-sided test), under randomization inference. This section uses
# the crude designs.

# %% [markdown] tags=["nl"]
# ## 6. Verdunning en onderscheidend vermogen: waarom een effect in de doelgroep in de bevolking kan verdwijnen
#
# Als alleen de doelgroep geraakt wordt, is het effect in de bevolking het effect in de doelgroep
# maal het aandeel van de doelgroep in de bevolking (plus een eventuele uitstraling naar de
# anderen). Of de opzet hele bevolking dat kon zien, hangt af van het minimaal aantoonbare effect
# (MDE: het kleinste effect dat met 80% kans gevonden wordt in een tweezijdige toets op 5%), onder
# randomisatie-inferentie. Deze sectie gebruikt de ruwe opzetten.

# %%
dilution = power.dilution_table(numbers.results, numbers.shares)
dilution = analysis.with_persons(dilution, persons, design="target")
summaries.write_table(dilution, f"{output_dir}/tables/dilution.csv")
table(
    dilution,
    [
        "outcome",
        "target_effect",
        "target_share",
        "implied_population_effect",
        "population_estimate",
        "mde_population_ri",
        "implied_visible",
    ],
    "dilution",
)
row = dilution.set_index("outcome").loc[headline_outcome]
title = (
    f"Dilution and power: {label}"
    if language == "en"
    else f"Verdunning en onderscheidend vermogen: {label}"
)
figure(plots.dilution_figure(row, title, unit, data.synthetic, language=language), "dilution")
display(Markdown(sentences.dilution_text(row, headline["unit"], language=language)))

# %% [markdown] tags=["en"]
# ## 7. Robustness: synthetic control
#
# A different way to build the comparison: a weighted average of comparison municipalities whose
# path matches the proeftuin's before the start (Abadie, Diamond & Hainmueller 2010), from the 20
# municipalities whose pre-start paths are closest. The effect is the average gap after the start;
# its p-value compares that gap with placebo regions. The weights are also fitted without the last
# pre-start year, which they then predict: a fit that misses the held-out year by more than three
# times its in-sample error is flagged as overfit, and then its p-values are no evidence.

# %% [markdown] tags=["nl"]
# ## 7. Robuustheid: synthetische controle
#
# Een andere manier om de vergelijking te bouwen: een gewogen gemiddelde van vergelijkingsgemeenten
# waarvan het verloop vóór de start dat van de proeftuin volgt (Abadie, Diamond & Hainmueller 2010),
# uit de 20 gemeenten met het meest gelijke verloop vooraf. Het effect is het gemiddelde verschil
# na de start; de p-waarde vergelijkt dat verschil met placeboregio's. De gewichten worden ook
# geschat zonder het laatste jaar vóór de start, dat ze dan voorspellen: een fit die dat jaar
# meer dan drie keer zo slecht voorspelt als de jaren waarop hij geschat is, krijgt de markering
# overfit, en dan zijn zijn p-waarden geen bewijs.

# %%
controls = numbers.controls
sc = summaries.synthetic_control_table(controls, numbers.results)
sc = analysis.with_persons(sc, persons)
summaries.write_table(sc, f"{output_dir}/tables/synthetic_control.csv")
fits = analysis.with_persons(summaries.synthetic_control_fit_table(controls), persons)
summaries.write_table(fits, f"{output_dir}/tables/synthetic_control_fit.csv")
table(  # a flagged fit's placebo p is no evidence: not shown
    sc.assign(sc_p_gap=sc["sc_p_gap"].where(~sc["sc_fit_flagged"].astype(bool))),
    [
        "design",
        "sc_estimate",
        "sc_p_gap",
        "sc_fit_flagged",
        "did_estimate",
        "ci_did_ri",
        "did_p_ri",
    ],
    "synthetic-control",
    unit=headline["unit"],
)
table(
    fits,
    ["design", "train_years", "pre_rmspe", "holdout_years", "holdout_rmspe", "fit_flagged"],
    "synthetic-control-fit",
    unit=headline["unit"],
)
if all(control.fit_flagged for control in controls):
    display(Markdown(sentences.all_fits_flagged_text(language)))
display(Markdown(sentences.synthetic_control_text(sc, language=language)))
display(Markdown("\n".join(f"- {sentences.fit_text(c, language=language)}" for c in controls)))
title = f"Synthetic control: {label}" if language == "en" else f"Synthetische controle: {label}"
figure(
    plots.synthetic_control_figure(controls, title, unit, data.synthetic, language=language),
    "synthetic_control",
)

# %% [markdown] tags=["en"]
# ## Methods

# %% [markdown] tags=["nl"]
# ## Methoden

# %%
display(Markdown(appendix.methods_text(language, real=real)))
if real:
    display(Markdown(sentences.definitions_text(outcomes, ref, language=language)))
    provenance = summaries.provenance_table(data)
    table(
        provenance.assign(sha256=provenance["sha256"].str[:12]),
        ["file", "year", "sha256", "checksum", "rows_set_aside", "cells_absent"],
        "provenance",
        caption=tables.provenance_caption(language),
    )
else:
    display(Markdown(sentences.synthetic_note(language)))

# %% [markdown] tags=["en"]
# ## Limitations

# %% [markdown] tags=["nl"]
# ## Beperkingen

# %%
display(Markdown(appendix.limitations_text(language, real=real)))

# %% [markdown] tags=["en"]
# ## References

# %% [markdown] tags=["nl"]
# ## Literatuur

# %%
display(Markdown(appendix.references_text(None, language)))
