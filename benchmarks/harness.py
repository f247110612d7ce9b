"""Timing harness shared by every suite: alternating timer, environment capture, report writers.

Every suite builds a list of :class:`Contender` objects and hands them to :func:`time_contenders`,
which runs them all in this one process:

1. *setup* (building a Sympy expression, converting inputs) is timed once and reported apart;
2. the *first call* (Numba compile or cache load, JAX trace + XLA compile, torch warm caches) is
   timed once and reported apart from steady state;
3. ``warmup`` untimed rounds;
4. ``repeats`` timed rounds; in each round every contender runs once, in an order rotated by one
   each round, after a short sleep (:data:`SETTLE_S`) that lets idle OpenMP / OpenBLAS / XLA worker
   threads of the previous contender stop spinning (they slowed the next contender by up to 4x).

The median, min and max over the timed rounds are kept, and every contender is reported as a ratio
to the project's kernel (the contender flagged ``baseline``) measured in the same run.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

SETTLE_S = 0.15
"""Seconds slept before every timed call so that idle worker threads of the previous call settle."""

WAKE_BELOW_S = 0.25
"""Contenders whose warm call (the fastest warm-up call; the first call when there is no warm-up)
is faster than this get untimed calls right before each timed one."""

WAKE_FOR_S = 0.03
"""Those untimed calls are repeated until this long has passed (at least one call): after the
settle pause an idle vCPU of this VM runs a two-thread kernel at one-thread speed for several
calls of a few milliseconds (measured: 4 consecutive 4 ms calls), so one short call is not enough."""

_settle_s = SETTLE_S


def set_settle(seconds: float) -> None:
    """Seconds :func:`settle` sleeps from now on (``python -m benchmarks --settle``; 0 for smoke runs)."""
    global _settle_s
    if not (math.isfinite(seconds) and seconds >= 0):
        raise ValueError(f"settle seconds must be finite and >= 0, got {seconds}")
    _settle_s = float(seconds)


def settle_seconds() -> float:
    """Seconds :func:`settle` sleeps (:data:`SETTLE_S` unless :func:`set_settle` changed it)."""
    return _settle_s


def settle_note() -> str:
    """The report's paragraph on the settling pause and the wake-up calls (with the pause in force)."""
    if _settle_s > 0:
        pause = (
            f"Before every timed call the harness sleeps {_settle_s:.2f} s so that idle OpenMP / OpenBLAS / XLA / "
            "Numba worker threads left spinning by the previous contender settle (they slowed the next contender "
            "by up to 4x), then calls"
        )
    else:
        pause = "No settling pause before timed calls (`--settle 0`: timings not for comparison); the harness calls"
    return (
        f"{pause} the same contender untimed for at least "
        f"{WAKE_FOR_S * 1e3:.0f} ms (when its warm-up calls took < {WAKE_BELOW_S} s) so that the timed call "
        "finds that contender's own thread pool and both vCPUs awake, as in a "
        "solver loop; contenders alternate, in an order rotated every round. `OMP_WAIT_POLICY=PASSIVE` is set "
        "for every contender unless the caller set it: on this 2-vCPU VM the default active spin-wait made "
        "PyTorch 3-7x and small Numba calls up to 50x slower."
    )


REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "benchmarks" / "results"
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"

PACKAGES = (
    "jacgen",
    "numpy",
    "numba",
    "llvmlite",
    "sympy",
    "scipy",
    "torch",
    "jax",
    "jaxlib",
    "open3d",
    "opencv-contrib-python",
    "opencv-python",
    "matplotlib",
)


class Skip(Exception):
    """Raised by a contender's setup when it cannot run here (peer not installed, no GPU, pending)."""


