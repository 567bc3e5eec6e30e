"""A download button that works offline in Voila and JupyterLab.

The file is made only when the button is pressed: the browser asks the kernel,
the kernel calls ``content()`` and sends the bytes back as a binary buffer, and the
browser saves them through a ``Blob`` URL. Nothing is written on the server and no
size limit of ``data:`` URLs applies (Chromium refuses those above 2 MB, and an HTML
report with plotly.js embedded is larger).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import anywidget
import traitlets

__all__ = ["DownloadButton"]

log = logging.getLogger("agriremed.apps.dashboards")

_ESM = r"""
function render({ model, el }) {
  const button = document.createElement("button");
  button.className = "jupyter-widgets jupyter-button widget-button agriremed-download";
  const sync = () => {
    button.textContent = "\u2b07 " + model.get("description");
    button.disabled = model.get("disabled");
    button.title = model.get("filename");
    button.dataset.filename = model.get("filename");
  };
  sync();
  model.on("change:description", sync);
  model.on("change:disabled", sync);
  model.on("change:filename", sync);
  button.addEventListener("click", () => {
    button.disabled = true;
    model.send({ event: "request" });
  });
  model.on("msg:custom", (msg, buffers) => {
    sync();
    if (msg.event !== "file" || !buffers || !buffers.length) { return; }
    const blob = new Blob([buffers[0]], { type: msg.mime });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = msg.filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
  });
  el.appendChild(button);
}
export default { render };
"""


class DownloadButton(anywidget.AnyWidget):
    """Button that saves the bytes returned by ``content()`` as ``filename`` in the browser.

    Parameters
    ----------
    filename : str
        Name the browser saves the file under.
    mime : str
        MIME type of the file.
    content : callable, optional
        Returns the file's bytes; called on every press.
    description : str
        Caption of the button.

    Examples
    --------
    >>> b = DownloadButton(filename="x.csv", mime="text/csv", content=lambda: b"a,b\\n1,2\\n")
    >>> b.payload()
    b'a,b\\n1,2\\n'
    """

    _esm = _ESM
    description = traitlets.Unicode("Download").tag(sync=True)
    filename = traitlets.Unicode("download").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    mime = traitlets.Unicode("application/octet-stream")

    def __init__(
        self,
        filename: str,
        mime: str = "application/octet-stream",
        content: Callable[[], bytes] | None = None,
        **kwargs,
    ):
        super().__init__(filename=filename, mime=mime, **kwargs)
        self.content = content
        self.sent = 0
        self.on_msg(self._on_request)

    def payload(self) -> bytes:
        """The file's bytes (what a press sends)."""
        if self.content is None:
            return b""
        data = self.content()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)

    def _on_request(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict) or content.get("event") != "request":
            return
        try:
            data = self.payload()
        except Exception:  # the page shows a disabled-then-enabled button, the log the cause
            log.exception("download %s failed", self.filename)
            self.send({"event": "failed"})
            return
        self.sent += 1
        self.send({"event": "file", "filename": self.filename, "mime": self.mime}, buffers=[data])
