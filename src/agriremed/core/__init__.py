"""Registries and helpers every layer uses: column registry, literature tables, scenario,
header names, translations, parameter draws, row alignment. Imports no other layer.
"""
