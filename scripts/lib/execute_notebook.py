#!/usr/bin/python3
"""Executes a notebook headless, as `jupyter nbconvert --to notebook --execute` does, and says
what is happening while it runs.

nbconvert prints nothing until a notebook ends, which in the full run is hours. This driver runs
the same ExecutePreprocessor (same kernel, timeout, errors kept in the outputs, same output file)
through nbclient's hooks and prints, on stdout, a line when each code cell starts (cell i of n,
time elapsed, its first line) and the cell's own text as it arrives: its stdout and stderr lines
and the text of progress bars it redraws in place (at most one line every --progress-every
seconds per bar).

usage: execute_notebook.py [--timeout S] [--kernel NAME] [--quiet] NOTEBOOK OUTDIR
"""
import argparse
import html
import os
import re
import sys
import time

import nbformat
from nbconvert.preprocessors import ExecutePreprocessor


def clock(seconds):
    seconds = int(seconds)
    return "%d:%02d:%02d" % (seconds // 3600, seconds // 60 % 60, seconds % 60)


def first_line(source):
    """The line that says what a cell does: the first after GoNB's %% (which ends the
    declarations), else the first that is not a comment."""
    lines = [l.strip() for l in source.splitlines()]
    if "%%" in lines:
        lines = lines[lines.index("%%") + 1:]
    for line in lines:
        if line and not line.startswith("//"):
            return line[:80]
    return ""


TAGS = re.compile(r"<[^>]*>")
PICTURES = re.compile(r"<svg.*?</svg>|<style.*?</style>|<script.*?</script>", re.S)


class ProgressPreprocessor(ExecutePreprocessor):
    """An ExecutePreprocessor that reports each cell and the cell's own text as it arrives."""

    def __init__(self, name, report, progress_every, **kw):
        super().__init__(**kw)
        self.name, self.report, self.progress_every = name, report, progress_every
        self.start = time.monotonic()
        self.code_cells, self.done = 0, 0
        self.partial = {}  # stream name -> text not yet ended by a newline
        self.last_bar = {}  # display id -> (time printed, text)
        self.on_cell_start = self.cell_started

    def say(self, text):
        if self.report:
            print(text, flush=True)

    def cell_started(self, cell, cell_index):
        if cell.cell_type != "code":
            return
        for rest in self.partial.values():  # the last cell's output that did not end its line
            if rest:
                self.say("    | " + rest.split("\r")[-1])
        self.partial.clear()
        self.done += 1
        self.say("  %s: cell %d of %d, %s elapsed: %s" % (
            self.name, self.done, self.code_cells, clock(time.monotonic() - self.start), first_line(cell.source)))

    def process_message(self, msg, cell, cell_index):
        self.report_message(msg)
        return super().process_message(msg, cell, cell_index)

    def report_message(self, msg):
        content = msg.get("content", {})
        kind = msg.get("msg_type")
        if kind == "stream":
            text = self.partial.get(content.get("name"), "") + content.get("text", "")
            *lines, rest = text.split("\n")
            self.partial[content.get("name")] = rest
            for line in lines:
                # A terminal progress bar redraws with \r: its last state is what counts.
                self.say("    | " + line.split("\r")[-1])
        elif kind in ("display_data", "update_display_data"):
            self.bar(content, content.get("transient", {}).get("display_id"))

    def bar(self, content, display_id):
        """Prints the text of an HTML output a cell redraws in place (a progress bar, a live view)."""
        page = content.get("data", {}).get("text/html")
        if not display_id or not page:
            return
        # A live view's plot and images carry no words: its header line does.
        text = " ".join(html.unescape(TAGS.sub(" ", PICTURES.sub(" ", page))).split())[:300]
        when, last = self.last_bar.get(display_id, (-1e9, ""))
        now = time.monotonic()
        if text and text != last and now - when >= self.progress_every:
            self.last_bar[display_id] = (now, text)
            self.say("    | " + text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook")
    parser.add_argument("outdir")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds a cell may run")
    parser.add_argument("--kernel", default="neuralart")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--progress-every", type=float, default=10, help="seconds between lines of one progress bar")
    args = parser.parse_args()

    name = os.path.splitext(os.path.basename(args.notebook))[0]
    nb = nbformat.read(args.notebook, as_version=4)
    ep = ProgressPreprocessor(name, not args.quiet, args.progress_every,
                              timeout=args.timeout, kernel_name=args.kernel, allow_errors=True)
    ep.code_cells = sum(1 for c in nb.cells if c.cell_type == "code")
    # As nbconvert: the kernel starts in the notebook's directory.
    ep.preprocess(nb, {"metadata": {"path": os.path.dirname(os.path.abspath(args.notebook))}})
    os.makedirs(args.outdir, exist_ok=True)
    nbformat.write(nb, os.path.join(args.outdir, os.path.basename(args.notebook)))


if __name__ == "__main__":
    sys.exit(main())
