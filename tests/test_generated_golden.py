"""generated/ is exactly what the generator produces, byte for byte, whatever the hash seed."""

import ast
import io
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import jacgen.runtime
from jacgen.build import GENERATED_DIR, render_all, stale_files, write_modules
from jacgen.codegen import runtime_sources


def test_regenerating_reproduces_committed_files(tmp_path):
    files = render_all()
    write_modules(files, tmp_path)
    for name in files:
        committed = (GENERATED_DIR / name).read_bytes()
        assert (tmp_path / name).read_bytes() == committed, f"{name} differs: run `python -m jacgen build`"
    assert not stale_files(files, GENERATED_DIR)


def test_build_is_deterministic_across_processes(tmp_path):
    """A build in another process with another hash seed writes the committed bytes (this process's
    seed is pytest's random one, see the test above)."""
    env = dict(os.environ, PYTHONHASHSEED="987")
    subprocess.run([sys.executable, "-m", "jacgen", "build", "--out", str(tmp_path)], env=env, check=True, timeout=300)
    written = sorted(tmp_path.glob("*.py"))
    assert {p.name for p in written} == {p.name for p in GENERATED_DIR.glob("*.py")}
    for path in written:
        assert path.read_bytes() == (GENERATED_DIR / path.name).read_bytes(), path.name


