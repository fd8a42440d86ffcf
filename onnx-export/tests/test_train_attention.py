"""The training pass's attention (fused kernel under the block-causal mask) equals the explicit
softmax the inference graphs use."""
import torch

from hart_export.config import preset
from hart_export.modules.transformer import HARTTransformer, LlamaAttention, rotate_half


def test_masked_training_attention_equals_the_explicit_softmax():
    torch.manual_seed(0)
    cfg = preset("tiny").transformer
    att = LlamaAttention(cfg)
    torch.nn.init.normal_(att.q_bias, std=0.1); torch.nn.init.normal_(att.v_bias, std=0.1)
    N, L, C = 3, 30, cfg.embed_dim
    x = torch.randn(N, L, C)
    cos, sin = torch.randn(N, L, cfg.head_dim).cos(), torch.randn(N, L, cfg.head_dim).sin()
    lvl = torch.tensor([0] * 5 + [1] * 9 + [2] * 16)
    bias = torch.where(lvl[:, None] >= lvl[None], 0.0, float("-inf"))
    empty = x.new_zeros(N, cfg.num_heads, 0, cfg.head_dim)
    got, _, _ = att(x, cos, sin, empty, empty, bias)
    # the explicit formula
    qkv = torch.nn.functional.linear(x, att.qkv_proj.weight, torch.cat((att.q_bias, att.zero_k_bias, att.v_bias)))
    q, k, v = qkv.view(N, L, 3, att.H, att.d).permute(2, 0, 3, 1, 4).unbind(0)
    c, s = cos.unsqueeze(1), sin.unsqueeze(1)
    q, k = q * c + rotate_half(q) * s, k * c + rotate_half(k) * s
    w = torch.softmax((q * att.scale) @ k.transpose(-1, -2) + bias, dim=-1)
    want = att.proj((w @ v).transpose(1, 2).reshape(N, L, C))
    assert torch.allclose(got, want, atol=1e-5), (got - want).abs().max()
