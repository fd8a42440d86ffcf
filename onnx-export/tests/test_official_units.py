"""Unit parity with the official code: tokenizer, diffusion head, sampling helpers, schedules, keys."""
import json

import numpy as np
import pytest
import torch

from conftest import FIX, load, official_variant, requires_fixtures
from hart_export import schedule as S
from hart_export.draws import GreedyDraws
from hart_export.modules.vae import phi_index
from hart_export.sample import diffusion_sample, soft_embed, top_k_mask, top_p_mask
from hart_export.rng import categorical

pytestmark = requires_fixtures
T = lambda a: torch.from_numpy(np.ascontiguousarray(a))


def vae():
    return official_variant("llama")[0].vae


def test_interpolation_matrices_equal_official_ones_exactly():
    for prefix, pn in (("tiny", (1, 2, 3, 4, 5, 6, 7, 8)), ("release", (1, 2, 3, 4, 5, 7, 9, 12, 16, 21, 27, 36, 48, 64))):
        up, down = S.interp_matrices(pn)
        P = pn[-1]
        for k, p in enumerate(pn):
            np.testing.assert_array_equal(up[k], load(f"common/interp/{prefix}_bicubic_U_p{p:02d}_to_P{P}.npy"))
            np.testing.assert_array_equal(down[k], load(f"common/interp/{prefix}_area_D_P{P}_to_p{p:02d}.npy"))


def test_rope_tables_match_official():
    f1, f2 = S.rope_inv_freq(16)
    cs, ss = zip(*(S.rope_2d(p, 8, np.array([5]), f2) for p in (2, 3, 4, 5, 6, 7, 8)))
    np.testing.assert_allclose(np.concatenate([c[0] for c in cs]), load("common/rope/tiny_d16_offset5_cos2d.npy").reshape(-1, 16), atol=1e-7)
    np.testing.assert_allclose(np.concatenate([s[0] for s in ss]), load("common/rope/tiny_d16_offset5_sin2d.npy").reshape(-1, 16), atol=1e-7)
    c1, s1 = S.rope_1d(load("common/rope/tiny_d16_pos1d.npy").reshape(1, -1), f1)
    np.testing.assert_allclose(c1[0], load("common/rope/tiny_d16_cos1d.npy").reshape(-1, 16), atol=1e-7)
    ids = load("common/rope/release_position_ids_2d.npy")
    coords = np.concatenate([np.stack([np.repeat(S.image_coords(p, 64), p), np.tile(S.image_coords(p, 64), p)], 1)
                             for p in (2, 3, 4, 5, 7, 9, 12, 16, 21, 27, 36, 48, 64)])
    np.testing.assert_array_equal(coords, ids)


def test_diffusion_schedule_matches_official_object():
    ds = S.diffusion_schedule()
    np.testing.assert_array_equal(ds.timesteps, load("common/diffusion_schedule/timestep_map.npy"))
    for name in ("betas", "alphas_cumprod", "posterior_mean_coef1", "posterior_mean_coef2", "posterior_log_variance_clipped",
                 "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod", "log_betas"):
        np.testing.assert_allclose(getattr(ds, name), load(f"common/diffusion_schedule/{name}.npy"), rtol=1e-14, atol=1e-15)


def test_schedule_tables_match_official_including_phi_indices():
    tables = json.loads((FIX / "common" / "schedule_tables.json").read_text())
    for key, t in tables.items():
        if not isinstance(t, dict) or "scales" not in t:
            continue
        pn = t.get("patch_nums")
        K = len(t["scales"]) if pn is None else len(pn)
        rows = S.scale_table(pn or list(range(1, K + 1)), 4)
        for mine, off in zip(rows, t["scales"]):
            for a, b in (("ratio", "ratio"), ("tau", "gumbel_tau"), ("logit_mult", "logit_mult")):
                if b in off:
                    assert mine[a] == pytest.approx(off[b], abs=1e-12), (key, mine["k"], a)
            if off.get("phi_index") is not None and mine["phi_index"] >= 0:
                assert mine["phi_index"] == off["phi_index"], (key, mine["k"])


def test_phi_tie_at_odd_scale_count_picks_the_float64_winner():
    assert phi_index(4, 9, 4) == 2            # HART-INFERENCE 4.5: r = 0.5 is a real tie, float64 decides
    assert [phi_index(k, 14, 4) for k in range(13)] == [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3]


