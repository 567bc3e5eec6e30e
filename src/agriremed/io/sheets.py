"""One-page A4 advice sheet per plot (PDF), in English or Chinese.

An extension officer hands the farmer one page: the plot and farmer, the soil class in
plain words with the measured soil pH and metals against their screening and intervention
values (on marginal, mine and brownfield land under a soft re-use people work on, such as a PV
plant, the soil against GB 36600 for that use), what the crop will contain against the food limit, the measures this season
and next with amounts per mu and for the plot, first-year cost, the net cash flow of year 1
and of a typical year (on strict-control land whose former crop may not be sold: the farmer's lost
legal income, the compensation paid and the gap), grain monitoring, how long, the runner-up option and whom to contact. The content comes from
:func:`agriremed.stages.advice.plot_advice`; this module only lays it out.

The PDF uses reportlab with its built-in CJK font (``STSong-Light``, an Adobe CID font
that PDF readers provide), so no font file is downloaded or embedded. The whole page is
one frame that shrinks its content to fit (``KeepInFrame``), so a sheet is always one
page. Output is byte-reproducible for the same plan and date (``invariant``).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from pathlib import Path
from xml.sax.saxutils import escape

from agriremed.core.version import __version__
from agriremed.core import i18n
from agriremed.stages.advice import PlotAdvice, plot_advice
from agriremed.io.report import user_tables_text
from agriremed.stages.economics import subsidy_line

__all__ = ["SheetError", "sheet_pdf", "write_sheets", "CJK_FONT"]

#: Built-in CID font of reportlab for Chinese text.
CJK_FONT = "STSong-Light"
_CJK = re.compile(r"[^\x00-\xff]+")


class SheetError(RuntimeError):
    """The sheets cannot be written (reportlab missing, or an output problem)."""


def _advice(result, plot_id: str, lang: str) -> PlotAdvice:
    """The sheet's advice of ``plot_id`` (:func:`agriremed.stages.advice.plot_advice`) with the subsidies the
    recommendation's farmer figure counts (:func:`agriremed.stages.economics.subsidy_line`)."""
    return dataclasses.replace(plot_advice(result, plot_id, lang), subsidy=subsidy_line(result, plot_id, lang),
                               user_tables=user_tables_text(result.tables, lang, "ui.sheet.user_tables"))


def _reportlab():
    try:
        import reportlab  # noqa: F401
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise SheetError("the plot sheets need reportlab: install agriremed[pdf] "
                         "(pip install 'agriremed[pdf]')") from exc
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _markup(text: str, lang: str) -> str:
    """``text`` escaped for a reportlab paragraph; in English, CJK runs in the CJK font."""
    t = escape(str(text))
    if lang == "zh":
        return t
    return _CJK.sub(lambda m: f'<font name="{CJK_FONT}">{m.group(0)}</font>', t)


def _styles(lang: str):
    from reportlab.lib.styles import ParagraphStyle

    font = CJK_FONT if lang == "zh" else "Helvetica"
    bold = CJK_FONT if lang == "zh" else "Helvetica-Bold"
    wrap = "CJK" if lang == "zh" else None
    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=13.5, wordWrap=wrap, spaceAfter=1)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=16, leading=20, spaceAfter=6),
        "head": ParagraphStyle("head", parent=base, fontName=bold, fontSize=11.5, leading=15, spaceBefore=6,
                               spaceAfter=2),
        "body": base,
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=12, bulletIndent=2),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=13),
        "cellb": ParagraphStyle("cellb", parent=base, fontName=bold, fontSize=10, leading=13),
    }


