"""Backend that runs an exported bundle through ONNX Runtime (Python): how export correctness is
shown end to end, and the same graphs the Java engine runs."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .bundle import Bundle
from .graphs import kv_names


class OrtBackend:
    def __init__(self, bundle: Bundle, threads: int = 0):
        import onnxruntime as ort
        self.bundle = bundle
        so = ort.SessionOptions()
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            so.intra_op_num_threads = threads
        so.log_severity_level = 3
        self.s = {role: ort.InferenceSession(str(bundle.path / g["file"]), so, providers=["CPUExecutionProvider"])
                  for role, g in bundle.manifest["graphs"].items()}
        m = bundle.manifest["model"]
        self.codebook = np.load(bundle.path / "codebook.npy")
        self.num_layers, self.num_heads, self.head_dim = m["depth"], m["num_heads"], m["head_dim"]
        self.stacked_kv = "past_k" in {i.name for i in self.s["step"].get_inputs()}

    def _run(self, role, **feeds):
        return self.s[role].run(None, feeds)

    def condition(self, ctx2, mask2):
        return tuple(self._run("condition", ctx2=ctx2, mask2=mask2))

    def embed(self, latent, level):
        return self._run("embed", latent=latent, level=np.array([level], np.int64))[0]

    def step(self, x, cos, sin, ada, head_ada, past):
        feeds = dict(x=x, cos=cos, sin=sin, ada=ada, head_ada=head_ada)
        if self.stacked_kv:   # bundles exported before the cache had one input per block
            feeds.update(past_k=np.stack([k for k, _ in past]), past_v=np.stack([v for _, v in past]))
            hidden, logits, pk, pv = self._run("step", **feeds)
            return hidden, logits, list(zip(pk, pv))
        feeds.update(zip(kv_names(self.num_layers, "past"), (t for pair in past for t in pair)))
        out = self._run("step", **feeds)
        return out[0], out[1], list(zip(out[2::2], out[3::2]))

    def fhat_step(self, f_hat, h, up, phi_index):
        return tuple(self._run("fhat_step", f_hat=f_hat, h=h, up=up, phi_index=np.array([phi_index], np.int64)))

    def diff_cond(self, x_last, e_hard):
        return self._run("diff_cond", x_last=x_last, e_hard=e_hard)[0]

    def diff_mlp(self, x, t, cemb):
        return self._run("diff_mlp", x=x, t=t, cemb=cemb)[0]

    def decode(self, f_hat):
        return self._run("vae_decoder", f_hat=f_hat)[0]

    def encode(self, image):
        return self._run("vae_encoder", image=image)[0]

    def encode_text(self, ids, mask):
        return self._run("text_encoder", input_ids=ids, attention_mask=mask)[0]