@dataclass(frozen=True)
class Mode:
    """The options every suite's ``run(mode, ...)`` takes; ``python -m benchmarks`` fills them from its command line.

    Attributes
    ----------
    quick : bool
        Reduced sizes, under 2 minutes per suite (each suite's ``run`` says what it reduces).
    smoke : bool
        Tiny sizes, seconds per suite (the CI smoke test).
    data : path, optional
        Folder of the shared data sets (suites on synthetic inputs ignore it).
    log : callable
        Progress printer.
    """

    quick: bool = False
    smoke: bool = False
    data: Path | None = None
    log: Callable[[str], None] = print


def failure(exc: BaseException) -> tuple[str, str]:
    """``(status, note)`` of a contender whose setup or call raised ``exc``.

    :class:`Skip` gives ``"pending"`` (its message starts with "pending": the project's own code is
    not there yet) or ``"skipped"``; any other exception ``"failed"``, with its type and first line.
    """
    if isinstance(exc, Skip):
        return ("pending" if str(exc).startswith("pending") else "skipped"), str(exc)
    return "failed", f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"


def first_call(call: Callable[..., Any], *args: Any) -> tuple[str, str, float]:
    """A contender's first call ``call(*args)`` (compile, cache load, warm-up), timed after a settling pause.

    Returns
    -------
    status, note, seconds
        ``("ok", "", time of the call)``, or :func:`failure`'s status and note and NaN.
    """
    settle()
    t0 = time.perf_counter()
    try:
        call(*args)
    except Exception as exc:  # a failing contender must not take the suite down; the table says why
        return (*failure(exc), math.nan)
    return "ok", "", time.perf_counter() - t0


class ToleranceTrace:
    """When an iterative method's error enters a tolerance and stays there to the end of the run.

    Call :meth:`step` after every iteration; ``time_to_tol`` / ``steps_to_tol`` then hold the end of
    the iteration after which the error stayed within ``tol`` (None while it is outside), and
    ``first_s`` / ``first_step`` the first iteration within it at all. Times count from construction.
    """

    def __init__(self, tol: float):
        self.tol = tol
        self.start = time.perf_counter()
        self.steps = 0
        self.time_to_tol: float | None = None
        self.steps_to_tol: int | None = None
        self.first_s: float | None = None
        self.first_step: int | None = None

    def step(self, err: float) -> float:
        """Record one iteration's error; return the time since the start."""
        now = time.perf_counter() - self.start
        self.steps += 1
        if err <= self.tol:
            if self.time_to_tol is None:
                self.time_to_tol, self.steps_to_tol = now, self.steps
            if self.first_s is None:
                self.first_s, self.first_step = now, self.steps
        else:
            self.time_to_tol = self.steps_to_tol = None
        return now

    def held(self) -> int:
        """Iterations the error has stayed within the tolerance (0 when it is outside)."""
        return 0 if self.steps_to_tol is None else self.steps - self.steps_to_tol + 1

    def record(self, final_err_deg: float) -> dict:
        """The run's record: steps, time to now, time / steps to tolerance, first within, final error."""
        return {
            "steps": self.steps,
            "time_s": time.perf_counter() - self.start,
            "time_to_tol_s": self.time_to_tol,
            "steps_to_tol": self.steps_to_tol,
            "first_tol_s": self.first_s,
            "first_tol_step": self.first_step,
            "final_err_deg": final_err_deg,
        }


@dataclass
class Contender:
    """One implementation taking part in a comparison.

    Parameters
    ----------
    name : str
        Row label.
    setup : callable
        ``setup() -> run`` builds whatever is needed (timed as *setup*) and returns the zero-argument
        callable that is timed. Raise :class:`Skip` to skip with a note.
    baseline : bool
        The project's kernel: every ratio is taken to it.
    ours : bool
        Another variant of the project's own code (its ratio is not flagged as a peer win).
    check : callable, optional
        ``check(output) -> dict`` run once on the output of the first call (correctness columns).
    note : str
        Free text shown in the table.
    scale : float
        Multiply measured times by this (a contender measured on a subset of the points and
        extrapolated linearly; the table says so in ``note``).
    """

    name: str
    setup: Callable[[], Callable[[], Any]]
    baseline: bool = False
    check: Callable[[Any], dict] | None = None
    note: str = ""
    scale: float = 1.0
    ours: bool = False


