"""Loading weights in the official layout with every key and shape asserted (HART-INFERENCE 1.2, 7)."""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np
import torch
from torch import nn


class CheckpointError(ValueError):
    """A checkpoint that does not fit the model; the message lists missing / unexpected / mis-shaped keys."""


IGNORED_PREFIXES = ("disc.", "vae.decoder2.", "vae.post_quant_conv2.")


def load_strict(module: nn.Module, state: Mapping[str, torch.Tensor], what: str, prefix: str = "",
                assign: bool = False) -> None:
    """Load ``state`` (keys with ``prefix``) into ``module``; every key and shape must match. With
    ``assign`` the module takes the tensors themselves (no copy; a module built on the meta device)."""
    want = module.state_dict()
    got = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix) and not k.startswith(IGNORED_PREFIXES)}
    missing = sorted(set(want) - set(got))
    unexpected = sorted(k for k in set(got) - set(want))
    shapes = sorted(f"{k}: checkpoint {tuple(got[k].shape)} vs model {tuple(want[k].shape)}"
                    for k in set(want) & set(got) if tuple(got[k].shape) != tuple(want[k].shape))
    if missing or unexpected or shapes:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing key(s): {', '.join(prefix + k for k in missing[:20])}{' ...' if len(missing) > 20 else ''}")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected key(s): {', '.join(prefix + k for k in unexpected[:20])}{' ...' if len(unexpected) > 20 else ''}")
        if shapes:
            parts.append(f"{len(shapes)} shape mismatch(es): {'; '.join(shapes[:10])}")
        raise CheckpointError(f"{what}: " + " | ".join(parts))
    module.load_state_dict({k: got[k] for k in want}, strict=True, assign=assign)


def read_npz(path: Path) -> dict[str, torch.Tensor]:
    with np.load(path) as z:
        return {k: torch.from_numpy(z[k].copy()) for k in z.files}


def read_weights(path: Path) -> dict[str, torch.Tensor]:
    """One weight file: .safetensors, .bin/.pt/.pth (torch pickle, weights_only), .npz."""
    path = Path(path)
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file
        return load_file(str(path))
    if path.suffix == ".npz":
        return read_npz(path)
    sd = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(sd, dict) and "state_dict" in sd and isinstance(sd["state_dict"], dict):
        sd = sd["state_dict"]
    return sd


def read_hf_folder(folder: Path, prefer_ema: bool = True) -> tuple[dict[str, torch.Tensor], str]:
    """Weights of an HF model folder: ema_model.bin if present (and preferred), else model.safetensors /
    pytorch_model.bin, possibly sharded with an index file. Returns (state dict, description)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CheckpointError(f"{folder}: not a folder")
    if prefer_ema and (folder / "ema_model.bin").exists():
        return read_weights(folder / "ema_model.bin"), "ema_model.bin"
    for single in ("model.safetensors", "pytorch_model.bin"):
        if (folder / single).exists():
            return read_weights(folder / single), single
    import json
    for index in ("model.safetensors.index.json", "pytorch_model.bin.index.json"):
        if (folder / index).exists():
            files = sorted(set(json.loads((folder / index).read_text())["weight_map"].values()))
            sd: dict[str, torch.Tensor] = {}
            for f in files:
                if not (folder / f).exists():
                    raise CheckpointError(f"{folder}: shard {f} named by {index} is missing")
                sd.update(read_weights(folder / f))
            return sd, f"{index} ({len(files)} shards)"
    raise CheckpointError(f"{folder}: no weights found (expected ema_model.bin, model.safetensors, pytorch_model.bin or a sharded index)")
