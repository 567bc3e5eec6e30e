"""Messages as codes: the planner states *what* it found, the edges say it in a language.

A stage does not write sentences. It emits a :class:`Message` — a code such as
``opt.land_use`` and its parameters (``{"land_use": "orchard"}``) — and keeps it in a table
column as a compact, stable text (:meth:`Message.encode`, JSON: ``[["opt.land_use",
{"land_use":"orchard"}]]``). Several messages that make one sentence (a reason of
"treats Cd; does not treat Pb; policy …") are one :class:`Message` with several parts,
joined by the language's separator.

The texts live in one CSV file per language, ``agriremed/data/messages/<lang>.csv``
(columns ``code``, ``template``, optional ``notes``). A template is a :meth:`str.format`
string whose fields name the message's parameters; a field's format spec is either an
ordinary number format (``{ph:.1f}``) or a *domain* that says how to show a code in the
language (``{metals:metals}`` → ``Cd/Pb`` or ``镉、铅``; see :data:`DOMAINS`; any other name is a
``value.<domain>`` group of the translation table, as ``{light:light}``). The English
and Chinese templates of a code may use different specs, but name the same fields. A spec
that starts with ``@`` renders the parameter as the message code ``<rest><value>``
(``{cls:@opt.class.}`` with ``cls="strict_control"`` → the text of
``opt.class.strict_control``); a parameter that is itself a :class:`Message` is rendered in
place (an empty one as no text). The code ``_sep`` holds the separator between the parts.

:func:`render` is the one place where a message becomes text, at the edge (terminal, report,
workbook, sheets, dashboards, :func:`agriremed.io.outputs.translate_frame`). A new language is
a new CSV file: :func:`render` reads ``<lang>.csv`` from the package folder or from a folder
given with :func:`add_catalogue_dir`; no pattern matching of English is involved.

Examples
--------
>>> from agriremed.core import messages
>>> m = Message.of("opt.land_use", land_use="orchard")
>>> m.encode()
'[["opt.land_use",{"land_use":"orchard"}]]'
>>> render(m, "en"), render(m.encode(), "zh")
('not used on orchard land', '不适用于果园')
>>> render(m + Message.of("opt.no_food"), "en")
'not used on orchard land; no food crop on the plot to protect'
"""

from __future__ import annotations

import functools
import json
import math
import re
import string
from dataclasses import dataclass, field
from importlib import resources
from json.encoder import encode_basestring as _json_str  # json's own text escaping (ensure_ascii=False)
from pathlib import Path

import numpy as np
import pandas as pd
from agriremed.core import citations
from agriremed.core import columns as C
from agriremed.core import i18n
from agriremed.core.tables import load_tables

__all__ = [
    "Message",
    "DOMAINS",
    "catalogue",
    "codes",
    "fields",
    "render",
    "render_column",
    "encode_column",
    "render_encode",
    "render_encode_filled",
    "add_catalogue_dir",
    "languages",
    "is_encoded",
    "column_texts",
    "printed",
    "Note",
    "text_of",
]


@dataclass(frozen=True, eq=False, slots=True)
class Message:
    """A message: one or more parts, each a code with its parameters.

    Attributes
    ----------
    parts : tuple of (str, tuple of (str, object))
        ``(code, ((name, value), …))`` per part, parameters sorted by name (hashable, so a
        message can be a dictionary key and a table of them can be factorised).
    """

    parts: tuple = ()
    #: The encoded text, computed on first use (:meth:`encode`; messages are immutable).
    _encoded: str | None = field(default=None, init=False, repr=False)

    def __eq__(self, other) -> bool:
        # equal when the encoded texts are equal: -0.0 and 0.0 print differently, so they differ
        return isinstance(other, Message) and self.encode() == other.encode()

    def __hash__(self) -> int:
        return hash(self.encode())

    @classmethod
    def of(cls, code: str, **params) -> Message:
        """One-part message ``code`` with ``params`` (values: text, numbers or booleans)."""
        items = sorted(params.items())  # names are unique: values are never compared
        for _, v in items:
            if type(v) not in _PLAIN_TYPES:  # a value to convert (a numpy number …)
                items = [(k, _plain(v)) for k, v in items]
                break
        return cls(((code if type(code) is str else str(code), tuple(items)),))

    def __add__(self, other: Message) -> Message:
        if other is None:
            return self
        return Message(self.parts + other.parts)

    def __bool__(self) -> bool:
        return bool(self.parts)

    @property
    def codes(self) -> tuple[str, ...]:
        """The code of every part."""
        return tuple(c for c, _ in self.parts)

    def encode(self) -> str:
        """The message as compact JSON text (stable: parameters sorted; ``''`` when empty).

        The text starts with ``[``, so a spreadsheet never reads it as a formula.
        """
        text = self._encoded
        if text is None:
            text = _encode_parts(self.parts) if self.parts else ""
            object.__setattr__(self, "_encoded", text)  # computed once: messages are immutable
        return text

    def _items(self) -> list:
        """The parts as JSON-ready lists (a nested message as its own list of parts)."""
        return [[c, {k: (v._items() if isinstance(v, Message) else v) for k, v in p}] if p else [c]
                for c, p in self.parts]

    @classmethod
    def _of_items(cls, items) -> Message:
        if not isinstance(items, list) or not all(isinstance(i, list) and i and isinstance(i[0], str)
                                                  for i in items):
            raise ValueError("not a list of message parts")
        parts = []
        for i in items:
            params = i[1] if len(i) > 1 else {}
            if not isinstance(params, dict):
                raise ValueError("message parameters are not a mapping")
            parts.append((i[0], tuple(sorted((k, cls._of_items(v) if isinstance(v, list) else v)
                                             for k, v in params.items()))))
        return cls(tuple(parts))

    @classmethod
    def decode(cls, text: str) -> Message:
        """Inverse of :meth:`encode`.

        Raises
        ------
        ValueError
            If ``text`` is not an encoded message.
        """
        if text is None or text == "" or (isinstance(text, float) and text != text):
            return cls()
        try:
            return cls._of_items(json.loads(text))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"not an encoded message: {text!r}") from exc


_PLAIN = (str, float, int, bool, type(None))
#: Parameter types :meth:`Message.of` keeps as they are (the plain types and a nested message).
_PLAIN_TYPES = frozenset(_PLAIN) | {Message}

#: JSON options of the encoded text (compact; NaN and infinities as JavaScript writes them).
_JSON = {"ensure_ascii": False, "separators": (",", ":"), "allow_nan": True}
#: JSON text of the constants (json's own spelling).
_JSON_CONSTANTS = {None: "null", True: "true", False: "false"}
_INFINITIES = (math.inf, -math.inf)


def _json_float(x: float) -> str:
    """A float as :func:`json.dumps` writes it (``repr``; ``NaN``, ``Infinity``, ``-Infinity``)."""
    if x != x:
        return "NaN"
    if x in _INFINITIES:
        return "Infinity" if x > 0 else "-Infinity"
    return float.__repr__(x)


