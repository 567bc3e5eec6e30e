"""The three dashboards in one page: tabs with one language toggle.

* The option comparison follows the plot on the assessment form: when the officer
  edits the form, the comparison tab plans that plot the next time it is opened.
* A table uploaded on the portfolio tab becomes the table the assessment form picks
  plots from.
* The scenario switches (rule set, economics view, non-compliant-grain rule) of the
  comparison and portfolio tabs are linked: one setting for the page.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w

from agriremed.core import i18n
from agriremed.apps.dashboards._base import Dashboard
from agriremed.apps.dashboards.assessment import PlotAssessment, load_plots
from agriremed.apps.dashboards.comparison import OptionComparison
from agriremed.apps.dashboards.portfolio import Portfolio

__all__ = ["App"]

TABS = ("assess", "compare", "portfolio")


class App(Dashboard):
    """Plot assessment, option comparison and portfolio as tabs of one page.

    Parameters
    ----------
    plots : str, Path, pandas.DataFrame or Validation, optional
        Table of plots to start with (e.g. ``data/samples/plots.csv``); the portfolio
        tab plans it at once.
    plot_id : str, optional
        Plot shown first on the assessment tab.
    sample : str or Path, optional
        File behind the portfolio's "use the sample plots" button (default: ``plots``).
    lang, scenario, tables, background
        See :class:`~agriremed.apps.dashboards._base.Dashboard`.
    """

    title_key = "ui.app.title"

    def __init__(
        self,
        plots=None,
        plot_id: str | None = None,
        sample=None,
        lang: str = "en",
        scenario=None,
        tables=None,
        background=None,
    ):
        super().__init__(lang, scenario, tables, background)
        table = load_plots(plots, self.tables)
        kw = dict(lang=lang, scenario=self.scenario, tables=self.tables, background=background)
        self.assessment = PlotAssessment(table, plot_id=plot_id, **kw)
        self.comparison = OptionComparison(None, show_picker=False, **kw)
        from_file = isinstance(plots, (str, Path))
        sample = sample if sample is not None else (plots if from_file else None)
        self.portfolio = Portfolio(None, sample=sample, **kw)
        for d in (self.assessment, self.comparison, self.portfolio):
            d.header.layout.display = "none"  # one title and one language toggle for the page
        # one rule set, economics view and grain rule for the page: a switch set on one tab holds on the other
        self._switch_links = [w.link((a, "value"), (b, "value"))
                              for a, b in zip(self.comparison.switches.widgets, self.portfolio.switches.widgets,
                                              strict=True)]
        self.tabs = w.Tab(children=[self.assessment.widget, self.comparison.widget, self.portfolio.widget])
        self.tabs.add_class("ar-tabs")
        self.text(self.tabs, "titles", lambda lang: [i18n.t(f"ui.tab.{k}", lang) for k in TABS])
        self.widget = self._root(self.tabs)

        self._compare_stale = True
        self.assessment.on_plot_change.append(self._on_assessed)
        self.portfolio.on_planned.append(self._on_planned)
        self.tabs.observe(self._on_tab, names="selected_index")
        self._table = table
        if table is not None:
            self.portfolio.load(table, name=Path(plots).name if from_file else None)

    @property
    def dashboards(self) -> tuple:
        """The three dashboards in tab order."""
        return (self.assessment, self.comparison, self.portfolio)

    def _on_lang(self, change) -> None:
        super()._on_lang(change)
        # the tab on screen is redrawn at once; the others when they are opened (a switch
        # redraws one tab's tables and charts, not all three)
        shown = self.tabs.selected_index
        for i, d in enumerate(self.dashboards):
            d.set_lang(change["new"], render=i == shown)

    def _on_assessed(self, _assessment) -> None:
        self._compare_stale = True
        if self.tabs.selected_index == 1:
            self._sync_comparison()

    def _on_tab(self, change) -> None:
        if change["new"] is not None:
            self.dashboards[change["new"]].refresh()
        if change["new"] == 1 and self._compare_stale:
            self._sync_comparison()

    def _sync_comparison(self) -> None:
        v = self.assessment.validation
        if v is None or v.plots.empty:
            return
        self._compare_stale = False
        self.comparison.use_plot(v, note_key="ui.compare.from_form")

    def _on_planned(self, portfolio) -> None:
        v = portfolio.validation
        if v is not None and v is not self._table and not v.plots.empty:
            self._table = v
            self.assessment.set_table(v)
