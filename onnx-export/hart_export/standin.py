"""`python -m hart_export standin`: the folders a user downloads for HART (hart-0.7b-1024px with llm/ and
tokenizer/, and Qwen2-1.5B-Instruct), at full size or small, with seeded random weights.

The layout, config keys, weight key names, dtypes and file formats are those `official` reads
(HART-INFERENCE 1.2, 1.4); the values are random, so the images are noise. It exercises every line of
the export path without the real download. Where the real files are not known (whether tokenizer/
holds safetensors or a .bin, the discriminator's keys) the stand-in writes one of the accepted forms.
"""
from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import torch

from .config import ModelConfig, TransformerConfig, preset

# Qwen2-1.5B-Instruct's config.json values (public model card / config), bf16 weights, tied LM head.
QWEN2_1_5B = dict(vocab_size=151936, hidden_size=1536, intermediate_size=8960, num_hidden_layers=28,
                  num_attention_heads=12, num_key_value_heads=2, max_position_embeddings=32768, rope_theta=1e6,
                  rms_norm_eps=1e-6, tie_word_embeddings=True, bos_token_id=151643, eos_token_id=151645,
                  sliding_window=32768, max_window_layers=21, use_sliding_window=False, hidden_act="silu")
QWEN2_REGULAR_TOKENS = 151643        # byte-level BPE tokens; the special tokens follow
QWEN2_SPECIALS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
SPLIT_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                 r"|\s*[\r\n]+|\s+(?!\S)|\s+")

SIZES = ("full", "small")


def hart_config(size: str) -> ModelConfig:
    """The HART transformer and tokenizer of the stand-in: the release preset, or the tiny one."""
    if size == "full":
        return preset("release")
    tiny = preset("tiny")
    return ModelConfig("hart-small-standin", tiny.transformer, tiny.tokenizer, dataclasses.replace(tiny.text, kind="qwen2"))


def qwen2_values(size: str, context_dim: int) -> dict:
    if size == "full":
        return dict(QWEN2_1_5B)
    return dict(QWEN2_1_5B, vocab_size=1024, hidden_size=context_dim, intermediate_size=96, num_hidden_layers=2,
                num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512, sliding_window=512,
                max_window_layers=2, bos_token_id=731, eos_token_id=733)


def llm_config_json(t: TransformerConfig) -> dict:
    d = {k: v for k, v in dataclasses.asdict(t).items() if k not in ("latent_channels", "vocab_size")}
    d["patch_nums"] = list(t.patch_nums)
    return {"architectures": ["HARTForT2I"], "model_type": "hart_transformer_t2i", "vae_path": None, **d}


def tokenizer_config_json(cfg: ModelConfig) -> dict:
    k = cfg.tokenizer
    return {"architectures": ["HARTAutoEncoderWithDisc"], "model_type": "hart_autoencoder_with_disc",
            "vocab_size": k.vocab_size, "z_channels": k.z_channels, "ch": k.ch, "ch_mult": list(k.ch_mult),
            "num_res_blocks": k.num_res_blocks, "quant_resi": k.quant_resi, "share_quant_resi": k.share_quant_resi,
            "quantizer_type": k.quantizer_type, "double_decoder": k.double_decoder, "v_patch_nums": list(k.v_patch_nums)}


def write_hart(root: Path, cfg: ModelConfig, seed: int) -> None:
    """llm/ (config.json, model.safetensors, ema_model.bin) and tokenizer/ (config.json, pytorch_model.bin)."""
    from safetensors.torch import save_file
    from .models import build, randomize
    llm, tok = root / "llm", root / "tokenizer"
    llm.mkdir(parents=True, exist_ok=True)
    tok.mkdir(parents=True, exist_ok=True)
    m = randomize(build(cfg, seed), seed + 1)
    (llm / "config.json").write_text(json.dumps(llm_config_json(cfg.transformer), indent=2))
    with torch.no_grad():
        sd = {k: v.contiguous() for k, v in m.transformer.state_dict().items()}
        save_file(sd, str(llm / "model.safetensors"), metadata={"format": "pt"})
        g = torch.Generator().manual_seed(seed + 2)
        for k, v in sd.items():           # the EMA weights differ a little, as after training
            if v.is_floating_point() and not k.endswith("attn_bias_for_masking"):
                v.add_(torch.randn(v.shape, generator=g) * 1e-3)
        torch.save(sd, llm / "ema_model.bin")
        del sd
        (tok / "config.json").write_text(json.dumps(tokenizer_config_json(cfg), indent=2))
        vsd = {"vae." + k: v for k, v in m.tokenizer.state_dict().items()}
        # the training-only discriminator ("disc."): the exporter ignores these keys
        vsd["disc.net.0.weight"] = torch.randn(64, 3, 4, 4, generator=g)
        vsd["disc.net.0.bias"] = torch.zeros(64)
        torch.save(vsd, tok / "pytorch_model.bin")


