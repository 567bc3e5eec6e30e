"""Pure kernels by family (soil, duration, biomass, energy, carbon, IPCC lookups, solar,
economics, discounting): arrays in, arrays out, units in brackets and references in every
docstring. Import only :mod:`agriremed.core`.
"""