def test_check_reports_stale_files(tmp_path):
    for path in GENERATED_DIR.glob("*.py"):  # the committed files (equal to a fresh build, see above)
        shutil.copy(path, tmp_path / path.name)
    victim = tmp_path / "rodrigues_cpu.py"
    victim.write_text(victim.read_text().replace("h0 = ", "h0 = 2 * ", 1))
    proc = subprocess.run(
        [sys.executable, "-m", "jacgen", "build", "--check", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1
    assert "rodrigues_cpu.py" in proc.stderr and "euler_xyz_cpu.py" not in proc.stderr


def test_banner_has_hash_version_and_op_counts():
    text = (GENERATED_DIR / "rodrigues_cpu.py").read_text()
    head = text.split('"""', 1)[0]
    for needle in ("GENERATED FILE", "generator: jacgen", "source model: rodrigues", "content hash: sha256:"):
        assert needle in head
    assert "before cse" in head and "per point" in head and "warp_jacobian" in head


def test_list_prints_every_model():
    proc = subprocess.run([sys.executable, "-m", "jacgen", "list"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0
    for name in ("rodrigues", "euler_xyz", "se3", "warp_jacobian_at_zero"):
        assert name in proc.stdout


def test_generated_code_is_formatted():
    ruff = Path(sys.executable).with_name("ruff")
    cmd = [str(ruff)] if ruff.exists() else [sys.executable, "-m", "ruff"]
    proc = subprocess.run([*cmd, "format", "--check", str(GENERATED_DIR)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _function_names(function: ast.FunctionDef) -> set[str]:
    """Arguments and every name a function assigns."""
    names = {a.arg for a in function.args.args}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _comments(text: str) -> dict[int, str]:
    return {
        tok.start[0]: tok.string[1:].strip()
        for tok in tokenize.generate_tokens(io.StringIO(text).readline)
        if tok.type == tokenize.COMMENT
    }


def test_hoisted_value_comments_name_only_what_is_in_scope():
    """A comment beside a hoisted value read in a function (``h12 = T(h[0])  # ...``, or an entry
    ``T(h[pair, 3]),  # h38 = ...`` of a ``_values`` tuple, labelled with the name the kernel gives
    it) names only the function's own variables, module-level names (``phi``, ``math``) and the
    model's symbols."""
    checked = 0
    for path in sorted(GENERATED_DIR.glob("*_c*.py")):
        text = path.read_text()
        tree = ast.parse(text)
        module = {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets}
        module |= {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        module |= {
            (a.asname or a.name).split(".")[0]
            for n in tree.body
            if isinstance(n, ast.Import | ast.ImportFrom)
            for a in n.names
        }
        d = next(n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "DESCRIPTION")
        description = ast.literal_eval(d.value)
        model = {
            s
            for key in ("params", "brightness_params", "constants", "kernel_constants", "point")
            for s in description.get(key, ())
        }
        lines = text.splitlines()
        comments = _comments(text)
        for function in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
            allowed = _function_names(function) | module | model
            for line in range(function.lineno, function.end_lineno + 1):
                code = lines[line - 1]
                if line not in comments or not re.search(r"T\(h\[", code):
                    continue
                comment = comments[line]
                if code.lstrip().startswith("T(h["):  # a tuple entry: its label, then its definition
                    comment = re.sub(r"^\w+( = |$)", "", comment)
                names = set(re.findall(r"(?<![\w.])[A-Za-z_]\w*", comment))
                assert names <= allowed, (
                    f"{path.name}:{line} {function.name}: {sorted(names - allowed)} in '# {comments[line]}'"
                )
                checked += 1
    assert checked > 100


JACGEN_DIR = Path(jacgen.__file__).resolve().parent

NOT_INLINED = {"cuda_support.py"}
"""jacgen modules the hashed ones import whose code no kernel runs (the gate that loads numba.cuda)."""


def _jacgen_imports(path: Path) -> set[str]:
    """The jacgen modules ``path`` imports (absolute or relative), relative to ``jacgen/``."""
    package = path.resolve().relative_to(JACGEN_DIR.parent).parent.parts if path.is_relative_to(JACGEN_DIR) else ()
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.ImportFrom) or node.module == "__future__":
            continue
        base = list(package[: len(package) - node.level + 1]) if node.level else []
        parts = base + (node.module.split(".") if node.module else [])
        if parts[:1] != ["jacgen"]:
            continue
        target = JACGEN_DIR.joinpath(*parts[1:])
        candidates = [target.with_suffix(".py"), target / "__init__.py"]
        candidates += [target / f"{alias.name}.py" for alias in node.names]  # submodules named in the import
        found |= {c.relative_to(JACGEN_DIR).as_posix() for c in candidates if c.is_file()}
    return found


def test_runtime_hash_covers_every_module_the_kernels_use():
    """Every runtime module, every jacgen module a generated file imports and what those import in
    turn is in the banners' runtime hash: editing one makes generated/ stale."""
    sources = set(runtime_sources())
    package = {f"runtime/{m.name}.py" for m in pkgutil.iter_modules(jacgen.runtime.__path__)}
    assert package | {"runtime/__init__.py"} <= sources
    pending = set().union(*(_jacgen_imports(path) for path in GENERATED_DIR.glob("*.py")))
    assert {"lanes.py", "streaming.py", "runtime/sinc.py", "backends/cuda_runtime.py"} <= pending
    used: set[str] = set()
    while pending:
        name = pending.pop()
        used.add(name)
        if name not in NOT_INLINED:
            pending |= _jacgen_imports(JACGEN_DIR / name) - used
    assert used - NOT_INLINED <= sources, sorted(used - NOT_INLINED - sources)


def test_accumulators_add_a_term_never_a_conditional():
    """``acc = acc + x if ok else 0.0`` parses as ``(acc + x) if ok else 0.0``: it would reset the sum."""
    for path in GENERATED_DIR.glob("*_align_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                if node.targets[0].id.startswith("acc_"):
                    assert not isinstance(node.value, ast.IfExp), f"{path.name}:{node.lineno}"


FUSED_ARGS = ["h", "points", "iref", "tgt", "tiles", "running", "loss_id", "loss_scale", "out"]
DEPTH_FUSED_ARGS = ["h", "points", "iref", "tgt", "depth", "tiles", "running", "loss_id", "loss_scales", "out"]


def test_cuda_align_modules_write_tile_partials_and_define_their_device_functions():
    """CUDA fused kernels store one row of partial sums per tile (no float atomics, so a GPU run's sums
    do not depend on block order) and skip stopped pairs; every CUDA align module defines the batched
    residual sample and the device functions its description lists, each hoist filling its size."""
    for path in sorted(GENERATED_DIR.glob("*_align_cuda.py")):
        text = path.read_text()
        tree = ast.parse(text)
        functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        assigned = {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets}
        d = next(n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "DESCRIPTION")
        description = ast.literal_eval(d.value)
        assert "cuda.atomic" not in text, path.name
        for kind in ("normal_equations", "normal_equations_brightness", *DEPTH_KERNELS):
            kernel = functions[f"_{kind}"]
            expected = DEPTH_FUSED_ARGS if "_depth" in kind else FUSED_ARGS
            assert [a.arg for a in kernel.args.args] == expected, (path.name, kind)
            source = ast.get_source_segment(text, kernel)
            assert "if running[pair] == 0:" in source and "out[tile, " in source, (path.name, kind)
        assert {"residuals", "residual_sample", "residuals_depth", "residual_sample_depth"} <= set(
            description["kernels"]
        ), path.name
        for name in description["kernels"]:
            assert name in functions, (path.name, name)
        args = [a.arg for a in functions["residual_sample"].args.args]
        assert args == ["h", "points", "iref", "tgt", "starts", "steps", "counts", "out", "stream"], path.name
        args = [a.arg for a in functions["residual_sample_depth"].args.args]
        assert args == ["h", "points", "depth", "starts", "steps", "counts", "out", "stream"], path.name
        for name in description["device_functions"]:
            assert name in functions or (name == "params_from_pose_device" and name in assigned), (path.name, name)
        assert ("params_from_pose_device" in functions) == (description["parameterisation"] is not None), path.name
        for kind, size in description["hoisted_sizes"].items():
            source = ast.get_source_segment(text, functions[f"_hoist_{kind}_device"])
            stores = sorted(int(k) for k in re.findall(r"^    out\[(\d+)\] = ", source, re.MULTILINE))
            assert stores == list(range(size)), (path.name, kind)


def test_cuda_warp_kernels_stage_their_stores_in_shared_memory():
    """Per-point CUDA warp kernels write their outputs to shared rows and copy them out block-contiguously."""
    for path in sorted(GENERATED_DIR.glob("*_cuda.py")):
        if "_align_" in path.name:
            continue
        tree = ast.parse(path.read_text())
        kernels = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("_warp")]
        assert kernels, path.name
        for kernel in kernels:
            source = ast.unparse(kernel)
            assert "cuda.shared.array" in source and "cuda.syncthreads()" in source, (path.name, kernel.name)
            assert not re.search(r"\b(uv|jac)\[i,", source), (path.name, kernel.name)


DEPTH_KERNELS = ("normal_equations_depth", "normal_equations_depth_brightness")


def test_align_modules_define_the_depth_kernels_and_their_layouts():
    """Every align module (CPU and CUDA) has the photometric + depth kernels (single pair, batched), the depth
    residual kernel, their hoists' sizes and layouts that put ``cost_depth`` and ``n_depth_used`` after the
    photometric sums; the depth body samples its own stack and masks the depth terms with ``okd`` (CPU: lane
    vectors; CUDA: scalars, the depth weight applied to the selected robust weight)."""
    checks = {
        "cpu": ("lane_corners(depth_flat", "okd = ok & "),
        "cuda": ("dimg[y0, x0, 0]", "okd = math.isfinite(D_t)", "rd64 = float(resd) if okd else 0.0"),
    }
    for path in sorted(GENERATED_DIR.glob("*_align_c*.py")):
        text = path.read_text()
        tree = ast.parse(text)
        functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        d = next(n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "DESCRIPTION")
        description = ast.literal_eval(d.value)
        wanted = {*DEPTH_KERNELS, *(f"{k}_batch" for k in DEPTH_KERNELS), "residuals_depth"}
        assert wanted <= set(description["kernels"]) and wanted <= set(functions), path.name
        for kind in DEPTH_KERNELS:
            layout, base = description["accumulators"][kind], description["accumulators"][kind.replace("_depth", "")]
            assert {k: layout[k] for k in base if k != "size"} == {k: v for k, v in base.items() if k != "size"}
            assert (layout["cost_depth"], layout["n_depth_used"], layout["size"]) == tuple(
                base["size"] + i for i in range(3)
            )
            assert kind in description["hoisted_sizes"], (path.name, kind)
            source = ast.get_source_segment(text, functions[f"_{kind}"])
            for needle in checks[description["target"]]:
                assert needle in source, (path.name, kind, needle)
            assert "acc_cost_depth = acc_cost_depth + rhod" in source, (path.name, kind)
            assert "robust(math.sqrt(e2), loss_id, scale)" in source.replace("robust_lanes(", "robust("), path.name
        assert "residuals_depth" in description["hoisted_sizes"], path.name