def test_tokenizer_encoder_quantiser_and_decoder_match_official():
    v = vae()
    x = T(load("tokenizer_goldens/image_in.npy"))
    with torch.inference_mode():
        f = v.encode(x)
        np.testing.assert_allclose(v.encoder(x).numpy(), load("tokenizer_goldens/encoder_out.npy"), atol=2e-4)
        np.testing.assert_allclose(f.numpy(), load("tokenizer_goldens/f.npy"), atol=2e-4)
        f = T(load("tokenizer_goldens/f.npy"))
        pn = (1, 2, 3, 4, 5, 6, 7, 8)
        idx, fhat_d, resid = v.quantize.f_to_idx_and_residual(f, pn)
        idx_var, fhat_var, _ = v.quantize.f_to_idx_and_residual(f, pn, var_convention=True)
        for k in range(8):
            np.testing.assert_array_equal(idx[k].numpy(), load(f"tokenizer_goldens/hybrid/idx_s{k:02d}.npy"))
            np.testing.assert_array_equal(idx_var[k].numpy(), load(f"tokenizer_goldens/var_convention/idx_s{k:02d}.npy"))
        np.testing.assert_allclose(fhat_var.numpy(), load("tokenizer_goldens/var_convention/fhat_s07.npy"), atol=1e-5)
        np.testing.assert_allclose(fhat_d.numpy(), load("tokenizer_goldens/hybrid/DERIVED_fhat_discrete.npy"), atol=1e-5)
        np.testing.assert_allclose(resid.numpy(), load("tokenizer_goldens/hybrid/DERIVED_residual.npy"), atol=1e-5)
        rec_d = v.decode(fhat_d).numpy() * 2 - 1
        rec_c = v.decode(f).numpy() * 2 - 1
    np.testing.assert_allclose(rec_d, load("tokenizer_goldens/hybrid/recon_discrete.npy"), atol=5e-4)
    np.testing.assert_allclose(rec_c, load("tokenizer_goldens/hybrid/recon_continuous.npy"), atol=5e-4)


def test_phi_and_next_autoregressive_input_chain_match_official():
    v = vae()
    x = T(load("tokenizer_goldens/phi/x.npy"))
    with torch.inference_mode():
        for j in range(4):
            np.testing.assert_allclose(v.quantize.quant_resi.qresi_ls[j](x).numpy(), load(f"tokenizer_goldens/phi/phi{j}_out.npy"), atol=1e-5)
    pn = (1, 2, 3, 4, 5, 6, 7, 8)
    up, down = S.interp_matrices(pn)
    be = official_variant("llama")[0]
    f_hat = np.zeros((2, 16, 8, 8), np.float32)
    for k in range(7):
        h = load(f"tokenizer_goldens/next_ar/h_in_s{k:02d}.npy")
        f_hat, _ = be.fhat_step(f_hat, h, up[k].astype(np.float32), phi_index(k, 8, 4))
        np.testing.assert_allclose(f_hat, load(f"tokenizer_goldens/next_ar/hybrid_fhat_after_s{k:02d}.npy"), atol=1e-5)


def test_diffusion_mlp_and_guided_output_match_official():
    net = official_variant("llama")[0].tr.diffloss.net
    d = lambda n: load(f"llama/diffusion/{n}.npy")
    from hart_export.modules.diffusion import timestep_sinusoid
    with torch.inference_mode():
        # cos of arguments up to ~1000 in fp32: torch 2.x and 1.13 differ by ~1 ulp of the argument (3e-5)
        np.testing.assert_allclose(timestep_sinusoid(T(d("mlp_t"))).numpy(), d("mlp_temb_sinusoid"), atol=1e-4)
        np.testing.assert_allclose(net(T(d("mlp_x")), T(d("mlp_t")), T(d("mlp_c"))).numpy(), d("mlp_out"), atol=1e-4)
        x, t, c = T(d("cfg_x")), T(d("cfg_t")), T(d("cfg_c"))
        half = x[:4]
        out = net(torch.cat([half, half]), t, c).numpy()
    Cv = out.shape[1] // 2
    eps = 3.5 * out[:4, :Cv] - 2.5 * out[4:, :Cv]          # (1 + g) cond - g uncond, g = 2.5
    np.testing.assert_allclose(eps, d("cfg_out")[:4, :Cv], atol=1e-4)
    np.testing.assert_allclose(out[:, Cv:], d("cfg_out")[:, Cv:], atol=1e-4)


class _Noise:
    greedy = False

    def __init__(self, init, steps, L):
        self.init, self.steps, self.L = init, steps, L

    def diff_init(self, b, count):
        return self.init.reshape(-1)[:count]

    def diff_step(self, b, step, count):
        return self.steps[7 - step][:self.L].reshape(-1)


