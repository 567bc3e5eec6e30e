"""Self-contained offline HTML report of a plan, in English or Chinese, that a bureau can file.

The report embeds plotly.js once (no CDN, no network). It opens with a title naming the
county or region (the common part of the plots' ``region`` column, or a list) and the date,
the agriremed version and the seed, then a plain-language summary (how many plots, by soil
class, what is recommended, area, money and carbon) before any table, the key numbers, the
rejected rows with their reasons, the recommendation per plot, figures, and folded reference
sections (score table, every option, carbon ledger, biomass and energy, assumptions,
scenario, glossary, sources). Every text comes from :mod:`agriremed.core.i18n` (``lang="zh"``:
Chinese titles, labels, option names, soil classes, reasons and recommendation sentences);
numbers are written by :func:`agriremed.io.outputs.format_number` (thousands separators, never
an exponent). Printed, every folded section opens, tables wrap instead of being cut, and
each page carries the title, the date and its page number (CSS ``@page`` margin boxes).

A streamed (chunked) plan never holds the plot × option table in memory; its report
(:func:`digest_report_html`, written by :class:`StreamReport`) is built from a
:class:`PlanDigest`, totals gathered chunk by chunk, and says which sections it leaves out
and why.

The report is a list of :class:`Section` objects in :data:`SECTION_ORDER`; another section
(a map, say) is passed as ``extra_sections`` and placed after the figures.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import html
import os
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.io as pio

from agriremed.core import columns as C
from agriremed.core import citations, i18n, messages
from agriremed.io import viz
from agriremed.io.outputs import format_number, translate_frame
from agriremed.core.tables import load_tables, split_keys
from agriremed.core.names import read_header
from agriremed.stages.carbon import LEDGER_TERMS
from agriremed.stages.advice import area_units, ha_per_mu, location_text
from agriremed.stages.duration import NOT_CLEAN_UP_CODES, cleanup_years_text
from agriremed.stages.seasons import counted_once
from agriremed.stages.softreuse import SERVICES, for_plan

__all__ = [
    "Section",
    "SECTION_ORDER",
    "PlanDigest",
    "StreamReport",
    "region_title",
    "report_date",
    "plain_summary",
    "report_html",
    "digest_report_html",
    "write_report",
    "user_tables_text",
]

#: Sections of the full report, in order; ``extra_sections`` go after ``figures``.
SECTION_ORDER = (
    "summary",
    "key_numbers",
    "rejected",
    "input_notes",
    "skipped",
    "recommendations",
    "compensation",
    "by_option",
    "figures",
    "soft_reuse",
    "why",
    "options",
    "excluded",
    "ledger",
    "credits",
    "biomass",
    "not_printed",
    "assumptions",
    "scenario",
    "glossary",
    "sources",
)

#: Above this many plots the report shows portfolio summaries instead of per-plot figures.
PER_PLOT_FIGURE_LIMIT = 200

#: Rows shown of a long table (the CSV files have them all).
MAX_TABLE_ROWS = 500

#: Excluded plot × option rows the report's per-plot exclusion table reads (whole plots, in plan order; beyond
#: it the table says how many plots and rows are left to ``plan.csv``).
MAX_EXCLUDED_ROWS = 20_000

#: Distinct regions a :class:`PlanDigest` keeps (beyond it only their number is known).
MAX_REGIONS = 1000

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans SC','Noto Sans CJK SC','Microsoft YaHei',
sans-serif;margin:2em auto;max-width:1200px;color:#222;line-height:1.45;padding:0 1em;
overflow-wrap:break-word}
h1{margin-bottom:.1em}h2{border-bottom:2px solid #2c7bb6;padding-bottom:.2em;margin-top:2em}
.lede{font-size:1.05em;max-width:60em}.lede p{margin:.4em 0}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
td{min-width:4.5em}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums;min-width:0}
td.id{white-space:nowrap}
th{background:#f0f4f8}.muted{color:#666;font-size:.9em}
.kpi{display:inline-block;margin:.3em 1.5em .3em 0}.kpi b{font-size:1.4em;display:block}
.green{background:#d9f2d9}.amber{background:#fff2cc}.red{background:#f8d7da}
code{background:#f4f4f4;padding:0 .2em}
td.long{min-width:24em}
.tablebox,pre{overflow-x:auto;max-width:100%}
.printonly{display:none}
details>summary{cursor:pointer;list-style:none}details>summary h2{display:inline-block}
details>summary::before{content:"▸ ";color:#2c7bb6;font-size:1.4em}
details[open]>summary::before{content:"▾ "}
@media (max-width:700px){
 body{margin:1em auto;padding:0 .6em}
 td.long{min-width:14em}
}
@media print{
 body{max-width:none;margin:0;padding:0;font-size:10pt}
 h2{break-after:avoid;margin-top:1.2em}
 table{width:100%;font-size:7.5pt;table-layout:auto}
 th,td{overflow-wrap:anywhere;white-space:normal;padding:.15em .3em;min-width:5em}
 td.num{white-space:nowrap;min-width:0}
 td.id{white-space:normal}
 td.long{min-width:16em}
 thead{display:table-header-group}
 tr{break-inside:avoid}
 .tablebox{overflow:visible}
 pre{white-space:pre-wrap;overflow-wrap:anywhere}
 .js-plotly-plot,.plotly-graph-div{break-inside:avoid}
 details>summary::before{content:none}
 details::details-content{content-visibility:visible;display:contents}
 .noprint{display:none}
 .printonly{display:block}
}
"""

# print: open every folded section (older browsers without ::details-content)
_PRINT_SCRIPT = (
    "<script>window.addEventListener('beforeprint',function(){"
    "document.querySelectorAll('details').forEach(function(d){d.open=true;});});</script>"
)


# --------------------------------------------------------------------------- sections
@dataclasses.dataclass
class Section:
    """One section of the report.

    Attributes
    ----------
    key : str
        Its place in :data:`SECTION_ORDER` (an extra section: any other key).
    title : str
        Heading (already in the report's language).
    body : str
        HTML of the content.
    intro : str
        One or two sentences under the heading (plain text).
    folded : bool
        Collapsed until clicked (opened when printed).
    printed : bool
        Printed (a long reference table that is in the workbook is not).
    """

    key: str
    title: str
    body: str
    intro: str = ""
    folded: bool = False
    printed: bool = True

    def html(self) -> str:
        head = f"<p class='muted'>{html.escape(self.intro)}</p>" if self.intro else ""
        anchor = html.escape(self.key, quote=True)
        cls = "" if self.printed else " class='noprint'"
        if not self.folded:
            h2 = f"<h2>{html.escape(self.title)}</h2>" if self.title else ""
            return f"<section id='{anchor}'{cls}>{h2}{head}{self.body}</section>"
        return (
            f"<section id='{anchor}'{cls}><details><summary><h2>{html.escape(self.title)}</h2></summary>"
            f"{head}{self.body}</details></section>"
        )


def _ordered(sections: list[Section], extra=()) -> list[Section]:
    """Sections in :data:`SECTION_ORDER`, the extra ones after the figures."""
    rank = {k: i for i, k in enumerate(SECTION_ORDER)}
    fig = rank["figures"]
    out = sorted(sections, key=lambda s: rank.get(s.key, fig + 0.5))
    i = max((j for j, s in enumerate(out) if rank.get(s.key, -1) <= fig), default=len(out) - 1) + 1
    return out[:i] + list(extra) + out[i:]


# --------------------------------------------------------------------------- small helpers
def report_date(date=None) -> _dt.date:
    """The date printed on the report: ``date`` (a date or ISO text), else ``SOURCE_DATE_EPOCH``
    (reproducible builds), else today (UTC)."""
    if isinstance(date, _dt.date):
        return date
    if isinstance(date, str) and date:
        return _dt.date.fromisoformat(date)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.UTC).date()
    return _dt.datetime.now(_dt.UTC).date()


def format_date(d: _dt.date, lang: str) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else d.isoformat()


#: Separators between the parts of a region (province / county / village …).
_REGION_SPLIT = re.compile(
    r"[^/,;|，；、·\s\-]+?(?:省|自治区|市|州|盟|县|区|旗|镇|乡|街道|村|(?=[/,;|，；、·\s\-]|$))"
)


def _region_parts(region: str) -> list[tuple[str, int]]:
    """Parts of a region with the end of each in the text (``'湖南省株洲市'`` → 湖南省, 株洲市)."""
    return [(m.group(0), m.end()) for m in _REGION_SPLIT.finditer(region)]


class _Regions:
    """The common leading parts of every region seen, and up to :data:`MAX_REGIONS` distinct ones."""

    def __init__(self):
        self.first: str | None = None
        self.common = 0  # leading parts shared by every region seen
        self.distinct: dict[str, None] = {}
        self.n_distinct_over = False

    def add(self, regions) -> None:
        for r in pd.unique(pd.Series(regions, dtype=object).dropna().astype(str).str.strip()):
            if not r:
                continue
            if r not in self.distinct:
                if len(self.distinct) < MAX_REGIONS:
                    self.distinct[r] = None
                else:
                    self.n_distinct_over = True
            if self.first is None:
                self.first, self.common = r, len(_region_parts(r))
                continue
            a = [p for p, _ in _region_parts(self.first)][: self.common]
            b = [p for p, _ in _region_parts(r)]
            k = 0
            while k < min(len(a), len(b)) and a[k] == b[k]:
                k += 1
            self.common = k

    def _provinces(self) -> list[str]:
        """The provinces of the distinct regions seen (English names, by how many regions each holds, then by
        name), or an empty list when one of them is not placed in a province."""
        names = {str(r.province).strip().lower(): str(r.province).strip()
                 for r in load_tables().provinces.itertuples(index=False)}
        count: dict[str, int] = {}
        for r in self.distinct:
            prov = i18n.region_province(r)
            if prov not in names:
                return []
            count[names[prov]] = count.get(names[prov], 0) + 1
        return sorted(count, key=lambda p: (-count[p], p))

    def title(self, lang: str) -> str:
        if self.first is None:
            return i18n.t("ui.report.region_none", lang)
        if self.common:
            common = self.first[: _region_parts(self.first)[self.common - 1][1]].rstrip("/,;|，；、·- ")
            return i18n.region_name(common, lang)
        names = [i18n.region_name(r, lang) for r in sorted(self.distinct)]
        sep = i18n.list_sep(lang)
        if len(names) <= 3 and not self.n_distinct_over:
            return sep.join(names)
        total = f"{len(names):,}" + ("+" if self.n_distinct_over else "")
        provinces = self._provinces()
        if provinces and len(provinces) < len(names):  # every region placed: '13 places in Yunnan, Guangdong, …'
            shown = [i18n.region_name(p, lang) for p in provinces]
            if len(shown) <= 3:
                return i18n.t("ui.report.region_places", lang, total=total, provinces=sep.join(shown))
            return i18n.t("ui.report.region_places_many", lang, total=total, first=sep.join(shown[:3]),
                          n=f"{len(shown) - 3:,}", provinces=f"{len(shown):,}")
        return i18n.t(
            "ui.report.region_more",
            lang,
            first=sep.join(names[:3]),
            n=f"{len(names) - 3:,}" + ("+" if self.n_distinct_over else ""),
            total=total,
        )


