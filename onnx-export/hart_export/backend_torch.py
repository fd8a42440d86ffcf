"""Backend that runs the PyTorch modules (the reference the exported graphs are checked against)."""
from __future__ import annotations

import numpy as np
import torch

from .modules.text import TextEncoder
from .modules.transformer import HARTTransformer
from .modules.vae import HybridTokenizer


def _t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


class TorchBackend:
    def __init__(self, transformer: HARTTransformer, tokenizer: HybridTokenizer, text: TextEncoder | None = None):
        self.tr, self.vae, self.text = transformer.eval(), tokenizer.eval(), text
        self.codebook = tokenizer.quantize.embedding.weight.detach().numpy().astype(np.float32).copy()
        c = transformer.cfg
        self.num_layers, self.num_heads, self.head_dim = c.depth, c.num_heads, c.head_dim

    @torch.inference_mode()
    def condition(self, ctx2, mask2):
        return tuple(o.numpy() for o in self.tr.condition(_t(ctx2), _t(mask2)))

    @torch.inference_mode()
    def embed(self, latent, level):
        return self.tr.embed(_t(latent), torch.tensor([level])).numpy()

    @torch.inference_mode()
    def step(self, x, cos, sin, ada, head_ada, past):
        hidden, logits, present = self.tr.step(_t(x), _t(cos), _t(sin), _t(ada), _t(head_ada),
                                               [(_t(k), _t(v)) for k, v in past])
        return hidden.numpy(), logits.numpy(), [(k.numpy(), v.numpy()) for k, v in present]

    @torch.inference_mode()
    def fhat_step(self, f_hat, h, up, phi_index):
        f, a = self.vae.fhat_step(_t(f_hat), _t(h), _t(up), phi_index)
        return f.numpy(), a.numpy()

    @torch.inference_mode()
    def diff_cond(self, x_last, e_hard):
        return self.tr.diff_cond(_t(x_last), _t(e_hard)).numpy()

    @torch.inference_mode()
    def diff_mlp(self, x, t, cemb):
        return self.tr.diffloss.net.forward_cemb(_t(x), _t(t), _t(cemb)).numpy()

    @torch.inference_mode()
    def decode(self, f_hat):
        return self.vae.decode(_t(f_hat)).numpy()

    @torch.inference_mode()
    def encode(self, image):
        return self.vae.encode(_t(image)).numpy()

    @torch.inference_mode()
    def encode_text(self, ids, mask):
        return self.text(_t(ids), _t(mask)).numpy()