def _json_value(v) -> str:
    """A parameter value as JSON text, exactly as :func:`json.dumps` with :data:`_JSON` writes it
    inside a message; a nested message as its own encoded text (``[]`` when empty)."""
    t = type(v)
    if t is str:
        return _json_str(v)
    if t is float:
        return _json_float(v)
    if t is int:
        return int.__repr__(v)
    if t is bool or v is None:
        return _JSON_CONSTANTS[v]
    if isinstance(v, Message):
        return v.encode() or "[]"
    return json.dumps(v, **_JSON)  # any other value as json writes it (or its error)


def _encode_parts(parts: tuple) -> str:
    """Encoded text of message parts: the bytes of ``json.dumps(Message(parts)._items(), **_JSON)``.

    The text is assembled from each value's JSON text (:func:`_json_value`), so that a nested
    message's (cached) encoding is reused rather than serialised again inside every message
    that holds it.
    """
    out = []
    for code, params in parts:
        if not params:
            out.append(f"[{_json_value(code)}]")
            continue
        fields = []
        for k, v in params:
            if type(k) is not str:  # a name json converts (a number, null …)
                return json.dumps(Message(parts)._items(), **_JSON)
            fields.append(f"{_json_str(k)}:{_json_value(v)}")
        if len(fields) > 1 and len({k for k, _ in params}) < len(fields):  # a name twice: json keeps one
            return json.dumps(Message(parts)._items(), **_JSON)
        out.append(f"[{_json_value(code)},{{{','.join(fields)}}}]")
    return f"[{','.join(out)}]"


def _plain(v):
    """A parameter value as a JSON-safe Python scalar."""
    if type(v) in _PLAIN:
        return v
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, (bool, int, str, Message)) or v is None:
        return v
    if isinstance(v, float):
        return v
    return str(v)


def printed(x, digits: int = 0) -> float:
    """``x`` as the number its text with ``digits`` decimals reads (``2.345`` → ``2.3``).

    A message keeps a computed number at the precision its templates print, so that float
    noise below that precision (a sum taken in another order) never changes the message;
    formatting the result with ``digits`` decimals gives the same text as formatting ``x``.
    NaN and infinities are kept.

    Examples
    --------
    >>> printed(0.15, 1), printed(-0.4), printed(-60790.58245839583)
    (0.1, -0.0, -60791.0)
    """
    x = float(x)
    return float(f"{x:.{int(digits)}f}") if math.isfinite(x) else x


def is_encoded(text) -> bool:
    """Whether ``text`` looks like an encoded :class:`Message` (``[["…``)."""
    return isinstance(text, str) and text.startswith('[["')


class Note(str):
    """An English text that carries the :class:`Message` it was rendered from.

    A reader's note (``plots.csv is separated by semicolons``) or the text of an input-file
    error is kept where English text was kept before (a list of notes, an exception's text): it
    *is* that English text, byte for byte, so printing, joining and writing it are unchanged,
    and :func:`text_of` renders it in another language from its message.

    Attributes
    ----------
    message : Message
        The message (``Note(message)``); the text is its English rendering.

    Examples
    --------
    >>> n = Note.of("io.separator", file="plots.csv", separator="semicolons")
    >>> n, text_of(n, "zh")
    ('plots.csv is separated by semicolons', 'plots.csv以分号分隔')
    """

    message: Message

    def __new__(cls, message: Message) -> Note:
        self = super().__new__(cls, render(message, "en"))
        self.message = message
        return self

    @classmethod
    def of(cls, code: str, **params) -> Note:
        """The note of :meth:`Message.of` ``(code, **params)``."""
        return cls(Message.of(code, **params))

    def __reduce__(self):
        return (Note, (self.message,))


def text_of(item, lang: str = "en", tables=None) -> str:
    """A note, an error or a sentence in ``lang``, rendered from its message where it has one.

    Parameters
    ----------
    item : Note, Exception, Message or str
        A :class:`Note` or an exception carrying a ``message`` attribute (rendered from the
        message), a :class:`Message` or its encoded text, or English text without a message
        (an older note: translated by :func:`agriremed.core.i18n.message`).
    lang : str
        Language.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    str
        The text in ``lang``.
    """
    msg = getattr(item, "message", None)
    if isinstance(msg, Message) and msg:
        return render(msg, lang, tables)
    if isinstance(item, Message):
        return render(item, lang, tables)
    text = "" if item is None else str(item)
    if is_encoded(text):
        return render(text, lang, tables)
    if lang in ("en", "zh"):
        return i18n.message(text, lang, tables)
    return text


# --------------------------------------------------------------------------- catalogues
_DIRS: list[Path] = []


def add_catalogue_dir(path) -> None:
    """Also look for ``<lang>.csv`` message files in ``path`` (searched before the package files).

    Parameters
    ----------
    path : str or pathlib.Path
        Folder with one CSV file per language (``code``, ``template``, optional ``notes``).
    """
    p = Path(path)
    if p not in _DIRS:
        _DIRS.insert(0, p)
    catalogue.cache_clear()
    _compiled.cache_clear()
    _render_one.cache_clear()


def languages() -> list[str]:
    """Languages with a message file (package files and added folders)."""
    found = set()
    for d in _DIRS:
        found |= {f.stem for f in d.glob("*.csv")}
    pkg = resources.files("agriremed.data").joinpath("messages")
    found |= {f.name[:-4] for f in pkg.iterdir() if f.name.endswith(".csv")}
    return sorted(found)


@functools.lru_cache(maxsize=16)
def catalogue(lang: str = "en") -> dict[str, str]:
    """The templates of ``lang``: ``{code: template}``.

    Raises
    ------
    ValueError
        If there is no message file for ``lang``, or a code is listed twice.
    """
    for d in _DIRS:
        if (d / f"{lang}.csv").is_file():
            return _read(d / f"{lang}.csv")
    path = resources.files("agriremed.data").joinpath("messages").joinpath(f"{lang}.csv")
    if not path.is_file():
        raise ValueError(f"no message file for language {lang!r}; languages: {', '.join(languages())}")
    with resources.as_file(path) as p:
        return _read(Path(p))


def _read(path: Path) -> dict[str, str]:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, comment=None)
    missing = {"code", "template"} - set(df.columns)
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}")
    dup = df["code"].duplicated()
    if dup.any():
        raise ValueError(f"{path.name}: code(s) listed twice: {', '.join(sorted(set(df.loc[dup, 'code'])))}")
    return dict(zip(df["code"], df["template"], strict=True))


def codes(lang: str = "en") -> list[str]:
    """Every code of the ``lang`` file."""
    return list(catalogue(lang))


def fields(template: str) -> set[str]:
    """Names of the fields of a template (``'soil pH {ph:.1f}'`` → ``{'ph'}``)."""
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