@pytest.mark.parametrize("run", ["zero_noise_cfg1.0", "zero_noise_cfg3.0", "replay_noise_cfg3.0", "replay_noise_cfg1.0"])
def test_diffusion_sampler_matches_official(run):
    be, sch, tr = official_variant("llama")
    z = load("llama/diffusion/sample_z.npy")                       # [12, C]
    g = float(run.split("cfg")[1])
    folder = FIX / "llama" / "diffusion" / run
    with torch.inference_mode():
        cemb = be.tr.diffloss.net.cond_embed(T(z)).numpy()
    Cv = tr.latent_channels
    if g == 1.0:       # unguided: every row independent, all 12 returned
        L, cemb2 = 12, np.concatenate([cemb, cemb])
    else:              # guided: rows 0-5 conditional, 6-11 unconditional
        L, cemb2 = 6, cemb
    if run.startswith("zero"):
        draws = GreedyDraws()
    else:
        draws = _Noise(np.load(folder / "noise_init.npy"), np.load(folder / "noise_steps.npy"), L)
    rho = diffusion_sample(be, sch, cemb2, 1, L, Cv, g, draws)[0]
    np.testing.assert_allclose(rho, np.load(folder / "out.npy")[:L], atol=5e-4)


@pytest.mark.parametrize("case", ["topk600", "topk300", "topk600_topp0.8", "topk300_topp0.5"])
def test_top_k_top_p_masks_and_draws_match_official(case):
    lg = load("common/sampling/logits_in.npy")                     # [2, 5, 768]
    k = int(case[4:7])
    top_p = float(case.split("topp")[1]) if "topp" in case else 0.0
    masked = top_p_mask(top_k_mask(lg, k), top_p)
    want = load(f"common/sampling/{case}/masked_logits.npy")
    np.testing.assert_array_equal(np.isinf(masked), np.isinf(want))
    np.testing.assert_array_equal(masked[~np.isinf(masked)], want[~np.isinf(want)])
    np.testing.assert_array_equal((~np.isinf(masked)).sum(-1), load(f"common/sampling/{case}/n_kept.npy").reshape(2, 5))
    u = load(f"common/sampling/{case}/uniforms.npy").reshape(-1)
    idx = categorical(masked.reshape(-1, masked.shape[-1]), u)
    np.testing.assert_array_equal(idx, load(f"common/sampling/{case}/idx.npy").reshape(-1))


@pytest.mark.parametrize("r,kind", [("0.0000", "zero_gumbel"), ("0.8571", "zero_gumbel"), ("0.0000", "replay"), ("0.8571", "replay")])
def test_gumbel_soft_embedding_matches_official(r, kind):
    case = "topk600"
    masked = load(f"common/sampling/{case}/masked_logits.npy")
    E = load("common/sampling/codebook.npy")
    rr = float(r)
    tau = max(0.27 * (1 - 0.95 * rr), 0.005)

    class D:
        greedy = False

        def exp_draws(self, b, k, n, V):
            if kind == "zero_gumbel":
                return np.ones((n, V))
            return load(f"common/sampling/{case}/gumbel_r{r}_replay_expdraws.npy")[b].astype(np.float32).astype(np.float64)
    emb = soft_embed(masked, 1 + rr, tau, E, D(), 0)
    # near one-hot weights at small tau amplify float32-vs-float64 Gumbel noise ((1+r)/tau ~ 37)
    np.testing.assert_allclose(emb, load(f"common/sampling/{case}/gumbel_r{r}_{kind}_emb.npy"), atol=2e-4 if rr == 0 else 1e-3)


@pytest.mark.parametrize("name", ["t2i_llama_llama", "t2i_llama_attn_gpt2_mlp", "t2i_llama_llama_l2norm_ctxnorm"])
def test_release_size_state_dict_keys_and_shapes_equal_official(name):
    from hart_export.config import TokenizerConfig, transformer_from_official
    from hart_export.modules.transformer import HARTTransformer
    d = json.loads((FIX / "real_configs" / f"{name}.json").read_text())
    tr = transformer_from_official(d["config"], TokenizerConfig())
    with torch.device("meta"):
        m = HARTTransformer(tr)
    got = {k: list(v.shape) for k, v in m.state_dict().items()}
    want = {k: v["shape"] for k, v in d["keys"].items()}
    assert got == want
    assert sum(p.numel() for p in m.parameters()) == d["n_params_total"]


def test_default_tokenizer_keys_and_shapes_equal_official():
    from hart_export.config import tokenizer_from_official
    from hart_export.modules.vae import HybridTokenizer
    d = json.loads((FIX / "real_configs" / "tokenizer_default.json").read_text())
    cfg = tokenizer_from_official(d["config"]["tokenizer"] if "tokenizer" in d["config"] else d["config"])
    with torch.device("meta"):
        v = HybridTokenizer(cfg)
    got = {"vae." + k: list(t.shape) for k, t in v.state_dict().items()}
    want = {k: s["shape"] for k, s in d["keys"].items() if not k.startswith("disc.")}
    assert got == want