def region_title(regions, lang: str = "en") -> str:
    """The county or region a set of plots lies in, for a title.

    The leading parts shared by every region (parts split at ``/ , ; · -`` or spaces, or
    after 省 市 州 县 区 镇 乡 村 …), else up to three regions, else the first three and how
    many more; more than three regions each placed in a province, fewer provinces than regions: how many
    places in which provinces ('13 places in Hunan, Henan, Guangdong and 5 more provinces').

    Examples
    --------
    >>> region_title(["Hunan/Zhuzhou/Lukou", "Hunan/Zhuzhou/Youxian"])
    'Hunan/Zhuzhou'
    >>> region_title(["湖南省株洲市渌口区", "湖南省株洲市攸县"], "zh")
    '湖南省株洲市'
    >>> region_title(["Hunan/Zhuzhou/Lukou", "Hunan/Zhuzhou/Youxian"], "zh")
    '湖南省/株洲市'
    >>> region_title(["Hunan/Zhuzhou", "Guangxi/Hechi", "Jiangsu/Wuxi", "Gansu/Baiyin"])
    'Gansu/Baiyin, Guangxi/Hechi, Hunan/Zhuzhou and 1 more'
    """
    r = _Regions()
    r.add(list(regions))
    return r.title(lang)


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes and angle brackets escaped)."""
    out = []
    for ch in str(text):
        if ch in '"\\<>' or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _yes_no(lang: str):
    yes, no = i18n.t("ui.yes", lang), i18n.t("ui.no", lang)
    return lambda v: yes if v is True or v is np.True_ else (no if v is False or v is np.False_ else v)


def _header(col: str, lang: str, headers: dict | None) -> str:
    if headers and col in headers:
        return headers[col]
    spec = C.COLUMNS.get(col)
    if spec is None:
        return col
    return i18n.label(col, lang, with_unit=spec.unit not in ("", "1") or col == "ph")


#: Columns of identifiers (kept on one line on screen).
_ID_COLUMNS = ("plot_id", "input_row", "line", "option_id")


def _table(
    df: pd.DataFrame,
    lang: str = "en",
    headers: dict | None = None,
    max_rows: int = MAX_TABLE_ROWS,
    long_cols=(),
) -> str:
    """An HTML table: headers from the column registry in ``lang`` (or ``headers``), numbers by
    :func:`format_number`, booleans as yes/no, text escaped; at most ``max_rows`` rows; inside a box
    (``div.tablebox``) that scrolls sideways when the table is wider than the screen."""
    if df is None or df.empty:
        return f"<p class='muted'>{html.escape(i18n.t('ui.none', lang))}</p>"
    shown = df.head(max_rows)
    yn = _yes_no(lang)
    cols = []
    for c in shown.columns:
        s = shown[c]
        num = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
        if num:
            text = [format_number(v) for v in s.to_numpy()]
        else:
            text = [
                "" if v is None or (isinstance(v, float) and v != v) else str(yn(v))
                for v in s.to_numpy(object)
            ]
        cls = " class='num'" if num else (" class='long'" if c in long_cols else "")
        if c in _ID_COLUMNS:
            cls = " class='id'"
        cols.append((cls, text))
    head = "".join(f"<th>{html.escape(_header(str(c), lang, headers))}</th>" for c in shown.columns)
    body = []
    for i in range(len(shown)):
        body.append("<tr>" + "".join(f"<td{cls}>{html.escape(text[i])}</td>" for cls, text in cols) + "</tr>")
    # a table wider than the screen scrolls sideways inside its own box; the page never does
    out = f"<div class='tablebox'><table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    if len(df) > max_rows:
        more = i18n.t("ui.report.more_rows", lang, n=f"{len(df) - max_rows:,}")
        out += f"<p class='muted'>{html.escape(more)}</p>"
    return out


def _used_sources(tables) -> set[str]:
    keys = set()
    for name, df in tables.items():
        if name == "sources":
            continue
        for col in [c for c in df.columns if c == "source" or c.endswith("_source")]:
            for cell in df[col]:
                keys.update(split_keys(cell))
    return keys


#: Tables whose rows citing ``agriremed_assumption`` the report lists under "Assumptions used" (the subsidies
#: and compensation the money counts, and the valuation of produce over the food limit, besides the parameters).
ASSUMPTION_TABLES = ("option_parameters", "prices", "factors", "crops", "traffic_lights", "yield_adjustments",
                     "subsidies", "noncompliant_grain")


def _assumptions(tables, scenario=None) -> pd.DataFrame:
    """The rows of :data:`ASSUMPTION_TABLES` that cite ``agriremed_assumption``: table, entry, typical value, range
    and note. Of ``noncompliant_grain.csv`` only the scenario's rule (the one the money used; none where the
    scenario gives its own ``noncompliant_price_fraction``), of the others every such row."""
    rows = []
    for name in ASSUMPTION_TABLES:
        df = getattr(tables, name, None)
        if df is None:
            continue
        if name == "noncompliant_grain":
            rule = getattr(scenario, "noncompliant_grain", "discount_sale")
            if getattr(scenario, "noncompliant_price_fraction", None) is not None:
                continue
            df = df.loc[df["rule"] == rule].rename(
                columns={"value_low": "low", "value_typical": "typical", "value_high": "high"})
        src_cols = [c for c in df.columns if c == "source" or c.endswith("_source")]
        mask = pd.Series(False, index=df.index)
        for c in src_cols:
            mask |= df[c].fillna("").str.contains("agriremed_assumption")
        for r in df.loc[mask].to_dict("records"):
            what = ".".join(
                str(r.get(k))
                for k in (
                    "option_id",
                    "parameter",
                    "item",
                    "crop",
                    "factor",
                    "criterion",
                    "view",
                    "species",
                    "driver",
                    "category",
                    "subsidy_id",
                    "rule",
                )
                if r.get(k) not in (None, "") and str(r.get(k)) != "nan"
            )
            value = r.get("typical", r.get("yield_t_ha", r.get("green_at_least", "")))
            rng = f"{format_number(r.get('low'))} – {format_number(r.get('high'))}" if "low" in r else ""
            rows.append(
                {"table": name, "entry": what, "value": value, "range": rng, "note": r.get("note", "")}
            )
    df = pd.DataFrame(rows, columns=["table", "entry", "value", "range", "note"])
    df["value"] = pd.to_numeric(df["value"], errors="coerce").where(
        pd.to_numeric(df["value"], errors="coerce").notna(), df["value"]
    )
    return df


def account_totals(summary: pd.DataFrame, area_ha) -> dict:
    """The NPV against doing nothing of the recommended options of ``summary`` × ``area_ha`` [CNY] by account:
    the farmers' (``npv_farmer_vs_baseline_cny_ha``), the programme's own (the subsidies, compensation and grain
    price support it pays: ``−programme_cost_cny_ha`` plus what keeps a farmer below doing nothing whole,
    ``max(0, −farmer)``, which ``programme_cost_cny_ha`` adds) and the PV developers' (the rest of
    ``npv_vs_baseline_cny_ha``), over the rows where all three columns are known (``plots``), with the rows whose
    developer's account is not 0 (``developer_rows``, ``developer_plots``). Farmer + programme + developer = the
    total.

    Examples
    --------
    >>> s = pd.DataFrame({"npv_vs_baseline_cny_ha": [-1952.0, 657490.0, -11556.0],
    ...                   "npv_farmer_vs_baseline_cny_ha": [38989.0, 68820.0, -11556.0],
    ...                   "programme_cost_cny_ha": [40941.0, 0.0, 11556.0]})
    >>> r = account_totals(s, [0.3, 1.0, 2.0])
    >>> [round(r[k]) for k in ("farmer", "programme", "developer", "plots", "developer_plots")]
    [57405, -12282, 588670, 3, 1]
    """
    n = len(summary)
    cols = ("npv_vs_baseline_cny_ha", "npv_farmer_vs_baseline_cny_ha", "programme_cost_cny_ha")
    if n == 0 or not all(c in summary for c in cols):
        return {"farmer": 0.0, "programme": 0.0, "developer": 0.0, "plots": 0, "developer_plots": 0,
                "developer_rows": np.zeros(n, bool)}
    whole, farmer, cost = (summary[c].to_numpy(float) for c in cols)
    area = np.asarray(area_ha, float)
    programme = -(cost - np.maximum(0.0, -farmer))
    developer = whole - farmer - programme
    developer = np.where(np.abs(developer) < 0.5, 0.0, developer)  # rounding, not an account
    known = np.isfinite(whole) & np.isfinite(farmer) & np.isfinite(cost) & np.isfinite(area)
    dev = known & (developer != 0.0) & (area > 0)
    return {"farmer": float(np.sum((farmer * area)[known])), "programme": float(np.sum((programme * area)[known])),
            "developer": float(np.sum((developer * area)[known])), "plots": int(known.sum()),
            "developer_plots": int(dev.sum()), "developer_rows": dev}


def _plain_headers(lang: str, *names) -> dict:
    return {n: i18n.t(f"ui.report.col_{n}", lang) for n in names}


# --------------------------------------------------------------------------- the digest
@dataclasses.dataclass
class PlanDigest:
    """Totals of a plan, gathered one plot table at a time in bounded memory.

    Memory grows with the number of distinct soil classes, options, ledger terms and (up to
    :data:`MAX_REGIONS`) regions, never with the number of plots. :meth:`add` takes a
    :class:`~agriremed.engine.plan.Plan` (a whole plan or one chunk of a streamed one).

    Attributes
    ----------
    n_planned : int
        Plots planned.
    area_ha : float
        Their area [ha].
    area_mu_plots : int
        Plots whose area unit is mu (:func:`agriremed.stages.advice.area_units`): the
        summary states the planned area in mu too when there is one.
    by_class : dict
        Soil class → ``[plots, area_ha]``.
    by_option : dict
        Recommended option id → ``{"plots", "area_ha", "npv_cny", "npv_plots", "programme_cny",
        "co2e_t", "co2e_vs_t", "co2e_vs_plots"}``: money as the total over the plots (per-hectare NPV ×
        area) [CNY], carbon over the horizon [t CO₂e]: the options' own net balance (``co2e_t``, the sum of
        ``net_co2e_t``) and, on the basis of the money, against doing nothing (``co2e_vs_t``:
        ``net_co2e_vs_baseline_t_ha_yr`` × area × horizon, over the ``co2e_vs_plots`` plots with a value).
    by_class_option : dict
        ``(soil class, option id)`` → area [ha] (the overview figure).
    ledger_t_yr : dict
        ``(term, category)`` → t CO₂e per year over the recommended options (per-hectare terms
        × area).
    """

    n_planned: int = 0
    #: plots whose income is unknown (:func:`income_unknown_plots`): the money totals leave their income out
    income_unknown: int = 0
    area_ha: float = 0.0
    area_mu_plots: int = 0
    #: season rows (a ``field_id``) and their fields: a field's area is counted once in every area total
    season_rows: int = 0
    seen_fields: set = dataclasses.field(default_factory=set)
    whole_year_seen: dict = dataclasses.field(default_factory=dict)
    #: season rows whose whole-year option (:func:`~agriremed.stages.seasons.whole_year_options`) repeats that of an earlier row of
    #: their field: one plan for the field, its money, carbon and compensation counted once
    field_repeats: int = 0
    by_class: dict = dataclasses.field(default_factory=lambda: defaultdict(lambda: [0, 0.0]))
    by_option: dict = dataclasses.field(default_factory=dict)
    by_class_option: dict = dataclasses.field(default_factory=lambda: defaultdict(float))
    ledger_t_yr: dict = dataclasses.field(default_factory=lambda: defaultdict(float))
    regions: _Regions = dataclasses.field(default_factory=_Regions)
    #: plots on strict-control land whose former crop may not be sold with the farmer's lost legal income, the
    #: compensation paid and the gap all known, and the sums of the three over them [CNY yr⁻¹]
    compensation: list = dataclasses.field(default_factory=lambda: [0, 0.0, 0.0, 0.0])
    #: The total NPV against doing nothing by account [CNY] (the farmers', the programme's own and the PV
    #: developers', which add up to it: :func:`account_totals`) over the plots where all are known, and the plots
    #: with a developer's account and their carbon against doing nothing [t CO₂e]
    accounts: dict = dataclasses.field(default_factory=lambda: {"farmer": 0.0, "programme": 0.0, "developer": 0.0,
                                                                "plots": 0, "developer_plots": 0,
                                                                "developer_co2e_vs_t": 0.0})

    @classmethod
    def from_plan(cls, plan) -> PlanDigest:
        """The digest of a whole plan."""
        d = cls()
        d.add(plan)
        return d

    def add(self, plan) -> None:
        """Add the plots of ``plan`` (a plan or one chunk of a streamed plan)."""
        s = plan.summary
        if s is None or s.empty:
            return
        area = s["area_ha"].to_numpy(float)
        field = s["field_id"].to_numpy(object) if "field_id" in s else np.full(len(s), None, dtype=object)
        opt = s["recommended_option"].fillna("").astype(str)
        self.n_planned += len(s)
        # the amounts every total adds (stages.seasons.counted_once): a field's area once, and a whole-year option
        # on several season rows of one field one plan, its money, carbon and compensation counted once, with the
        # field's first such row
        once = counted_once(s, getattr(plan, "tables", None), whole_year_seen=self.whole_year_seen,
                            seen_fields=self.seen_fields)
        again = once["repeat"].to_numpy(bool)
        self.field_repeats += int(again.sum())
        unknown = income_unknown_plots(s)
        self.income_unknown += int(unknown.sum())
        self.season_rows += int((~pd.isna(field)).sum())
        self.area_ha += float(np.nansum(once["area_ha"].to_numpy(float)))
        sc = getattr(plan, "scenario", None)
        region = s["region"].to_numpy(object) if "region" in s else np.full(len(s), None, dtype=object)
        units = area_units(region, getattr(sc, "area_unit", "auto"), getattr(sc, "rule_set", "china"),
                           getattr(plan, "tables", None))
        self.area_mu_plots += int((units == "mu").sum())
        self.regions.add(s["region"] if "region" in s else [])
        for c, g in s.assign(_once=once["area_class_ha"].to_numpy(float)).groupby(
                "soil_class", dropna=False, sort=False):
            acc = self.by_class[str(c)]
            acc[0] += len(g)
            acc[1] += float(g["_once"].sum())
        work = pd.DataFrame(
            {
                "option": opt,
                "cls": s["soil_class"].astype(str),
                "area": area,
                "area_once": once["area_option_ha"].to_numpy(float),
                "area_cls_once": once["area_class_option_ha"].to_numpy(float),
                "npv": once["npv_cny"].to_numpy(float),
                "prog": once["programme_cny"].to_numpy(float),
                "co2": once["co2e_t"].to_numpy(float),
                # against doing nothing, as the money: t CO₂e ha⁻¹ yr⁻¹ × area × horizon
                "co2_vs": np.where(again, 0.0, s["net_co2e_vs_baseline_t_ha_yr"].to_numpy(float) * area
                                   * float(getattr(sc, "horizon_yr", np.nan)))
                if "net_co2e_vs_baseline_t_ha_yr" in s and sc is not None else np.nan,
                "unknown": unknown,
            }
        )
        for o, g in work.groupby("option", sort=False):
            acc = self.by_option.setdefault(
                o,
                {
                    "plots": 0,
                    "area_ha": 0.0,
                    "npv_cny": 0.0,
                    "npv_plots": 0,
                    "programme_cny": 0.0,
                    "co2e_t": 0.0,
                    "co2e_vs_t": 0.0,
                    "co2e_vs_plots": 0,
                    "income_unknown": 0,
                },
            )
            acc["plots"] += len(g)
            acc["income_unknown"] += int(g["unknown"].sum())
            acc["area_ha"] += float(g["area_once"].sum())
            acc["npv_cny"] += float(g["npv"].sum())
            acc["npv_plots"] += int(g["npv"].notna().sum())
            acc["programme_cny"] += float(g["prog"].sum())
            acc["co2e_t"] += float(g["co2"].sum())
            acc["co2e_vs_t"] += float(np.nansum(g["co2_vs"].to_numpy(float)))
            acc["co2e_vs_plots"] += int(g["co2_vs"].notna().sum())
        for (c, o), a in work.groupby(["cls", "option"], sort=False)["area_cls_once"].sum().items():
            self.by_class_option[(c, o)] += float(a)
        acc = account_totals(s, np.where(again, 0.0, area))
        dev = acc.pop("developer_rows")
        for k, v in acc.items():
            self.accounts[k] += v
        self.accounts["developer_co2e_vs_t"] += float(np.nansum(work["co2_vs"].to_numpy(float)[dev]))
        for k, v in enumerate(compensation_totals(s, again)):
            self.compensation[k] += v
        # the ledger terms of the recommended options, from the plan table's term columns (a
        # streamed chunk has no ledger table)

        t = plan.table
        if t is not None and len(t):
            rec = t.loc[t["recommended"].to_numpy(bool)]
            a = (
                rec[["plot_id"]]
                .merge(s[["plot_id"]].assign(_a=np.where(again, 0.0, area)), on="plot_id", how="left")["_a"]
                .to_numpy(float)
            )
            for term, cat in LEDGER_TERMS.items():
                col = f"{term}_co2e_t_ha_yr"
                if col in rec.columns:
                    self.ledger_t_yr[(term, cat)] += float(np.nansum(rec[col].to_numpy(float) * a))

    @property
    def n_fields(self) -> int:
        """Fields of the season rows (distinct ``field_id``)."""
        return sum(1 for k in self.seen_fields if k[0] == 0)

    # ---- derived tables
    def npv_cny(self) -> float:
        """Total NPV of the recommended options against doing nothing [CNY] (NaN when none known)."""
        known = sum(v["npv_plots"] for v in self.by_option.values())
        return (
            float(sum(v["npv_cny"] for v in self.by_option.values() if v["npv_plots"])) if known else np.nan
        )

    def programme_cny(self) -> float:
        """Total programme cost beyond doing nothing [CNY]."""
        return float(
            sum(
                v["programme_cny"]
                for v in self.by_option.values()
                if v["programme_cny"] == v["programme_cny"]
            )
        )

    def co2e_t(self) -> float:
        """Net t CO₂e of the recommended options over the horizon: their own balance, not compared
        with doing nothing (the sum of ``net_co2e_t``)."""
        return float(np.nansum([v["co2e_t"] for v in self.by_option.values()]))

    def co2e_vs_t(self) -> float:
        """Net t CO₂e of the recommended options against doing nothing over the horizon, the basis of
        :meth:`npv_cny` (``net_co2e_vs_baseline_t_ha_yr`` × area × horizon; NaN when none known)."""
        known = sum(v.get("co2e_vs_plots", 0) for v in self.by_option.values())
        return float(sum(v.get("co2e_vs_t", 0.0) for v in self.by_option.values())) if known else np.nan

    def option_table(self, lang: str = "en", tables=None) -> pd.DataFrame:
        """Plots, area, NPV and carbon by recommended option, largest area first, with the plots whose
        income is unknown (``income_unknown``: the NPV total leaves their income out)."""
        rows = [
            {
                "option": i18n.option_name(o, lang, tables) if o else i18n.t("ui.portfolio.no_option", lang),
                "plots": v["plots"],
                "area_ha": v["area_ha"],
                "npv_total": v["npv_cny"] if v["npv_plots"] else np.nan,
                "net_co2e_vs_t": v.get("co2e_vs_t", 0.0) if v.get("co2e_vs_plots", 0) else np.nan,
                "net_co2e_t": v["co2e_t"],
                "income_unknown": v["income_unknown"],
            }
            for o, v in self.by_option.items()
        ]
        df = pd.DataFrame(rows, columns=["option", "plots", "area_ha", "npv_total", "net_co2e_vs_t", "net_co2e_t",
                                         "income_unknown"])
        return df.sort_values(["area_ha", "option"], ascending=[False, True], kind="stable").reset_index(
            drop=True
        )

    def overview_frame(self) -> pd.DataFrame:
        """Soil class, recommended option and area (for :func:`agriremed.io.viz.recommendation_overview`)."""
        return pd.DataFrame(
            [
                {"soil_class": c, "recommended_option": o, "area_ha": a}
                for (c, o), a in self.by_class_option.items()
            ],
            columns=["soil_class", "recommended_option", "area_ha"],
        )

    def ledger_table(self, lang: str = "en") -> pd.DataFrame:
        """Ledger terms over the recommended options of all plots [t CO₂e yr⁻¹]."""
        df = pd.DataFrame(
            [{"term": t, "term_category": c, "co2e_t_yr": v} for (t, c), v in self.ledger_t_yr.items()],
            columns=["term", "term_category", "co2e_t_yr"],
        )
        return translate_frame(df, lang)


def income_unknown_plots(summary: pd.DataFrame) -> np.ndarray:
    """Per plot of a plan summary, whether the income of its recommended option is unknown: its NPV against
    doing nothing is blank (left out of the money totals), or its net cash flow is (a crop whose yield, price
    or production cost the library does not hold, kept as it is: its NPV against doing nothing is 0, the
    unknown income cancelling). A plot with no recommended option is not counted.

    >>> income_unknown_plots(pd.DataFrame({"recommended_option": ["do_nothing", "fallow", None, "a"],
    ...     "npv_vs_baseline_cny_ha": [0.0, float("nan"), float("nan"), 5.0],
    ...     "cash_flow_typical_plot_cny_yr": [float("nan"), 1.0, float("nan"), 2.0]})).tolist()
    [True, True, False, False]
    """
    if "recommended_option" not in summary:
        return np.zeros(len(summary), bool)
    out = np.zeros(len(summary), bool)
    for c in ("npv_vs_baseline_cny_ha", "cash_flow_typical_plot_cny_yr"):
        if c in summary:
            out |= np.isnan(summary[c].to_numpy(float))
    return out & summary["recommended_option"].notna().to_numpy(bool)


#: Soil classes in the order of GB 15618-2018.
_CLASSES = ("priority_protection", "safe_utilisation", "strict_control")


def _one(key: str, n: int) -> str:
    """The text key for a count: its singular form (``key_one``) when the count is 1."""
    return f"{key}_one" if n == 1 else key


def plain_summary(
    digest: PlanDigest,
    lang: str = "en",
    *,
    n_rejected: int = 0,
    horizon_yr: int | None = None,
    tables=None,
    max_options: int = 4,
    n_skipped: int = 0,
) -> list[str]:
    """The report's opening paragraph as sentences in ``lang``: plots and area, soil classes,
    recommended options, money and carbon against doing nothing, and the caveat.

    Parameters
    ----------
    digest : PlanDigest
        Totals of the plan.
    lang : {"en", "zh"}
        Language.
    n_rejected : int
        Input rows that could not be planned.
    n_skipped : int
        Rows of the sheet that are not plots (合计, 注, 填表人), skipped: said apart from the rejected rows.
    horizon_yr : int, optional
        Planning horizon [yr] (the money sentence needs it).
    tables : Tables, optional
        Literature tables (option names).
    max_options : int
        Options named; the rest are counted together.

    Returns
    -------
    list of str
        Sentences (plain text).
    """
    sep = "；" if lang == "zh" else "; "
    if digest.n_planned == 0:
        out = [i18n.t("ui.report.sum_none_planned", lang)]
        if n_rejected:
            out.append(i18n.t(_one("ui.report.sum_rejected", n_rejected), lang, n=f"{n_rejected:,}"))
        if n_skipped:
            out.append(i18n.t(_one("ui.report.sum_skipped", n_skipped), lang, n=f"{n_skipped:,}"))
        return out
    ha = lambda a: format_number(a, lang, "ha")  # noqa: E731

    def area(a):
        # areas in ha and in mu (the unit a county's land records use; mu first in Chinese), in ha
        # only when no plot is stated in mu (plots outside China)
        return (i18n.t("ui.report.area_ha_mu", lang, ha=ha(a), mu=format_number(a / ha_per_mu(), lang, "mu"))
                if digest.area_mu_plots else ha(a))

    both = area(digest.area_ha)
    out = [i18n.t(_one("ui.report.sum_plots", digest.n_planned), lang, n=f"{digest.n_planned:,}", area=both)]
    if digest.season_rows:  # the rice and the wheat row of one field: its area once
        out.append(i18n.t("ui.report.sum_season_rows", lang, n=f"{digest.season_rows:,}",
                          fields=f"{digest.n_fields:,}"))
        if digest.field_repeats:  # sorghum on the 早稻 and the 晚稻 row of one field: one plan, counted once
            out.append(i18n.t(_one("ui.report.sum_field_once", digest.field_repeats), lang, n=f"{digest.field_repeats:,}"))
    out.append(
        i18n.t(_one("ui.report.sum_rejected", n_rejected), lang, n=f"{n_rejected:,}")
        if n_rejected
        else i18n.t("ui.report.sum_all_read", lang)
    )
    if n_skipped:
        out.append(i18n.t(_one("ui.report.sum_skipped", n_skipped), lang, n=f"{n_skipped:,}"))
    order = [c for c in _CLASSES if c in digest.by_class] + sorted(set(digest.by_class) - set(_CLASSES))
    classes = sep.join(
        i18n.t(
            _one("ui.report.sum_class_item", digest.by_class[c][0]),
            lang,
            cls=i18n.value("soil_class", c, lang),
            n=f"{digest.by_class[c][0]:,}",
            area=area(digest.by_class[c][1]),
        )
        for c in order
    )
    out.append(i18n.t("ui.report.sum_classes", lang, classes=classes))
    opts = sorted(digest.by_option.items(), key=lambda kv: (-kv[1]["area_ha"], kv[0]))
    items = [
        i18n.t(
            _one("ui.report.sum_option_item", v["plots"]),
            lang,
            option=i18n.option_name(o, lang, tables) if o else i18n.t("ui.portfolio.no_option", lang),
            n=f"{v['plots']:,}",
            area=area(v["area_ha"]),
        )
        for o, v in opts[:max_options]
    ]
    if len(opts) > max_options:
        rest = sum(v["area_ha"] for _, v in opts[max_options:])
        items.append(
            i18n.t(_one("ui.report.sum_more_options", len(opts) - max_options), lang,
                   n=f"{len(opts) - max_options:,}", area=area(rest))
        )
    out.append(i18n.t("ui.report.sum_recommended", lang, options=sep.join(items)))
    npv = digest.npv_cny()
    if npv == npv and horizon_yr is not None:
        out.append(
            i18n.t("ui.report.sum_money", lang, npv=format_number(npv, lang, "CNY"), horizon=horizon_yr)
        )
        # the total by whose account it is: the farmers', the programme's and the PV developers' (one developer's
        # plant can outweigh every farm plot), said where it is not all the farmers'
        acc = digest.accounts
        money = lambda x: format_number(x, lang, "CNY", signed=True)  # noqa: E731
        if acc["developer_plots"]:
            out.append(i18n.t(_one("ui.report.sum_money_developer", acc["developer_plots"]), lang,
                              farmer=money(acc["farmer"]), programme=money(acc["programme"]),
                              developer=money(acc["developer"]), n=f"{acc['developer_plots']:,}",
                              rest=money(acc["farmer"] + acc["programme"]),
                              co2=format_number(acc["developer_co2e_vs_t"], lang, "t CO2e", signed=True)))
        elif acc["plots"] and abs(acc["programme"]) >= 0.5:
            out.append(i18n.t("ui.report.sum_money_accounts", lang, farmer=money(acc["farmer"]),
                              programme=money(acc["programme"])))
        prog = digest.programme_cny()
        if prog > 0:
            out.append(i18n.t("ui.report.sum_programme", lang, cost=format_number(prog, lang, "CNY")))
    if digest.income_unknown and horizon_yr is not None:  # the money totals leave their income out
        out.append(i18n.t(_one("ui.report.sum_income_unknown", digest.income_unknown), lang,
                          n=f"{digest.income_unknown:,}"))
    # carbon on the basis of the money line (against doing nothing), the options' own balance labelled as such
    own = format_number(digest.co2e_t(), lang, "t CO2e", signed=True)
    vs = digest.co2e_vs_t()
    if vs == vs and horizon_yr is not None:
        out.append(i18n.t("ui.report.sum_carbon_vs", lang, co2=format_number(vs, lang, "t CO2e", signed=True),
                          horizon=horizon_yr, own=own))
    else:
        out.append(i18n.t("ui.report.sum_carbon", lang, co2=own))
    out.append(i18n.t("ui.report.sum_caveat", lang))
    return out


# --------------------------------------------------------------------------- shared parts
def standard_text(scenario, standards: dict | None, lang: str) -> str:
    """The food standard of a plan in ``lang``: the scenario's, or under ``food_standard`` ``auto``
    each standard its plots were judged against with their number (``standards``)."""
    if getattr(scenario, "food_standard", "") != "auto" or not standards:
        return i18n.value("standard", scenario.food_standard, lang)
    used = "; ".join(f"{i18n.value('standard', k, lang)} × {n}" for k, n in standards.items())
    return messages.render(messages.Message.of("std.auto_used", standards=used), lang)


def rule_set_text(scenario, rule_sets: dict | None, lang: str) -> str:
    """The jurisdiction rule set of a plan in ``lang``: the scenario's, or under ``rule_set``
    ``auto`` each set that governed its plots with their number (``rule_sets``,
    :meth:`agriremed.engine.plan.Plan.rule_sets`)."""
    if getattr(scenario, "rule_set", "") != "auto" or not rule_sets:
        return i18n.value("rule_set", scenario.rule_set, lang)
    used = "; ".join(f"{i18n.value('rule_set', k, lang)} × {n}" for k, n in rule_sets.items())
    return messages.render(messages.Message.of("rules.auto_used", rule_sets=used), lang)


def user_tables_text(tables, lang: str, key: str = "ui.report.user_tables") -> str:
    """Which tables of a plan came from a user folder (``--tables``; :attr:`Tables.user_folder`): their
    file names, the folder and the SHA-256 of those files, in ``lang`` (``key``: the report's line, or
    ``ui.sheet.user_tables`` for the sheet footer, without the folder); "" for the packaged tables."""
    folder = getattr(tables, "user_folder", None)
    if not folder:
        return ""
    files = ("、" if lang == "zh" else ", ").join(str(f) for f in folder.get("files", ()))
    return i18n.t(key, lang, files=files, path=str(folder.get("path", "")), sha=str(folder.get("sha256", "")))


def _head(
    title: str, lang: str, *, date, version: str, scenario, digest_text: str, money: dict | None, region: str,
    standards: dict | None = None, rule_sets: dict | None = None, tables=None,
) -> str:
    """``<head>`` with the print page boxes, and the title block (with the tables of a user folder, when
    any: :func:`user_tables_text`)."""
    d = report_date(date)
    date_text = format_date(d, lang)
    page = i18n.t("ui.report.page_css", lang)
    css = _CSS + (
        "@page{size:A4;margin:14mm 11mm 16mm 11mm;"
        f"@bottom-left{{content:{_css_string(title + ' · ' + date_text)};font-size:7.5pt;color:#666}}"
        f"@bottom-right{{content:{page};font-size:7.5pt;color:#666}}}}"
    )
    meta = i18n.t(
        "ui.report.meta",
        lang,
        scenario=i18n.scenario_name(scenario.name, lang),
        draws=f"{scenario.mc_draws:,}",
        horizon=scenario.horizon_yr,
        standard=standard_text(scenario, standards, lang),
        rules=rule_set_text(scenario, rule_sets, lang),
        digest=digest_text,
    )
    if money and money.get("code", "CNY") != "CNY":
        meta += " · " + i18n.t(
            "ui.report.money_line",
            lang,
            code=money["code"],
            rate=f"{money['cny_per_unit']:g}",
            basis=money["basis"],
        )
    html_lang = "zh-CN" if lang == "zh" else "en"
    prepared = i18n.t("ui.report.prepared", lang, date=date_text, version=version, seed=scenario.seed)
    return "\n".join(
        [
            f"<!DOCTYPE html><html lang='{html_lang}'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width,initial-scale=1'>"
            f"<title>{html.escape(title)}</title>",
            f"<style>{css}</style>{_PRINT_SCRIPT}</head><body>",
            f"<h1>{html.escape(title)}</h1>",
            f"<p><b>{html.escape(prepared)}</b></p>",
            f"<p class='muted'>{html.escape(meta)}</p>",
            *([f"<p><b>{html.escape(user)}</b></p>"] if (user := user_tables_text(tables, lang)) else []),
            f"<p class='muted noprint'>{html.escape(i18n.t('ui.report.print_hint', lang))}</p>",
        ]
    )


def _title(region: str, lang: str, title: str | None) -> str:
    if title:
        return title
    return f"{i18n.t('ui.report.title', lang)} — {region}"


def _summary_sections(digest: PlanDigest, lang: str, *, n_rejected: int, scenario, tables,
                      n_skipped: int = 0) -> list[Section]:
    sentences = plain_summary(
        digest, lang, n_rejected=n_rejected, horizon_yr=scenario.horizon_yr, tables=tables, n_skipped=n_skipped
    )
    lede = "<div class='lede'>" + "".join(f"<p>{html.escape(x)}</p>" for x in sentences) + "</div>"
    kpis = [
        (i18n.t("ui.report.kpi_plots", lang), f"{digest.n_planned:,}"),
        (i18n.t("ui.report.kpi_rejected", lang), f"{n_rejected:,}"),
        *([(i18n.t("ui.report.kpi_skipped", lang), f"{n_skipped:,}")] if n_skipped else []),
        (i18n.t("ui.report.kpi_area", lang), format_number(digest.area_ha, lang, "ha")),
    ]
    for c in [c for c in _CLASSES if c in digest.by_class]:
        kpis.append((i18n.value("soil_class", c, lang), format_number(digest.by_class[c][1], lang, "ha")))
    kpis.append((i18n.t("ui.report.kpi_npv", lang), format_number(digest.npv_cny(), lang, "CNY")))
    vs = digest.co2e_vs_t()
    if vs == vs:
        kpis.append((i18n.t("ui.report.kpi_co2_vs", lang), format_number(vs, lang, "t CO2e", signed=True)))
    kpis.append(
        (i18n.t("ui.report.kpi_co2", lang), format_number(digest.co2e_t(), lang, "t CO2e", signed=True))
    )
    body = (
        "<div>"
        + "".join(f"<span class='kpi'><b>{html.escape(v)}</b>{html.escape(k)}</span>" for k, v in kpis)
        + "</div>"
    )
    return [
        Section("summary", i18n.t("ui.report.head_summary", lang), lede),
        Section("key_numbers", "", body),
    ]


def _rejected_section(rejected: pd.DataFrame, lang: str, tables) -> Section | None:
    if rejected is None or not len(rejected):
        return None
    if "plot_id" not in rejected.columns:  # the id under its own header (地块编码 of a GIS layer)
        head = next((c for c in rejected.columns if read_header(str(c)).canonical == "plot_id"), None)
        if head is not None:
            rejected = rejected.assign(plot_id=rejected[head])
    cols = [c for c in ("input_row", "line", "fid", "plot_id") if c in rejected.columns]
    show = rejected[cols].copy()
    if "reasons" in rejected.columns:
        keep = [c for c in ("reasons", "reasons_msg") if c in rejected.columns]
        show["reasons"] = translate_frame(rejected[keep], lang, tables)["reasons"]
    return Section(
        "rejected",
        i18n.t("ui.report.head_rejected", lang, n=f"{len(rejected):,}"),
        _table(show, lang, {"reasons": i18n.t("ui.report.col_problem", lang), "fid": "FID"}, long_cols=("reasons",)),
        i18n.t("ui.report.intro_rejected", lang),
    )


def _input_notes_section(notes, lang: str) -> Section | None:
    """How the input was read (text encoding, title lines skipped, empty lines, sheet, GIS layer)."""
    if not notes:
        return None
    items = "".join(f"<li>{html.escape(messages.text_of(n, lang))}</li>" for n in notes)
    return Section("input_notes", i18n.t("ui.report.head_input_notes", lang), f"<ul>{items}</ul>",
                   i18n.t("ui.report.intro_input_notes", lang))


def _overview_figure(frame: pd.DataFrame, lang: str, tables, area_mu_plots: int = 0):
    """The area by soil class and recommended option, with translated option and class names; the
    area in mu when a plot's area unit is mu (``area_mu_plots`` > 0, as the summary states it), else in ha."""
    fig = viz.recommendation_overview(frame, lang, area_unit="mu" if area_mu_plots else "ha")
    order = list(_CLASSES)
    for tr in fig.data:
        if tr.name is not None:
            tr.name = (
                i18n.option_name(tr.name, lang, tables) if tr.name else i18n.t("ui.portfolio.no_option", lang)
            )
        if tr.x is not None:
            tr.x = [i18n.value("soil_class", x, lang) for x in tr.x]
    fig.update_xaxes(categoryarray=[i18n.value("soil_class", c, lang) for c in order])
    return fig