@dataclass
class Timing:
    """What :func:`time_contenders` measured for one contender."""

    name: str
    status: str = "ok"  # ok | skipped | failed | pending
    note: str = ""
    baseline: bool = False
    scale: float = 1.0
    ours: bool = False
    setup_s: float = math.nan
    first_call_s: float = math.nan
    times_s: list[float] = field(default_factory=list)
    checks: dict = field(default_factory=dict)
    ratio: float = math.nan

    @property
    def median_s(self) -> float:
        """Median of the timed repeats (seconds, scaled)."""
        return statistics.median(self.times_s) * self.scale if self.times_s else math.nan

    @property
    def min_s(self) -> float:
        """Fastest timed repeat (seconds, scaled)."""
        return min(self.times_s) * self.scale if self.times_s else math.nan

    @property
    def max_s(self) -> float:
        """Slowest timed repeat (seconds, scaled)."""
        return max(self.times_s) * self.scale if self.times_s else math.nan

    def as_dict(self) -> dict:
        """JSON-ready record."""
        return {
            "name": self.name,
            "status": self.status,
            "note": self.note,
            "baseline": self.baseline,
            "ours": self.ours,
            "scale": self.scale,
            "setup_s": _finite_or_none(self.setup_s),
            "first_call_s": _finite_or_none(self.first_call_s),
            "median_s": _finite_or_none(self.median_s),
            "min_s": _finite_or_none(self.min_s),
            "max_s": _finite_or_none(self.max_s),
            "times_s": [t * self.scale for t in self.times_s],
            "ratio_to_baseline": _finite_or_none(self.ratio),
            "checks": {k: _jsonable(v) for k, v in self.checks.items()},
        }


def _finite_or_none(x: float) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def _jsonable(v: Any) -> Any:
    if isinstance(v, bool | str) or v is None:
        return v
    if getattr(getattr(v, "dtype", None), "kind", "") == "b":
        return bool(v)
    if isinstance(v, int | float):
        return _finite_or_none(float(v)) if isinstance(v, float) else v
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return _finite_or_none(f)


def clean_json(obj: Any) -> Any:
    """Recursively turn NumPy scalars into Python ones and NaN / inf into None (strict JSON)."""
    if isinstance(obj, dict):
        return {str(k): clean_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean_json(v) for v in obj]
    return _jsonable(obj)


def settle(seconds: float | None = None) -> None:
    """Sleep ``seconds`` (default: :func:`set_settle`'s, :data:`SETTLE_S`) so that idle worker threads stop spinning."""
    seconds = _settle_s if seconds is None else seconds
    if seconds > 0:
        time.sleep(seconds)


