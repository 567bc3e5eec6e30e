"""Composition of the stages: ``plan`` / ``replan``, chunked and streamed plans, the dask
backend, sensitivity analyses.
"""
