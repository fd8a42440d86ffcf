import json
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("HART_SHARED", ROOT.parent / "shared"))
FIX = SHARED / "fixtures" / "hart-official"


def load(rel: str) -> np.ndarray:
    return np.load(FIX / rel)


@lru_cache(maxsize=None)
def official_variant(variant: str):
    """(TorchBackend, Schedule, transformer config) for one fixture variant, official weights loaded."""
    from hart_export.backend_torch import TorchBackend
    from hart_export.checkpoint import load_strict, read_npz
    from hart_export.config import tokenizer_from_official, transformer_from_official
    from hart_export.modules.transformer import HARTTransformer
    from hart_export.modules.vae import HybridTokenizer
    from hart_export.schedule import Schedule
    cfg = json.loads((FIX / variant / "config.json").read_text())
    tk = tokenizer_from_official(cfg["tokenizer"])
    tr = transformer_from_official(cfg["transformer"], tk)
    m = HARTTransformer(tr)
    load_strict(m, read_npz(FIX / variant / "weights.npz"), variant)
    v = HybridTokenizer(tk)
    load_strict(v, read_npz(FIX / "tokenizer" / "weights.npz"), "tokenizer", "vae.")
    return TorchBackend(m, v), Schedule.build(tr.patch_nums, tr.head_dim, tk.share_quant_resi), tr


def case_manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text()).get("case", {})


def inputs(B: int):
    return (load(f"inputs/context_B{B}.npy"), load(f"inputs/context_position_ids_B{B}.npy"),
            load(f"inputs/context_mask_B{B}.npy"))


requires_fixtures = pytest.mark.skipif(not FIX.is_dir(), reason=f"official fixtures not found at {FIX}")
