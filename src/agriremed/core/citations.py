"""Short citations of the sources of ``sources.csv``, as a reader of the sheet and the report sees them.

Every value of the package tables cites keys of ``sources.csv`` (``arabi2021_as``,
``agriremed_assumption``); a key is an internal id and is never shown to a reader. Texts show the
source's short citation instead: its ``short_cite`` column (``Arabi et al. 2021``, ``GB 15618—2018``,
``国办发明电〔2020〕24号``, ``project assumption``), in Chinese its ``short_cite_zh`` column where it
differs (``Arabi 等 2021``, ``《土壤污染防治法》``, ``本工具假设``). A row without one (a user's
source, a fitted function's row written by an older version) is cited by the author and year at
the start of its citation (``Smith J. (2020) …`` → ``Smith 2020``), else by the start of its
citation (a short title).

>>> short_cites("arabi2021_as; agriremed_assumption", "en")
'Arabi et al. 2021; project assumption'
>>> short_cites("arabi2021_as; agriremed_assumption", "zh")
'Arabi 等 2021；本工具假设'
>>> cite_keys_in_text("lime + organic fertiliser (hu2023_amendments, no rate)", "en")
'lime + organic fertiliser (胡含秀 et al. 2023, no rate)'
"""

from __future__ import annotations

import re

from agriremed.core.tables import load_tables

__all__ = ["KEY_LIKE", "short_cite", "short_cites", "cite_keys_in_text", "label_of_citation"]

#: The shape of most source keys (``arabi2021_as``, ``nbs2023_yield``): a reader's text never holds it.
KEY_LIKE = re.compile(r"[a-z]+[0-9]{4}_")

#: Longest short title taken from a citation without a label [characters].
TITLE_CHARS = 60

_NAME = r"[A-Z][A-Za-zÀ-žłŁ'’\-]+"
_INITIALS = r"(?:[A-Z][a-zA-Z]?\.[\s\-]?)+"
#: ``Surname I.[, Surname I. …| et al.] (YYYY)`` at the start of a citation.
_AUTHORS_YEAR = re.compile(rf"^({_NAME})\s+{_INITIALS}(.{{0,400}}?)\((\d{{4}})[a-z]?\)")
_ETAL_YEAR = re.compile(rf"^({_NAME}) et al\.? \((\d{{4}})\)")
_OTHER_AUTHOR = re.compile(rf"(?:^|,\s*|\s&\s|\band\s)({_NAME})\s+{_INITIALS}")


def label_of_citation(citation: str, lang: str = "en") -> str:
    """A short citation made from a citation text: ``Surname YYYY``, ``A & B YYYY``, ``A et al. YYYY``
    (Chinese: ``A 和 B YYYY``, ``A 等 YYYY``) when it starts with its authors and year, else its first
    words up to :data:`TITLE_CHARS` characters (a short title).

    >>> label_of_citation("Zhao F.J., Lombi E., McGrath S.P. (2003) Assessing the potential …")
    'Zhao et al. 2003'
    >>> label_of_citation("Jordan D.C., Kurtz S.R. (2013) Photovoltaic degradation rates", "zh")
    'Jordan 和 Kurtz 2013'
    >>> label_of_citation("User-fitted transfer function county_rice: OLS of log10 plant cadmium (rice, grain) on ph")
    'User-fitted transfer function county_rice'
    """
    c = " ".join(str(citation).split())
    m = _AUTHORS_YEAR.match(c)
    if m:
        first, between, year = m.groups()
        others = _OTHER_AUTHOR.findall(between)
        if "et al" in between or len(others) >= 2:
            return f"{first} 等 {year}" if lang == "zh" else f"{first} et al. {year}"
        if others:
            return f"{first} {'和' if lang == 'zh' else '&'} {others[0]} {year}"
        return f"{first} {year}"
    m = _ETAL_YEAR.match(c)
    if m:
        return f"{m.group(1)} 等 {m.group(2)}" if lang == "zh" else f"{m.group(1)} et al. {m.group(2)}"
    head = re.split(r"[:;.(]\s", c, maxsplit=1)[0].strip()
    if len(head) > TITLE_CHARS:
        head = head[:TITLE_CHARS].rsplit(" ", 1)[0] + " …"
    return head


def _labels(tables, lang: str) -> dict[str, str]:
    src = getattr(tables, "sources", None)
    if src is None or "key" not in src:
        return {}
    out = {}
    cols = [c for c in ("short_cite_zh" if lang == "zh" else None, "short_cite") if c and c in src]
    for r in src.to_dict("records"):
        label = ""
        for c in cols:
            v = r.get(c)
            if isinstance(v, str) and v.strip():
                label = v.strip()
                break
        out[str(r["key"])] = label or label_of_citation(r.get("citation", "") or r["key"], lang)
    return out


def _tables(tables):
    if tables is None:
        tables = load_tables()
    return tables


def _label_map(tables, lang: str) -> dict[str, str]:
    t = _tables(tables)
    lang = "zh" if lang == "zh" else "en"
    memo = getattr(t, "memo", None)
    return memo(("citations.labels", lang), lambda: _labels(t, lang)) if callable(memo) else _labels(t, lang)


def short_cite(key: str, lang: str = "en", tables=None) -> str:
    """The short citation of the source ``key`` of ``sources.csv`` in ``lang`` (``'en'`` or ``'zh'``);
    a key that is not in the table is returned as given."""
    k = str(key).strip()
    return _label_map(tables, lang).get(k, k)


def short_cites(value, lang: str = "en", tables=None) -> str:
    """Source keys (``'a;b'``) as their short citations, each once, separated as the language separates
    a list (``'; '``, Chinese ``'；'``); ``''`` for a blank value."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    labels = _label_map(tables, lang)
    seen = []
    for k in (s.strip() for s in str(value).split(";")):
        if k:
            text = labels.get(k, k)
            if text not in seen:
                seen.append(text)
    return ("；" if lang == "zh" else "; ").join(seen)


def _key_pattern(tables) -> re.Pattern | None:
    keys = sorted(_label_map(tables, "en"), key=len, reverse=True)
    if not keys:
        return None
    return re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, keys)) + r")(?![A-Za-z0-9_])")


def cite_keys_in_text(text, lang: str = "en", tables=None):
    """``text`` (a note of a data table) with each source key in it replaced by its short citation;
    a value that is not text is returned as it is."""
    if not isinstance(text, str) or not text:
        return text
    t = _tables(tables)
    memo = getattr(t, "memo", None)
    pat = memo(("citations.key_pattern",), lambda: _key_pattern(t)) if callable(memo) else _key_pattern(t)
    if pat is None:
        return text
    labels = _label_map(t, lang)
    return pat.sub(lambda m: labels.get(m.group(1), m.group(1)), text)