def _figures_html(figs) -> str:
    return "".join(
        pio.to_html(f, include_plotlyjs=(i == 0), full_html=False, config={"displaylogo": False})
        for i, f in enumerate(figs)
    )


def _reference_sections(tables, scenario, lang: str, columns) -> list[Section]:
    """Assumptions, scenario, glossary and sources (the same for a whole and a streamed plan)."""
    notes = _assumptions(tables, scenario)
    # a note that names a source names it by its short citation
    notes["note"] = [citations.cite_keys_in_text(v, lang, tables) for v in notes["note"]]
    assumptions = _table(
        notes,
        lang,
        _plain_headers(lang, "table", "entry", "value", "range", "note"),
        long_cols=("note",),
    )
    if lang == "zh":  # the notes are the data tables' own (English) note column
        assumptions += f"<p class='muted'>{html.escape(i18n.t('ui.report.notes_en', lang))}</p>"
    terms = [
        "priority_protection",
        "safe_utilisation",
        "strict_control",
        "screening",
        "intervention",
        "npv",
        "co2e",
        "percentiles",
        "lights",
        "assumption",
    ]
    term_df = pd.DataFrame(
        {
            "term": [i18n.t(f"ui.report.term.{k}", lang) for k in terms],
            "meaning": [i18n.t(f"ui.report.def.{k}", lang) for k in terms],
        }
    )
    cols = [c for c in C.COLUMNS.values() if c.name in set(columns)]
    gloss = pd.DataFrame(
        {
            "label": [c.label(lang, with_unit=False) for c in cols],
            "name": [c.name for c in cols],
            "unit": [
                i18n.unit(c.unit, lang) if c.dtype in ("float", "int") and c.unit not in ("", "1") else ""
                for c in cols
            ],
            "description": [i18n.description(c.name, lang) for c in cols],
        }
    )
    note = (
        f"<p class='muted'>{html.escape(i18n.t('ui.report.description_en', lang))}</p>"
        if lang == "zh"
        else ""
    )
    glossary = (
        _table(term_df, lang, _plain_headers(lang, "term", "meaning"), long_cols=("meaning",))
        + note
        + _table(
            gloss,
            lang,
            _plain_headers(lang, "label", "name", "unit", "description"),
            max_rows=len(gloss) + 1,
            long_cols=("description",),
        )
    )
    sources = tables.sources
    # each source by its short citation (the texts above cite it so), never by its internal key
    src = sources.loc[sources["key"].isin(_used_sources(tables)), ["key", "citation", "doi_or_url", "status"]]
    src = src.assign(short_cite=[citations.short_cite(k, lang, tables) for k in src["key"]])
    src = src[["short_cite", "citation", "doi_or_url", "status"]].rename(columns={"doi_or_url": "link"})
    for c in ("citation", "status"):  # a citation that names another source names it so too
        src[c] = [citations.cite_keys_in_text(v, lang, tables) for v in src[c]]
    return [
        Section(
            "assumptions",
            i18n.t("ui.report.head_assumptions", lang),
            assumptions,
            i18n.t("ui.report.intro_assumptions", lang),
            folded=True,
        ),
        Section(
            "scenario",
            i18n.t("ui.report.head_scenario", lang),
            f"<pre>{html.escape(scenario.to_json())}</pre>",
            folded=True,
        ),
        Section(
            "glossary",
            i18n.t("ui.report.head_glossary", lang),
            glossary,
            i18n.t("ui.report.intro_glossary", lang),
            folded=True,
        ),
        Section(
            "sources",
            i18n.t("ui.report.head_sources", lang),
            _table(
                src,
                lang,
                _plain_headers(lang, "short_cite", "citation", "link", "status"),
                max_rows=len(src) + 1,
                long_cols=("citation", "link"),
            ),
            folded=True,
        ),
    ]