def time_contenders(
    contenders: Sequence[Contender],
    repeats: int = 7,
    warmup: int = 2,
    settle_s: float | None = None,
    budget_s: float | None = None,
    log: Callable[[str], None] | None = None,
) -> list[Timing]:
    """Time ``contenders`` in one process, alternating them.

    Parameters
    ----------
    contenders : sequence of Contender
        Exactly one should have ``baseline=True``.
    repeats : int
        Timed rounds (at least 7 for the published tables).
    warmup : int
        Untimed rounds after the first call.
    settle_s : float, optional
        Sleep before every timed call (default: :func:`settle`'s).
    budget_s : float, optional
        A contender whose first call takes longer than ``budget_s / (warmup + repeats)`` is not
        repeated (reported as skipped, with its first-call time).
    log : callable, optional
        Progress printer.

    Returns
    -------
    list of Timing
        In the order of ``contenders``; ratios filled in when the baseline ran.
    """
    say = log or (lambda _msg: None)
    timings = [Timing(c.name, note=c.note, baseline=c.baseline, scale=c.scale, ours=c.ours) for c in contenders]
    runs: list[Callable[[], Any] | None] = []
    for c, t in zip(contenders, timings, strict=True):
        run = None
        try:
            t0 = time.perf_counter()
            run = c.setup()
            t.setup_s = time.perf_counter() - t0
            settle(settle_s)
            t0 = time.perf_counter()
            out = run()
            t.first_call_s = time.perf_counter() - t0
            if c.check is not None:
                t.checks = c.check(out)
            del out
            if budget_s is not None and t.first_call_s * (warmup + repeats) > budget_s:
                t.status = "skipped"
                t.note = _join(t.note, f"not repeated: first call {t.first_call_s:.1f} s exceeds the time budget")
                run = None
        except Exception as exc:  # a failing peer must not take the suite down; the table says why
            t.status, why = failure(exc)
            t.note = _join(t.note, why)
            if not isinstance(exc, Skip):
                say(traceback.format_exc(limit=3))
            run = None
        say(f"  {c.name}: setup {t.setup_s:.3g} s, first call {t.first_call_s:.3g} s [{t.status}]")
        runs.append(run)

    active = [i for i, r in enumerate(runs) if r is not None]
    warm_s = {i: timings[i].first_call_s for i in active}  # the first call includes compiles: only a fallback
    for w in range(warmup):
        for i in active:
            t0 = time.perf_counter()
            runs[i]()
            elapsed = time.perf_counter() - t0
            warm_s[i] = elapsed if w == 0 else min(warm_s[i], elapsed)
    for rnd in range(repeats):
        k = rnd % max(1, len(active))
        for i in active[k:] + active[:k]:
            settle(settle_s)
            if warm_s[i] < WAKE_BELOW_S:
                wake_until = time.perf_counter() + WAKE_FOR_S
                runs[i]()
                while time.perf_counter() < wake_until:
                    runs[i]()
            t0 = time.perf_counter()
            out = runs[i]()
            timings[i].times_s.append(time.perf_counter() - t0)
            del out
    base = next((t for t in timings if t.baseline and t.times_s), None)
    if base is not None:
        for t in timings:
            if t.times_s:
                t.ratio = t.median_s / base.median_s
    return timings


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a and b else a or b


# ----------------------------------------------------------------------------------------------------------------------
# threads and environment


def configure_threads(n: int) -> int:
    """Give every library the same thread count ``n``; call BEFORE importing NumPy, torch or JAX.

    Sets the OpenMP / MKL / OpenBLAS / Numba environment variables (and ``OMP_WAIT_POLICY=PASSIVE``
    unless already set: idle spinning OpenMP threads slowed the other contenders), pins the process to ``n`` CPUs
    (which is what bounds XLA's own thread pool, which has no portable knob) and, for ``n == 1``,
    tells XLA to use one thread.

    Returns
    -------
    int
        The thread count in force.
    """
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(range(os.cpu_count() or 1))
    n = max(1, min(n, len(cpus)))
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = str(n)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if n == 1:
        flags = os.environ.get("XLA_FLAGS", "")
        os.environ["XLA_FLAGS"] = f"{flags} --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1".strip()
    if hasattr(os, "sched_setaffinity") and n < len(cpus):
        os.sched_setaffinity(0, cpus[:n])
    return n


def apply_library_threads(n: int) -> dict:
    """Set run-time thread counts of the libraries already importable (Numba, torch); return them."""
    out = {}
    import numba

    numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    out["numba"] = numba.get_num_threads()
    try:
        import torch
    except ImportError:
        pass
    else:
        torch.set_num_threads(n)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:  # already set once in this process
            pass
        out["torch"] = torch.get_num_threads()
    out["affinity"] = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    out["XLA_FLAGS"] = os.environ.get("XLA_FLAGS", "")
    out["OMP_WAIT_POLICY"] = os.environ.get("OMP_WAIT_POLICY", "")
    out["numba_threading_layer"] = numba.config.THREADING_LAYER
    return out


