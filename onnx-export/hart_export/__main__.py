"""python -m hart_export <subcommand>: official, standin, random, sample, validate, eval, train."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .bundle import BundleError
from .checkpoint import CheckpointError
from .config import ConfigError


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m hart_export", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)

    r = sub.add_parser("random", help="a bundle with seeded random weights from a preset")
    r.add_argument("--preset", default="tiny"); r.add_argument("--seed", type=int, default=0)
    r.add_argument("--out", required=True, type=Path); r.add_argument("--overwrite", action="store_true")
    r.add_argument("--save-checkpoint", type=Path, help="also write the PyTorch weights (.pt)")

    o = sub.add_parser("official", help="bundle from the official hart-0.7b-1024px folders")
    o.add_argument("--llm", required=True, type=Path, help="hart-0.7b-1024px/llm")
    o.add_argument("--tokenizer", type=Path, help="hart-0.7b-1024px/tokenizer (default: ../tokenizer of --llm)")
    o.add_argument("--text-model", required=True, type=Path, help="Qwen2 text model folder")
    o.add_argument("--system-prompt", type=Path, help="file with the system prompt, or the official checkout root")
    o.add_argument("--out", required=True, type=Path); o.add_argument("--overwrite", action="store_true")
    o.add_argument("--no-ema", action="store_true")
    o.add_argument("--fp16-out", type=Path, help="also write an fp16 copy of the bundle here (for the CUDA provider)")

    si = sub.add_parser("standin", help="the official download's folders with seeded random weights (no download)")
    si.add_argument("--out", required=True, type=Path, help="folder to write hart-0.7b-1024px/ and Qwen2-1.5B-Instruct/ into")
    si.add_argument("--size", default="full", help="full (the real shapes, about 12 GB) or small (tests)")
    si.add_argument("--seed", type=int, default=0)

    rs = sub.add_parser("resolution", help="a bundle's graphs at other scales (e.g. a 512 px run of a 1024 px model)")
    rs.add_argument("--bundle", required=True, type=Path); rs.add_argument("--out", required=True, type=Path)
    rs.add_argument("--patch-nums", required=True, help="comma list, e.g. 1,2,3,4,5,7,9,12,16,21,27,32")
    rs.add_argument("--overwrite", action="store_true")

    s = sub.add_parser("sample", help="the reference sampler on a bundle or checkpoint")
    src = s.add_mutually_exclusive_group(required=True)
    src.add_argument("--bundle", type=Path); src.add_argument("--checkpoint", type=Path)
    s.add_argument("--tokenizer-json", type=Path, help="with --checkpoint: the tokenizer.json (default: from --like bundle)")
    s.add_argument("--like", type=Path, help="with --checkpoint: a bundle giving tokenizer/system prompt")
    s.add_argument("--prompt", action="append", required=True); s.add_argument("--seed", type=int, action="append")
    s.add_argument("--cfg", type=float); s.add_argument("--top-k", type=str, help="one value or a comma list per scale")
    s.add_argument("--top-p", type=float); s.add_argument("--no-smooth", action="store_true")
    s.add_argument("--discrete-only", action="store_true"); s.add_argument("--greedy", action="store_true")
    s.add_argument("--branch-trace", type=Path, help="trace whose tokens to keep"); s.add_argument("--branch-from", type=int)
    s.add_argument("--out", type=Path, help="PNG path (image b>0 gets a _b suffix)"); s.add_argument("--trace", type=Path)

    v = sub.add_parser("validate", help="ONNX Runtime vs PyTorch on shapes other than the export shapes")
    v.add_argument("--bundle", required=True, type=Path)
    vs = v.add_mutually_exclusive_group(required=True)
    vs.add_argument("--checkpoint", type=Path, help="the project's checkpoint (.pt) the bundle came from")
    vs.add_argument("--llm", type=Path, help="or the official hart-0.7b-1024px/llm folder (with --text-model)")
    v.add_argument("--tokenizer", type=Path); v.add_argument("--text-model", type=Path)
    v.add_argument("--no-ema", action="store_true")

    e = sub.add_parser("eval", help="Shapes World scoring of a folder of PNGs")
    e.add_argument("rest", nargs=argparse.REMAINDER)

    a = ap.parse_args(argv)
    try:
        if a.cmd == "random":
            from .commands import cmd_random
            return cmd_random(a)
        if a.cmd == "official":
            from .official import cmd_official
            return cmd_official(a)
        if a.cmd == "standin":
            from .standin import cmd_standin
            return cmd_standin(a)
        if a.cmd == "resolution":
            from .bundle import write_resolution_bundle
            write_resolution_bundle(a.bundle, tuple(int(x) for x in a.patch_nums.split(",")), a.out, a.overwrite)
            print(f"wrote {a.out}")
            return 0
        if a.cmd == "sample":
            from .commands import cmd_sample
            return cmd_sample(a)
        if a.cmd == "validate":
            from .commands import cmd_validate
            return cmd_validate(a)
        if a.cmd == "eval":
            from .shapes.cli import main_eval
            return main_eval(a.rest)
    except (BundleError, CheckpointError, ConfigError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 1


if __name__ == "__main__":
    sys.exit(main())
