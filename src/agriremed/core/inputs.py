"""Helpers shared by the readers of input files (:mod:`agriremed.io.readers`, :mod:`agriremed.io.geo`).

They sit in ``core`` so that both readers use them without importing each other:
:func:`agriremed.io.readers.read_table` hands a GIS layer to :mod:`agriremed.io.geo`, which
must not import the readers back.
"""

from __future__ import annotations

import pandas as pd

from agriremed.core.messages import Message, Note

__all__ = ["InputFileError", "parquet_as_text", "mostly_common_chinese"]


class InputFileError(Exception):
    """A file that cannot be read as a table at all (missing, empty, wrong format).

    Parameters
    ----------
    text : str
        The English text of the error (a :class:`agriremed.core.messages.Note` carries its message).
    message : Message, optional
        The error as a message code with parameters, rendered in a language at the edge
        (:func:`agriremed.core.messages.text_of`); taken from ``text`` when it is a note.

    Examples
    --------
    >>> from agriremed.core.messages import text_of
    >>> e = InputFileError.of("io.empty", file="plots.csv")
    >>> str(e), text_of(e, "zh")
    ('plots.csv is empty: it has no header and no data rows', 'plots.csv为空：没有表头和数据行')
    """

    def __init__(self, text, message: Message | None = None):
        super().__init__(str(text))
        self.message = message if message is not None else getattr(text, "message", None)

    def __reduce__(self):  # pickled with its message (from a worker process of a parallel run)
        return type(self), (str(self), self.message)

    @classmethod
    def of(cls, code: str, **params) -> InputFileError:
        """The error of message ``code`` with ``params`` (its text: the English rendering)."""
        return cls(Note.of(code, **params))


def parquet_as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Rows read from Parquet as :func:`agriremed.io.readers.read_table` gives them: every cell as
    text, blanks as ''."""
    df = df.astype(object).where(df.notna(), "").astype(str)
    df.columns = [str(c) for c in df.columns]
    df.attrs.update(header_line=None, separator=None, decimal_comma=False)
    return df


def mostly_common_chinese(text: str) -> bool:
    """True when ≥ 90 % of the non-ASCII characters are common Chinese text: GB 2312 hanzi, CJK
    punctuation and full-width forms, or the GB 2312 symbol rows (first byte 0xA1–0xA9: ``°``,
    ``′``, ``″``, ``√``, ``×``, ``≤``, ``μ``, ``№``, ``①``, full-width letters), which a GBK table of
    degree-minute-second coordinates, check marks or μg/kg units holds in large numbers.

    Examples
    --------
    >>> mostly_common_chinese("罗家村 27°51′12″ 112°56′30″ √")
    True
    >>> mostly_common_chinese("Müller Straße größe".encode("cp1252").decode("gb18030"))
    False
    """
    non_ascii = [ch for ch in text[:200_000] if ord(ch) > 127]
    if not non_ascii:
        return True
    good = 0
    for ch, n in pd.Series(non_ascii).value_counts().items():
        o = ord(ch)
        if 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF:
            good += n
            continue
        try:
            b = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if len(b) == 2 and (0xB0 <= b[0] <= 0xF7 or 0xA1 <= b[0] <= 0xA9):
            good += n
    return good >= 0.9 * len(non_ascii)
