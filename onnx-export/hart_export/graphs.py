"""One thin wrapper per exported graph, with its declared spec: I/O names, dtypes, symbolic shapes
(docs/BUNDLE.md). The spec is written into manifest.json; the Java engine checks it at load."""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .config import ModelConfig
from .modules.text import TextEncoder
from .modules.transformer import HARTTransformer
from .modules.vae import HybridTokenizer


@dataclass(frozen=True)
class IO:
    name: str
    dtype: str
    shape: tuple

    def to_json(self):
        return {"name": self.name, "dtype": self.dtype, "shape": list(self.shape)}


class ConditionGraph(nn.Module):
    def __init__(self, tr: HARTTransformer):
        super().__init__(); self.tr = tr

    def forward(self, ctx2, mask2):
        x0, ada, head_ada = self.tr.condition(ctx2, mask2)
        if self.tr.cfg.sep_aln_pooling_mode == "max":
            # max pooling ignores the mask; keep mask2 a graph input so every bundle has the same I/O
            head_ada = head_ada + 0.0 * mask2[:, :1]
        return x0, ada, head_ada


class EmbedGraph(nn.Module):
    def __init__(self, tr: HARTTransformer):
        super().__init__(); self.tr = tr

    def forward(self, latent, level):
        return self.tr.word_embed(latent) + torch.index_select(self.tr.lvl_embed.weight, 0, level)


class StepGraph(nn.Module):
    """One KV input and output per block (past_k_0, past_v_0, past_k_1, ...): a stacked cache cost a
    Split of the whole past and a Concat of the whole present per scale on top of the per-block
    concatenation attention needs (BENCHMARKS.md)."""

    def __init__(self, tr: HARTTransformer):
        super().__init__(); self.tr = tr

    def forward(self, x, cos, sin, ada, head_ada, *kv):
        hidden, logits, present = self.tr.step(x, cos, sin, ada, head_ada, list(zip(kv[0::2], kv[1::2])))
        return (hidden, logits) + tuple(t for pair in present for t in pair)


def kv_names(depth: int, prefix: str) -> list[str]:
    """prefix_k_0, prefix_v_0, prefix_k_1, ...: the step graph's cache inputs ("past") or outputs ("present")."""
    return [f"{prefix}_{kv}_{i}" for i in range(depth) for kv in ("k", "v")]


class FhatStepGraph(nn.Module):
    """f_hat + Phi_j(U h U^T); j selects one of the shared Phi convolutions."""

    def __init__(self, vae: HybridTokenizer):
        super().__init__()
        phis = vae.quantize.quant_resi.qresi_ls
        self.register_buffer("w", torch.stack([p.weight.detach() for p in phis]))
        self.register_buffer("b", torch.stack([p.bias.detach() for p in phis]))
        self.resi = phis[0].resi

    def forward(self, f_hat, h, up, phi_index):
        u = up @ h @ up.transpose(0, 1)                                   # [N, Cv, P, P]
        w = torch.index_select(self.w, 0, phi_index)[0]
        b = torch.index_select(self.b, 0, phi_index)[0]
        added = u * (1 - self.resi) + F.conv2d(u, w, b, padding=1) * self.resi
        return f_hat + added, added


class DiffCondGraph(nn.Module):
    def __init__(self, tr: HARTTransformer):
        super().__init__(); self.tr = tr

    def forward(self, x_last, e_hard):
        return self.tr.diff_cond(x_last, e_hard)


class DiffMlpGraph(nn.Module):
    def __init__(self, tr: HARTTransformer):
        super().__init__(); self.net = tr.diffloss.net

    def forward(self, x, t, cemb):
        return self.net.forward_cemb(x, t, cemb)


class DecoderGraph(nn.Module):
    def __init__(self, vae: HybridTokenizer):
        super().__init__(); self.vae = vae

    def forward(self, f_hat):
        return self.vae.decode(f_hat)


class EncoderGraph(nn.Module):
    def __init__(self, vae: HybridTokenizer):
        super().__init__(); self.vae = vae

    def forward(self, image):
        return self.vae.encode(image)


class TextGraph(nn.Module):
    def __init__(self, text: TextEncoder):
        super().__init__(); self.text = text

    def forward(self, input_ids, attention_mask):
        return self.text(input_ids, attention_mask)


