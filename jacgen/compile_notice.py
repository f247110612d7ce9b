"""One line on stderr when the project's kernels start a compile that takes longer than a second.

Numba compiles a kernel on its first call and caches it on disk, so a new machine (or a new
revision of the kernels) waits, silently, tens of seconds on its first run. A listener on Numba's
``"numba:compile"`` event (sent for real compiles only, never for loads from the cache) starts a
timer at the start of each outermost compile of one of this project's functions; once the
process has spent :data:`DELAY_S` compiling them (one long compile, or several short ones: a
kernel's launcher and its helpers compile one after the other), the notice is printed, once.
``JACGEN_QUIET=1`` silences it.
"""

from __future__ import annotations

import os
import sys
import threading
import time

from numba.core import event

DELAY_S = 1.0
"""Seconds of compiling before the notice is shown."""

NOTICE = "jacgen: compiling kernels for this machine, first run only (cached on disk afterwards) ..."

PACKAGES = ("jacgen", "generated", "solver")
"""Top-level packages whose functions the notice is about."""


def _ours(ev: event.Event) -> bool:
    """Whether the event compiles a function of this project (or of a module jacgen generated)."""
    dispatcher = (ev.data or {}).get("dispatcher")
    func = getattr(dispatcher, "py_func", None)
    module = getattr(func, "__module__", "") or ""
    return module.split(".")[0] in PACKAGES or "DESCRIPTION" in getattr(func, "__globals__", {})


class CompileNotice(event.Listener):
    """Shows :data:`NOTICE` on ``stream`` once, when compiling our functions has taken ``delay`` seconds."""

    def __init__(self, delay: float = DELAY_S, stream=None) -> None:
        self.delay, self.stream = delay, stream
        self.depth, self.timer, self.shown = 0, None, False
        self.spent, self.started = 0.0, 0.0
        self.lock = threading.Lock()

    def on_start(self, ev: event.Event) -> None:
        """A compile starts: time the outermost one of ours, against what is left of ``delay``."""
        with self.lock:
            self.depth += 1
            if self.depth == 1 and not self.shown and _ours(ev):
                self.started = time.perf_counter()
                self.timer = threading.Timer(max(self.delay - self.spent, 0.0), self.show)
                self.timer.daemon = True
                self.timer.start()

    def on_end(self, ev: event.Event) -> None:
        """A compile ends: the outermost one stops the timer and adds its time."""
        with self.lock:
            self.depth -= 1
            if self.depth == 0 and self.timer is not None:
                self.timer.cancel()
                self.timer = None
                self.spent += time.perf_counter() - self.started

    def show(self) -> None:
        """Print the notice (once)."""
        if not self.shown:
            self.shown = True
            print(NOTICE, file=self.stream or sys.stderr, flush=True)


_installed: CompileNotice | None = None


def install() -> CompileNotice | None:
    """Register the process's notice listener (once); None when ``JACGEN_QUIET`` is set."""
    global _installed
    if _installed is None and not os.environ.get("JACGEN_QUIET"):
        _installed = CompileNotice()
        event.register("numba:compile", _installed)
    return _installed