def _by_option_section(digest: PlanDigest, lang: str, tables) -> Section:
    df = digest.option_table(lang, tables)
    heads = {
        "option": i18n.t("ui.report.col_option", lang),
        "plots": i18n.t("ui.report.col_plots", lang),
        "npv_total": f"{i18n.t('ui.report.col_npv_total', lang)} [{i18n.unit('CNY', lang)}]",
        "net_co2e_vs_t": f"{i18n.t('ui.report.col_co2_vs', lang)} [{i18n.unit('t CO2e', lang)}]",
        "net_co2e_t": f"{i18n.t('ui.report.col_co2_own', lang)} [{i18n.unit('t CO2e', lang)}]",
        "income_unknown": i18n.t("ui.report.col_income_unknown", lang),
    }
    return Section("by_option", i18n.t("ui.report.head_by_option", lang), _table(df, lang, heads))


# --------------------------------------------------------------------------- whole plan
def _with_years_text(t: pd.DataFrame) -> pd.DataFrame:
    """The plan table with ``years to target`` as text: "stabilises, does not clean up" for an
    option that is not a clean-up method, "> 200" beyond 200 years (never "5 991")."""
    y = t["years_p50"].fillna(t["years_to_target"]).to_numpy(float)
    text = cleanup_years_text(
        y, t["option_kind"].fillna("").to_numpy(object), t["target_metals"].fillna("").to_numpy(object),
        t["duration_kind"].fillna("").to_numpy(object) if "duration_kind" in t else None,
    )
    return t.assign(years_text=np.where(t["applicable"].to_numpy(bool), text, ""))


