"""Write, check and list generated kernel modules."""

from __future__ import annotations

import difflib
from pathlib import Path

from .backends import BACKENDS
from .builtin import builtin_models
from .codegen import kernel_irs, module_filename, render_module
from .fused_codegen import can_align, render_align_module
from .model import WarpModel

GENERATED_DIR = Path(__file__).resolve().parent.parent / "generated"
"""The committed ``generated/`` package beside ``jacgen/``."""


def _tuple_text(items) -> str:
    inner = ", ".join(f'"{i}"' for i in items)
    return f"({inner},)" if len(items) == 1 else f"({inner})"


def init_text(names) -> str:
    """``generated/__init__.py``: the package docstring and the tuple of built-in model names."""
    return (
        '"""Kernel modules emitted by ``python -m jacgen build``; never edit by hand."""\n\n'
        f"MODELS = {_tuple_text(sorted(names))}\n"
    )


def model_files(model: WarpModel, targets=("cpu", "cuda")) -> dict[str, str]:
    """Every module of ``model``: warp kernels, and fused aligner kernels where :func:`can_align`."""
    files: dict[str, str] = {}
    for target in targets:
        backend = BACKENDS[target]
        files[module_filename(model, backend)] = render_module(model, backend, kernel_irs(model))
        if can_align(model):
            files[f"{model.name}_align_{target}.py"] = render_align_module(model, backend)
    return files


def render_all(models: dict[str, WarpModel] | None = None, targets=("cpu", "cuda")) -> dict[str, str]:
    """Render every module of ``models`` (default: the built-ins) for ``targets``."""
    models = builtin_models() if models is None else models
    files: dict[str, str] = {"__init__.py": init_text(models)}
    for model in models.values():
        files.update(model_files(model, targets))
    return dict(sorted(files.items()))


def write_modules(files: dict[str, str], out_dir: Path) -> list[Path]:
    """Write ``files`` into ``out_dir`` (created if needed), only touching files that changed."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        path = out_dir / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            written.append(path)
    return written


def stale_files(files: dict[str, str], out_dir: Path) -> dict[str, str]:
    """Files in ``out_dir`` that differ from ``files``, with a short unified diff each."""
    out_dir = Path(out_dir)
    stale: dict[str, str] = {}
    for name, text in files.items():
        path = out_dir / name
        current = path.read_text() if path.exists() else ""
        if current != text:
            diff = difflib.unified_diff(
                current.splitlines(), text.splitlines(), f"{name} (on disk)", f"{name} (generator)", lineterm="", n=1
            )
            stale[name] = "\n".join(list(diff)[:20]) if path.exists() else "missing"
    expected = set(files)
    for path in sorted(out_dir.glob("*.py")) if out_dir.exists() else []:
        if path.name not in expected:
            stale[path.name] = "not produced by the generator (remove it)"
    return stale


def build_model(model: WarpModel, out_dir: Path, targets=("cpu", "cuda")) -> list[Path]:
    """Generate the kernel modules of one (user-defined) model into ``out_dir``."""
    files = model_files(model, targets)
    write_modules(files, Path(out_dir))
    return [Path(out_dir) / name for name in files]
