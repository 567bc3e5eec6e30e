"""Dashboards for extension officers: widget apps over the planner, English / 中文, offline.

Three dashboards, each a thin layer of ipywidgets and plotly ``FigureWidget`` over the
planner functions, and one page with all three as tabs:

* :class:`PlotAssessment` — a form for one plot: GB 15618 class per metal and predicted
  crop metal against food limits, live;
* :class:`OptionComparison` — the options of one plot with duration ranges, NPV, net
  carbon, traffic-light scores, adjustable criteria weights and the recommendation;
* :class:`Portfolio` — upload many plots, see rejected rows with reasons, map and
  regional summary, download ``plan.csv`` and the HTML report;
* :class:`App` — the three as tabs with one language toggle.

In a notebook, the last expression ``App("data/samples/plots.csv")`` shows the page;
``python -m agriremed.apps.dashboards`` (or ``bash run.sh dash``) serves the notebooks in
``notebooks/dashboards/`` with Voila on localhost, and the page loads nothing from
the internet.
"""

from agriremed.apps.dashboards.app import App
from agriremed.apps.dashboards.assessment import PlotAssessment
from agriremed.apps.dashboards.comparison import OptionComparison
from agriremed.apps.dashboards.download import DownloadButton
from agriremed.apps.dashboards.portfolio import Portfolio, plan_in_chunks, region_groups, region_summary

__all__ = [
    "App",
    "PlotAssessment",
    "OptionComparison",
    "Portfolio",
    "DownloadButton",
    "plan_in_chunks",
    "region_groups",
    "region_summary",
]
