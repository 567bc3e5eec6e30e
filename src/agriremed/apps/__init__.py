"""What a user runs: the command line, the dashboards, the generators of the docs tables and
of the validation cases.
"""
