"""Frozen configurations. Keys follow the official config.json names (HART-INFERENCE.md 1.4)."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A configuration the code does not support; the message names the field."""


@dataclass(frozen=True)
class TransformerConfig:
    context_token: int = 300          # T
    context_dim: int = 1536           # Dt
    embed_dim: int = 1536             # C
    depth: int = 16                   # NL
    num_heads: int = 24               # H
    mlp_ratio: float = 4.0
    norm_eps: float = 1e-6
    attn_l2_norm: bool = False
    patch_nums: tuple[int, ...] = (1, 2, 3, 4, 5, 7, 9, 12, 16, 21, 27, 36, 48, 64)
    mlp_type: str = "llama"           # "llama" | "gpt2" (GELU MLP)
    attn_type: str = "llama"
    sep_aln_pooling_mode: str = "max"  # "max" | "avg"
    use_context_norm: bool = False
    diff_width: int = 1024            # W
    diff_depth: int = 6               # ND
    num_sampling_steps: str = "8"
    latent_channels: int = 32         # Cv (from the tokenizer)
    vocab_size: int = 4096            # V (from the tokenizer)

    @property
    def head_dim(self) -> int:
        return self.embed_dim // self.num_heads

    @property
    def mlp_hidden(self) -> int:
        if self.mlp_type == "llama":
            return int((self.embed_dim * self.mlp_ratio * 2 / 3 + 255) // 256) * 256
        return round(self.embed_dim * self.mlp_ratio)

    @property
    def seq_len(self) -> int:
        return self.context_token + sum(p * p for p in self.patch_nums[1:])

    def validate(self) -> "TransformerConfig":
        if self.attn_type != "llama":
            raise ConfigError(f"attn_type={self.attn_type!r} is not supported (only 'llama'; the official gpt2 attention cannot run)")
        if self.mlp_type not in ("llama", "gpt2"):
            raise ConfigError(f"mlp_type={self.mlp_type!r} is not supported (llama or gpt2)")
        if self.sep_aln_pooling_mode not in ("max", "avg"):
            raise ConfigError(f"sep_aln_pooling_mode={self.sep_aln_pooling_mode!r} is not supported (max or avg)")
        if self.embed_dim % self.num_heads or self.head_dim % 4:
            raise ConfigError(f"embed_dim={self.embed_dim} / num_heads={self.num_heads} must give a head size divisible by 4")
        if self.num_sampling_steps != "8":
            raise ConfigError(f"num_sampling_steps={self.num_sampling_steps!r} is not supported (only '8')")
        if len(self.patch_nums) < 2 or list(self.patch_nums) != sorted(self.patch_nums):
            raise ConfigError(f"patch_nums={self.patch_nums} must be increasing with at least 2 scales")
        return self


@dataclass(frozen=True)
class TokenizerConfig:
    vocab_size: int = 4096
    z_channels: int = 32
    ch: int = 160
    ch_mult: tuple[int, ...] = (1, 1, 2, 2, 4)
    num_res_blocks: int = 2
    quant_resi: float = 0.5
    share_quant_resi: int = 4
    quantizer_type: str = "var_hybrid"
    double_decoder: bool = False
    v_patch_nums: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 8, 10, 13, 16)
    norm_groups: int = 32             # GroupNorm groups (official: 32); small models need fewer
    stem: int = 1                     # project choice: pixel (un)shuffle factor around the conv stack (official: 1)

    @property
    def downsample(self) -> int:
        return self.stem * 2 ** (len(self.ch_mult) - 1)

    def validate(self) -> "TokenizerConfig":
        if self.quantizer_type not in ("var_hybrid", "var"):
            raise ConfigError(f"quantizer_type={self.quantizer_type!r} is not supported")
        if self.share_quant_resi < 1:
            raise ConfigError(f"share_quant_resi={self.share_quant_resi} is not supported (need >= 1 shared Phi)")
        if self.stem not in (1, 2, 4):
            raise ConfigError(f"stem={self.stem} is not supported (1, 2 or 4)")
        if self.ch % self.norm_groups:
            raise ConfigError(f"ch={self.ch} must be a multiple of norm_groups={self.norm_groups}")
        return self


