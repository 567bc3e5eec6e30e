"""The scenario switches of the dashboards: rule set, economics view and non-compliant-grain rule.

The same :class:`~agriremed.Scenario` fields as the ``plan`` command's ``--rules``,
``--economics-view`` and ``--noncompliant-grain``: ``rule_set`` (``auto``, the sets of
``land_rules.csv``: ``china``, ``none`` and any set a user table folder adds),
``economics_view`` (``combined``, ``farmer``, ``programme``) and ``noncompliant_grain`` (the
rules of ``noncompliant_grain.csv``). A dashboard shows the setting its plan was made with
beside its results (:meth:`ScenarioSwitches.settings_html`), so no setting acts unseen.
"""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd

from agriremed.core import i18n
from agriremed.stages.economics import ECONOMICS_VIEWS
from agriremed.stages.advice import AUTO_RULE_SET
from agriremed.stages.options import rule_sets

__all__ = ["ScenarioSwitches", "SWITCH_FIELDS"]

#: Scenario fields the switches set.
SWITCH_FIELDS = ("rule_set", "economics_view", "noncompliant_grain")


class ScenarioSwitches:
    """Three dropdowns of a dashboard that set ``rule_set``, ``economics_view`` and ``noncompliant_grain``.

    Parameters
    ----------
    dash : Dashboard
        The dashboard whose language the labels follow (:meth:`Dashboard.text`).
    scenario : Scenario
        Initial values.
    tables : Tables
        The tables whose rule sets (``land_rules.csv``) and grain rules (``noncompliant_grain.csv``)
        are offered.
    label_px : int
        Width of the labels [px].

    Attributes
    ----------
    rule_set, economics_view, noncompliant_grain : ipywidgets.Dropdown
        The switches (CSS classes ``ar-rule-set``, ``ar-economics-view``, ``ar-noncompliant-grain``).
    """

    def __init__(self, dash, scenario, tables, label_px: int = 170):
        self.tables = tables
        sets = [AUTO_RULE_SET, *rule_sets(tables)]
        if scenario.rule_set not in sets:  # a set the tables do not hold: offered, planning says why it fails
            sets.append(scenario.rule_set)
        grain = tables.noncompliant_grain
        rules = grain["rule"].astype(str).tolist()
        names = {lang: dict(zip(rules, grain[f"name_{lang}"].fillna(grain["rule"]).astype(str), strict=True))
                 for lang in ("en", "zh")}
        if scenario.noncompliant_grain not in rules:
            rules.append(scenario.noncompliant_grain)
        self._grain_names = names

        def dropdown(css):
            d = w.Dropdown(style={"description_width": f"{label_px}px"}, layout=w.Layout(width=f"{label_px + 270}px"))
            d.add_class(css)
            return d

        self.rule_set = dropdown("ar-rule-set")
        dash.text(self.rule_set, "options", lambda lang: [(rule_set_name(s, lang), s) for s in sets])
        dash.text(self.rule_set, "description", "ui.switch.rule_set")
        self.economics_view = dropdown("ar-economics-view")
        dash.text(self.economics_view, "options",
                  lambda lang: [(i18n.t(f"ui.switch.view_{v}", lang), v) for v in ECONOMICS_VIEWS])
        dash.text(self.economics_view, "description", "ui.switch.economics_view")
        self.noncompliant_grain = dropdown("ar-noncompliant-grain")
        dash.text(self.noncompliant_grain, "options", lambda lang: [(self.grain_name(r, lang), r) for r in rules])
        dash.text(self.noncompliant_grain, "description", "ui.switch.noncompliant_grain")
        with dash.quiet():
            self.rule_set.value = scenario.rule_set
            self.economics_view.value = scenario.economics_view
            self.noncompliant_grain.value = scenario.noncompliant_grain

    @property
    def widgets(self) -> tuple:
        """The three dropdowns."""
        return (self.rule_set, self.economics_view, self.noncompliant_grain)

    def observe(self, callback) -> None:
        """Call ``callback(change)`` when a switch changes."""
        for d in self.widgets:
            d.observe(callback, names="value")

    def changes(self) -> dict:
        """The scenario fields the switches set, for :meth:`Scenario.replace`."""
        return {f: getattr(self, f).value for f in SWITCH_FIELDS}

    def grain_name(self, rule: str, lang: str) -> str:
        """Name of a rule of ``noncompliant_grain.csv`` in ``lang`` (its id when the table has none)."""
        return self._grain_names.get(lang, {}).get(rule, str(rule))

    def settings_html(self, scenario, summary: pd.DataFrame | None, lang: str, element_id: str) -> str:
        """The settings a plan was made with, as one line: the rule set (under ``auto`` the set each
        plot got, from the summary column ``rule_set``), whose money the ranking counts and what
        happens to a food crop over the limit."""
        used = ""
        if scenario.rule_set == AUTO_RULE_SET and summary is not None and "rule_set" in summary and len(summary):
            counts = summary["rule_set"].astype(str).value_counts(sort=False)
            if len(counts) == 1:
                used = rule_set_name(counts.index[0], lang)
            else:
                used = i18n.join_list((f"{rule_set_name(k, lang)} × {n}" for k, n in counts.items()), lang)
        rules = rule_set_name(scenario.rule_set, lang)
        if used:
            rules = i18n.t("ui.switch.auto_gave", lang, rules=rules, used=used)
        text = i18n.t("ui.switch.settings", lang, rules=rules,
                      view=i18n.t(f"ui.switch.view_{scenario.economics_view}", lang),
                      grain=self.grain_name(scenario.noncompliant_grain, lang))
        return (f"<div class='ar-muted' id='{html.escape(element_id)}' data-rule-set='{html.escape(scenario.rule_set)}'"
                f" data-economics-view='{html.escape(scenario.economics_view)}'"
                f" data-noncompliant-grain='{html.escape(scenario.noncompliant_grain)}'>{html.escape(text)}</div>")


def rule_set_name(rule_set: str, lang: str) -> str:
    """A rule set as people read it (``value.rule_set.<set>``; a user set by its name)."""
    return i18n.value("rule_set", rule_set, lang)