def region_names(regions: pd.Series, lang: str, tables) -> pd.Series:
    """Region paths in ``lang`` (:func:`agriremed.core.i18n.region_name`; in English, a placed region written in
    Chinese by its English names), each distinct path once."""
    codes, uniques = pd.factorize(regions.to_numpy(object), use_na_sentinel=True)
    names = np.array([i18n.region_name(u, lang, tables) for u in uniques] + [""], dtype=object)
    return pd.Series(names[codes], index=regions.index, dtype=object)


def _recommendation_table(s: pd.DataFrame, lang: str, tables) -> pd.DataFrame:
    tr = translate_frame(s, lang, tables)
    crop = tr["land_use"].astype(str) + " / " + tr["crop"].astype(str)
    df = pd.DataFrame(
        {
            "plot_id": s["plot_id"],
            "region": region_names(s["region"], lang, tables) if "region" in s else "",
            "land_crop": crop,
            "soil_class": tr["soil_class"],
            "above": tr["metals_exceeding"],
            "recommendation": tr["recommendation"],
        }
    )
    at = 2  # after the region: the village and the location (lat/lon) where the input has them
    if "village" in s:
        df.insert(at, "village", s["village"].to_numpy(object))
        at += 1
    if "lat" in s and "lon" in s:
        df.insert(at, "location", [location_text(a, b) for a, b in
                                   zip(s["lat"].to_numpy(float), s["lon"].to_numpy(float), strict=True)])
    if "policy_rule" in s:
        rule = s["policy_rule"].fillna("").map(lambda r: i18n.rule_text(r, lang, tables)).replace(
            "", i18n.t("ui.report.no_rule", lang))
        df["rule"] = tr["rule_set"].astype(str) + i18n.colon(lang) + rule
    return df


