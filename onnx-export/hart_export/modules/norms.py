"""Normalisation layers shared by the transformer modules."""
import torch
from torch import nn


class RMSNorm(nn.Module):
    """RMS norm with a learned weight; statistics in fp32 (HART-INFERENCE 9, LlamaRMSNormFused)."""

    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xf = x.float()
        y = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return y.to(x.dtype) * self.weight.to(x.dtype)