def _flowables(a: PlotAdvice, lang: str, organisation: dict | None, date: str, width: float) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    st = _styles(lang)
    c = i18n.colon(lang)

    def p(text, style="body"):
        return Paragraph(_markup(text, lang), st[style])

    def head(key):
        return Paragraph(_markup(i18n.t(key, lang), lang), st["head"])

    out = [p(i18n.t("ui.sheet.title", lang, plot_id=a.plot_id), "title")]
    labels = {"plot_id": "ui.sheet.plot", "region": "ui.sheet.region", "location": "ui.sheet.location",
              "area": "ui.sheet.area", "crop": "ui.sheet.crop", "land_use": "ui.sheet.land_use",
              "farmer": "ui.sheet.farmer"}
    cells = [[p(i18n.t(labels[k], lang), "cellb"), p(v, "cell")] for k, v in a.fields.items() if k in labels]
    cells.append([p(i18n.t("ui.sheet.soil_class", lang), "cellb"), p(a.soil_class_text, "cell")])
    if a.soil_values:  # the measured values and the thresholds the class was found with
        cells.append([p(i18n.t("ui.sheet.soil_values", lang), "cellb"), p(a.soil_values, "cell")])
    if a.gb36600:  # marginal land under a soft re-use people work on: the soil against GB 36600 for that use
        cells.append([p(i18n.t("ui.sheet.gb36600", lang), "cellb"), p(a.gb36600, "cell")])
    if a.rules:  # not the jurisdiction's default rule set (a research run without land-use rules …): said so
        cells.append([p(i18n.t("ui.sheet.rules", lang), "cellb"), p(a.rules, "cell")])
    t = Table(cells, colWidths=[0.22 * width, 0.78 * width])
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("BACKGROUND", (0, 0), (0, -1), colors.Color(0.93, 0.95, 0.93))]))
    out.append(t)
    out.append(head("ui.sheet.crop_now"))
    for line in a.crop_lines or [i18n.t("ui.sheet.crop_none", lang)]:
        out.append(p(line, "bullet"))
    out.append(head("ui.sheet.recommended"))
    out.append(p(a.recommended, "cellb"))
    if a.harvest_risk:  # a food crop predicted over the limit in more harvests than the target allows
        out.append(p(a.harvest_risk, "cellb"))
    for key, steps in (("ui.sheet.this_season", a.this_season), ("ui.sheet.next_season", a.next_season)):
        out.append(p(i18n.t(key, lang) + c, "cellb"))
        for s in steps:
            out.append(Paragraph(_markup(s, lang), st["bullet"], bulletText="•"))
    out.append(head("ui.sheet.money"))
    out.append(p(i18n.t("ui.sheet.first_year_cost", lang) + c + a.first_year_cost))
    out.append(p(i18n.t("ui.sheet.year1_net", lang) + c + a.year1_net))
    if a.later_net:  # later years differ (a re-application year and the others): their range and mean
        out.append(p(a.later_label + c + a.later_net))
    else:
        out.append(p(a.typical_label + c + a.typical_net))
    out.append(p(a.money_note, "small"))
    if a.subsidy:  # the subsidies the recommendation's farmer figure counts (the cash flows above leave them out)
        out.append(p(a.subsidy))
    if a.compensation_head:  # strict-control land: the farmer's lost legal income and the compensation paid
        out.append(Paragraph(_markup(a.compensation_head, lang), st["head"]))
        for line in a.compensation:
            out.append(p(line))
        out.append(p(a.compensation_note, "small"))
    out.append(head("ui.sheet.monitoring"))
    out.append(p(a.monitoring))
    out.append(p(i18n.t("ui.sheet.how_long", lang) + c + a.how_long))
    out.append(p(i18n.t("ui.sheet.runner_up", lang) + c + a.runner_up))
    if organisation:
        contact = " · ".join(str(organisation[k]) for k in ("name", "phone", "address", "email")
                             if organisation.get(k))
        out.append(head("ui.sheet.contact"))
        out.append(p(contact))
    out.append(Spacer(1, 6))
    out.append(p(a.sentence, "small"))
    out.append(Spacer(1, 4))
    footer = i18n.t("ui.sheet.footer", lang, date=date, version=__version__)
    if a.user_tables:  # tables of a user folder (--tables): which, and their hash
        footer += " · " + a.user_tables
    out.append(p(footer, "small"))
    return out


