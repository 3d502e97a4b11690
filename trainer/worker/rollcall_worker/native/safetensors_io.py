"""Reading and writing `.safetensors` files without the safetensors package.

The format (https://github.com/huggingface/safetensors, README "Format"): an 8-byte little-endian
header length N, N bytes of JSON `{name: {"dtype", "shape", "data_offsets": [begin, end]},
"__metadata__": {...}}`, then the raw little-endian tensor bytes, offsets counted from the end of
the header. The writer pads the header with spaces to a multiple of 8 bytes, as the package does,
so every tensor starts aligned.

Sharded checkpoints (`model.safetensors.index.json`, `{"metadata": {"total_size"}, "weight_map":
{name: file}}`) are read and written in transformers' layout (`model-00001-of-00002.safetensors`).
Files are memory-mapped copy-on-write: tensors read from them are views that cost no copy until
the caller converts them (which loading always does, into the model's own parameters).
"""

from __future__ import annotations

import json
import mmap
import struct
from pathlib import Path
from typing import Iterator

import torch

from ..errors import ModelLoadError

DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool,
}
NAMES = {dtype: name for name, dtype in DTYPES.items()}
SINGLE_FILE = "model.safetensors"
INDEX_FILE = "model.safetensors.index.json"
SHARD_BYTES = 5 * 2**30
"""transformers' default `max_shard_size` ("5GB") before v5: the shard size every engine reads."""


def read_file(path: Path) -> dict[str, torch.Tensor]:
    """All tensors of one file, as CPU tensors backed by a private memory map."""
    with open(path, "rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_COPY)
    if len(mapped) < 8:
        raise ModelLoadError(f"{path}: too short for a safetensors header")
    (header_len,) = struct.unpack("<Q", mapped[:8])
    if 8 + header_len > len(mapped):
        raise ModelLoadError(f"{path}: header length {header_len} runs past the end of the file")
    header = json.loads(bytes(mapped[8 : 8 + header_len]).decode("utf-8"))
    start = 8 + header_len
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype = DTYPES.get(entry["dtype"])
        if dtype is None:
            raise ModelLoadError(f"{path}: tensor {name} has unsupported dtype {entry['dtype']}")
        begin, end = entry["data_offsets"]
        shape = list(entry["shape"])
        count = end - begin
        if start + end > len(mapped) or count != _numel(shape) * _itemsize(dtype):
            raise ModelLoadError(f"{path}: tensor {name} has offsets {begin}..{end} that do not fit its shape {shape}")
        if count == 0:
            tensors[name] = torch.empty(shape, dtype=dtype)
            continue
        flat = torch.frombuffer(mapped, dtype=dtype, count=count // _itemsize(dtype), offset=start + begin)
        tensors[name] = flat.reshape(shape)
    return tensors


def read_folder(folder: Path) -> dict[str, torch.Tensor]:
    """Every tensor of a model folder: `model.safetensors`, or the shards its index names."""
    index = folder / INDEX_FILE
    if index.is_file():
        weight_map = json.loads(index.read_text(encoding="utf-8"))["weight_map"]
        tensors: dict[str, torch.Tensor] = {}
        for shard in sorted(set(weight_map.values())):
            tensors.update(read_file(folder / shard))
        missing = set(weight_map) - set(tensors)
        if missing:
            raise ModelLoadError(f"{folder}: {INDEX_FILE} names tensors no shard holds: {sorted(missing)[:5]}")
        return tensors
    single = folder / SINGLE_FILE
    if not single.is_file():
        raise ModelLoadError(f"{folder}: no {SINGLE_FILE} or {INDEX_FILE} (only safetensors weights are read natively)")
    return read_file(single)


def write_file(tensors: dict[str, torch.Tensor], path: Path, metadata: dict[str, str] | None = None) -> None:
    header: dict[str, object] = {"__metadata__": dict(metadata or {"format": "pt"})}
    offset = 0
    for name, tensor in tensors.items():
        if tensor.dtype not in NAMES:
            raise ModelLoadError(f"tensor {name}: dtype {tensor.dtype} cannot be written")
        size = tensor.numel() * tensor.element_size()
        header[name] = {"dtype": NAMES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + size]}
        offset += size
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(encoded)))
        out.write(encoded)
        for tensor in tensors.values():
            out.write(_bytes(tensor))


def write_folder(tensors: dict[str, torch.Tensor], folder: Path, shard_bytes: int = SHARD_BYTES) -> list[str]:
    """Writes `model.safetensors`, or shards plus an index when the tensors exceed `shard_bytes`;
    returns the file names written."""
    shards = list(_shards(tensors, shard_bytes))
    if len(shards) == 1:
        write_file(shards[0], folder / SINGLE_FILE)
        return [SINGLE_FILE]
    names, weight_map = [], {}
    for i, shard in enumerate(shards):
        name = f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors"
        write_file(shard, folder / name)
        names.append(name)
        weight_map.update({key: name for key in shard})
    total = sum(t.numel() * t.element_size() for t in tensors.values())
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    (folder / INDEX_FILE).write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    return [*names, INDEX_FILE]


def _shards(tensors: dict[str, torch.Tensor], shard_bytes: int) -> Iterator[dict[str, torch.Tensor]]:
    current: dict[str, torch.Tensor] = {}
    size = 0
    for name, tensor in tensors.items():
        nbytes = tensor.numel() * tensor.element_size()
        if current and size + nbytes > shard_bytes:
            yield current
            current, size = {}, 0
        current[name] = tensor
        size += nbytes
    yield current


def _bytes(tensor: torch.Tensor) -> bytes:
    flat = tensor.detach().to("cpu").contiguous().reshape(-1)
    if flat.numel() == 0:
        return b""
    return flat.view(torch.uint8).numpy().tobytes()


def _numel(shape: list[int]) -> int:
    count = 1
    for dim in shape:
        count *= int(dim)
    return count


def _itemsize(dtype: torch.dtype) -> int:
    return torch.empty((), dtype=dtype).element_size()