# --------------------------------------------------------------------------- domains
def _covariate_pieces(v) -> list[tuple[str, str]]:
    """``'som_pct=2.5|clay_pct=20'`` as ``[('som_pct', '2.5'), ('clay_pct', '20')]``."""
    return [tuple(p.split("=", 1)) for p in str(v).split("|") if "=" in p]


def _joined(items: list[str], lang: str) -> str:
    """Items joined as a list is read: ``a, b and c`` / ``a、b和c``."""
    if len(items) < 2:
        return "".join(items)
    return i18n.join_list(items[:-1], lang) + ("和" if lang == "zh" else " and ") + items[-1]


def _covariate_names(v, lang, tables):
    """The assumed covariates (``'som_pct=2.5|clay_pct=20'``) by their labels: ``Soil organic matter and
    clay content`` / ``土壤有机质和黏粒含量``."""
    names = []
    for i, (name, _) in enumerate(_covariate_pieces(v)):
        col = C.COLUMNS.get(name)
        label = (col.label_zh if lang == "zh" else col.label_en) if col is not None else name
        names.append(label if lang == "zh" or i == 0 else label[:1].lower() + label[1:])
    return _joined(names, lang)


def _covariate_values(v, lang, tables):
    """The assumed values with their labels and units (``soil organic matter 2.5 % and clay content 20 %`` /
    ``土壤有机质2.5%和黏粒含量20%``)."""
    out = []
    for name, val in _covariate_pieces(v):
        col = C.COLUMNS.get(name)
        unit = col.unit if col is not None and col.unit not in ("", "1") else ""
        label = (col.label_zh if lang == "zh" else col.label_en.lower()) if col is not None else name
        out.append(label + ("" if lang == "zh" else " ") + val + ("" if not unit else (unit if lang == "zh" else " " + unit)))
    return _joined(out, lang)


def _metals(v, lang, tables):
    return i18n.metals(str(v).replace(", ", "+"), lang)


def _metal_limits(v, lang, tables):
    """Food limits of metals, ``'cd:0.05|as:0.35:inorganic'`` → ``'Cd 0.05, inorganic As 0.35'``
    (``'镉0.05、无机砷0.35'``); the unit follows in the template."""
    items = []
    for piece in str(v).split("|"):
        metal, limit, *species = piece.split(":")
        name = i18n.metal_name(metal, lang)
        inorganic = bool(species) and species[0] == "inorganic"
        if lang == "zh":
            items.append(f"{'无机' if inorganic else ''}{name}{limit}")
        else:
            items.append(f"{'inorganic ' if inorganic else ''}{name} {limit}")
    return ("、" if lang == "zh" else ", ").join(items)


def _value(domain):
    def fmt(v, lang, tables):
        return i18n.value(domain, v, lang, tables)

    return fmt


#: Columns of ``options.csv`` holding evidence notes (English; ``<column>_<lang>`` in a language).
NOTE_COLUMNS = ("gap_note", "ph_note", "climate_note")


def _option_notes(tables, lang: str) -> dict[str, str]:
    """English evidence note of ``options.csv`` → its text in ``lang`` (its ``<column>_<lang>`` cell)."""
    t = tables or load_tables()
    return t.memo(f"option_notes_{lang}", lambda: _build_option_notes(getattr(t, "options", None), lang))


