"""The appendix of the reports: methods, limitations and references, in English and Dutch.

Every function returns Markdown and takes ``language`` (``"en"`` or ``"nl"``, checked with
:func:`lmp.report.numbers.check_language`). The texts describe what the code does (``lmp.did``,
``lmp.inference``, ``lmp.sensitivity``, ``lmp.synthcontrol``, ``lmp.power``, ``lmp.meta``); when
the code changes, the text here changes with it.

Citations are author-year, in parentheses, each a link to its entry in the reference list:
``([MacKinnon & Webb 2020](#ref-mackinnon2020))``. Up to two authors are named, three or more
as "et al."; several works are separated by semicolons. The texts are written with markers
``[@key]`` or ``[@key1; @key2]`` that :func:`cite` turns into that form, so a citation of a key
that ``data/reference/references.csv`` does not hold fails when the text is made, and
:func:`cited_keys` can read the keys back from the rendered text (the ``#ref-<key>`` anchors).
:func:`references_text` writes the list with those anchors; the heading above it ("References",
"Literatuur") is the notebook's.

Section headings inside a text are level 3 (``###``); the heading of the section itself
("Methods", "Limitations", ...) is the notebook's too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd

from lmp.errors import CatalogueError
from lmp.reference import REFERENCE_DIR
from lmp.report.numbers import check_language

REFERENCES_CSV = REFERENCE_DIR / "references.csv"
COLUMNS = ["key", "authors", "year", "title", "venue", "doi", "url", "topic", "verified"]
TOPICS = (
    "few-cluster inference",
    "wild bootstrap",
    "randomization inference",
    "synthetic control",
    "robust pre-trend bounds",
    "random-effects meta-analysis",
    "multiple testing",
    "segmentation",
    "national monitor",
    "data",
)
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
KEY_PATTERN = re.compile(r"^[a-z]+[0-9]{4}[a-z]?$")
YEAR_PATTERN = re.compile(r"^\d{4}(-\d{4})?$")
MARKER = re.compile(r"\[(@[a-z0-9]+(?:;\s*@[a-z0-9]+)*)\]")
ANCHOR = re.compile(r"\]\(#ref-([a-z0-9]+)\)")


# --------------------------------------------------------------------------------------------
# References
# --------------------------------------------------------------------------------------------


def load_references(path: str | Path | None = None) -> pd.DataFrame:
    """The reference list, one row per cited work, validated.

    Checks: the columns of :data:`COLUMNS`; unique keys of the form ``name1234``; a year
    (``2010`` or a range ``2011-2018``); a title and authors; a ``doi`` or a ``url`` in every
    row; every DOI bare and of the form ``10.<digits>/...`` (no ``https://doi.org/``), and
    unique; a known ``topic``; a filled ``verified`` column (how the DOI or URL was checked).
    Raises :class:`~lmp.errors.CatalogueError` naming the rows that fail.
    """
    return _load(str(path or REFERENCES_CSV)).copy()


@lru_cache(maxsize=4)
def _load(path: str) -> pd.DataFrame:
    if not Path(path).exists():
        raise CatalogueError(f"{path}: the reference list is missing")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(table.columns) != COLUMNS:
        raise CatalogueError(f"{path}: columns must be {COLUMNS}, got {list(table.columns)}")
    table = table.apply(lambda column: column.str.strip())
    problems = []
    for key in table.loc[table["key"].duplicated(), "key"]:
        problems.append(f"key {key!r} twice")
    for row in table.itertuples(index=False):
        where = f"row {row.key!r}"
        if not KEY_PATTERN.match(row.key):
            problems.append(f"{where}: key must look like 'abadie2010'")
        if not YEAR_PATTERN.match(row.year):
            problems.append(f"{where}: year {row.year!r} is not a year or a range of years")
        if not row.authors or not row.title or not row.venue:
            problems.append(f"{where}: authors, title and venue are required")
        if not row.doi and not row.url:
            problems.append(f"{where}: needs a doi or a url")
        if row.doi and not DOI_PATTERN.match(row.doi):
            problems.append(f"{where}: doi {row.doi!r} is not a bare DOI (10.<digits>/...)")
        if row.url and not row.url.startswith(("https://", "http://")):
            problems.append(f"{where}: url {row.url!r} is not a web address")
        if row.topic not in TOPICS:
            problems.append(f"{where}: unknown topic {row.topic!r}")
        if not row.verified:
            problems.append(f"{where}: say in 'verified' how the reference was checked")
    dois = table.loc[table["doi"] != "", "doi"].str.lower()
    for doi in dois[dois.duplicated()]:
        problems.append(f"doi {doi!r} twice")
    labels = table.apply(lambda row: _label(row["authors"], row["year"]), axis=1)
    for label in labels[labels.duplicated()]:
        problems.append(f"two works are cited as {label!r}")
    if problems:
        raise CatalogueError(f"{path}: " + "; ".join(problems))
    return table.set_index("key", drop=False)


def _surnames(authors: str) -> list[str]:
    """``"MacKinnon, J. G.; Webb, M. D."`` -> ``["MacKinnon", "Webb"]``."""
    return [name.split(",")[0].strip() for name in authors.split(";") if name.strip()]


def _years(year: str) -> str:
    return year.replace("-", "\u2013")


def _label(authors: str, year: str) -> str:
    """The author-year label of a citation: ``Abadie 2021``, ``MacKinnon & Webb 2020``,
    ``Abadie et al. 2010``; organisations as they are written (``CBS & PDOK 2020``)."""
    names = _surnames(authors)
    if len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} & {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who} {_years(year)}"


def _sort_key(row: pd.Series) -> tuple[str, str, str]:
    first = unicodedata.normalize("NFKD", _surnames(row["authors"])[0])
    return (first.encode("ascii", "ignore").decode().lower(), row["year"], row["title"].lower())


def cite(text: str, references: pd.DataFrame | None = None) -> str:
    """Replace every marker ``[@key]`` / ``[@a; @b]`` in ``text`` by its author-year citation,
    each label a link to the reference list: ``([Abadie 2021](#ref-abadie2021))``.

    Raises ValueError for a key the reference list does not hold."""
    table = _load(str(REFERENCES_CSV)) if references is None else references

    def one(key: str) -> str:
        if key not in table.index:
            raise ValueError(f"citation of unknown reference {key!r} (not in references.csv)")
        row = table.loc[key]
        return f"[{_label(row['authors'], row['year'])}](#ref-{key})"

    def replace(match: re.Match) -> str:
        keys = [part.strip().lstrip("@") for part in match.group(1).split(";")]
        return "(" + "; ".join(one(key) for key in keys) + ")"

    return MARKER.sub(replace, text)


def cited_keys(text: str) -> list[str]:
    """The reference keys cited in rendered Markdown ``text`` (the ``#ref-<key>`` links that
    :func:`cite` writes), each once, in order of first citation."""
    return list(dict.fromkeys(ANCHOR.findall(text)))


def _entry(row: pd.Series) -> str:
    names = [name.strip() for name in row["authors"].split(";") if name.strip()]
    if len(names) == 1:
        who = names[0]
    else:
        who = ", ".join(names[:-1]) + " & " + names[-1]
    title = row["title"].rstrip(".")
    end = "" if title.endswith(("?", "!")) else "."
    venue = re.sub(r"(\d)-(\d)", "\\1\u2013\\2", row["venue"])
    link = f"https://doi.org/{row['doi']}" if row["doi"] else row["url"]
    return (
        f'- <a id="ref-{row["key"]}"></a>{who} ({_years(row["year"])}). {title}{end} '
        f"*{venue}*. [{link}]({link})"
    )


def references_text(keys: list[str] | None = None, language: str = "en") -> str:
    """The reference list as a Markdown bullet list: all works of ``references.csv``, or only
    ``keys`` (e.g. :func:`cited_keys` of the texts shown), sorted by first author and year.

    Each entry carries the anchor ``ref-<key>`` that the citations link to, and a link to
    ``https://doi.org/<doi>`` or, for a work without a DOI, its stable URL. The list has no
    heading: the notebook adds "References" (English) or "Literatuur" (Dutch) above it. The
    entries are bibliographic data and read the same in both languages.
    """
    check_language(language)
    table = _load(str(REFERENCES_CSV))
    if keys is not None:
        unknown = [key for key in keys if key not in table.index]
        if unknown:
            raise ValueError(f"unknown reference key(s): {', '.join(unknown)}")
        table = table.loc[list(dict.fromkeys(keys))]
    rows = sorted((row for _, row in table.iterrows()), key=_sort_key)
    return "\n".join(_entry(row) for row in rows) + "\n"


# --------------------------------------------------------------------------------------------
# Texts
# --------------------------------------------------------------------------------------------


def _compose(sections: list[tuple[str, str]]) -> str:
    parts = [f"### {heading}\n\n{body.strip()}\n" for heading, body in sections]
    return cite("\n".join(parts))


_DATA_REAL = {
    "en": (
        "Data",
        """
The data are the Vektis open data on the costs paid under the Health Insurance Act
(Zorgverzekeringswet, Zvw) for 2011–2018 [@vektis2011]: for everyone insured under the Zvw (about 17
million people), per municipality × sex × age class (19 classes), the number of insured persons, the
insured-years (persons weighted by the part of the year they were insured there) and the costs per
care category. The files for 2011–2018 use the municipal classification of 1 January 2020 (355
municipalities); every proeftuin and every comparison municipality is defined in that
classification. Vektis does not publish cells with fewer than 10 insured persons: such cells are
left out, never set to zero, so the panel is unbalanced and each design uses the cells that are
present. Insured-years are the regression weights. Municipal borders, for the maps and for drawing
contiguous placebo regions, are the CBS boundaries of 2020 [@cbs2020].

The nine proeftuinen, their regions and their programmes are described in the reports of the
national monitor [@drewes2014; @heijink2014; @drewes2015; @rivm2018]. Which municipalities belong to
each proeftuin is taken from public sources where they name them and inferred otherwise; the
membership table says which (column *Membership*) and whether a proeftuin covers only part of a
municipality's population (column *Partial*).
""",
    ),
    "nl": (
        "Gegevens",
        """
De gegevens zijn de open data van Vektis over de kosten die zorgverzekeraars onder de
Zorgverzekeringswet (Zvw) hebben vergoed, over 2011–2018 [@vektis2011]: voor alle Zvw-verzekerden
(ongeveer 17 miljoen mensen), per gemeente × geslacht × leeftijdsklasse (19 klassen), het aantal
verzekerden, het aantal verzekerdenjaren (verzekerden gewogen naar het deel van het jaar dat zij er
verzekerd waren) en de kosten per kostensoort. De bestanden over 2011–2018 gebruiken de
gemeentelijke indeling van 1 januari 2020 (355 gemeenten); elke proeftuin en elke
vergelijkingsgemeente is in die indeling gedefinieerd. Vektis publiceert geen cellen met minder dan
10 verzekerden: zulke cellen ontbreken en worden nooit op nul gezet, zodat het panel ongebalanceerd
is en elk ontwerp de aanwezige cellen gebruikt. De verzekerdenjaren zijn de gewichten in de
regressie. De gemeentegrenzen, voor de kaarten en voor het trekken van aaneengesloten
placeboregio's, zijn de CBS-grenzen van 2020 [@cbs2020].

De negen proeftuinen, hun regio's en hun programma's zijn beschreven in de rapporten van de
landelijke monitor [@drewes2014; @heijink2014; @drewes2015; @rivm2018]. Welke gemeenten bij een
proeftuin horen, komt uit openbare bronnen waar die ze noemen, en is anders afgeleid; de tabel met
gemeenten zegt welke (kolom *Aansluiting*) en of een proeftuin maar een deel van de inwoners van een
gemeente bedient (kolom *Gedeeltelijk*).
""",
    ),
}

_DEFINITIONS_REAL = {
    "en": (
        "Definitions",
        """
Every outcome is a cost per insured-year (*zorgkosten per verzekerdenjaar*): the costs of a cell
divided by its insured-years, in nominal euros. `cost_total` adds up every cost column except the
benefits moved into the Zvw during the period (geriatric rehabilitation in 2013, long-term mental
health care and nursing and personal care in 2015, short-stay primary care beds in 2018), so that it
is comparable over 2011–2018, with one known break: short-stay primary care beds
(*eerstelijnsverblijf*) are a Zvw benefit from 2017, but Vektis gives them a column only from 2018;
in 2017 they sit in the column of other costs, which `cost_total` includes (nationally about €15 per
insured-year, mostly among the elderly). Each report therefore also shows the primary estimate on
2011–2016 only. The other outcomes are sectors: hospital care (medical specialist
care), pharmacy, GP care with and without the MDZ column (multidisciplinary care for chronic
conditions, a column of its own only from 2015) and mental health care. Nursing and personal care
are in the Zvw only from 2015, so no difference-in-differences with earlier years can be estimated
for them.

The target group (*doelgroep*) of a proeftuin cannot be seen in the open data, which hold no
diagnoses or care needs. It is approximated by age classes fixed in advance from the population
segments the programme aimed at, in the spirit of the segments of the Bridges to Health model
[@lynn2007]: frail elderly as 75+, chronic or multimorbid patients as 65+, mother and child as 0–4,
mental health as 20–64, several segments as the union of their classes, and 65+ where no segment is
known from a source. Target groups are never defined by care use in the outcome years. Every
proeftuin starts in 2014 (designated in 2013; 2014 is the first full year): the years before the
start are 2011–2013, the years after it 2014–2018.
""",
    ),
    "nl": (
        "Definities",
        """
Elke uitkomstmaat is een bedrag aan zorgkosten per verzekerdenjaar: de kosten van een cel gedeeld
door haar verzekerdenjaren, in nominale euro's. `cost_total` telt alle kostenkolommen op behalve de
zorg die in de loop van de periode naar de Zvw is overgeheveld (geriatrische revalidatiezorg in
2013, langdurige ggz en verpleging en verzorging in 2015, eerstelijnsverblijf in 2018), zodat de
maat over 2011–2018 vergelijkbaar is, met één bekende breuk: eerstelijnsverblijf valt vanaf 2017
onder de Zvw, maar Vektis geeft het pas vanaf 2018 een eigen kolom; in 2017 zit het in de kolom
overige kosten, die `cost_total` meetelt (landelijk ongeveer €\u00a015 per verzekerdenjaar, vooral bij
ouderen). Elk rapport toont daarom ook de primaire schatting op alleen 2011–2016. De andere uitkomstmaten zijn sectoren: medisch-specialistische
zorg, farmacie, huisartsenzorg met en zonder de kolom MDZ (multidisciplinaire zorg voor chronisch
zieken, pas vanaf 2015 een eigen kolom) en ggz. Verpleging en verzorging valt pas vanaf 2015 onder
de Zvw; een verschil-in-verschillen met eerdere jaren is daarvoor niet te schatten.

De doelgroep van een proeftuin is in de open data niet te zien: die bevatten geen diagnoses of
zorgbehoeften. De doelgroep wordt benaderd met leeftijdsklassen die vooraf zijn vastgelegd op grond
van de segmenten waarop het programma zich richtte, naar het voorbeeld van de segmenten van het
Bridges to Health-model [@lynn2007]: kwetsbare ouderen als 75+, chronisch zieken of mensen met
multimorbiditeit als 65+, moeder en kind als 0–4, ggz als 20–64, meerdere segmenten als de
vereniging van hun klassen, en 65+ waar geen bron een segment noemt. Een doelgroep wordt nooit
bepaald aan de hand van zorggebruik in de uitkomstjaren. Elke proeftuin start in 2014 (aangewezen in
2013; 2014 is het eerste volle jaar): de jaren vóór de start zijn 2011–2013, de jaren erna
2014–2018.
""",
    ),
}

_DATA_SYNTH = {
    "en": (
        "Data",
        """
This report runs on **synthetic data** generated by `lmp synth`, not on data of the real
proeftuinen: yearly cells per municipality × year × population segment for 2010–2019, with effects
injected on purpose and recorded in a truth file, so that the methods can be checked against known
answers. The six segments (healthy, maternal and child, chronic, multimorbid, mental health, frail
elderly) are simplified from the Bridges to Health model [@lynn2007]. Municipality sizes are the
real insured-years of 2015 in the Vektis open data [@vektis2011] and the municipal classification is
that of 2020 [@cbs2020]. Persons (person-years) are the regression weights.
""",
    ),
    "nl": (
        "Gegevens",
        """
Dit rapport draait op **synthetische gegevens**, gemaakt door `lmp synth`, niet op gegevens van de
echte proeftuinen: cellen per gemeente × jaar × populatiesegment over 2010–2019, met effecten die
bewust zijn toegevoegd en in een bestand met de ware waarden zijn vastgelegd, zodat de methoden
tegen bekende antwoorden te toetsen zijn. De zes segmenten (gezond, moeder en kind, chronisch ziek,
multimorbide, ggz, kwetsbare ouderen) zijn vereenvoudigd uit het Bridges to Health-model
[@lynn2007]. De omvang van elke gemeente is het echte aantal verzekerdenjaren van 2015 in de open
data van Vektis [@vektis2011], in de gemeentelijke indeling van 2020 [@cbs2020]. Personen
(persoonsjaren) zijn de gewichten in de regressie.
""",
    ),
}

_DEFINITIONS_SYNTH = {
    "en": (
        "Definitions",
        """
The synthetic outcomes follow the Triple Aim: costs per person-year (total and per sector), good
self-rated health, potentially avoidable hospital admissions and emergency department visits. The
target group (*doelgroep*) of a proeftuin is the set of segments its programme aimed at; on these
data a person's segment is known exactly, which real open data do not allow. Every proeftuin starts
in 2014.
""",
    ),
    "nl": (
        "Definities",
        """
De synthetische uitkomstmaten volgen de Triple Aim: zorgkosten per persoonsjaar (totaal en per
sector), goede ervaren gezondheid, mogelijk vermijdbare ziekenhuisopnamen en bezoeken aan de
spoedeisende hulp. De doelgroep van een proeftuin is de verzameling segmenten waarop het programma
zich richtte; in deze gegevens is het segment van ieder persoon precies bekend, wat echte open data
niet toelaten. Elke proeftuin start in 2014.
""",
    ),
}

_DESIGNS = {
    "en": (
        "Designs",
        """
Every design is a difference-in-differences: a weighted least-squares regression on cell means, with
the regression weights above and fixed effects removed exactly, so that estimates and standard
errors equal those of the same regression on individual rows. The comparison municipalities
(*vergelijkingsgemeenten*) are every municipality that belongs to no proeftuin.

- **Population**: everybody in the proeftuin's municipalities against everybody in the comparison
  municipalities, with municipality and year fixed effects.
- **Target**: only the target group, against the same ages or segments in the comparison
  municipalities, with the same fixed effects.
- **Triple difference**: the target group against everybody else within the same municipalities,
  with fixed effects for municipality × group, year × group and municipality × year, so that any
  shock common to a municipality in a year drops out.
- **Age–sex adjustment** (population and target designs, open data only): cells per municipality ×
  year × sex × age class, with fixed effects for municipality × class and year × class (class: sex ×
  age class). This is the regression form of age–sex standardisation: a shift in the age–sex mix of
  a region does not pass for an effect.

The estimate is the change in the outcome from the years before the start to the years after it, in
the proeftuin minus that in the comparison municipalities, in euros per insured-year (on the
synthetic data, in the unit of the outcome).
""",
    ),
    "nl": (
        "Onderzoeksopzet",
        """
Elk ontwerp is een verschil-in-verschillen: een gewogen kleinste-kwadratenregressie op
celgemiddelden, met de gewichten hierboven en vaste effecten die exact worden verwijderd, zodat
schattingen en standaardfouten gelijk zijn aan die van dezelfde regressie op individuele rijen. De
vergelijkingsgemeenten zijn alle gemeenten die bij geen enkele proeftuin horen.

- **Populatie**: alle inwoners van de gemeenten van de proeftuin tegenover alle inwoners van de
  vergelijkingsgemeenten, met vaste effecten voor gemeente en jaar.
- **Doelgroep**: alleen de doelgroep, tegenover dezelfde leeftijden of segmenten in de
  vergelijkingsgemeenten, met dezelfde vaste effecten.
- **Drievoudig verschil**: de doelgroep tegenover alle anderen binnen dezelfde gemeenten, met vaste
  effecten voor gemeente × groep, jaar × groep en gemeente × jaar, zodat elke schok die een gemeente
  in een jaar als geheel treft wegvalt.
- **Correctie voor leeftijd en geslacht** (populatie- en doelgroepontwerp, alleen open data): cellen
  per gemeente × jaar × geslacht × leeftijdsklasse, met vaste effecten voor gemeente × klasse en
  jaar × klasse (klasse: geslacht × leeftijdsklasse). Dit is de regressievorm van standaardisatie
  naar leeftijd en geslacht: een verschuiving in de leeftijds- en geslachtsopbouw van een regio
  geldt niet als effect.

De schatting is de verandering van de uitkomst van de jaren vóór de start naar de jaren erna in de
proeftuin, min die in de vergelijkingsgemeenten, in euro's per verzekerdenjaar (op de synthetische
gegevens in de eenheid van de uitkomstmaat).
""",
    ),
}

_PRIMARY_REAL = {
    "en": (
        "Primary analysis",
        """
The primary analysis of every report is `cost_total`, population design, adjusted for age and sex,
2011–2018, judged by randomization inference in a two-sided test at the 5% level. It was chosen in
the project's issue tracker before the reports on the real data existed; it is not a registered
pre-analysis plan. Every other estimate in a report is secondary.
""",
    ),
    "nl": (
        "Primaire analyse",
        """
De primaire analyse van elk rapport is `cost_total`, populatieontwerp, gecorrigeerd voor leeftijd en
geslacht, 2011–2018, beoordeeld met randomisatie-inferentie in een tweezijdige toets op 5%-niveau.
Zij is gekozen in het issuesysteem van het project voordat de rapporten op de echte gegevens
bestonden; het is geen geregistreerd analyseplan. Elke andere schatting in een rapport is secundair.
""",
    ),
}

_PRIMARY_SYNTH = {
    "en": (
        "Primary analysis",
        """
On the open data the primary analysis is `cost_total`, population design, adjusted for age and sex,
2011–2018, judged by randomization inference. The synthetic data have no age classes, so here it is
the crude population design of `cost_total` over all years of the data. Every other estimate is
secondary.
""",
    ),
    "nl": (
        "Primaire analyse",
        """
Op de open data is de primaire analyse `cost_total`, populatieontwerp, gecorrigeerd voor leeftijd en
geslacht, 2011–2018, beoordeeld met randomisatie-inferentie. De synthetische gegevens hebben geen
leeftijdsklassen; hier is het daarom het ongecorrigeerde populatieontwerp van `cost_total` over alle
jaren van de gegevens. Elke andere schatting is secundair.
""",
    ),
}

_INFERENCE = {
    "en": (
        "Inference with one treated region",
        """
Standard errors are clustered by municipality, because outcomes of one municipality are correlated
over the years [@bertrand2004]. With one treated region of a few municipalities, cluster-robust
standard errors are too small and tests reject far too often [@conley2011; @mackinnon2017;
@mackinnon2018]. Every estimate therefore carries three kinds of inference, and the report says in
words which one it trusts.

- **Randomization inference** (RI, the one the reports trust) [@mackinnon2020]: the same
  difference-in-differences is estimated again with the proeftuin's treatment moved to placebo
  regions of comparison municipalities. A placebo region is contiguous, like a proeftuin: it grows
  from a random comparison municipality by adding neighbouring comparison municipalities (shared
  borders in the CBS boundaries) until it has as many municipalities as the proeftuin, and it is
  kept when its persons lie between 1/1.5 and 1.5 times the proeftuin's. Up to 999 distinct placebo
  regions are drawn with a fixed seed. The p-value is (1 + the number of placebo estimates at least
  as large in absolute value as the estimate) / (1 + the number of placebos). The 95% confidence
  interval inverts that test under a constant additive effect: the estimate plus or minus the ⌊0.05
  × (1 + B)⌋-th largest absolute placebo estimate, B the number of placebos; it is unbounded when
  there are too few placebo regions (fewer than 19). Regions grown at random are not an exact
  permutation distribution; lmp's own checks on the real data, without an effect, put the
  false-positive rate at about 6–12% instead of 5% for regions of 8 neighbouring municipalities, so
  a p-value just below 0.05 is weak evidence.
- **Wild cluster restricted bootstrap** (WCR) [@cameron2008]: the null hypothesis imposed, Webb's
  six-point weights [@webb2023], 9,999 draws, computed with the "fast and wild" algebra
  [@roodman2019]. The p-value is the share of draws whose absolute t statistic is at least that of
  the data; the 95% interval inverts the test (bisection on the p-value). With one or two treated
  municipalities the WCR is known to be uninformative (wide or unbounded intervals)
  [@mackinnon2018]; the reports say so.
- **CR1**, the conventional cluster-robust standard error, for reference only: small-sample factor
  G/(G − 1) · (N − 1)/(N − K), with G the number of municipalities, N the sum of the regression
  weights and K the number of parameters including every fixed effect; t and F tests with G − 1
  degrees of freedom.

A test is significant when p ≤ 0.05.
""",
    ),
    "nl": (
        "Inferentie met één behandelde regio",
        """
Standaardfouten zijn geclusterd per gemeente, omdat de uitkomsten van een gemeente over de jaren
samenhangen [@bertrand2004]. Met één behandelde regio van enkele gemeenten zijn cluster-robuuste
standaardfouten te klein en verwerpen toetsen veel te vaak [@conley2011; @mackinnon2017;
@mackinnon2018]. Elke schatting krijgt daarom drie soorten inferentie, en het rapport zegt in
woorden op welke het vertrouwt.

- **Randomisatie-inferentie** (RI, waarop de rapporten vertrouwen) [@mackinnon2020]: hetzelfde
  verschil-in-verschillen wordt opnieuw geschat, met de behandeling van de proeftuin verplaatst naar
  placeboregio's van vergelijkingsgemeenten. Een placeboregio is aaneengesloten, net als een
  proeftuin: zij groeit vanuit een willekeurige vergelijkingsgemeente door aangrenzende
  vergelijkingsgemeenten toe te voegen (gedeelde grenzen volgens de CBS-grenzen) tot zij evenveel
  gemeenten telt als de proeftuin, en wordt gehouden als haar aantal personen tussen 1/1,5 en 1,5
  keer dat van de proeftuin ligt. Er worden tot 999 verschillende placeboregio's getrokken met een
  vaste startwaarde. De p-waarde is (1 + het aantal placeboschattingen dat in absolute waarde
  minstens zo groot is als de schatting) / (1 + het aantal placebo's). Het
  95%-betrouwbaarheidsinterval keert die toets om onder een constant additief effect: de schatting
  plus of min de ⌊0,05 × (1 + B)⌋-de grootste absolute placeboschatting, met B het aantal placebo's;
  het is onbegrensd als er te weinig placeboregio's zijn (minder dan 19). Willekeurig gegroeide
  regio's vormen geen exacte permutatieverdeling; eigen controles van lmp op de echte gegevens,
  zonder effect, geven een kans op een vals-positieve uitkomst van ongeveer 6–12% in plaats van 5%
  voor regio's van 8 aangrenzende gemeenten, dus een p-waarde net onder 0,05 is zwak bewijs.
- **Wild cluster restricted bootstrap** (WCR) [@cameron2008]: met de nulhypothese opgelegd, de
  zespuntsgewichten van Webb [@webb2023], 9.999 trekkingen, berekend met een snelle rekenwijze
  [@roodman2019]. De p-waarde is het aandeel trekkingen waarvan de absolute t-waarde minstens die
  van de gegevens is; het 95%-betrouwbaarheidsinterval keert de toets om (bisectie op de p-waarde).
  Het is bekend dat de WCR met één of twee behandelde gemeenten weinig zegt (brede of onbegrensde
  intervallen) [@mackinnon2018]; de rapporten melden dat.
- **CR1**, de gebruikelijke cluster-robuuste standaardfout, alleen ter vergelijking:
  kleine-steekproeffactor G/(G − 1) · (N − 1)/(N − K), met G het aantal gemeenten, N de som van de
  regressiegewichten en K het aantal parameters inclusief alle vaste effecten; t- en F-toetsen met G
  − 1 vrijheidsgraden.

Een toets is significant als p ≤ 0,05.
""",
    ),
}

_EVENT = {
    "en": (
        "Event study and trends before the start",
        """
The event study estimates one coefficient per year relative to the start, against the year before it
(2013). The coefficients of the years before the start (on the open data 2011 and 2012) are tested
jointly: with the CR1 F test and against the same F statistic for the placebo regions of
randomization inference. With only two comparisons before the start this test has little power, and
passing it says little about parallel trends [@roth2022]. Each year gets a randomization-inference
95% band from the same placebo regions. The difference-in-differences compares the average gap after
the start with the average over all years before it, the event study each year with 2013; the report
reconciles the two.
""",
    ),
    "nl": (
        "Event study en trends vóór de start",
        """
De event study schat één coëfficiënt per jaar ten opzichte van de start, tegenover het jaar ervoor
(2013). De coëfficiënten van de jaren vóór de start (op de open data 2011 en 2012) worden samen
getoetst: met de F-toets op CR1 en tegen dezelfde F-waarde voor de placeboregio's van de
randomisatie-inferentie. Met maar twee vergelijkingen vóór de start heeft deze toets weinig
onderscheidend vermogen, en als hij niet verwerpt, zegt dat weinig over parallelle trends
[@roth2022]. Elk jaar krijgt een 95%-band uit randomisatie-inferentie, op dezelfde placeboregio's.
Het verschil-in-verschillen vergelijkt het gemiddelde verschil na de start met het gemiddelde over
alle jaren ervoor, de event study elk jaar met 2013; het rapport laat zien hoe de twee op elkaar
aansluiten.
""",
    ),
}

_SENSITIVITY = {
    "en": (
        "Sensitivity to a difference in trends",
        """
How far may parallel trends fail before the conclusion changes? In the spirit of the
relative-magnitude bounds [@rambachan2023], the difference in trends after the start may change from
year to year by up to M̄ times the largest such change before the start. For each M̄ (0, 0.5, 1,
1.5, 2) a linear program gives the set of average post-start effects that the data allow, and a
robust 95% interval widens that set by the randomization-inference half-width of the average
post-start effect; at M̄ = 0 it is the randomization-inference interval. The breakdown value is the
smallest M̄ at which the interval contains zero. This is a simplified, conservative version, not
their conditional or hybrid confidence sets: no exact coverage is claimed.
""",
    ),
    "nl": (
        "Gevoeligheid voor een verschil in trends",
        """
Hoe ver mogen de trends uiteenlopen voordat de conclusie verandert? Naar het voorbeeld van de
grenzen voor relatieve omvang [@rambachan2023] mag het verschil in trends na de start van jaar op
jaar hooguit M̄ keer zoveel veranderen als de grootste verandering vóór de start. Voor elke M̄ (0;
0,5; 1; 1,5; 2) geeft een lineair programma de verzameling gemiddelde effecten na de start die de
gegevens toelaten, en een robuust 95%-betrouwbaarheidsinterval verbreedt die verzameling met de
halve breedte uit randomisatie-inferentie van het gemiddelde effect na de start; bij M̄ = 0 is het
het interval van de randomisatie-inferentie. De omslagwaarde is de kleinste M̄ waarbij het interval
nul bevat. Dit is een vereenvoudigde, behoudende versie, niet hun voorwaardelijke of hybride
betrouwbaarheidsverzamelingen: een exacte dekking wordt niet geclaimd.
""",
    ),
}

_SYNTHCONTROL = {
    "en": (
        "Synthetic control",
        """
As a check beside the difference-in-differences, the synthetic control builds the comparison as a
weighted average of comparison municipalities (weights at least zero, summing to one) whose path
before the start matches the proeftuin's, every year counting equally [@abadie2010; @abadie2015].
Each fit may weight only the 20 comparison municipalities whose paths before the start are closest,
a pool of similar units [@abadie2021]. The effect is the average gap after the start. Its p-values
rank the proeftuin's absolute average gap and its ratio of prediction errors after and before the
start among those of up to 100 placebo regions of as many comparison municipalities. The fit is also
checked out of sample: the weights are fitted again without the last year before the start, which
they must then predict. A fit whose error in that year is more than three times its error on the
years it was fitted to is flagged as overfit: its p-values are then no evidence and it is not
compared with the difference-in-differences. With three years before the start on the open data, the
fits are usually exact on those years and then flagged. The two methods agree when they reach the
same verdict and the synthetic control's estimate lies inside the randomization-inference interval
of the difference-in-differences.
""",
    ),
    "nl": (
        "Synthetische controle",
        """
Als controle naast het verschil-in-verschillen bouwt de synthetische controle de vergelijking als
gewogen gemiddelde van vergelijkingsgemeenten (gewichten niet negatief, samen één) waarvan het
verloop vóór de start dat van de proeftuin volgt, waarbij elk jaar even zwaar telt [@abadie2010;
@abadie2015]. Elke schatting mag alleen de 20 vergelijkingsgemeenten gewicht geven waarvan het
verloop vóór de start het dichtst bij dat van de proeftuin ligt, een groep van vergelijkbare
eenheden [@abadie2021]. Het effect is het gemiddelde verschil na de start. De p-waarden plaatsen het
absolute gemiddelde verschil van de proeftuin en haar verhouding van de voorspelfouten na en vóór de
start tussen die van tot 100 placeboregio's van evenveel vergelijkingsgemeenten. De schatting wordt
ook buiten de eigen jaren gecontroleerd: de gewichten worden opnieuw bepaald zonder het laatste jaar
vóór de start, dat zij dan moeten voorspellen. Een schatting waarvan de fout in dat jaar meer dan
drie keer zo groot is als de fout op de jaren waarop zij is bepaald, krijgt de markering 'overfit':
haar p-waarden zijn dan geen bewijs en zij wordt niet met het verschil-in-verschillen vergeleken.
Met drie jaren vóór de start op de open data passen de gewichten die jaren meestal precies en worden
zij dan gemarkeerd. De twee methoden komen overeen als zij tot hetzelfde oordeel komen en de
schatting van de synthetische controle binnen het interval van de randomisatie-inferentie van het
verschil-in-verschillen ligt.
""",
    ),
}

_POWER = {
    "en": (
        "Dilution and minimum detectable effect",
        """
The minimum detectable effect (MDE) is the smallest effect that the design would detect with 80%
power in a two-sided test at the 5% level, under the inference actually used. Under randomization
inference it is exact, from the placebo estimates as draws of the estimate's error without an
effect; the conventional MDE from CR1, (t₀.₉₇₅ + t₀.₈) × SE, is shown beside it. If only the target
group, a share s of the population, is affected by an effect τ, the population mean moves by s × τ,
plus (1 − s) times any effect on everybody else (estimated as the target-group estimate minus the
triple difference). The dilution table compares that implied population effect with the population
MDE and gives the target-group effect that would have been needed to be visible in the whole
population.
""",
    ),
    "nl": (
        "Verdunning en minimaal detecteerbaar effect",
        """
Het minimaal detecteerbare effect (MDE) is het kleinste effect dat het ontwerp met een
onderscheidend vermogen van 80% zou vinden in een tweezijdige toets op 5%-niveau, met de inferentie
die werkelijk wordt gebruikt. Onder randomisatie-inferentie is het exact, uit de placeboschattingen
als trekkingen van de fout van de schatting zonder effect; het gebruikelijke MDE uit CR1, (t₀,₉₇₅ +
t₀,₈) × SE, staat ernaast. Als alleen de doelgroep, een aandeel s van de bevolking, een effect τ
ondervindt, verschuift het gemiddelde van de hele bevolking met s × τ, plus (1 − s) maal een
eventueel effect op alle anderen (geschat als de schatting voor de doelgroep min het drievoudige
verschil). De verdunningstabel vergelijkt dat effect op bevolkingsniveau met het MDE van het
populatieontwerp en geeft het effect in de doelgroep dat nodig was geweest om in de hele bevolking
zichtbaar te zijn.
""",
    ),
}

_MULTIPLICITY = {
    "en": (
        "Multiple testing",
        """
The primary analysis is judged on its own. The secondary tests of a report (other outcomes, designs
and comparison groups) are one family: their randomization-inference p-values get Holm's step-down
correction [@holm1979], shown beside the unadjusted ones. Across the nine proeftuinen, the primary
p-values are corrected with Holm's method in the synthesis report.
""",
    ),
    "nl": (
        "Meervoudig toetsen",
        """
De primaire analyse wordt op zichzelf beoordeeld. De secundaire toetsen van een rapport (andere
uitkomstmaten, ontwerpen en vergelijkingsgroepen) vormen één familie: hun p-waarden uit
randomisatie-inferentie krijgen de stapsgewijze correctie van Holm [@holm1979], naast de
ongecorrigeerde. Over de negen proeftuinen heen worden de primaire p-waarden in het
overzichtsrapport met de methode van Holm gecorrigeerd.
""",
    ),
}

_NUMBERS = {
    "en": (
        "What the numbers in the tables mean",
        """
- **Estimate**: the difference-in-differences, in euros per insured-year (or the outcome's unit):
  how much more (positive) or less (negative) the outcome changed after the start in the proeftuin
  than in the comparison municipalities, averaged over the years after the start.
- **RI p-value and 95% confidence interval**: randomization inference, with the number of placebo
  regions it rests on; "unbounded" when there are too few placebo regions to reject at 5%.
- **WCR p-value and interval**: the wild cluster restricted bootstrap; "< 1/9999" when no draw
  reached the data's t statistic.
- **CR1 standard error, p-value and interval**: conventional, for reference; too small with one
  treated region.
- **Holm p-value**: the RI p-value corrected for the family of tests it belongs to.
- **MDE**: the smallest effect found with 80% power (RI, and CR1 for comparison).
- **Pre-trend p-values**: the joint test of the years before the start, by CR1 and by RI.
- **M̄ and breakdown value**: how large a change in the difference in trends the conclusion
  survives.
- **Synthetic control**: the average gap after the start, its placebo p-values, the prediction
  errors before and after the start and in the held-out year, and whether the fit is flagged.
""",
    ),
    "nl": (
        "Wat de getallen in de tabellen betekenen",
        """
- **Schatting**: het verschil-in-verschillen, in euro's per verzekerdenjaar (of de eenheid van de
  uitkomstmaat): hoeveel meer (positief) of minder (negatief) de uitkomst na de start in de
  proeftuin veranderde dan in de vergelijkingsgemeenten, gemiddeld over de jaren na de start.
- **RI-p-waarde en 95%-betrouwbaarheidsinterval**: randomisatie-inferentie, met het aantal
  placeboregio's waarop zij rust; 'onbegrensd' als er te weinig placeboregio's zijn om op 5%-niveau
  te verwerpen.
- **WCR-p-waarde en interval**: de wild cluster restricted bootstrap; '< 1/9999' als geen enkele
  trekking de t-waarde van de gegevens bereikte.
- **CR1-standaardfout, p-waarde en interval**: gebruikelijk, ter vergelijking; te klein met één
  behandelde regio.
- **Holm-p-waarde**: de RI-p-waarde gecorrigeerd voor de familie van toetsen waartoe zij behoort.
- **MDE**: het kleinste effect dat met 80% onderscheidend vermogen gevonden wordt (RI, en CR1 ter
  vergelijking).
- **P-waarden voor trends vóór de start**: de gezamenlijke toets van de jaren vóór de start, met CR1
  en met RI.
- **M̄ en omslagwaarde**: hoe groot een verandering in het verschil in trends de conclusie
  doorstaat.
- **Synthetische controle**: het gemiddelde verschil na de start, de p-waarden uit placebo's, de
  voorspelfouten vóór en na de start en in het weggelaten jaar, en of de schatting gemarkeerd is.
""",
    ),
}


def methods_text(language: str, real: bool = True) -> str:
    """The methods appendix of a proeftuin report in ``language``, as Markdown.

    ``real``: the report runs on the Vektis open data (data, definitions and primary analysis
    of the real reports); otherwise on the synthetic demonstration data. Subsections are
    level-3 headings; citations link to :func:`references_text`.
    """
    check_language(language)
    parts = (
        [_DATA_REAL, _DEFINITIONS_REAL, _DESIGNS, _PRIMARY_REAL]
        if real
        else [_DATA_SYNTH, _DEFINITIONS_SYNTH, _DESIGNS, _PRIMARY_SYNTH]
    )
    parts += [_INFERENCE, _EVENT, _SENSITIVITY, _SYNTHCONTROL, _POWER, _MULTIPLICITY, _NUMBERS]
    return _compose([part[language] for part in parts])


_SYNTHESIS = {
    "en": [
        (
            "The primary analysis across the nine",
            """
The synthesis opens with each report's primary analysis (on the open data `cost_total`, population
design, adjusted for age and sex, 2011–2018; on the synthetic data the crude population design),
judged by randomization inference. Nine regions are nine tests: their p-values get Holm's step-down
correction [@holm1979], shown beside the unadjusted ones, and the text says how many effects are
detectable before and after the correction.
""",
        ),
        (
            "Forest plots and counts",
            """
The later sections use the crude designs (without age–sex adjustment), so on the open data their
numbers differ from the primary results. The forest plots show each proeftuin's estimate with its
randomization-inference 95% confidence interval, target group beside whole population. A table
counts how many proeftuinen show an effect at the 5% level by each kind of inference (CR1, wild
cluster restricted bootstrap, randomization inference): the gap between CR1 and the other two is the
cost of trusting conventional standard errors with one treated region [@conley2011; @mackinnon2020].
""",
        ),
        (
            "Random-effects meta-analysis",
            """
One pooled effect per outcome and design: a random-effects meta-analysis with the DerSimonian–Laird
estimate of the variance between proeftuinen [@dersimonian1986] and Hartung–Knapp intervals, which
hold their level better with so few studies [@hartung2001; @inthout2014]; heterogeneity as τ²,
Cochran's Q and I² [@higgins2002]. Each proeftuin's standard error is the standard deviation of its
placebo estimates from randomization inference, not its CR1 standard error, which is far too small
with one treated region. Only proeftuinen whose status as one of the nine is confirmed by a source
are pooled, and only estimates with a finite randomization-inference interval; the others are shown
apart. Cautions: the proeftuinen share one pool of comparison municipalities, so their estimates are
not independent and the pooled interval is too narrow; proeftuinen with the same number of
municipalities are compared with the same placebo regions and so get the same standard error; and a
pooled effect averages different programmes for different target groups. Read it as "the typical
proeftuin", and τ² and I² as how much they differ.
""",
        ),
        (
            "What the numbers in the tables mean",
            """
- **Pooled estimate** with its Hartung–Knapp 95% confidence interval and p-value (the Wald interval
  beside it), and the common-effect estimate.
- **k**: the number of proeftuinen pooled; the report names those left out and why.
- **τ², I², Q**: the variance of the true effects between proeftuinen, the share of the spread not
  due to chance, and Cochran's test of equal effects.
- **Holm p-value**: the primary RI p-value corrected for testing nine regions.
""",
        ),
    ],
    "nl": [
        (
            "De primaire analyse over de negen",
            """
Het overzicht begint met de primaire analyse van elk rapport (op de open data `cost_total`,
populatieontwerp, gecorrigeerd voor leeftijd en geslacht, 2011–2018; op de synthetische gegevens het
ongecorrigeerde populatieontwerp), beoordeeld met randomisatie-inferentie. Negen regio's zijn negen
toetsen: hun p-waarden krijgen de stapsgewijze correctie van Holm [@holm1979], naast de
ongecorrigeerde, en de tekst zegt hoeveel effecten vóór en na de correctie aantoonbaar zijn.
""",
        ),
        (
            "Forestplots en tellingen",
            """
De latere onderdelen gebruiken de ongecorrigeerde ontwerpen (zonder correctie voor leeftijd en
geslacht); op de open data wijken hun getallen dus af van de primaire resultaten. De forestplots
tonen de schatting van elke proeftuin met haar 95%-betrouwbaarheidsinterval uit
randomisatie-inferentie, de doelgroep naast de hele bevolking. Een tabel telt hoeveel proeftuinen
een effect op 5%-niveau tonen bij elke soort inferentie (CR1, wild cluster restricted bootstrap,
randomisatie-inferentie): het verschil tussen CR1 en de andere twee is wat het kost om met één
behandelde regio op gebruikelijke standaardfouten te vertrouwen [@conley2011; @mackinnon2020].
""",
        ),
        (
            "Meta-analyse met random effects",
            """
Eén gepoold effect per uitkomstmaat en ontwerp: een meta-analyse met random effects, met de
schatting van DerSimonian–Laird voor de variantie tussen proeftuinen [@dersimonian1986] en
intervallen volgens Hartung–Knapp, die met zo weinig studies hun niveau beter vasthouden
[@hartung2001; @inthout2014]; heterogeniteit als τ², Cochrans Q en I² [@higgins2002]. De
standaardfout van elke proeftuin is de standaardafwijking van haar placeboschattingen uit
randomisatie-inferentie, niet haar CR1-standaardfout, die met één behandelde regio veel te klein is.
Alleen proeftuinen waarvan een bron bevestigt dat zij een van de negen zijn, worden gepoold, en
alleen schattingen met een eindig interval uit randomisatie-inferentie; de andere staan apart.
Kanttekeningen: de proeftuinen delen één groep vergelijkingsgemeenten, dus hun schattingen zijn niet
onafhankelijk en het gepoolde interval is te smal; proeftuinen met hetzelfde aantal gemeenten worden
met dezelfde placeboregio's vergeleken en krijgen dus dezelfde standaardfout; en een gepoold effect
middelt verschillende programma's voor verschillende doelgroepen. Lees het als 'de gemiddelde
proeftuin', en τ² en I² als de mate waarin zij verschillen.
""",
        ),
        (
            "Wat de getallen in de tabellen betekenen",
            """
- **Gepoolde schatting** met haar 95%-betrouwbaarheidsinterval en p-waarde volgens Hartung–Knapp
  (het Wald-interval ernaast), en de schatting onder een gemeenschappelijk effect.
- **k**: het aantal gepoolde proeftuinen; het rapport noemt welke zijn weggelaten en waarom.
- **τ², I², Q**: de variantie van de ware effecten tussen proeftuinen, het deel van de spreiding dat
  niet aan toeval te wijten is, en de toets van Cochran op gelijke effecten.
- **Holm-p-waarde**: de primaire RI-p-waarde gecorrigeerd voor het toetsen van negen regio's.
""",
        ),
    ],
}


def synthesis_methods_text(language: str) -> str:
    """The methods appendix of the synthesis across the nine proeftuinen, as Markdown: the primary
    analysis with Holm's correction across the nine, forest plots, and the random-effects
    meta-analysis (DerSimonian-Laird with Hartung-Knapp intervals, placebo spreads as standard
    errors, only confirmed proeftuinen with a finite randomization-inference interval)."""
    return _compose(_SYNTHESIS[check_language(language)])


_LIMITS_REAL = {
    "en": [
        (
            "Data",
            """
- **Municipality level, no persons.** The open data hold costs per municipality, sex and age class
  [@vektis2011]: the persons a programme reached, and its target group, cannot be identified. The
  target group is approximated by age classes.
- **Membership partly inferred.** Not every municipality of a proeftuin is named by a source; the
  *Membership* column of the membership table says which were inferred.
- **Dilution.** Several proeftuinen cover only part of their municipalities' populations (a GP list,
  some neighbourhoods); everyone else in those municipalities dilutes any effect.
- **Costs only.** The Triple Aim also asks for better population health and better quality of care
  [@berwick2008]; the open data hold neither, and only costs under the Zvw (no Wmo, Wlz or youth
  care, where part of the proeftuinen's work took place).
- **Suppressed cells.** Cells with fewer than 10 insured persons are not published; small
  municipalities and the oldest age classes have gaps.
""",
        ),
        (
            "Design and inference",
            """
- **One treated region.** Each proeftuin is one region of a few municipalities, so inference rests
  on few clusters [@conley2011; @mackinnon2018]; randomization inference is the trusted answer, and
  where there are too few placebo regions no effect can be detected at all.
- **Few years before the start.** 2011–2013 give only two comparisons before the start, so a test of
  parallel trends has little power [@roth2022], and a synthetic control cannot be checked out of
  sample.
- **Reforms and mergers.** In 2015 long-term care was reorganised (Wlz, Wmo) and parts of it moved
  into the Zvw, and the GP column for multidisciplinary care (MDZ) appeared; the 2014 reform of
  mental health care falls in the start year. Mergers of hospitals and changes in contracting in a
  region change its costs for reasons unrelated to the proeftuin, and a regional shock that starts
  with the proeftuin cannot be told apart from its effect.
- **Window ends in 2018.** The monitor period ends in 2018 [@rivm2018]. The 2019 and 2020 files
  exist, but in later municipal classifications, and 2020 is the COVID year.
- **Not a random sample.** The nine were selected with the backing of their dominant health insurer,
  not at random [@drewes2015]; the comparison municipalities include other regional initiatives that
  were not proeftuinen.
""",
        ),
        (
            "Interpretation",
            """
An estimate is the effect of a proeftuin only under the assumptions above: parallel trends in the
absence of the proeftuin, no other change that hit its region alone at the start, and no effect on
the comparison municipalities. No causal claim is made beyond them. "No detectable effect" means
that an effect as large as the minimum detectable effect would have been found in 80% of such
studies, and smaller ones less often, not that there was none; the national monitor, too, did not see results at the level of the regional
population [@rivm2018].
""",
        ),
    ],
    "nl": [
        (
            "Gegevens",
            """
- **Gemeenteniveau, geen personen.** De open data bevatten kosten per gemeente, geslacht en
  leeftijdsklasse [@vektis2011]: de personen die een programma bereikte, en de doelgroep, zijn niet
  aan te wijzen. De doelgroep wordt benaderd met leeftijdsklassen.
- **Deels afgeleide indeling.** Niet elke gemeente van een proeftuin wordt door een bron genoemd; de
  kolom *Aansluiting* van de tabel met gemeenten zegt welke zijn afgeleid.
- **Verdunning.** Verscheidene proeftuinen bedienen maar een deel van de inwoners van hun gemeenten
  (een huisartsenpopulatie, enkele wijken); alle anderen in die gemeenten verdunnen elk effect.
- **Alleen kosten.** De Triple Aim vraagt ook om een betere gezondheid van de bevolking en een
  betere kwaliteit van zorg [@berwick2008]; de open data bevatten geen van beide, en alleen kosten
  onder de Zvw (geen Wmo, Wlz of jeugdzorg, waar een deel van het werk van de proeftuinen
  plaatsvond).
- **Onderdrukte cellen.** Cellen met minder dan 10 verzekerden worden niet gepubliceerd; kleine
  gemeenten en de oudste leeftijdsklassen hebben gaten.
""",
        ),
        (
            "Opzet en inferentie",
            """
- **Eén behandelde regio.** Elke proeftuin is één regio van enkele gemeenten, dus de inferentie rust
  op weinig clusters [@conley2011; @mackinnon2018]; randomisatie-inferentie geeft het antwoord
  waarop de rapporten vertrouwen, en waar te weinig placeboregio's zijn, kan geen enkel effect
  worden aangetoond.
- **Weinig jaren vóór de start.** 2011–2013 geven maar twee vergelijkingen vóór de start, dus een
  toets op parallelle trends heeft weinig onderscheidend vermogen [@roth2022], en een synthetische
  controle is niet buiten de eigen jaren te controleren.
- **Hervormingen en fusies.** In 2015 is de langdurige zorg hervormd (Wlz, Wmo) en is een deel ervan
  naar de Zvw gegaan, en verscheen de huisartsenkolom voor multidisciplinaire zorg (MDZ); de
  ggz-hervorming van 2014 valt in het startjaar. Fusies van ziekenhuizen en veranderingen in de
  inkoop in een regio veranderen haar kosten om redenen die los staan van de proeftuin, en een
  regionale schok die met de proeftuin begint, is niet van haar effect te onderscheiden.
- **Venster eindigt in 2018.** De periode van de monitor eindigt in 2018 [@rivm2018]. De bestanden
  over 2019 en 2020 bestaan, maar in latere gemeentelijke indelingen, en 2020 is het coronajaar.
- **Geen aselecte steekproef.** De negen zijn gekozen met steun van hun preferente zorgverzekeraar,
  niet door loting [@drewes2015]; onder de vergelijkingsgemeenten zijn ook andere regionale
  initiatieven die geen proeftuin waren.
""",
        ),
        (
            "Interpretatie",
            """
Een schatting is alleen het effect van een proeftuin onder de aannamen hierboven: parallelle trends
als de proeftuin er niet was geweest, geen andere verandering die bij de start alleen haar regio
trof, en geen effect op de vergelijkingsgemeenten. Een causale uitspraak gaat niet verder dan deze
aannamen. 'Geen aantoonbaar effect' betekent dat een effect zo groot als het minimaal
detecteerbare effect in 80% van zulke studies gevonden zou zijn, en kleinere minder vaak, niet dat
er geen effect was; ook de landelijke
monitor zag geen resultaten op het niveau van de regionale bevolking [@rivm2018].
""",
        ),
    ],
}

_LIMITS_SYNTH = {
    "en": [
        (
            "Data",
            """
- **Synthetic, not real.** Every number comes from data generated with effects injected on purpose;
  nothing here is a finding about the real proeftuinen.
- **Known segments.** Each person's segment (simplified from the Bridges to Health model
  [@lynn2007]) is known exactly, and health and quality outcomes exist; the open data have neither
  [@vektis2011].
""",
        ),
        (
            "Design and inference",
            """
- **A model, not the world.** The generator assumes additive effects, a trend common to every
  segment and municipality and gamma-distributed costs; in the default scenario parallel trends hold
  by construction. Real data can break all of these.
- **The same few-cluster problem.** One treated region per proeftuin still means few clusters
  [@conley2011; @mackinnon2018]; the synthetic data show how the inference behaves with it, with the
  true answer known.
- **Synthetic control.** On the target design it over- or understates the injected effects; this is
  an open problem.
""",
        ),
        (
            "Interpretation",
            """
Use this report to see whether the methods recover known effects and how large an effect each design
can detect. Its estimates are not evidence about the Triple Aim in any region [@berwick2008].
""",
        ),
    ],
    "nl": [
        (
            "Gegevens",
            """
- **Synthetisch, niet echt.** Elk getal komt uit gegevens met bewust toegevoegde effecten; niets
  hierin is een bevinding over de echte proeftuinen.
- **Bekende segmenten.** Het segment van ieder persoon (vereenvoudigd uit het Bridges to
  Health-model [@lynn2007]) is precies bekend, en er zijn uitkomsten voor gezondheid en kwaliteit;
  de open data hebben geen van beide [@vektis2011].
""",
        ),
        (
            "Opzet en inferentie",
            """
- **Een model, niet de werkelijkheid.** De generator neemt additieve effecten aan, een trend die
  voor elk segment en elke gemeente gelijk is en kosten met een gammaverdeling; in het
  standaardscenario gelden parallelle trends per constructie. Echte gegevens kunnen dat allemaal
  doorbreken.
- **Hetzelfde probleem van weinig clusters.** Eén behandelde regio per proeftuin betekent nog steeds
  weinig clusters [@conley2011; @mackinnon2018]; de synthetische gegevens laten zien hoe de
  inferentie zich dan gedraagt, met het ware antwoord bekend.
- **Synthetische controle.** In het doelgroepontwerp over- of onderschat zij de toegevoegde
  effecten; dit is een open probleem.
""",
        ),
        (
            "Interpretatie",
            """
Gebruik dit rapport om te zien of de methoden bekende effecten terugvinden en hoe groot een effect
elk ontwerp kan aantonen. De schattingen zijn geen bewijs over de Triple Aim in welke regio dan ook
[@berwick2008].
""",
        ),
    ],
}


def limitations_text(language: str, real: bool = True) -> str:
    """The limitations of a proeftuin report in ``language``, as Markdown: those of the Vektis
    open data and the design (``real``), or those of the synthetic demonstration."""
    check_language(language)
    return _compose((_LIMITS_REAL if real else _LIMITS_SYNTH)[language])


def all_texts(language: str) -> dict[str, str]:
    """Every appendix text in ``language`` by name: methods (real and synthetic), synthesis
    methods, limitations (real and synthetic)."""
    return {
        "methods_real": methods_text(language, real=True),
        "methods_synthetic": methods_text(language, real=False),
        "synthesis_methods": synthesis_methods_text(language),
        "limitations_real": limitations_text(language, real=True),
        "limitations_synthetic": limitations_text(language, real=False),
    }