def graph_specs(cfg: ModelConfig) -> dict[str, tuple[list[IO], list[IO]]]:
    t, k = cfg.transformer, cfg.tokenizer
    T, Dt, C, NL, H, d, V, Cv, W = (t.context_token, t.context_dim, t.embed_dim, t.depth, t.num_heads,
                                    t.head_dim, t.vocab_size, t.latent_channels, t.diff_width)
    P = t.patch_nums[-1]
    f, i64 = "float32", "int64"
    return {
        "text_encoder": ([IO("input_ids", i64, ("N", "S")), IO("attention_mask", i64, ("N", "S"))],
                         [IO("ctx", f, ("N", T, Dt))]),
        "condition": ([IO("ctx2", f, ("N2", T, Dt)), IO("mask2", f, ("N2", T))],
                      [IO("x0", f, ("N2", T, C)), IO("ada", f, (NL, "N2", 6 * C)), IO("head_ada", f, ("N2", 2 * C))]),
        "embed": ([IO("latent", f, ("N", "l", Cv)), IO("level", i64, (1,))], [IO("x", f, ("N", "l", C))]),
        "step": ([IO("x", f, ("N2", "l", C)), IO("cos", f, ("N2", "l", d)), IO("sin", f, ("N2", "l", d)),
                  IO("ada", f, (NL, "N2", 6 * C)), IO("head_ada", f, ("N2", 2 * C))]
                 + [IO(n, f, ("N2", H, "Lp", d)) for n in kv_names(NL, "past")],
                 [IO("hidden", f, ("N2", "l", C)), IO("logits", f, ("N2", "l", V))]
                 + [IO(n, f, ("N2", H, "Lt", d)) for n in kv_names(NL, "present")]),
        "fhat_step": ([IO("f_hat", f, ("N", Cv, P, P)), IO("h", f, ("N", Cv, "p", "p")), IO("up", f, (P, "p")),
                       IO("phi_index", i64, (1,))],
                      [IO("f_hat_out", f, ("N", Cv, P, P)), IO("added", f, ("N", Cv, P, P))]),
        "diff_cond": ([IO("x_last", f, ("N2", "L", C)), IO("e_hard", f, ("N", "L", Cv))], [IO("cemb", f, ("N2", "L", W))]),
        "diff_mlp": ([IO("x", f, ("M", Cv)), IO("t", f, ("M",)), IO("cemb", f, ("M", W))], [IO("out", f, ("M", 2 * Cv))]),
        "vae_decoder": ([IO("f_hat", f, ("N", Cv, "h", "w"))], [IO("image", f, ("N", 3, "H", "W"))]),
        "vae_encoder": ([IO("image", f, ("N", 3, "H", "W"))], [IO("f", f, ("N", Cv, "h", "w"))]),
    }


def example_inputs(cfg: ModelConfig) -> dict[str, tuple]:
    """Export-time example inputs; sizes chosen to differ from validation shapes and from 0/1."""
    t, k = cfg.transformer, cfg.tokenizer
    T, Dt, C, NL, H, d, Cv, W = (t.context_token, t.context_dim, t.embed_dim, t.depth, t.num_heads, t.head_dim,
                                 t.latent_channels, t.diff_width)
    P, r = t.patch_nums[-1], torch.randn
    S = T
    return {
        "text_encoder": (torch.randint(0, cfg.text.vocab_size, (2, S)), torch.ones(2, S, dtype=torch.int64)),
        "condition": (r(4, T, Dt), torch.ones(4, T)),
        "embed": (r(2, 3, Cv), torch.tensor([1])),
        "step": (r(4, 3, C), r(4, 3, d), r(4, 3, d), r(NL, 4, 6 * C), r(4, 2 * C)) + tuple(r(4, H, 5, d) for _ in range(2 * NL)),
        "fhat_step": (r(2, Cv, P, P), r(2, Cv, 2, 2), r(P, 2), torch.tensor([1])),
        "diff_cond": (r(4, 3, C), r(2, 3, Cv)),
        "diff_mlp": (r(6, Cv), torch.rand(6) * 999, r(6, W)),
        "vae_decoder": (r(2, Cv, 2, 2),),
        "vae_encoder": (r(2, 3, 32, 32),),
    }


def graph_modules(tr: HARTTransformer, vae: HybridTokenizer, text: TextEncoder | None) -> dict[str, nn.Module]:
    mods = {"condition": ConditionGraph(tr), "embed": EmbedGraph(tr), "step": StepGraph(tr),
            "fhat_step": FhatStepGraph(vae), "diff_cond": DiffCondGraph(tr), "diff_mlp": DiffMlpGraph(tr),
            "vae_decoder": DecoderGraph(vae), "vae_encoder": EncoderGraph(vae)}
    if text is not None:
        mods["text_encoder"] = TextGraph(text)
    return mods


def export_graph(role: str, module: nn.Module, cfg: ModelConfig, path, opset: int = 17) -> None:
    import warnings
    ins, outs = graph_specs(cfg)[role]
    dyn = {io.name: {i: s for i, s in enumerate(io.shape) if isinstance(s, str)} for io in ins + outs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module.eval(), example_inputs(cfg)[role], str(path), input_names=[i.name for i in ins],
                          output_names=[o.name for o in outs], dynamic_axes=dyn, opset_version=opset,
                          do_constant_folding=True, dynamo=False)