def _build_option_notes(opts, lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if opts is None:
        return out
    for col in NOTE_COLUMNS:
        tr = f"{col}_{lang}"
        if col in opts.columns and tr in opts.columns:
            for en, t in zip(opts[col], opts[tr], strict=True):
                if isinstance(en, str) and en and isinstance(t, str) and t:
                    out.setdefault(en, t)
    return out


def _note(v, lang, tables):
    """A data sentence in ``lang``: an evidence note of ``options.csv`` from its column in the
    language (``gap_note_zh`` …), another sentence translated from English (``i18n.message``); a
    source key in it is shown as its short citation (:func:`agriremed.core.citations.cite_keys_in_text`)."""
    return _cite(_note_text(v, lang, tables), lang, tables)


def _cite(text, lang, tables):
    """``text`` with the source keys in it as their short citations (English and Chinese)."""
    return citations.cite_keys_in_text(text, lang, tables or load_tables()) if lang in ("en", "zh") else text


def _note_text(v, lang, tables):
    if lang == "en":
        return str(v)
    hit = _option_notes(tables, lang).get(str(v))
    if hit is not None:
        return hit
    return i18n.message(v, lang, tables) if lang == "zh" else str(v)


def _lat_grown(v, lang, tables):
    """Where an option's crop is grown up to its latitude limit (``option_latitude_limits.csv``: ``grown_<lang>``,
    else ``grown_en``), by option id."""
    t = getattr(tables or load_tables(), "option_latitude_limits", None)
    rows = t.loc[t["option_id"] == v] if t is not None and "option_id" in t else None
    if rows is None or rows.empty:
        return str(v)
    text = rows.iloc[0].get(f"grown_{lang}")
    return str(text) if isinstance(text, str) and text else str(rows.iloc[0].get("grown_en", v))


def _rule_reason(v, lang, tables, params=None):
    """Reason of a jurisdiction rule of ``land_rules.csv`` (``reason_<lang>``, else English),
    looked up by rule id within the message's ``rule_set``."""
    t = tables or load_tables()
    rule_set = (params or {}).get("rule_set")
    # the tables are read-only: each rule's reason is looked up once per tables object
    return t.memo(("messages.rule_reason", v, lang, rule_set),
                  lambda: _cite(_rule_reason_of(t, v, lang, rule_set), lang, t))


def _rule_reason_of(tables, v, lang, rule_set):
    lr = getattr(tables, "land_rules", None)
    if lr is None:
        return str(v)
    rows = lr.loc[lr["rule_id"] == v]
    if rule_set is not None and (rows["rule_set"] == rule_set).any():
        rows = rows.loc[rows["rule_set"] == rule_set]
    if rows.empty:
        return str(v)
    col = f"reason_{lang}" if f"reason_{lang}" in rows else "reason_en"
    text = str(rows[col].iloc[0])
    return text if text and text != "nan" else str(rows["reason_en"].iloc[0])


def _sources(v, lang, tables):
    """Source keys (``'a;b'``) as their short citations (:func:`agriremed.core.citations.short_cites`:
    ``Arabi et al. 2021; project assumption``, in Chinese ``Arabi 等 2021；本工具假设``), never the keys."""
    return citations.short_cites(v, "zh" if lang == "zh" else "en", tables or load_tables())


#: Brackets left empty where every citation of a ``{sources:sources}`` field was already named (marked ``\0``).
_EMPTY_CITE = re.compile(r"\s?[(（]\0[)）]|\0")


def _new_sources(v, before: str, lang: str, tables) -> str:
    """:func:`_sources` of ``v`` without the citations that ``before`` (the text of the message before the
    field) already names (a rule whose text gives its 文号 is not followed by the same 文号 again); ``'\0'``
    when none is left, so that :func:`_render_message` removes the brackets around it."""
    if lang not in ("en", "zh"):
        return str(v)
    text = _sources(v, lang, tables)
    sep = "；" if lang == "zh" else "; "
    kept = [c for c in text.split(sep) if c and c not in before]
    return sep.join(kept) if kept else ("\0" if text else "")


def _noncompliant_rule(v, lang, tables):
    """A rule of ``noncompliant_grain.csv`` (what produce over the food limit is worth) by its name in ``lang``
    (``name_<lang>``, else ``name_en``; the rule id where the table has no such row)."""
    t = tables or load_tables()
    # the tables are read-only: each rule's name is looked up once per tables object (a portfolio's
    # recommendation sentences name the rule on every plot whose harvest is over the food limit)
    return t.memo(("messages.noncompliant_rule", v, lang), lambda: _noncompliant_rule_of(t, v, lang))


def _noncompliant_rule_of(tables, v, lang) -> str:
    t = getattr(tables, "noncompliant_grain", None)
    rows = t.loc[t["rule"] == v] if t is not None and "rule" in t else None
    if rows is None or rows.empty:
        return str(v)
    col = f"name_{lang}" if f"name_{lang}" in rows else "name_en"
    text = rows.iloc[0][col]
    return str(text) if isinstance(text, str) and text else str(rows.iloc[0]["name_en"])


def _subsidies(v, lang, tables):
    """Rows of ``subsidies.csv`` ('+'-joined ``subsidy_id``) by their names in ``lang`` (a reader's text never
    shows the row id), separated as the language separates a list."""
    t = tables or load_tables()
    names = t.memo(("messages.subsidy_names", lang), lambda: _subsidy_names(t, lang))
    keys = [k.strip() for k in str(v).split("+") if k.strip()]
    return ("；" if lang == "zh" else "; ").join(dict.fromkeys(str(names.get(k, k)) for k in keys))


def _subsidy_names(tables, lang) -> dict:
    """``subsidy_id`` → its name in ``lang`` (``name_zh`` in Chinese, else ``name_en``) of ``subsidies.csv``."""
    sub = getattr(tables, "subsidies", None)
    return {} if sub is None else dict(zip(sub["subsidy_id"], sub["name_zh" if lang == "zh" else "name_en"],
                                           strict=True))


def measured_text(x: float) -> str:
    """A measured value as a lab report prints it: ``:g``, with one decimal kept on a whole
    number below 10 (pH 5.0, Cd 2.0 mg/kg; not "pH 5", "镉 2"), whose decimals a float has lost.

    >>> measured_text(5.0), measured_text(0.45), measured_text(900.0), measured_text(6.25)
    ('5.0', '0.45', '900', '6.25')
    """
    return f"{x:.1f}" if float(x).is_integer() and abs(x) < 10 else f"{x:g}"


def _measured(v, lang, tables):
    return measured_text(float(v))


def _region(v, lang, tables):
    return i18n.region_name(v, lang, tables) if lang in ("en", "zh") else str(v)


def _regions(v, lang, tables):
    """Region paths (``'Beijing/Chaoyang; Jilin/Changchun/Chaoyang'``), each in ``lang``, separated
    as the language separates a list."""
    paths = [_region(p.strip(), lang, tables) for p in str(v).split(";") if p.strip()]
    return ("；" if lang == "zh" else "; ").join(paths)


def _provinces(v, lang, tables):
    """Provinces (``'Guizhou|Guangxi'``, as the ``provinces`` column of ``uptake_slopes.csv`` lists them), each in
    ``lang``, joined as a list is read: ``Guizhou and Guangxi`` / ``贵州和广西``."""
    return _joined([_region(p.strip(), lang, tables) for p in str(v).split("|") if p.strip()], lang)


#: Registry units of a pure number (pH): nothing is written after the number.
DIMENSIONLESS_UNITS = frozenset({"", "1"})


def _unit(v, lang, tables):
    """A registry unit after a number, as shown in ``lang`` (English: as in the column registry's
    texts), with the space that separates it from the number; nothing for a pure number (pH),
    whose unit a table shows as ``–``."""
    if str(v) in DIMENSIONLESS_UNITS:
        return ""
    return " " + (C.unit_display(v) if lang == "en" else i18n.unit(v, lang))


def _description(v, lang, tables):
    return i18n.description(v, lang)


def _label(v, lang, tables):
    return i18n.label(v, lang, with_unit=False)


def _columns(v, lang, tables):
    """Plot columns (``'crop'``, ``'land_use, crop'``) as a reader of ``lang`` names them: in
    English the column names as written; in Chinese each registered column by its Chinese label
    (``当前作物``), the others as written, separated by ``、``."""
    if lang != "zh":
        return str(v)
    return i18n.join_list((_zh_input(c.strip()) for c in str(v).split(",") if c.strip()), "zh")


def _crop_codes(v, lang, tables):
    """Crop codes (``'rice|wheat'``) with their names: ``rice (水稻), wheat (小麦)`` in English,
    ``水稻（rice）、小麦（wheat）`` in Chinese, so a reader of either language can type one."""
    codes = [c for c in str(v).split("|") if c]
    zh = [i18n.crop_name(c, "zh", tables) for c in codes]
    return i18n.join_list((f"{z}（{c}）" if lang == "zh" else f"{c} ({z})" for c, z in zip(codes, zh, strict=True)),
                          lang)


def _crop_names(v, lang, tables):
    """Crop codes (``'rice|wheat'``) as names in the language: ``rice, wheat`` / ``水稻、小麦``."""
    names = [i18n.crop_name(c, lang, tables) for c in str(v).split("|") if c]
    return i18n.join_list(names, lang)


#: First words of English crop names that keep their capital inside a sentence (proper adjectives:
#: "Chinese cabbage (napa)"); every other name is written in sentence case there ("reference crop rice").
PROPER_FIRST_WORDS = frozenset({"Chinese"})


def _crop_mid(v, lang, tables):
    """A crop code's display name (``name_en``/``name_zh`` of ``crops.csv``) as written inside a sentence: in
    English in sentence case, its first letter lower-cased unless the first word is a proper adjective
    (:data:`PROPER_FIRST_WORDS`) or an abbreviation (two capitals); the Chinese name as it is.

    >>> _crop_mid("rice", "en", None), _crop_mid("vegetable_unspecified", "en", None)
    ('rice', 'vegetables (type not given)')
    >>> _crop_mid("chinese_cabbage", "en", None), _crop_mid("rice", "zh", None)
    ('Chinese cabbage (napa)', '水稻')
    """
    name = i18n.crop_name(str(v), lang, tables)
    if lang == "zh" or not name:
        return name
    first = name.split(" ", 1)[0]
    if first in PROPER_FIRST_WORDS or (len(first) > 1 and first[1].isupper()):
        return name
    return name[:1].lower() + name[1:]


def _crop_names_mid(v, lang, tables):
    """Crop codes (``'rice|maize'``) as names written inside a sentence (:func:`_crop_mid`), joined as a list is
    read: ``rice and maize`` / ``水稻和玉米``."""
    return _joined([_crop_mid(c, lang, tables) for c in str(v).split("|") if c], lang)


def _crop_groups(v, lang, tables):
    """Crop groups of ``food_limits.csv`` (``'root_vegetable|potato'``) as names in the language
    (``value.crop_group.<group>`` of the translation table): ``root vegetables and potatoes and tubers`` /
    ``块根类蔬菜和薯类``."""
    names = [i18n.value("crop_group", g, lang, tables) for g in str(v).split("|") if g]
    return _joined(names, lang)


#: The reasons :func:`agriremed.stages.uptake.predict` gives for a transfer function it could not
#: use (English, built by that module in these forms only), as shown in Chinese: the input by
#: its Chinese label.
_SKIP_FORMS = (
    (re.compile(r"^needs ([a-z0-9_, ]+?)(?=(, [a-z0-9_]+ = )|$)"),
     lambda m: "缺少" + i18n.join_list((_zh_input(x.strip()) for x in m[1].split(",")), "zh")),
    (re.compile(r"([a-z0-9_]+) = ([^:;]+): outside the function's domain, which needs a value > 0"),
     lambda m: f"{_zh_input(m[1])} = {m[2]}：超出函数定义域（须大于0）"),
    (re.compile(r"([a-z0-9_]+) = ([-\d.eE+]+) outside its fitted range ([-\d.eE+]+)–([-\d.eE+]+)"),
     lambda m: f"{_zh_input(m[1])} = {m[2]}，超出其拟合数据范围{m[3]}–{m[4]}"),
    (re.compile(r"([a-z0-9_]+) outside ([-\d.eE+]+)–([-\d.eE+]+)"),
     lambda m: f"{_zh_input(m[1])}超出{m[2]}–{m[3]}"),
    (re.compile(r"^prediction not positive$"), lambda m: "预测值不为正"),
    (re.compile(r"prediction below its floor of ([-\d.eE+]+) mg/kg"), lambda m: f"预测值低于其下限{m[1]} mg/kg"),
    (re.compile(r"^for (.+) only$"),
     lambda m: "仅适用于" + i18n.join_list((i18n.region_name(x.strip(), "zh") for x in m[1].split(",")), "zh")),
)


def selection_text(text, lang: str = "en") -> str:
    """The ``selection`` of an uptake prediction (``'skipped fid (reason); …'``) in ``lang``: as
    written in English; in Chinese the functions not used after 未采用 and each reason in the forms
    of :data:`_SKIP_FORMS`.

    Examples
    --------
    >>> selection_text("skipped synth_rice_cd_ph_hunan (for Hunan only)", "zh")
    '未采用：synth_rice_cd_ph_hunan（仅适用于湖南省）'
    >>> selection_text("skipped yx_rice_cd (ph = 7.5 outside its fitted range 5–5.96)", "zh")
    '未采用：yx_rice_cd（土壤pH（水浸提） = 7.5，超出其拟合数据范围5–5.96）'
    """
    if lang != "zh" or not isinstance(text, str) or not text:
        return "" if text is None or (isinstance(text, float) and text != text) else str(text)
    body = text[len("skipped "):] if text.startswith("skipped ") else text
    return "未采用：" + _skipped(body, lang, None)


def _zh_input(name: str) -> str:
    """A plot column's Chinese label (the name itself where it is not a registered column)."""
    return i18n.label(name, "zh", with_unit=False) if name in C.COLUMNS else name


def _skipped(v, lang, tables):
    """Transfer functions that could not be used and why (``'fid (ph outside 4–8.5); …'``): as
    written in English; in Chinese each reason in the forms of :data:`_SKIP_FORMS`."""
    text = str(v)
    if lang != "zh":
        return text
    out = []
    for item in text.split("; "):
        m = re.match(r"^(\S+) \((.*)\)$", item)
        if m is None:
            out.append(item)
            continue
        out.append(f"{m[1]}（{_zh_skip_reason(m[2])}）")
    return "；".join(out)


def _zh_skip_reason(why: str) -> str:
    """One reason a transfer function could not be used, in Chinese (:data:`_SKIP_FORMS`)."""
    for pattern, repl in _SKIP_FORMS:
        why = pattern.sub(repl, why)
    return why.replace(", ", "，")


def _skip_reasons(v, lang, tables):
    """Reasons transfer functions could not be used, without the functions (``'ph outside 4–8.5;
    needs som_pct'``): as written in English; in Chinese each in the forms of :data:`_SKIP_FORMS`."""
    if lang != "zh":
        return str(v)
    return "；".join(_zh_skip_reason(why) for why in str(v).split("; "))


#: An input outside a transfer function's validity range as :func:`agriremed.stages.uptake.predict._range_text`
#: writes it (``'ph outside 4–8.5'``).
_OUTSIDE = re.compile(r"([a-z0-9_]+) outside ([-\d.eE+]+)–([-\d.eE+]+)")


def _range_reasons(v, lang, tables):
    """Inputs outside a transfer function's validity range (``'ph outside 4–8.5, cd_mg_kg outside 0.05–10'``)
    as people read them: each input by its label, not its column id (``'soil pH (water) outside 4–8.5'``,
    ``'Cd, total in soil outside 0.05–10 mg/kg'``); in Chinese as :func:`_skip_reasons` gives them."""
    if lang == "zh":
        return _skip_reasons(v, lang, tables)

    def plain(m):
        col = C.COLUMNS.get(m[1])
        if col is None:
            return m[0]
        unit = f" {col.unit}" if col.unit not in ("", "1") else ""
        first = re.split(r"[ ,(]", col.label_en, maxsplit=1)[0]   # a word, not an element symbol (Cd), in lower case
        label = col.label_en[:1].lower() + col.label_en[1:] if len(first) > 2 else col.label_en
        return f"{label} outside {m[2]}–{m[3]}{unit}"
    return _OUTSIDE.sub(plain, str(v))


#: Value domains a column's category codes may belong to, tried in order for their names.
_CATEGORY_DOMAINS = ("land_use", "crop", "soil_class", "basic_farmland", "rice_type", "soil_class_county")


def _category_values(v, lang, tables):
    """Category codes (``'paddy, upland'``) as people read them: in Chinese each by its name with the
    code beside it (水田（paddy）、旱地（upland）), the code alone where no name is known."""
    codes = [c.strip() for c in str(v).split(",") if c.strip()]
    if lang != "zh":
        return i18n.join_list(codes, lang)
    known = i18n.translations().index
    names = [next((i18n.value(d, c, lang, tables) for d in _CATEGORY_DOMAINS if f"value.{d}.{c}" in known), None)
             for c in codes]
    if not any(names):  # codes without Chinese names (IPCC climate zones, tillage) stay as listed
        return ", ".join(codes)
    return i18n.join_list((f"{n}（{c}）" if n and c not in n else (n or c) for n, c in zip(names, codes, strict=True)),
                          lang)


def _other_metals(v, lang):
    """Elements outside GB 15618 with their values as written (``'Sb 300; Tl 2'``); in Chinese each
    symbol by its Chinese name (锑 300；铊 2)."""
    if lang != "zh":
        return str(v)
    zh = {sym: ch for ch, sym in C.OTHER_METALS.items()}
    return "；".join(zh.get(p.split(" ", 1)[0], p.split(" ", 1)[0]) + (p.split(" ", 1)[1] if " " in p else "")
                    for p in str(v).split("; "))


def _score(v, lang, tables):
    """A score with two decimals, or three where it carries a third (scores that tie at two
    decimals are rounded to three before they enter a message: "0.672 vs 0.668"); a score given as text
    is printed as it is (the pair of a tie keeps its trailing zero: "0.821 vs 0.820")."""
    if isinstance(v, str):
        return v
    x = float(v)
    two = f"{x:.2f}"
    return two if float(two) == x else f"{x:.3f}"


#: How a domain shows a parameter in a language: ``fn(value, lang, tables) → str``.
DOMAINS = {
    "metals": _metals,
    "covariate_names": _covariate_names,
    "covariate_values": _covariate_values,
    "score": _score,
    "crop_codes": _crop_codes,
    "crop_names": _crop_names,
    "crop_groups": _crop_groups,
    "skipped": _skipped,
    "skip_reasons": _skip_reasons,
    "range_reasons": _range_reasons,
    "metal": _value("metal"),
    "option": _value("option"),
    "crop": _value("crop"),
    "crop_mid": _crop_mid,
    "crop_names_mid": _crop_names_mid,
    "land_use": _value("land_use"),
    "soil_class": _value("soil_class"),
    "rule_set": _value("rule_set"),
    "standard_short": _value("standard_short"),
    "biochar_feedstock": _value("biochar_feedstock"),
    "note": _note,
    "lat_grown": _lat_grown,
    "rule_reason": lambda v, lang, tables: _rule_reason(v, lang, tables),
    "rule_label": lambda v, lang, tables: i18n.rule_label(v, lang, tables),
    "other_metals": lambda v, lang, tables: _other_metals(v, lang),
    "category_values": lambda v, lang, tables: _category_values(v, lang, tables),
    "sources": _sources,
    "measured": _measured,
    "subsidies": _subsidies,
    "noncompliant_rule": _noncompliant_rule,
    "region": _region,
    "regions": _regions,
    "provinces": _provinces,
    "wheat_zone": lambda v, lang, tables: i18n.wheat_zone(v, lang, tables),
    "reg_unit": _unit,
    "description": _description,
    "label": _label,
    "columns": _columns,
    "metal_limits": _metal_limits,
}


#: A format spec that names a domain rather than a number format (letters and ``_``, two or more).
_DOMAIN_NAME = re.compile(r"^[a-z][a-z_]+$")


class _Formatter:
    """Formats one field of a template in a language (numbers, domains, nested messages)."""

    def __init__(self, lang, tables, memo=None):
        self.lang, self.tables, self.memo, self.params = lang, tables, memo, {}

    def format_field(self, value, format_spec):
        if isinstance(value, Message):  # a nested message (empty: no text)
            return _render_message(value, self.lang, self.tables, self.memo) if value.parts else ""
        if format_spec.startswith("@"):
            code = f"{format_spec[1:]}{value}"
            return _template(code, self.lang) if code in catalogue(self.lang) else str(value).replace("_", " ")
        if format_spec == "rule_reason":
            return _rule_reason(value, self.lang, self.tables, self.params)
        fn = DOMAINS.get(format_spec)
        if fn is None and _DOMAIN_NAME.match(format_spec):
            fn = _value(format_spec)  # a value domain of the translation table (``light``, ``unit`` …)
        if fn is not None:
            if self.lang not in ("en", "zh") and format_spec not in ("metals", "score"):
                return str(value)  # a language without name tables shows the code
            return fn(value, self.lang, self.tables)
        return format(value, format_spec)


@functools.lru_cache(maxsize=4096)
def _compiled(code: str, lang: str) -> tuple:
    """The template of ``code`` in ``lang`` as (literal text, field name or None, format spec,
    whether the spec is a plain number/text format) pieces."""
    return tuple((lit, name or None, spec or "", _plain_spec(spec or "")) for lit, name, spec, _conv in
                 string.Formatter().parse(_template(code, lang)))


@functools.lru_cache(maxsize=1024)
def _plain_spec(spec: str) -> bool:
    """Whether a field's format spec is a plain ``format()`` spec (not a domain, a code lookup or a rule)."""
    return not (spec.startswith("@") or spec == "rule_reason" or spec in DOMAINS or _DOMAIN_NAME.match(spec))


def _template(code: str, lang: str) -> str:
    cat = catalogue(lang)
    if code in cat:
        return cat[code]
    en = catalogue("en")
    if code in en:  # a language that lacks a code shows it in English
        return en[code]
    raise KeyError(f"unknown message code {code!r}")


def render(message, lang: str = "en", tables=None) -> str:
    """Text of a message in ``lang``.

    Parameters
    ----------
    message : Message, str
        A :class:`Message`, its encoded text, or a bare code (a message without
        parameters). Text that is not an encoded message (an English sentence of an older
        plan) is returned unchanged.
    lang : str
        Language (a message file ``<lang>.csv`` must exist).
    tables : Tables, optional
        Literature tables (option, crop names; jurisdiction rules).

    Returns
    -------
    str
        The parts rendered with the language's templates and joined by its ``_sep``.

    Raises
    ------
    KeyError
        If a code is in no message file.
    """
    if message is None or (isinstance(message, float) and message != message):
        return ""
    if isinstance(message, str):
        if not message:
            return ""
        if not is_encoded(message):
            if message in catalogue("en"):
                message = Message.of(message)
            else:
                return message
        else:
            return _render_encoded(message, lang, tables)
    return _render_message(message, lang, tables)


def _render_encoded(text: str, lang: str, tables=None) -> str:
    if tables is None:
        return _render_one(text, lang)
    return _render_message(Message.decode(text), lang, tables)


@functools.lru_cache(maxsize=50_000)
def _render_one(text: str, lang: str) -> str:
    return _render_message(Message.decode(text), lang, None)


#: Full stops: a text that ends with one is a sentence (``rec.near_ph_edge``, ``rec.near_class_boundary``).
_STOPS = frozenset(".。")
#: Marks, while pieces are joined, the end of a piece that ends with a full stop (:func:`_glue`).
_MARK = "\x1f"
#: A marked full stop and the separator (``;`` ``；``) or the full stop that may follow it.
_MEND = re.compile(r"([.。])\x1f([ \t]*[;；][ \t]*)?")
#: Abbreviations whose full stop ends no sentence (``et al.; …`` keeps its separator).
_ABBREV = re.compile(r"(?:\bal|\betc|\be\.g|\bi\.e|\bvs|\bcf|\bNo|\bArts?)$")


def _glue(pieces: list) -> str:
    """The pieces of a message's text (template literals, field values, the parts and the ``_sep`` between them)
    joined, where a piece ends with a full stop, so that no stop meets a separator or a second stop.

    A sentence (a piece that ends with ``.`` or ``。``) followed by ``;`` or ``；`` and more text is followed by the
    next text as a new sentence, as the notes of a recommendation are joined (``rec.with_note``): ``. `` before an
    upper-case letter in English, ``。`` alone in Chinese; before a lower-case clause the stop is dropped and the
    separator kept (``; does not treat Pb``). A stop followed by the same stop is written once. Empty citation
    brackets (``\\0``, :func:`_new_sources`) are removed first.

    Examples
    --------
    >>> _glue(["Re-measure pH.", "; ", "Re-sample Pb."]), _glue(["复测pH。", "；", "复测铅。"])
    ('Re-measure pH. Re-sample Pb.', '复测pH。复测铅。')
    >>> _glue(["Re-measure pH.", "; does not treat Pb"]), _glue(["as the rule says.", "."])
    ('Re-measure pH; does not treat Pb', 'as the rule says.')
    >>> _glue(["Chen et al.", "; ", "Li 2020"])
    'Chen et al.; Li 2020'
    """
    text = "".join(pieces)
    if ";" in text or "；" in text or ".." in text or "。。" in text:  # (quick tests, most texts have none)
        last = len(pieces) - 1
        for k in range(last):
            if pieces[k][-1:] in _STOPS:  # a piece ends with a stop: each such end is marked and mended
                text = "".join([p + _MARK if j < last and p[-1:] in _STOPS else p for j, p in enumerate(pieces)])
                break
    if "\0" in text:  # every citation already named: the empty brackets go with it
        text = _EMPTY_CITE.sub("", text)
    if _MARK in text:
        text = _MEND.sub(_mend, text)
    return text


def _mend(m: re.Match) -> str:
    """The replacement of one marked full stop of :func:`_glue` (the separator after it, if any, included)."""
    stop, sep, text = m.group(1), m.group(2), m.string
    after = text[m.end():m.end() + 1]
    if _ABBREV.search(text, max(0, m.start() - 4), m.start()) or (sep is None and text[m.start() - 1:m.start()] == "."):
        return stop + (sep or "")  # an abbreviation or an ellipsis: left as written
    if sep is None:
        return "" if after == stop else stop  # "…sets it." + "." → one stop
    if not after:
        return stop  # nothing follows the separator
    if stop == "。":
        return stop  # 。；句 → 。句
    return ". " if after.isupper() else sep  # ". Next sentence" / "; a clause" (the stop dropped)


def _render_message(message: Message, lang: str, tables=None, memo: dict | None = None) -> str:
    """Text of a message; ``memo`` (a dict shared by one column's rendering) keeps the text of
    every (nested) message object already rendered, by identity (a stage reuses one object for
    a repeated part, and identity needs no hashing of the parts)."""
    if memo is not None:
        hit = memo.get(id(message))
        if hit is not None:
            return hit[1]
    fmt = None
    out = []
    for code, params in message.parts:
        values = dict(params)
        pieces = []
        for literal, name, spec, plain in _compiled(code, lang):
            pieces.append(literal)
            if name is None:
                continue
            v = values[name]
            if type(v) is Message:  # a nested message (empty: no text), each object rendered once
                pieces.append(_render_message(v, lang, tables, memo) if v.parts else "")
            elif plain:
                pieces.append(format(v, spec))
            elif spec == "sources":  # a citation the text before it already names is not repeated
                pieces.append(_new_sources(v, "".join(pieces), lang, tables))
            else:
                if fmt is None:
                    fmt = _Formatter(lang, tables, memo)
                fmt.params = values
                pieces.append(fmt.format_field(v, spec))
        out.append(_glue(pieces))
    if len(out) == 1:
        text = out[0]
    else:
        sep = _template("_sep", lang)
        text = _glue([x for t in out for x in (t, sep)][:-1])
    if memo is not None:
        memo[id(message)] = (message, text)  # the object is held, so its id is not reused
    return text


def render_column(values, lang: str = "en", tables=None) -> np.ndarray:
    """:func:`render` of every cell of a column (each distinct message rendered once).

    Parameters
    ----------
    values : array_like of str or Message
        Encoded messages or :class:`Message` objects (``''``, ``None`` or missing: empty text).
    lang : str
        Language.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    numpy.ndarray of object
        The texts.
    """
    arr = np.asarray(values, dtype=object)
    if arr.size == 0:
        return arr.copy()
    if any(isinstance(v, Message) for v in arr[:1]):  # the same object repeats: distinct by identity first
        ids = np.fromiter(map(id, arr), np.int64, len(arr))
        _, first, codes_ = np.unique(ids, return_index=True, return_inverse=True)
        uniq = arr[first]
        codes_ = np.asarray(codes_, np.intp).ravel()
    else:
        codes_, uniq = pd.factorize(arr, use_na_sentinel=True)
    memo: dict = {}  # nested messages repeat across a column (rules, amounts): each rendered once
    texts = [_render_message(u, lang, tables, memo) if isinstance(u, Message) else
             _render_message(Message.decode(u), lang, tables, memo) if is_encoded(u) else
             render(u, lang, tables) for u in uniq]
    return np.array(texts + [""], dtype=object)[codes_]


def encode_column(messages) -> np.ndarray:
    """:meth:`Message.encode` of every message (``None`` → ``''``), each distinct one once."""
    out = np.empty(len(messages), dtype=object)
    out[:] = ["" if m is None else m.encode() for m in messages]  # encode() is computed once per object
    return out


def render_encode(messages, lang: str = "en", tables=None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`render_column` and :func:`encode_column` of a column of messages in one pass.

    Each message object is encoded once; messages whose encoded texts are equal (equal
    messages, built separately for different rows) are rendered once, from one of them.

    Parameters
    ----------
    messages : array_like of Message or None
        One message per row (``None``: empty text).
    lang : str
        Language.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    texts : numpy.ndarray of object
        The rendered texts (``render_column(messages, lang, tables)``).
    encoded : numpy.ndarray of object
        The encoded texts (``encode_column(messages)``).
    """
    arr = np.empty(len(messages), dtype=object)
    arr[:] = list(messages) if not isinstance(messages, np.ndarray) else messages
    if not len(arr):
        return arr.copy(), arr.copy()
    # distinct objects (a stage shares one object among the rows of a distinct message) …
    obj_code, ids = pd.factorize(np.fromiter(map(id, arr), np.int64, len(arr)))
    first = np.empty(len(ids), dtype=np.intp)
    first[obj_code[::-1]] = np.arange(len(arr) - 1, -1, -1)
    objs = arr[first].tolist()
    enc = np.empty(len(objs), dtype=object)
    enc[:] = ["" if m is None else m.encode() for m in objs]
    # … and distinct messages among them (equal encoded texts render alike)
    text_code, uniq = pd.factorize(enc)
    rep = np.empty(len(uniq), dtype=np.intp)
    rep[text_code[::-1]] = np.arange(len(enc) - 1, -1, -1)
    memo: dict = {}  # nested messages repeat across a column: each object rendered once
    texts = np.empty(len(uniq), dtype=object)
    texts[:] = ["" if objs[i] is None else _render_message(objs[i], lang, tables, memo) for i in rep.tolist()]
    return texts[text_code][obj_code], enc[obj_code]


#: Stand-in values of :func:`render_encode_filled` (numbers no sentence prints by chance).
_HOLES = (918273645.0, -546372819.0, 735291846.0)


def render_encode_filled(build, values, lang: str = "en", tables=None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`render_encode` of ``[build(*row) for row in zip(*values)]`` for messages that
    differ only in a few float parameters: the message is rendered and encoded once, and each
    row's texts are that text with its numbers written in.

    A parameter is written in where it appears once in the message, in a part whose fields
    are all plain ``format()`` fields (or nested messages), so that its text is
    ``format(value, spec)`` and its encoding that of a float; otherwise (or where the
    stand-in's text is not found exactly once) every row is built and rendered by
    :func:`render_encode`. Either way the texts are those of :func:`render_encode`.

    Parameters
    ----------
    build : callable
        ``build(*params) -> Message``; its structure must not depend on the values.
    values : sequence of array_like of float
        One array per parameter (at most three), one value per row.
    lang : str
        Language.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    texts, encoded : numpy.ndarray of object
        The rendered and the encoded text of every row.
    """
    cols = [np.asarray(v, dtype=float).tolist() for v in values]
    n = len(cols[0]) if cols else 0
    if not n:
        return np.empty(0, dtype=object), np.empty(0, dtype=object)
    pieces = _filled_pieces(build, len(cols), lang, tables) if len(cols) <= len(_HOLES) else None
    if pieces is None:
        return render_encode([build(*row) for row in zip(*cols, strict=True)], lang, tables)
    (text_lit, text_order, specs), (enc_lit, enc_order) = pieces
    texts = np.empty(n, dtype=object)
    enc = np.empty(n, dtype=object)
    texts[:] = _fill(text_lit, [[format(v, specs[j]) for v in cols[j]] for j in text_order])
    enc[:] = _fill(enc_lit, [[_json_float(v) for v in cols[j]] for j in enc_order])
    return texts, enc


def _fill(literals: list, numbers: list) -> list:
    """Per row: the literals with the row's numbers between them (``numbers`` in text order)."""
    if len(numbers) == 1:
        a, b = literals
        return [f"{a}{x}{b}" for x in numbers[0]]
    out = [literals[0]] * len(numbers[0])
    for lit, col in zip(literals[1:], numbers, strict=True):
        out = [f"{s}{x}{lit}" for s, x in zip(out, col, strict=True)]
    return out


def _filled_pieces(build, k: int, lang: str, tables):
    """The rendered and encoded text of ``build(*holes)`` cut at its ``k`` numbers, or None
    where a number cannot be written in (see :func:`render_encode_filled`)."""
    holes = _HOLES[:k]
    message = build(*holes)
    found = {}  # hole → (code, name) of the part that holds it

    def walk(m) -> bool:
        for code, params in m.parts:
            holds = [name for name, v in params if type(v) is float and v in holes]
            for name, v in params:
                if type(v) is Message and not walk(v):
                    return False
            if not holds:
                continue
            compiled = _compiled(code, lang)
            if not all(plain for _, name, _, plain in compiled if name is not None):
                return False  # a domain or rule field may read its neighbours
            for name in holds:
                hole = dict(params)[name]
                uses = [spec for _, fname, spec, _ in compiled if fname == name]
                if hole in found or len(uses) != 1:
                    return False
                found[hole] = (code, name, uses[0])
        return True

    if not walk(message) or len(found) != k:
        return None
    text, enc = _render_message(message, lang, tables), message.encode()
    specs = [found[h][2] for h in holes]
    text_cut = _cut(text, [format(h, s) for h, s in zip(holes, specs, strict=True)])
    enc_cut = _cut(enc, [_json_float(h) for h in holes])
    if text_cut is None or enc_cut is None:
        return None
    return (text_cut[0], text_cut[1], specs), enc_cut


def _cut(text: str, marks: list):
    """``text`` cut at each of ``marks`` (each found exactly once, not overlapping): the literal
    pieces and the order in which the marks appear; None otherwise."""
    if any(text.count(m) != 1 for m in marks):
        return None
    at = sorted((text.index(m), j) for j, m in enumerate(marks))
    literals, pos = [], 0
    for start, j in at:
        if start < pos:
            return None
        literals.append(text[pos:start])
        pos = start + len(marks[j])
    literals.append(text[pos:])
    return literals, [j for _, j in at]


def column_texts(df: pd.DataFrame, col: str, lang: str = "en", tables=None) -> np.ndarray:
    """The sentences of column ``col`` of a plan table in ``lang``.

    Rendered from the message column ``<col>_msg`` where the table has one and the cell holds
    a message; otherwise (a table written before the column existed, or a producer that still
    writes English) the English text translated by :func:`agriremed.core.i18n.message`.

    Parameters
    ----------
    df : pandas.DataFrame
        Table with the text column ``col`` (and optionally ``<col>_msg``).
    col : str
        Text column (``'reason'``).
    lang : str
        Language.
    tables : Tables, optional
        Literature tables.

    Returns
    -------
    numpy.ndarray of object
        One text per row (``''`` for a missing one).
    """
    n = len(df)
    text = df[col].to_numpy(object) if col in df.columns else np.full(n, "", object)
    msg = f"{col}_msg"
    has = np.zeros(n, bool)
    out = np.empty(n, dtype=object)
    if msg in df.columns:
        enc = df[msg].to_numpy(object)
        has = np.array([is_encoded(v) for v in enc], dtype=bool)
        if has.any():
            out[has] = render_column(enc[has], lang, tables)
    rest = ~has
    if rest.any():
        codes_, uniq = pd.factorize(text[rest], use_na_sentinel=True)
        if lang in ("en", "zh"):
            shown = [i18n.message(u, lang, tables) for u in uniq]
        else:
            shown = [render(u, lang, tables) for u in uniq]
        out[rest] = np.array(shown + [""], dtype=object)[codes_]
    return out