def _page(a: PlotAdvice, lang: str, organisation, date: str, frame_w: float, frame_h: float):
    from reportlab.platypus import KeepInFrame

    return KeepInFrame(frame_w, frame_h, _flowables(a, lang, organisation, date, frame_w), mode="shrink")


def _build(target, advices: list[PlotAdvice], lang: str, organisation, date: str, title: str) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    margin = 15 * mm
    doc = SimpleDocTemplate(target, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin, title=title, author="agriremed", invariant=1)
    # the frame's own padding (6 pt a side) is inside the margins
    w, h = doc.width - 12, doc.height - 12
    story = []
    for k, a in enumerate(advices):
        if k:
            story.append(PageBreak())
        story.append(_page(a, lang, organisation, date, w, h))
    doc.build(story)


def sheet_pdf(result, plot_id: str, lang: str = "en", date: str | None = None) -> bytes:
    """The one-page A4 sheet of one plot as PDF bytes.

    Parameters
    ----------
    result : agriremed.engine.plan.Plan
        Plan result.
    plot_id : str
        Plot.
    lang : {"en", "zh"}
        Language.
    date : str, optional
        Date printed on the sheet (default: today, ISO format).

    Returns
    -------
    bytes
        The PDF.
    """
    import io

    _reportlab()
    buf = io.BytesIO()
    date = date or _dt.date.today().isoformat()
    _build(buf, [_advice(result, plot_id, lang)], lang, result.scenario.organisation, date, plot_id)
    return buf.getvalue()


def _safe_name(plot_id: str) -> str:
    """A file name for a plot id (characters other than letters, digits, '-', '_' and '.' → '_')."""
    name = re.sub(r"[^\w.\-]", "_", str(plot_id)).strip(".") or "plot"
    return name[:120]


def write_sheets(result, out_dir: str | Path, lang: str = "en", combined: bool = True,
                 date: str | None = None) -> dict[str, Path]:
    """Write ``<out_dir>/<plot_id>.pdf`` for every planned plot (and ``all_plots.pdf``).

    Parameters
    ----------
    result : agriremed.engine.plan.Plan
        Plan result.
    out_dir : str or Path
        Folder for the sheets (created; earlier ``*.pdf`` files in it are removed first).
    lang : {"en", "zh"}
        Language.
    combined : bool
        Also write all sheets into one PDF, one page per plot.
    date : str, optional
        Date printed on the sheets (default: today).

    Returns
    -------
    dict
        ``sheets`` → the folder, ``sheets_all`` → the combined PDF (when written).

    Raises
    ------
    SheetError
        If reportlab is not installed, the folder cannot be written, or two plot ids give
        the same file name.
    """
    _reportlab()
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("*.pdf"):
            old.unlink()
    except OSError as exc:
        raise SheetError(f"sheets folder {out} cannot be written: {exc.strerror or exc}") from None
    date = date or _dt.date.today().isoformat()
    org = result.scenario.organisation
    ids = [str(x) for x in result.summary["plot_id"]]
    names = {}
    for pid in ids:
        n = _safe_name(pid)
        if n in names or n == "all_plots":
            raise SheetError(f"plot ids {names.get(n, n)!r} and {pid!r} give the same sheet file name "
                             f"{n}.pdf")
        names[n] = pid
    advices = []
    from tqdm.auto import tqdm

    for n, pid in tqdm(list(names.items()), desc=i18n.t("ui.progress.sheets", lang), unit="plot", leave=False):
        a = _advice(result, pid, lang)
        advices.append(a)
        _build(str(out / f"{n}.pdf"), [a], lang, org, date, pid)
    paths = {"sheets": out}
    if combined and advices:
        paths["sheets_all"] = out / "all_plots.pdf"
        _build(str(paths["sheets_all"]), advices, lang, org, date, "agriremed")
    return paths