#: Numbers of the report's compensation section (:func:`compensation_section`), as the summary names them.
COMPENSATION_NUMBERS = ("lost_income_cny_mu_yr", "lost_income_plot_cny_yr", "compensation_paid_cny_mu_yr",
                        "compensation_paid_plot_cny_yr", "compensation_gap_cny_mu_yr", "compensation_gap_plot_cny_yr")


def compensation_section(s: pd.DataFrame, lang: str, tables) -> Section | None:
    """The plots of the summary ``s`` on strict-control land whose former crop may not be sold: the farmer's
    lost legal income, the compensation paid and the gap per mu and year and for the plot, with their basis
    (``compensation_basis`` in ``lang``), and the sums over the plots where all three are known; None where no
    plot has them."""
    if "compensation_basis_msg" not in s:
        return None
    on = s["compensation_basis_msg"].fillna("").astype(str).ne("").to_numpy(bool)
    if not on.any():
        return None
    c = s.loc[on]
    tr = translate_frame(c[["crop", "recommended_option", "recommended_name"]], lang, tables)
    df = pd.DataFrame({"plot_id": c["plot_id"].to_numpy(object), "crop": tr["crop"].to_numpy(object),
                       "recommended_name": tr["recommended_name"].to_numpy(object)})
    for col in COMPENSATION_NUMBERS:
        df[col] = c[col].to_numpy(float)
    df["compensation_basis"] = messages.column_texts(c, "compensation_basis", lang, tables)
    intro = messages.render(messages.Message.of("comp.report_intro"), lang, tables)
    again = counted_once(s, tables)["repeat"].to_numpy(bool) if "field_id" in s else None
    body = _table(df, lang, long_cols=("compensation_basis",)) + _compensation_total(
        compensation_totals(s, again), lang, tables, skipped=int(np.count_nonzero(again)) if again is not None else 0)
    return Section("compensation", messages.render(messages.Message.of("comp.report_head"), lang, tables), body,
                   intro)


def compensation_totals(summary: pd.DataFrame, skip: np.ndarray | None = None) -> list:
    """Plots of a summary with the farmer's lost legal income, the compensation paid and the gap all known, and
    the sums of the three over them (``*_plot_cny_yr``) [CNY yr⁻¹]; ``[0, 0.0, 0.0, 0.0]`` without them. Rows
    of ``skip`` (:func:`~agriremed.stages.seasons.field_repeat_rows`: a field's whole-year option again) are
    left out.

    >>> compensation_totals(pd.DataFrame({"lost_income_plot_cny_yr": [4920.0, float("nan")],
    ...     "compensation_paid_plot_cny_yr": [0.0, float("nan")], "compensation_gap_plot_cny_yr": [4920.0, float("nan")]}))
    [1, 4920.0, 0.0, 4920.0]
    """
    cols = [c for c in COMPENSATION_NUMBERS if c.endswith("_plot_cny_yr")]
    if not all(c in summary for c in cols):
        return [0, 0.0, 0.0, 0.0]
    v = summary[cols].to_numpy(float)
    ok = np.isfinite(v).all(axis=1)
    if skip is not None:
        ok &= ~np.asarray(skip, bool)
    return [int(ok.sum()), *(float(v[ok, k].sum()) for k in range(len(cols)))]


def _compensation_total(totals, lang: str, tables, skipped: int = 0) -> str:
    """The sums of the compensation section (``totals``: :attr:`PlanDigest.compensation`) as a paragraph; ''
    where no plot has all three amounts."""
    n, lost, paid, gap = totals
    if not n:
        return ""
    total = messages.Message.of("comp.report_total_one" if n == 1 else "comp.report_total", n=int(n),
                                lost=float(lost), paid=float(paid), gap=float(gap))
    if skipped:  # the 晚稻 row of a field whose sorghum the 早稻 row already counts: listed, not added
        total = messages.Message.of("rec.with_note", sentence=total,
                                    note=messages.Message.of("comp.report_field_once", n=int(skipped)))
    return f"<p>{html.escape(messages.render(total, lang, tables))}</p>"


def _compensation_digest_section(digest: PlanDigest, lang: str, tables) -> Section | None:
    """The compensation section of a streamed plan's report: its sums over the plots (the per-plot amounts are
    in the summary file); None where no plot has them."""
    if not digest.compensation[0]:
        return None
    return Section("compensation", messages.render(messages.Message.of("comp.report_head"), lang, tables),
                   _compensation_total(digest.compensation, lang, tables, skipped=digest.field_repeats),
                   messages.render(messages.Message.of("comp.report_intro"), lang, tables))


def _recommended_scores(plan, lang: str) -> pd.DataFrame:
    if plan.scores is None or plan.scores.empty:
        return pd.DataFrame()
    rec = plan.table.loc[plan.table["recommended"], ["plot_id", "option_id"]]
    cols = ["plot_id", "option_id", "criterion", "value", "utility", "weight", "light", "reason"]
    cols += ["reason_msg"] if "reason_msg" in plan.scores.columns else []  # rendered into reason
    df = plan.scores.merge(rec, on=["plot_id", "option_id"])[cols]
    df = df.assign(option_name=df["option_id"])
    out = translate_frame(df, lang, plan.tables)
    return out[["plot_id", "option_name", "criterion", "value", "utility", "weight", "light", "reason"]]