def package_versions() -> dict[str, str | None]:
    """Installed versions of the packages the suites use (None where absent)."""
    out: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _mem_total_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def _git(*args: str) -> str | None:
    try:
        res = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() if res.returncode == 0 else None


def environment(threads: int) -> dict:
    """CPU, cores, memory, GPU, thread settings, library versions, git revision."""
    gpu = None
    try:
        from numba import cuda

        if cuda.is_available():
            gpu = cuda.get_current_device().name
            gpu = gpu.decode() if isinstance(gpu, bytes) else str(gpu)
    except Exception:  # no driver / no numba-cuda: no GPU as far as the benchmarks are concerned
        gpu = None
    status = _git("status", "--porcelain", "--", ".", ":(exclude)benchmarks/results")  # the reports of this run
    return {
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "affinity_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "threads": threads,
        "mem_total_gib": _mem_total_gib(),
        "gpu": gpu,
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(status) if status is not None else None,
        "packages": package_versions(),
        "settle_s": _settle_s,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "loadavg_at_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "busy_processes_at_start": busy_processes(),
    }


def busy_processes(threshold: float = 20.0) -> list[str]:
    """Other processes using more than ``threshold`` % CPU right now (they disturb timings)."""
    try:
        res = subprocess.run(["ps", "-eo", "pid=,pcpu=,comm="], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    out = []
    for line in res.stdout.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0] != str(os.getpid()):
            try:
                if float(parts[1]) > threshold:
                    out.append(f"{parts[2]} (pid {parts[0]}, {parts[1]} % CPU)")
            except ValueError:
                continue
    return out


def environment_markdown(env: dict) -> str:
    """One short paragraph describing the machine and library versions."""
    pk = ", ".join(f"{k} {v}" for k, v in env["packages"].items() if v)
    absent = ", ".join(k for k, v in env["packages"].items() if not v)
    dirty = " (with uncommitted changes)" if env.get("git_dirty") else ""
    lines = [
        f"- Machine: {env['cpu']}, {env['logical_cpus']} logical CPUs, {env['mem_total_gib']} GiB RAM, "
        f"GPU: {env['gpu'] or 'none'}; {env['platform']}, Python {env['python']}",
        f"- Threads: {env['threads']} for every contender (Numba, torch intra-op, OpenMP/BLAS; the process is "
        f"pinned to {env['affinity_cpus']} CPUs, which bounds XLA's pool); "
        f"OMP_WAIT_POLICY={env.get('omp_wait_policy') or 'unset'}",
        f"- Versions: {pk}" + (f"; not installed: {absent}" if absent else ""),
        f"- Revision: {env.get('git_commit')}{dirty}, run at {env['date']}",
    ]
    load = env.get("loadavg_at_start")
    if load is not None:
        busy = env.get("busy_processes_at_start") or []
        warn = " **Other processes were busy: timings may be disturbed.**" if busy or load > 0.5 else ""
        lines.append(f"- Load average at start: {load:.2f}" + (f"; busy: {', '.join(busy)}" if busy else "") + warn)
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------------------------------
# formatting and writers


def fmt_time(seconds: float) -> str:
    """Human time with a unit."""
    if seconds is None or not math.isfinite(seconds):
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def fmt_ratio(r: float, peer: bool = True) -> str:
    """Ratio to the baseline; peers faster than the baseline are marked in bold."""
    if r is None or not math.isfinite(r):
        return "-"
    if r < 0.995 and peer:
        return f"**{r:.2f}x (faster than ours)**"
    return f"{r:.2f}x" if r < 100 else f"{r:.0f}x"