@dataclass(frozen=True)
class TextConfig:
    """The project's small text encoder (HART itself uses a frozen Qwen2; see text.py)."""
    kind: str = "tiny"                # "tiny" | "qwen2"
    vocab_size: int = 256
    width: int = 64                   # = context_dim for "tiny"
    depth: int = 2
    num_heads: int = 4
    max_tokens: int = 16              # = context_token
    max_positions: int = 64           # learned positions: system prompt + prompt slots


@dataclass(frozen=True)
class ModelConfig:
    name: str
    transformer: TransformerConfig
    tokenizer: TokenizerConfig
    text: TextConfig = field(default_factory=TextConfig)

    @property
    def resolution(self) -> int:
        return self.transformer.patch_nums[-1] * self.tokenizer.downsample

    def validate(self) -> "ModelConfig":
        self.transformer.validate()
        self.tokenizer.validate()
        t, k = self.transformer, self.tokenizer
        if (t.vocab_size, t.latent_channels) != (k.vocab_size, k.z_channels):
            raise ConfigError(f"transformer vocab/latent ({t.vocab_size},{t.latent_channels}) != tokenizer vocab_size/z_channels ({k.vocab_size},{k.z_channels})")
        if self.text.kind == "tiny" and (self.text.width != t.context_dim or self.text.max_tokens != t.context_token):
            raise ConfigError("text.width/max_tokens must equal transformer context_dim/context_token")
        return self

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @staticmethod
    def from_json(d: dict[str, Any]) -> "ModelConfig":
        tr = dict(d["transformer"]); tr["patch_nums"] = tuple(tr["patch_nums"])
        tk = dict(d["tokenizer"]); tk["ch_mult"] = tuple(tk["ch_mult"]); tk["v_patch_nums"] = tuple(tk["v_patch_nums"])
        return ModelConfig(d["name"], TransformerConfig(**tr), TokenizerConfig(**tk), TextConfig(**d.get("text", {}))).validate()


_TRANSFORMER_KEYS = {f.name for f in dataclasses.fields(TransformerConfig)}
_TOKENIZER_KEYS = {f.name for f in dataclasses.fields(TokenizerConfig)}


def transformer_from_official(d: dict[str, Any], tok: TokenizerConfig) -> TransformerConfig:
    """Build from an official llm/config.json dict; fails naming unsupported fields."""
    for flag in ("use_timestep_embed", "disable_aln", "shared_aln", "use_cross_attn"):
        if d.get(flag, False):
            raise ConfigError(f"llm/config.json: {flag}=true is not supported")
    if d.get("num_sampling_steps", "8") != "8":
        raise ConfigError(f"llm/config.json: num_sampling_steps={d['num_sampling_steps']!r} is not supported (only '8')")
    kw = {k: v for k, v in d.items() if k in _TRANSFORMER_KEYS}
    kw.setdefault("mlp_type", "gpt2")   # the official config class default (fixture README 12.3)
    kw.setdefault("attn_type", "gpt2")
    kw["patch_nums"] = tuple(kw.get("patch_nums", TransformerConfig.patch_nums))
    kw["latent_channels"], kw["vocab_size"] = tok.z_channels, tok.vocab_size
    return TransformerConfig(**kw).validate()


def tokenizer_from_official(d: dict[str, Any]) -> TokenizerConfig:
    kw = {k: v for k, v in d.items() if k in _TOKENIZER_KEYS}
    for key in ("ch_mult", "v_patch_nums"):
        if key in kw:
            kw[key] = tuple(kw[key])
    return TokenizerConfig(**kw).validate()


def load_official_pair(llm_config: Path, tokenizer_config: Path, name: str, text: TextConfig) -> ModelConfig:
    tk = tokenizer_from_official(_read_json(tokenizer_config))
    tr = transformer_from_official(_read_json(llm_config), tk)
    return ModelConfig(name, tr, tk, text)


def _read_json(p: Path) -> dict[str, Any]:
    try:
        d = json.loads(Path(p).read_text())
    except FileNotFoundError:
        raise ConfigError(f"{p}: file not found") from None
    except json.JSONDecodeError as e:
        raise ConfigError(f"{p}: not valid JSON ({e})") from None
    return d.get("transformer", d.get("tokenizer", d)) if ("transformer" in d) != ("tokenizer" in d) else d


# Presets ----------------------------------------------------------------------------------------

