"""Writing graph files: ONNX external data for graphs over the protobuf limit, and fp16 copies for
the CUDA provider (docs/BUNDLE.md, "External data" and "Precision").

A graph whose weights exceed ``EXTERNAL_OVER`` bytes is written as ``<role>.onnx`` (the graph, a few
MB) plus ``<role>.onnx.data`` (every tensor over 1 KiB, each at a 64 KiB-aligned offset so ONNX
Runtime can map it instead of copying it). The location is a plain file name next to the graph; the
bundle lists and hashes the data file like every other file.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator

import onnx
from onnx import TensorProto

EXTERNAL_OVER = 1 << 30          # bytes of weights above which a graph keeps them in a .data file (limit: 2 GiB)
INLINE_BELOW = 1024              # tensors smaller than this stay inside the graph file
ALIGN = 1 << 16                  # offset alignment in the data file (page size and Windows' map granularity)
_CHUNK = 1 << 24


def tensors(graph: onnx.GraphProto) -> Iterator[TensorProto]:
    """Every TensorProto of ``graph`` that can hold weights: initializers, Constant-node values and
    those of subgraphs (If/Loop bodies), recursively."""
    yield from graph.initializer
    for sp in graph.sparse_initializer:
        yield sp.values
        yield sp.indices
    for node in graph.node:
        for attr in node.attribute:
            if attr.HasField("t"):
                yield attr.t
            yield from attr.tensors
            if attr.HasField("g"):
                yield from tensors(attr.g)
            for g in attr.graphs:
                yield from tensors(g)


def external_entries(t: TensorProto) -> dict[str, str]:
    return {e.key: e.value for e in t.external_data}


def external_locations(path: Path) -> set[str]:
    """The external-data file names the graph at ``path`` refers to (empty for a self-contained graph)."""
    m = onnx.load(str(path), load_external_data=False)
    return {external_entries(t)["location"] for t in tensors(m.graph) if t.data_location == TensorProto.EXTERNAL}


def check_location(folder: Path, location: str, what: str = "graph") -> Path:
    """The data file ``location`` names, when it is a plain file name in ``folder``; else ValueError."""
    if not location or location != os.path.basename(location) or location in (".", "..") or "\\" in location:
        raise ValueError(f"{what}: external data location {location!r} leaves the bundle folder "
                         f"(only a plain file name beside the graph is allowed)")
    p = Path(folder) / location
    if not p.is_file():
        raise ValueError(f"{what}: external data file {location!r} is missing")
    return p


def _tensor_bytes(t: TensorProto, base: Path) -> Iterator[bytes]:
    """The raw little-endian bytes of ``t``, in chunks, from the proto or its external file."""
    if t.data_location == TensorProto.EXTERNAL:
        e = external_entries(t)
        src = check_location(base, e["location"], t.name)
        offset, length = int(e.get("offset", 0)), e.get("length")
        with open(src, "rb") as f:
            f.seek(offset)
            left = int(length) if length is not None else os.path.getsize(src) - offset
            while left > 0:
                b = f.read(min(_CHUNK, left))
                if not b:
                    raise ValueError(f"external data file {e['location']!r} ends before tensor {t.name!r}")
                left -= len(b)
                yield b
    elif t.HasField("raw_data"):
        yield t.raw_data


def _size(t: TensorProto, base: Path) -> int:
    if t.data_location == TensorProto.EXTERNAL:
        e = external_entries(t)
        return int(e["length"]) if "length" in e else os.path.getsize(base / e["location"]) - int(e.get("offset", 0))
    return len(t.raw_data) if t.HasField("raw_data") else 0


def weight_bytes(model: onnx.ModelProto, base: Path) -> int:
    return sum(_size(t, base) for t in tensors(model.graph))


def write_model(model: onnx.ModelProto, dst: Path, base: Path | None = None, external_over: int = EXTERNAL_OVER) -> list[str]:
    """Save ``model`` as ``dst``; tensors whose data lies in files under ``base`` (the folder the model was
    loaded from) are streamed. Over ``external_over`` bytes of weights, tensors go to ``dst.name + '.data'``.
    Returns the data file names written (none or one)."""
    dst = Path(dst)
    base = Path(base) if base is not None else dst.parent
    ts = list(tensors(model.graph))
    total = sum(_size(t, base) for t in ts)
    if total <= external_over:
        for t in ts:
            if t.data_location == TensorProto.EXTERNAL:
                t.raw_data = b"".join(_tensor_bytes(t, base))
                del t.external_data[:]
                t.data_location = TensorProto.DEFAULT
        onnx.save(model, str(dst))
        return []
    data_name = dst.name + ".data"
    tmp = dst.with_name(data_name + ".part")
    with open(tmp, "wb") as f:
        for t in ts:
            n = _size(t, base)
            if n < INLINE_BELOW and t.data_location != TensorProto.EXTERNAL:
                continue
            if n == 0:
                continue
            pad = (-f.tell()) % ALIGN
            f.write(b"\0" * pad)
            offset = f.tell()
            for chunk in _tensor_bytes(t, base):
                f.write(chunk)
            t.ClearField("raw_data")
            del t.external_data[:]
            t.data_location = TensorProto.EXTERNAL
            for k, v in (("location", data_name), ("offset", str(offset)), ("length", str(n))):
                e = t.external_data.add()
                e.key, e.value = k, v
    os.replace(tmp, dst.parent / data_name)
    onnx.save(model, str(dst))
    return [data_name]


def finish_export(src: Path, dst: Path, external_over: int = EXTERNAL_OVER) -> list[str]:
    """Move a freshly exported graph (``src``, possibly with the per-tensor files the exporter writes
    beside it for large models) to ``dst``, gathering its weights into one aligned data file when large."""
    m = onnx.load(str(src), load_external_data=False)
    return write_model(m, dst, base=Path(src).parent, external_over=external_over)


# fp16 -----------------------------------------------------------------------------------------------

# Autocast's rule (HART-INFERENCE 1.3, 10.1): matrix products and convolutions in fp16 with fp16
# weights; norms, softmax, embeddings' angles and every elementwise op stay fp32. Inputs of each
# half op are cast to fp16 and its output back to fp32, so the graph's I/O and the rest stay float32.
HALF_OPS = {"MatMul": (0, 1), "Gemm": (0, 1, 2), "Conv": (0, 1, 2), "Gather": (0,)}
FP32_GRAPHS = ("embed", "fhat_step")          # tiny, and f_hat accumulates across scales: stay fp32


def to_fp16(src: Path, dst: Path, external_over: int = EXTERNAL_OVER) -> list[str]:
    """An fp16 copy of the graph ``src`` written to ``dst``: weights of matrix products, convolutions
    and embedding tables (``HALF_OPS``) stored and used in fp16, everything else float32. Returns the data
    files written."""
    from onnx.external_data_helper import load_external_data_for_model
    src, dst = Path(src), Path(dst)
    m = onnx.load(str(src), load_external_data=False)
    load_external_data_for_model(m, str(src.parent))
    half_graph(m.graph)
    return write_model(m, dst, base=dst.parent, external_over=external_over)


def half_graph(g: onnx.GraphProto) -> None:
    from onnx import numpy_helper
    inits = {t.name: t for t in g.initializer}
    consumers: dict[str, set[str]] = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, set()).add(n.op_type if n.op_type not in HALF_OPS else "half")
    half_inputs = {n.input[i] for n in g.node if n.op_type in HALF_OPS for i in HALF_OPS[n.op_type]
                   if i < len(n.input) and n.input[i]}
    converted = set()
    for name in half_inputs:
        t = inits.get(name)
        if t is not None and t.data_type == TensorProto.FLOAT and consumers.get(name) == {"half"}:
            t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t).astype("float16"), name))
            converted.add(name)
    nodes, k = [], 0
    for n in g.node:
        if n.op_type not in HALF_OPS or (n.op_type == "Gather" and n.input[0] not in converted):
            nodes.append(n)
            continue
        for i in HALF_OPS[n.op_type]:
            if i < len(n.input) and n.input[i] and n.input[i] not in converted:
                if n.op_type == "Gather":
                    continue
                c = f"{n.input[i]}__fp16_{k}"
                k += 1
                nodes.append(onnx.helper.make_node("Cast", [n.input[i]], [c], to=TensorProto.FLOAT16, name=c))
                n.input[i] = c
        out = n.output[0]
        n.output[0] = out + "__fp16"
        nodes.append(n)
        nodes.append(onnx.helper.make_node("Cast", [n.output[0]], [out], to=TensorProto.FLOAT, name=out + "__fp32"))
    del g.node[:]
    g.node.extend(nodes)
