"""lmp: a re-runnable evaluation of the Dutch proeftuinen populatiemanagement.

The package is small on purpose; each module names what it does:

- :mod:`lmp.reference`  the nine proeftuinen, municipalities, segments and outcomes (facts, with sources)
- :mod:`lmp.contract`   the data contract: read and validate the sufficient-statistics table
- :mod:`lmp.synth`      synthetic data with injected, recorded effects
- :mod:`lmp.did`        difference-in-differences designs, event study and results objects
- :mod:`lmp.inference`  cluster-robust (CR1) variance and the tests built on it
- :mod:`lmp.disclosure` small-cell suppression for everything that is published
- :mod:`lmp.summaries`  descriptive tables and the dilution arithmetic the reports show
- :mod:`lmp.plots`      figures with fixed metadata (they take results, never estimate)
- :mod:`lmp.render`     papermill batches: incremental (manifest), parallel, normalised, checked
- :mod:`lmp.cli`        the ``lmp`` command, the only module that talks to people
"""

__version__ = "0.1.0"