def fmt_num(x: Any, digits: int = 2) -> str:
    """Short number (scientific when small or large)."""
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, str):
        return x
    if isinstance(x, int):
        return f"{x:,}"
    x = float(x)
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else "inf"
    if x == 0:
        return "0"
    if abs(x) < 1e-2 or abs(x) >= 1e5:
        return f"{x:.{digits}e}"
    return f"{x:.{digits + 1}g}"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None) -> str:
    """A GitHub-flavoured Markdown table; ``align`` is one letter per column (l/r)."""
    align = align or "l" + "r" * (len(headers) - 1)
    sep = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(headers) + " |", "| " + " | ".join(sep) + " |"]
    for row in rows:
        out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
    return "\n".join(out)


def timing_table(timings: Sequence[Timing], check_cols: Sequence[tuple[str, str]] = ()) -> str:
    """Standard table: median / min / max, ratio to ours, first call, setup, check columns, note."""
    headers = ["contender", "median", "min", "max", "ratio to ours", "first call", "setup"]
    headers += [label for _, label in check_cols] + ["note"]
    rows = []
    for t in timings:
        name = f"**{t.name}**" if t.baseline else t.name
        if t.status != "ok" and not t.times_s:
            first = fmt_time(t.first_call_s) if t.status == "skipped" else "-"
            rows.append([name, "-", "-", "-", "-", first, "-", *["-" for _ in check_cols], f"{t.status}: {t.note}"])
            continue
        checks = [fmt_num(t.checks.get(key)) for key, _ in check_cols]
        rows.append(
            [
                name,
                fmt_time(t.median_s),
                fmt_time(t.min_s),
                fmt_time(t.max_s),
                "1.00x (reference)" if t.baseline else fmt_ratio(t.ratio, peer=not t.ours),
                fmt_time(t.first_call_s),
                fmt_time(t.setup_s),
                *checks,
                t.note,
            ]
        )
    return markdown_table(headers, rows)


def save_figure(fig, path: Path, dpi: int = 110) -> None:
    """Lay out, write and close a suite's matplotlib figure."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def without_timings(res: dict, key: str) -> dict:
    """Copy of a suite's result whose entries under ``key`` lose their in-memory Timing lists (``"_t"``), for JSON."""
    return {**res, key: [{k: v for k, v in entry.items() if k != "_t"} for entry in res.get(key, [])]}


def write_report(suite: str, out_dir: Path, markdown: str, data: dict, plot: Callable[[Path], None] | None) -> dict:
    """Write ``<suite>.md``, ``<suite>.json`` and (when matplotlib is there) ``<suite>.png``.

    Returns
    -------
    dict
        Paths written and the reason a PNG is missing, if it is.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    md_path, json_path, png_path = (out_dir / f"{suite}.{ext}" for ext in ("md", "json", "png"))
    written = {"markdown": str(md_path), "json": str(json_path)}
    if plot is not None:
        try:
            import matplotlib

            matplotlib.use("Agg")
            plot(png_path)
            written["png"] = str(png_path)
        except ImportError:
            written["png_skipped"] = "matplotlib not installed (pip install -e '.[bench]')"
        except Exception as exc:  # a plotting problem must not lose the measured numbers
            written["png_skipped"] = f"plot failed: {type(exc).__name__}: {exc}"
    if "png" in written:
        markdown = markdown + f"\n\n![{suite}]({png_path.name})\n"
    md_path.write_text(markdown)
    json_path.write_text(json.dumps(clean_json(data), indent=2, allow_nan=False))
    return written


def report_header(suite: str, title: str, command: str, env: dict, quick: bool) -> str:
    """Heading, command line, environment paragraph and the settling note."""
    mode = " (quick mode: reduced sizes, not for publication)" if quick else ""
    return (
        f"## {title}{mode}\n\n"
        f"Command: `{command}`\n\n"
        f"{environment_markdown(env)}\n"
        f"- Timing: {settle_note()} Ratio = contender median / ours (the bold row) in the same run; "
        "> 1 means slower than ours. First call (compile / trace / cache load) and setup (e.g. Sympy build) "
        "are reported apart from the steady-state times.\n"
    )