def with_tokenizer(cfg: ModelConfig, **overrides: Any) -> ModelConfig:
    """``cfg`` with tokenizer fields replaced (tokenizer design ablations). The transformer follows
    the tokenizer: its scales are ``v_patch_nums``, its vocabulary and latent width the tokenizer's."""
    tk = dict(dataclasses.asdict(cfg.tokenizer))
    for key, value in overrides.items():
        if key not in _TOKENIZER_KEYS:
            raise ConfigError(f"unknown tokenizer field {key!r} (one of {sorted(_TOKENIZER_KEYS)})")
        tk[key] = tuple(value) if isinstance(value, list) else value
    tok = TokenizerConfig(**tk)
    tr = dataclasses.replace(cfg.transformer, patch_nums=tok.v_patch_nums, vocab_size=tok.vocab_size,
                             latent_channels=tok.z_channels)
    return ModelConfig(cfg.name, tr, tok, cfg.text).validate()


def preset(name: str) -> ModelConfig:
    """Named presets: 'tiny' (tests, a few MB), 'mid' (benchmarks), 'hart-tiny' (the shipped model), 'release' (0.7B shapes)."""
    if name == "tiny":
        tk = TokenizerConfig(vocab_size=768, z_channels=16, ch=32, ch_mult=(1, 1, 1, 1, 2))
        tr = TransformerConfig(context_token=16, context_dim=64, embed_dim=64, depth=2, num_heads=4,
                               patch_nums=(1, 2, 3, 4, 5, 6, 7, 8), diff_width=64, diff_depth=2,
                               latent_channels=16, vocab_size=768)
        return ModelConfig("tiny", tr, tk, TextConfig(vocab_size=256, width=64, depth=2, num_heads=4, max_tokens=16)).validate()
    if name in ("tiny-256", "tiny-512"):   # the tiny network at larger resolutions (benchmarks: cost vs tokens)
        base = preset("tiny")
        pn = (1, 2, 3, 4, 5, 6, 8, 10, 13, 16) if name == "tiny-256" else (1, 2, 3, 4, 6, 9, 13, 18, 24, 32)
        import dataclasses as dc
        return ModelConfig(name, dc.replace(base.transformer, patch_nums=pn), dc.replace(base.tokenizer, v_patch_nums=pn),
                           base.text).validate()
    if name == "mid":
        tk = TokenizerConfig(vocab_size=2048, z_channels=32, ch=64, ch_mult=(1, 1, 2, 2, 4))
        tr = TransformerConfig(context_token=32, context_dim=256, embed_dim=512, depth=8, num_heads=8,
                               patch_nums=(1, 2, 3, 4, 5, 6, 8, 10, 13, 16), diff_width=256, diff_depth=3,
                               latent_channels=32, vocab_size=2048)
        return ModelConfig("mid", tr, tk, TextConfig(vocab_size=256, width=256, depth=2, num_heads=4, max_tokens=32)).validate()
    if name == "hart-tiny":
        # 8 GroupNorm groups: with 32 groups on 32 channels every norm is an instance norm, which strips
        # each channel's mean (the colours) right before the decoder's output convolution
        # The tokenizer design chosen by the ablations in docs/tokenizer-ablation.md: a 4x space-to-depth
        # stem, two levels at 32 and 16 px, a 16 x 16 latent (scales up to 16). The shipped bundle's
        # checkpoint still holds the earlier design (full-resolution stem, 8 x 8 latent) in its config.
        pn = (1, 2, 3, 4, 5, 6, 8, 10, 13, 16)
        tk = TokenizerConfig(vocab_size=1024, z_channels=16, ch=64, ch_mult=(1, 2), num_res_blocks=1,
                             v_patch_nums=pn, norm_groups=8, stem=4)
        tr = TransformerConfig(context_token=24, context_dim=128, embed_dim=192, depth=4, num_heads=6,
                               patch_nums=pn, diff_width=128, diff_depth=3,
                               latent_channels=16, vocab_size=1024)
        return ModelConfig("hart-tiny", tr, tk, TextConfig(vocab_size=256, width=128, depth=2, num_heads=4, max_tokens=24)).validate()
    if name == "release":
        return ModelConfig("hart-0.7b-1024px", TransformerConfig().validate(), TokenizerConfig().validate(),
                           TextConfig(kind="qwen2", width=1536, max_tokens=300))
    raise ConfigError(f"unknown preset {name!r} (tiny, mid, hart-tiny, release)")
