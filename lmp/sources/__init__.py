"""Readers that turn published or raw inputs into lmp's data contract, with an import report.

- :mod:`lmp.sources.classification`  municipal classifications, reorganisations, name matching
- :mod:`lmp.sources.vektis`          the Vektis open data files (Zvw costs per municipality)
"""