def _plan_sections(plan, lang: str) -> list[Section]:
    s, t, tables = plan.summary, plan.table, plan.tables
    per_plot = len(plan.plots) <= PER_PLOT_FIGURE_LIMIT
    rec_heads = {
        "plot_id": i18n.t("ui.report.col_plot", lang),
        "location": i18n.t("ui.report.col_location", lang),
        "land_crop": i18n.t("ui.report.col_land_crop", lang),
        "above": i18n.t("ui.report.col_above", lang),
        "rule": i18n.t("ui.report.col_rule", lang),
    }
    out = [
        Section(
            "recommendations",
            i18n.t("ui.report.head_recommendations", lang),
            _table(_recommendation_table(s, lang, tables), lang, rec_heads, long_cols=("recommendation",)),
            i18n.t("ui.report.intro_recommendations", lang),
        )
    ]
    comp = compensation_section(s, lang, tables)
    if comp is not None:
        out.append(comp)
    figs = [_overview_figure(s, lang, tables, PlanDigest.from_plan(plan).area_mu_plots)]
    if per_plot:
        if len(plan.soil):
            figs.insert(0, viz.exceedance_heatmap(plan.soil, lang))
        figs += [viz.duration_ranges(t, lang), viz.npv_vs_carbon(t, lang), viz.carbon_vs_duration(t, lang)]
        rec = t.loc[t["recommended"]]
        if len(rec):
            figs.append(
                viz.carbon_waterfall(
                    plan.carbon_ledger, rec["plot_id"].iloc[0], rec["option_id"].iloc[0], lang, tables
                )
            )
    out.append(
        Section(
            "figures",
            i18n.t("ui.report.head_figures", lang),
            _figures_html(figs),
            "" if per_plot else i18n.t("ui.report.intro_figures_many", lang, n=f"{PER_PLOT_FIGURE_LIMIT:,}"),
        )
    )
    out.append(
        Section(
            "why",
            i18n.t("ui.report.head_why", lang),
            _table(_recommended_scores(plan, lang), lang, _plain_headers(lang, "value", "light"),
                   long_cols=("reason",)),
            i18n.t("ui.report.intro_why", lang),
            folded=True,
        )
    )
    if plan.uptake is not None and len(plan.uptake):
        out.append(_uptake_section(plan, lang))
    m = plan.money()
    money_cols = list(
        dict.fromkeys(
            c
            for c in (C.money_column("npv_vs_baseline_cny_ha", m["code"]), "npv_vs_baseline_cny_ha")
            if c in t.columns
        )
    )
    cols = [
        "plot_id",
        "option_name",
        "applicable",
        "reason",
        "evidence",
        "rank",
        "score",
        "years_text",
        "crop_compliance_prob",
        *money_cols,
        "net_co2e_vs_baseline_t_ha_yr",
        "policy_status",
        "policy_rule",
        "light_food_safety",
        "light_food_production",
        "light_livelihood",
        "light_clean_up",
        "light_carbon",
        "light_economics",
    ]
    head = _with_years_text(t.head(MAX_TABLE_ROWS))
    msgs = [f"{c}_msg" for c in cols if f"{c}_msg" in head.columns]  # rendered into their text column
    shown = translate_frame(head[[c for c in cols if c in head.columns] + ["option_id"] + msgs], lang, tables)
    shown = shown.drop(columns=msgs)
    fixed = {t: messages.render(c, lang) for t, c in NOT_CLEAN_UP_CODES.items()}  # the texts that are no number
    shown["years_text"] = [fixed.get(x, x) for x in shown["years_text"]]
    shown = shown.drop(columns="option_id")
    heads = {"years_text": i18n.t("ui.report.col_years", lang)}
    body = _table(shown, lang, heads, max_rows=MAX_TABLE_ROWS, long_cols=("reason",))
    if len(t) > MAX_TABLE_ROWS:
        body += (
            f"<p class='muted'>"
            f"{html.escape(i18n.t('ui.report.more_rows', lang, n=f'{len(t) - MAX_TABLE_ROWS:,}'))}</p>"
        )
    out.append(
        Section(
            "options",
            i18n.t("ui.report.head_options", lang),
            body,
            i18n.t("ui.report.intro_options", lang),
            folded=True,
            printed=False,
        )
    )
    excluded = _excluded_section(t, lang, tables)
    if excluded is not None:
        out.append(excluded)
    ledger = plan.carbon_ledger.merge(
        t.loc[t["recommended"], ["plot_id", "option_id"]], on=["plot_id", "option_id"]
    )
    lcols = [
        c
        for c in (
            "plot_id",
            "option_id",
            "term",
            "term_category",
            "co2e_t_ha_yr",
            "co2e_t_ha_yr_p10",
            "co2e_t_ha_yr_p90",
            "term_method",
            "source",
        )
        if c in ledger.columns
    ]
    lmsg = [c for c in ("term_method_msg",) if c in ledger.columns]  # rendered into term_method
    ledger = translate_frame(ledger[lcols + lmsg].assign(option_name=ledger["option_id"]), lang, tables)
    ledger = ledger.drop(columns=lmsg)
    if "source" in ledger.columns:  # the sources by their short citations
        ledger["source"] = [citations.short_cites(v, lang, tables) for v in ledger["source"]]
    ledger = ledger[["plot_id", "option_name", *[c for c in lcols if c not in ("plot_id", "option_id")]]]
    out.append(
        Section(
            "ledger",
            i18n.t("ui.report.head_ledger", lang),
            _table(ledger, lang),
            i18n.t("ui.report.intro_ledger", lang),
            folded=True,
        )
    )
    bcols = [
        "plot_id",
        "option_name",
        "biomass_t_dm_ha_yr",
        "yield_land",
        "energy_pathway",
        "useful_energy_gj_ha_yr",
        "electricity_mwh_ha_yr",
        "heat_gj_ha_yr",
        "biochar_t_ha_yr",
        "residue_disposal",
        "residue_note",
    ]
    msg = [c for c in ("residue_note_msg",) if c in t.columns]  # rendered into residue_note
    bio = t.loc[t["applicable"] & t["biomass_t_dm_ha_yr"].notna(), [*bcols, "option_id", *msg]]
    bio = translate_frame(bio, lang, tables).drop(columns=["option_id", *msg])
    out.append(
        Section(
            "biomass",
            i18n.t("ui.report.head_biomass", lang),
            _table(bio, lang, long_cols=("residue_note",)),
            i18n.t("ui.report.intro_biomass", lang),
            folded=True,
            printed=False,
        )
    )
    out.append(
        Section(
            "not_printed",
            "",
            f"<p class='printonly muted'>{html.escape(i18n.t('ui.report.print_skipped', lang))}</p>",
        )
    )
    return out


def _excluded_section(t: pd.DataFrame, lang: str, tables, max_rows: int = MAX_EXCLUDED_ROWS) -> Section | None:
    """Every plot's options that do not apply, grouped by their reason (the deciding rule of the rule set with its
    text and sources, or the option library's own condition), printed: the "All options" table is cut at
    :data:`MAX_TABLE_ROWS` and not printed. Whole plots in plan order up to ``max_rows`` excluded rows (at least
    one plot); beyond, the plots and rows left out are counted and ``plan.csv`` named. None without exclusions."""
    if "applicable" not in t or not len(t):
        return None
    ex = t.loc[~t["applicable"].astype(bool).to_numpy()]
    if ex.empty:
        return None
    sizes = ex.groupby("plot_id", sort=False).size()
    keep = max(1, int(np.searchsorted(np.cumsum(sizes.to_numpy()), max_rows, side="right")))
    part = ex.loc[ex["plot_id"].isin(sizes.index[:keep])]
    cols = [c for c in ("plot_id", "option_name", "reason", "option_id", "reason_msg") if c in part.columns]
    shown = translate_frame(part[cols], lang, tables)
    sep = "、" if lang == "zh" else ", "
    shown["reason"] = shown["reason"].fillna("").astype(str)
    grouped = (shown.groupby(["plot_id", "reason"], sort=False)["option_name"]
               .agg(lambda x: sep.join(dict.fromkeys(map(str, x)))).reset_index())[["plot_id", "option_name", "reason"]]
    body = _table(grouped, lang, {"option_name": i18n.t("ui.report.col_excluded_options", lang)},
                  max_rows=len(grouped) + 1, long_cols=("reason",))
    if keep < len(sizes):
        left = sizes.iloc[keep:]
        body += "<p class='muted'>" + html.escape(i18n.t(
            "ui.report.excluded_cut", lang, plots=f"{len(left):,}", rows=f"{int(left.sum()):,}",
            shown=f"{keep:,}")) + "</p>"
    return Section("excluded", i18n.t("ui.report.head_excluded", lang), body,
                   i18n.t("ui.report.intro_excluded", lang), folded=True)


#: Columns of the report's uptake section (:func:`_uptake_section`), as crop_uptake.csv names them.
UPTAKE_COLUMNS = ("plot_id", "crop", "metal", "function_id", "user_function", "selection",
                  "user_fit_edge_ratio", "crop_fw_p50_mg_kg", "p_exceed_limit")


def _uptake_section(plan, lang: str) -> Section:
    """Which transfer function predicted each metal of each plot's crop, fitted to the user's data
    or packaged, the functions tried before it (a user's fit beyond its data among them) and the
    step at the end of that fit's data (issue: no silent switch)."""
    u = plan.uptake.loc[plan.uptake["assessed"].astype(bool)] if "assessed" in plan.uptake else plan.uptake
    u = u[[c for c in UPTAKE_COLUMNS if c in u.columns]].head(MAX_TABLE_ROWS)
    shown = translate_frame(u, lang, plan.tables)
    if "selection" in shown:
        shown["selection"] = [messages.selection_text(x, lang) for x in u["selection"].tolist()]
    return Section("uptake", i18n.t("ui.report.head_uptake", lang), _table(shown, lang, long_cols=("selection",)),
                   i18n.t("ui.report.intro_uptake", lang), folded=True)


#: Biochar credit columns of the report's credits section (inventory sink first).
CREDIT_COLUMNS = (
    "biochar_inventory_sink_co2e_t_ha_yr",
    "biochar_credit_csink_co2e_t_ha_yr",
    "biochar_credit_puro_co2e_t_ha_yr",
    "biochar_credit_vm0044_co2e_t_ha_yr",
    "biochar_status_csink",
    "biochar_status_puro",
    "biochar_status_vm0044",
)


def _credits_section(plan, lang: str) -> Section | None:
    """Biochar: the inventory sink against the credit each registry would issue (None without biochar)."""
    t = plan.table
    sink = "biochar_inventory_sink_co2e_t_ha_yr"
    if sink not in t or not t[sink].notna().any():
        return None
    rows = t.loc[
        t[sink].notna() & t["applicable"].astype(bool),
        ["plot_id", "option_id", *[c for c in CREDIT_COLUMNS if c in t]],
    ]
    rows = translate_frame(rows.assign(option_name=rows["option_id"]), lang, plan.tables)
    rows = rows[["plot_id", "option_name", *[c for c in CREDIT_COLUMNS if c in t]]]
    return Section("credits", i18n.t("ui.report.head_credits", lang), _table(rows, lang),
                   i18n.t("ui.report.intro_credits", lang), folded=True)


def _soft_reuse_section(plan, lang: str) -> Section | None:
    """Opportunity matrix of the marginal plots (soft re-uses × services), folded; None when none."""
    soft = for_plan(plan)
    if soft is None or soft[1].empty:
        return None
    reuse, matrix = soft
    if lang == "zh":  # the matrix carries the English name; the re-use rows carry both
        zh = matrix[["plot_id", "reuse_id"]].merge(reuse[["plot_id", "reuse_id", "reuse_name_zh"]],
                                                   on=["plot_id", "reuse_id"], how="left")["reuse_name_zh"]
        matrix = matrix.assign(reuse_name=zh.fillna(matrix["reuse_name"].reset_index(drop=True)).to_numpy())
    nums = reuse[["plot_id", "reuse_id", "electricity_mwh_ha_yr", "net_co2e_t_ha_yr",
                  "npv_vs_baseline_cny_ha", "exposure_verdict"]]
    shown = matrix[["plot_id", "reuse_name", *[f"score_{s}" for s in SERVICES], "score_total"]].join(
        matrix[["plot_id", "reuse_id"]].merge(nums, on=["plot_id", "reuse_id"], how="left").drop(
            columns=["plot_id", "reuse_id"]))
    shown = translate_frame(shown, lang, plan.tables)  # the exposure verdict as words
    return Section("soft_reuse", i18n.t("ui.report.head_soft_reuse", lang), _table(shown, lang),
                   i18n.t("ui.report.intro_soft_reuse", lang), folded=True)