def write_qwen2(folder: Path, values: dict, regular_tokens: int, seed: int) -> None:
    """config.json + model.safetensors (bf16, built from the config by transformers) + a byte-level BPE
    tokenizer with ``regular_tokens`` tokens and Qwen2's three special tokens after them."""
    from transformers import Qwen2Config, Qwen2ForCausalLM
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    conf = Qwen2Config(**values, dtype="bfloat16")
    model = Qwen2ForCausalLM._from_config(conf, dtype=torch.bfloat16)
    model.save_pretrained(str(folder), safe_serialization=True, max_shard_size="8GB")
    del model
    write_bpe_tokenizer(folder, regular_tokens)


def _corpus() -> list[str]:
    from .prompt import WORDS
    words = sorted(set(WORDS))
    lines = [" ".join(words[i:i + 7]) for i in range(0, len(words), 3)]
    lines += [f"{w.capitalize()}, {v}! {n} {w}s and {v}." for n, (w, v) in enumerate(zip(words, reversed(words)))]
    return lines * 4


def write_bpe_tokenizer(folder: Path, regular_tokens: int) -> None:
    """tokenizer.json, vocab.json, merges.txt, tokenizer_config.json in Qwen2's format: NFC, a split
    pattern and byte-level BPE; trained on a small corpus, then filled to ``regular_tokens`` with
    merges of existing tokens (their values are meaningless, their count and ids are Qwen2's)."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(SPLIT_PATTERN), behavior="isolated"),
                                                 pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=min(regular_tokens, 4000), show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(_corpus(), trainer)
    d = json.loads(tok.to_str())
    vocab: dict[str, int] = d["model"]["vocab"]
    merges = [m if isinstance(m, list) else m.split(" ") for m in d["model"]["merges"]]
    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    by_id = sorted(vocab, key=vocab.get)
    i = 0
    while len(vocab) < regular_tokens:
        a = by_id[i // len(alphabet)]
        b = alphabet[i % len(alphabet)]
        i += 1
        if a + b not in vocab and len(a) < 24:
            vocab[a + b] = len(vocab)
            merges.append([a, b])
            by_id.append(a + b)
    if len(vocab) > regular_tokens:
        raise ValueError(f"the trained BPE has {len(vocab)} tokens, more than the {regular_tokens} wanted")
    d["model"]["vocab"], d["model"]["merges"] = vocab, merges
    d["added_tokens"] = [{"id": regular_tokens + j, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for j, s in enumerate(QWEN2_SPECIALS)]
    full = Tokenizer.from_str(json.dumps(d))
    full.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in QWEN2_SPECIALS])
    full.save(str(folder / "tokenizer.json"))
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n", encoding="utf-8")
    specials = {str(regular_tokens + j): {"content": s, "lstrip": False, "normalized": False, "rstrip": False,
                                          "single_word": False, "special": True} for j, s in enumerate(QWEN2_SPECIALS)}
    (folder / "tokenizer_config.json").write_text(json.dumps({
        "add_prefix_space": False, "added_tokens_decoder": specials, "additional_special_tokens": list(QWEN2_SPECIALS[1:]),
        "bos_token": None, "clean_up_tokenization_spaces": False, "eos_token": "<|im_end|>", "errors": "replace",
        "model_max_length": 32768, "pad_token": "<|endoftext|>", "split_special_tokens": False,
        "tokenizer_class": "Qwen2Tokenizer", "unk_token": None}, indent=2))


def write_standin(out: Path, size: str = "full", seed: int = 0) -> tuple[Path, Path]:
    """Writes ``out/hart-0.7b-1024px`` and ``out/Qwen2-1.5B-Instruct``; returns both folders."""
    if size not in SIZES:
        raise ValueError(f"--size must be one of {', '.join(SIZES)}, got {size!r}")
    out = Path(out)
    hart, qwen = out / "hart-0.7b-1024px", out / "Qwen2-1.5B-Instruct"
    for f in (hart, qwen):
        if f.exists() and any(f.iterdir()):
            raise ValueError(f"{f}: exists and is not empty; choose another --out")
    cfg = hart_config(size)
    write_hart(hart, cfg, seed)
    values = qwen2_values(size, cfg.transformer.context_dim)
    write_qwen2(qwen, values, QWEN2_REGULAR_TOKENS if size == "full" else values["bos_token_id"], seed + 10)
    return hart, qwen


def cmd_standin(a) -> int:
    t0 = time.time()
    hart, qwen = write_standin(a.out, a.size, a.seed)
    size = sum(p.stat().st_size for p in Path(a.out).rglob("*") if p.is_file())
    print(f"wrote {hart} and {qwen} ({size / 1e9:.2f} GB, random weights, seed {a.seed}) in {time.time() - t0:.0f}s")
    return 0
