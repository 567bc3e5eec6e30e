"""One plot-table adapter per pipeline step, in pipeline order (soil, uptake, options,
duration, biomass, energy, carbon, economics, ranking, advice) and the side stages
(solar, softreuse). Parameters are looked up here; no I/O, no text rendering.
"""