def _map_section(plan, lang: str) -> Section | None:
    """Map of the plots (GIS input only: ``plan.geometry``, set by the CLI), by soil class and by
    recommended option, with region outlines when ``plan.region_polygons`` is set; offline.
    None without geometry."""
    geometry = getattr(plan, "geometry", None)
    if geometry is None or not len(plan.summary):
        return None
    regions = getattr(plan, "region_polygons", None)
    s, sc = plan.summary, plan.scenario
    region = s["region"].to_numpy(object) if "region" in s else np.full(len(s), None, dtype=object)
    units = area_units(region, sc.area_unit, sc.rule_set, plan.tables)  # the hover's area, as on the sheets
    rejected = getattr(plan, "rejected_geometry", None)  # grey parcels: rejected, not planned
    figs = [viz.parcel_map(s, geometry, c, regions, lang=lang, units=units, rejected=rejected)
            for c in ("soil_class", "recommended_option")]
    body = "".join(pio.to_html(f, include_plotlyjs=False, full_html=False, config={"displaylogo": False})
                   for f in figs)
    return Section("map", i18n.t("ui.report.head_map", lang), body, i18n.t("ui.report.intro_map", lang))


def report_html(plan, title: str | None = None, lang: str = "en", date=None, extra_sections=()) -> str:
    """Build the report of a whole plan as one HTML string (plotly.js inlined once).

    Parameters
    ----------
    plan : Plan
        The plan.
    title : str, optional
        Title; default "Remediation plan for contaminated farmland — <region>" in ``lang``.
    lang : {"en", "zh"}
        Language of every text, label and translated value.
    date : datetime.date or str, optional
        Date printed on the report (default :func:`report_date`).
    extra_sections : sequence of Section
        More sections, placed after the figures (e.g. a map).

    Returns
    -------
    str
        The HTML document. Order: title, date, version and seed; the plain-language summary;
        key numbers; rejected rows (when any); the recommendation per plot; recommended
        options in the portfolio; figures; then folded reference sections (score table of the
        recommended options, every option, carbon ledger, biomass and energy, assumptions,
        scenario, glossary, sources). Above :data:`PER_PLOT_FIGURE_LIMIT` plots, per-plot
        figures give way to portfolio summaries.
    """
    lang = i18n._check_lang(lang)
    if lang == "en" and getattr(plan, "text_lang", "en") != "en":  # a plan made with plan(..., lang="zh")
        plan = plan.in_lang("en")
    digest = PlanDigest.from_plan(plan)
    region = digest.regions.title(lang)
    full_title = _title(region, lang, title)
    sections = _summary_sections(
        digest, lang, n_rejected=len(plan.rejected), scenario=plan.scenario, tables=plan.tables,
        n_skipped=len(getattr(plan, "skipped", ())),
    )
    rej = _rejected_section(plan.rejected, lang, plan.tables)
    if rej is not None:
        sections.append(rej)
    read = _input_notes_section(getattr(plan, "input_notes", []), lang)
    if read is not None:
        sections.append(read)
    sections.append(_by_option_section(digest, lang, plan.tables))
    sections += _plan_sections(plan, lang)
    sections += [x for x in (_soft_reuse_section(plan, lang), _credits_section(plan, lang)) if x is not None]
    sections += _reference_sections(
        plan.tables,
        plan.scenario,
        lang,
        [*plan.table.columns, *plan.summary.columns, *plan.carbon_ledger.columns],
    )
    head = _head(
        full_title,
        lang,
        date=date,
        version=plan.version,
        standards=plan.food_standards() if hasattr(plan, "food_standards") else None,
        rule_sets=plan.rule_sets() if hasattr(plan, "rule_sets") else None,
        scenario=plan.scenario,
        digest_text=plan.input_digest(),
        money=plan.money(),
        region=region,
        tables=plan.tables,
    )
    mapped = _map_section(plan, lang)
    extra = [*([mapped] if mapped is not None else []), *extra_sections]
    return "\n".join([head, *(s.html() for s in _ordered(sections, extra)), "</body></html>"])


def write_report(plan, path: str | Path, lang: str = "en", date=None) -> Path:
    """Write :func:`report_html` to ``path`` (UTF-8) and return the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(report_html(plan, lang=lang, date=date), encoding="utf-8")
    return p


# --------------------------------------------------------------------------- streamed plan
def digest_report_html(
    digest: PlanDigest,
    *,
    scenario,
    tables,
    version: str,
    input_digest: str = "",
    rejected: pd.DataFrame | None = None,
    n_chunks: int = 0,
    chunk_size: int = 0,
    n_input: int = 0,
    files=("plan.csv", "summary.csv"),
    money: dict | None = None,
    columns=(),
    lang: str = "en",
    date=None,
    title: str | None = None,
    extra_sections=(),
    plan_rows: str = "all",
    n_skipped: int = 0,
) -> str:
    """The report of a streamed plan, built from its :class:`PlanDigest` (no plot × option table).

    It has the title, the plain-language summary, the key numbers, the rejected rows, a
    section saying what is left out and why, the recommended options in the portfolio, the
    area figure, the carbon ledger summed over the recommended options and the reference
    sections (assumptions, scenario, glossary, sources).

    Parameters
    ----------
    digest : PlanDigest
        Totals gathered chunk by chunk.
    scenario : Scenario
        The scenario used.
    tables : Tables
        Literature tables.
    version : str
        agriremed version.
    input_digest : str
        Digest of the input.
    rejected : pandas.DataFrame, optional
        Rejected rows.
    n_chunks, chunk_size, n_input : int
        Chunks planned, plots per chunk, input rows.
    files : tuple of str
        Names of the plan and summary files written.
    money : dict, optional
        Reporting currency (:meth:`Plan.money`).
    columns : iterable of str
        Columns written (for the glossary).
    lang : {"en", "zh"}
        Language.
    date : datetime.date or str, optional
        Date printed on the report.
    title : str, optional
        Title (default from the regions).
    extra_sections : sequence of Section
        More sections, placed after the figures.
    plan_rows : {"all", "recommended"}
        Rows of the plan file (:func:`agriremed.engine.stream.plan_stream`): the section on
        what is left out says which.
    n_skipped : int
        Rows of the sheet that are not plots (合计, 注, 填表人), skipped: said apart from the rejected rows,
        as in the report of an in-memory plan.

    Returns
    -------
    str
        The HTML document.
    """
    lang = i18n._check_lang(lang)
    region = digest.regions.title(lang)
    full_title = _title(region, lang, title)
    n_rej = 0 if rejected is None else len(rejected)
    sections = _summary_sections(digest, lang, n_rejected=n_rej, scenario=scenario, tables=tables,
                                 n_skipped=n_skipped)
    rej = _rejected_section(rejected, lang, tables)
    if rej is not None:
        sections.append(rej)
    plan_file, summary_file = files
    skipped = i18n.t("ui.report.intro_skipped" if plan_rows == "all" else "ui.report.intro_skipped_rec", lang,
                     n=f"{n_input:,}", chunks=f"{n_chunks:,}", size=f"{chunk_size:,}", plan_file=plan_file,
                     summary_file=summary_file)
    sections.append(
        Section(
            "skipped",
            i18n.t("ui.report.head_skipped", lang),
            f"<p>{html.escape(skipped)}</p>",
        )
    )
    sections.append(_by_option_section(digest, lang, tables))
    comp = _compensation_digest_section(digest, lang, tables)
    if comp is not None:
        sections.append(comp)
    if digest.n_planned:
        sections.append(
            Section(
                "figures",
                i18n.t("ui.report.head_figures", lang),
                _figures_html([_overview_figure(digest.overview_frame(), lang, tables, digest.area_mu_plots)]),
            )
        )
    heads = {
        "co2e_t_yr": f"{i18n.label('co2e_t_ha_yr', lang, with_unit=False)} [{i18n.unit('t CO2e', lang)}/"
        f"{i18n.unit('yr', lang)}]"
    }
    sections.append(
        Section(
            "ledger",
            i18n.t("ui.report.head_ledger", lang),
            _table(digest.ledger_table(lang), lang, heads),
            i18n.t("ui.workbook.about.ledger_totals", lang),
            folded=True,
        )
    )
    sections += _reference_sections(tables, scenario, lang, columns)
    head = _head(
        full_title,
        lang,
        date=date,
        version=version,
        scenario=scenario,
        digest_text=input_digest,
        money=money,
        region=region,
        tables=tables,
    )
    return "\n".join([head, *(s.html() for s in _ordered(sections, extra_sections)), "</body></html>"])


class StreamReport:
    """Writes ``report.html`` of a streamed plan: :meth:`add` every chunk's plan, then :meth:`write`.

    Passed to :func:`agriremed.engine.stream.plan_stream` as one of its ``extra_outputs``; it keeps
    a :class:`PlanDigest` (bounded memory) and the column names, never the plot tables.
    """

    def __init__(self, lang: str = "en", date=None):
        self.lang = i18n._check_lang(lang)
        self.date = date
        self.digest = PlanDigest()
        self.columns: dict[str, None] = {}

    def add(self, plan) -> None:
        self.digest.add(plan)
        for df in (plan.table, plan.summary, plan.carbon_ledger):
            if df is not None:
                self.columns.update(dict.fromkeys(df.columns))

    def write(self, out: Path, run: dict) -> dict[str, Path]:
        """Write ``report.html`` to ``out`` (nothing when no plot was planned)."""
        if self.digest.n_planned == 0:
            return {}
        text = digest_report_html(
            self.digest,
            scenario=run["scenario"],
            tables=run["tables"],
            version=run["version"],
            input_digest=run["input_digest"],
            rejected=run["rejected"],
            n_chunks=run["n_chunks"],
            chunk_size=run["chunk_size"],
            n_input=run["n_input"],
            files=run["files"],
            money=run.get("money"),
            columns=list(self.columns),
            lang=self.lang,
            date=self.date,
            plan_rows=run.get("plan_rows", "all"),
            n_skipped=run.get("n_skipped", 0),
        )
        p = Path(out) / "report.html"
        p.write_text(text, encoding="utf-8")
        return {"report": p}
