"""HART-tiny training: stage 1 the hybrid tokenizer, stage 2 the generator (text encoder, HART
transformer, residual diffusion MLP). Resumable from checkpoints; CPU first (2 cores).

    python -m hart_export.train all --out runs/all          # everything from scratch, then the bundle
    python -m hart_export.train tokenizer --out runs/tok --minutes 45
    python -m hart_export.train generator --tokenizer weights/hart-tiny-tokenizer.pt --out runs/gen --minutes 60
"""
from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .config import preset
from .modules.vae import HybridTokenizer
from .train_data import Photos, shapes_batch, to_tensor


def log(out: Path, rec: dict) -> None:
    with open(out / "log.jsonl", "a") as f:
        f.write(json.dumps(rec) + "\n")
    print(json.dumps(rec), flush=True)


# ---------------------------------------------------------------- stage 1: the hybrid tokenizer

def quantize_ste(vae: HybridTokenizer, f: torch.Tensor, patch_nums, beta: float = 0.25):
    """Training-time multi-scale residual quantisation (hybrid convention: no Phi at the last scale).
    Returns (f_hat with straight-through gradient, vq loss, f_hat without last-scale? no: discrete f_hat)."""
    q = vae.quantize
    B, C, h, w = f.shape
    K = len(patch_nums)
    f_nog = f.detach()
    f_rest, f_hat = f_nog.clone(), torch.zeros_like(f)
    loss = 0.0
    for k, p in enumerate(patch_nums):
        last = k == K - 1
        z = f_rest if last else F.interpolate(f_rest, size=(p, p), mode="area")
        with torch.no_grad():
            idx = q.nearest(z.permute(0, 2, 3, 1).reshape(-1, C))
        e = q.embedding(idx).view(B, p, p, C).permute(0, 3, 1, 2)
        u = e if last else q.phi(k, K)(F.interpolate(e, size=(h, w), mode="bicubic"))
        f_hat = f_hat + u
        f_rest = f_rest - u.detach()
        loss = loss + F.mse_loss(f_hat, f_nog) + beta * F.mse_loss(f_hat.detach(), f)
    f_hat_st = f + (f_hat - f).detach()
    return f_hat_st, loss / K, f_hat


def tokenizer_batch(rng: np.random.Generator, batch: int, photos: Photos, photo_share: float = 0.125,
                    gain: float = 8.0) -> tuple[torch.Tensor, torch.Tensor]:
    """A tokenizer training batch in [-1, 1] (Shapes World pictures plus a share of photo crops)
    and its per-pixel loss weights [B, 1, H, W]."""
    n_ph = int(round(batch * photo_share)) if photos else 0
    imgs, _ = shapes_batch(rng, batch - n_ph)
    if n_ph:
        imgs = np.concatenate([imgs, photos.crops(rng, n_ph)])
    x = to_tensor(imgs)
    return x, object_weight(x, batch - n_ph, gain)


class _TokenizerBatches(torch.utils.data.IterableDataset):
    def __init__(self, seed: int, batch: int, photo_share: float, gain: float):
        super().__init__()
        self.seed, self.batch, self.photo_share, self.gain = seed, batch, photo_share, gain

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        rng = np.random.default_rng([self.seed, info.id if info else 0])
        photos = Photos()
        while True:
            yield tokenizer_batch(rng, self.batch, photos, self.photo_share, self.gain)


def tokenizer_batches(seed: int, batch: int, photo_share: float, gain: float, workers: int = 0):
    """An endless iterator of tokenizer batches, rendered in ``workers`` processes (0: inline).
    With no workers the stream is the one ``tokenizer_batch`` draws from ``default_rng(seed)``."""
    ds = _TokenizerBatches(seed, batch, photo_share, gain)
    if workers <= 0:
        rng, photos = np.random.default_rng(seed), Photos()
        return iter(lambda: tokenizer_batch(rng, batch, photos, photo_share, gain), None)
    return iter(torch.utils.data.DataLoader(ds, batch_size=None, num_workers=workers, pin_memory=True,
                                            prefetch_factor=4, persistent_workers=True))


def object_weight(x: torch.Tensor, n_shapes: int, gain: float = 8.0) -> torch.Tensor:
    """Per-pixel loss weight: 1 on the background, 1 + gain on objects and their edges.

    A Shapes World picture is mostly background; with a plain mean loss the colour and outline of a
    small object barely move it, and the tokenizer learns to paint brownish blobs. The corner pixel is
    always background (objects keep a 0.02 W margin). Photos (the last rows) weigh 1 everywhere."""
    w = torch.ones(x.shape[0], 1, x.shape[2], x.shape[3], device=x.device)
    if n_shapes:
        xs = x[:n_shapes]
        obj = ((xs - xs[:, :, :1, :1]).abs().amax(1, keepdim=True) > 0.08).float()
        obj = F.max_pool2d(obj, 5, 1, 2)                                    # include the edges
        w[:n_shapes] += gain * obj
    return w


def continuous_step(step: int, share: float) -> bool:
    """Whether training step ``step`` decodes the continuous latent (else the discrete one), so that
    a fraction ``share`` of the steps do, evenly spread: 0.5 alternates (discrete first)."""
    return int((step + 1) * share) > int(step * share)


def recon_loss(rec: torch.Tensor, x: torch.Tensor, w: torch.Tensor, grad_weight: float = 0.5) -> torch.Tensor:
    """Weighted L1 + MSE, plus an image-gradient term that keeps stripes and dots sharp."""
    d = rec - x
    return (w * d.abs()).mean() + (w * d.square()).mean() + grad_weight * grad_loss(rec, x)


def local_contrast(x: torch.Tensor) -> torch.Tensor:
    """How much each neighbourhood varies: the mean absolute deviation from a 3x3 mean, averaged
    over 5x5. Stripes and dots give a high value whatever their phase, a flat fill a low one."""
    dev = (x - F.avg_pool2d(x, 3, 1, 1, count_include_pad=False)).abs()
    return F.avg_pool2d(dev, 5, 1, 2, count_include_pad=False)


def texture_loss(rec: torch.Tensor, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """L1 between local contrast maps (weighted like the pixels): asks for stripes and dots of the
    right strength even where their phase cannot be known (the discrete tokens), which a pixel loss
    alone answers with the blurred mean colour."""
    return (w * (local_contrast(rec) - local_contrast(x)).abs()).mean()


def grad_loss(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """L1 between image gradients: keeps stripes and dots sharp (no perceptual network is available)."""
    dx = lambda x: x[..., :, 1:] - x[..., :, :-1]
    dy = lambda x: x[..., 1:, :] - x[..., :-1, :]
    return (dx(a) - dx(b)).abs().mean() + (dy(a) - dy(b)).abs().mean()


def _stop_on_sigterm() -> list:
    """A list that becomes non-empty on SIGTERM, so a training loop can stop after its step and
    save its checkpoint (``kill PID`` loses nothing; rerun the same command to resume)."""
    import signal
    flag: list = []
    try:
        signal.signal(signal.SIGTERM, lambda *_: flag.append(True))
    except ValueError:   # not the main thread: no handler, the loop runs to its limits
        pass
    return flag


def tokenizer_config(a):
    """The preset, with ``--arch`` tokenizer overrides (JSON) when given; a resumed run keeps the
    configuration it was started with (saved beside its checkpoint)."""
    from .config import ModelConfig, with_tokenizer
    saved = Path(a.out) / "config.json"
    if saved.is_file():
        return ModelConfig.from_json(json.loads(saved.read_text()))
    if getattr(a, "init", None) and not a.arch:   # continue with the design of the weights
        w = torch.load(a.init, map_location="cpu", weights_only=False)
        if "config" in w:
            return ModelConfig.from_json(w["config"])
    cfg = preset(a.preset)
    if a.arch:
        cfg = with_tokenizer(cfg, **json.loads(a.arch))
    return cfg


def _ceiling(vae, cfg, n: int) -> dict:
    from .tokenizer_eval import tokenizer_ceiling, torch_reconstruct
    vae.eval()
    try:
        rep = tokenizer_ceiling(torch_reconstruct(vae, cfg.tokenizer.v_patch_nums), n=n, size=cfg.resolution,
                                photos=list(Photos().crops(np.random.default_rng(777), 16, cfg.resolution, holdout=True)) if Photos() else None)
    finally:
        vae.train()
    return {k: ({a: round(x, 4) for a, x in v.items()} if isinstance(v, dict) else v) for k, v in rep.items()}


def train_tokenizer(a) -> None:
    cfg = tokenizer_config(a)
    if cfg.resolution != 128:
        raise SystemExit(f"this tokenizer design decodes {cfg.resolution} px (last scale {cfg.tokenizer.v_patch_nums[-1]} x "
                         f"downsampling {cfg.tokenizer.downsample}); Shapes World is drawn at 128 px: change v_patch_nums or the levels")
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(cfg.to_json()))
    torch.manual_seed(a.seed)
    dev = torch.device(a.device)
    vae = HybridTokenizer(cfg.tokenizer).to(dev)
    opt = torch.optim.AdamW(vae.parameters(), lr=a.lr, betas=(0.5, 0.9), weight_decay=0.0)
    step, cpu_before, ck = 0, 0.0, out / "ckpt.pt"
    cpu_base = 0.0   # where this run's --cpu-minutes budget starts: its own CPU time, after any --init
    if ck.exists():
        s = torch.load(ck, weights_only=False, map_location=dev)
        vae.load_state_dict(s["model"]); opt.load_state_dict(s["opt"]); step = s["step"]
        cpu_before, cpu_base = s.get("cpu_s", 0.0), s.get("cpu_base", 0.0)
        print(f"resumed at step {step}")
    elif a.init:   # continue from committed weights (a fresh machine has no runs/ checkpoints)
        w = torch.load(a.init, map_location="cpu", weights_only=True)
        vae.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in w["tokenizer"].items()})
        # the curve goes on where the committed weights left it: same step and CPU-time axes, same log
        step, cpu_before = int(w.get("step", 0)), float(w.get("cpu_s", 0.0))
        cpu_base = cpu_before
        prior_log = Path(a.init).with_suffix(".log.jsonl")
        if prior_log.is_file() and not (out / "log.jsonl").exists():
            (out / "log.jsonl").write_text(prior_log.read_text())
        print(f"initialised from {a.init} (step {step}, {cpu_before / 60:.0f} CPU-min before)")
    rng = np.random.default_rng(a.seed + step)
    photos = Photos()
    _need_photos(photos, a.photo_share)
    batches = tokenizer_batches(a.seed + step, a.batch, a.photo_share, a.gain, a.workers)
    pn = cfg.tokenizer.v_patch_nums
    t_end = time.time() + a.minutes * 60
    t0, last_save, last_eval = time.time(), time.time(), time.time()
    c0 = time.process_time()
    cpu = lambda: round(cpu_before + time.process_time() - c0, 1)
    warm = 200 if not (ck.exists() or a.init) else 50
    if step == 0 and not a.init:
        with torch.no_grad():   # data-driven codebook init: codes start where the latents are
            imgs, _ = shapes_batch(rng, 32)
            _revive_codes(vae, vae.encode(to_tensor(imgs).to(dev)), fraction=1.0)
    start_step = step
    amp = torch.autocast(dev.type, dtype=torch.bfloat16, enabled=a.amp)

    def save():
        torch.save({"model": vae.state_dict(), "opt": opt.state_dict(), "step": step, "cpu_s": cpu(), "cpu_base": cpu_base}, ck)

    stop = _stop_on_sigterm()
    while step < a.steps and time.time() < t_end and (not a.cpu_minutes or cpu() - cpu_base < a.cpu_minutes * 60) and not stop:
        x, wt = (t.to(dev, non_blocking=True) for t in next(batches))
        with amp:
            f = vae.encode(x).float()
        f_hat_st, vq, _ = quantize_ste(vae, f, pn, beta=a.beta)
        # one decoder for both latents, alternating (HART: hybrid tokenizer training)
        continuous = continuous_step(step, a.continuous_share)
        z = f if continuous else f_hat_st
        with amp:
            rec = vae.decoder(vae.post_quant_conv(z)).float()
        loss = recon_loss(rec, x, wt, a.grad_weight) + vq
        if a.texture_weight and (a.texture_on == "both" or not continuous):
            loss = loss + a.texture_weight * texture_loss(rec, x, wt)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(vae.parameters(), 1.0)
        for g in opt.param_groups:
            g["lr"] = a.lr * min(1.0, (step - start_step + 1) / warm)
        opt.step()
        step += 1
        if step % 50 == 0:
            with torch.no_grad():
                used = len(torch.unique(vae.quantize.nearest(f.detach().permute(0, 2, 3, 1).reshape(-1, f.shape[1]))))
            log(out, {"stage": "tokenizer", "step": step, "loss": round(loss.detach().item(), 4), "vq": round(float(vq.detach()), 4),
                      "codes_used_last_batch": used, "elapsed_s": round(time.time() - t0, 1), "cpu_s": cpu()})
            _revive_codes(vae, f.detach())
        if a.eval_minutes and time.time() - last_eval > a.eval_minutes * 60:
            log(out, {"stage": "tokenizer-eval", "step": step, "cpu_s": cpu(), "images": step * a.batch,
                      "ceiling": _ceiling(vae, cfg, a.eval_n)})
            last_eval = time.time()
        if time.time() - last_save > 300:
            save(); last_save = time.time()
    save()
    torch.save({"config": cfg.to_json(), "tokenizer": {k: v.cpu() for k, v in vae.state_dict().items()}, "step": step},
               out / "tokenizer.pt")
    if a.eval_n:
        log(out, {"stage": "tokenizer-eval", "step": step, "cpu_s": cpu(), "images": step * a.batch,
                  "ceiling": _ceiling(vae, cfg, a.eval_n), "final": True})
    print(f"tokenizer stage stopped at step {step}")


def _need_photos(photos: Photos, share: float) -> None:
    """Refuses to train on a silently different mix: without the photographs the batches would be
    Shapes World only and the photo PSNR could not be measured."""
    if share > 0 and not photos:
        raise SystemExit("no photographs for the photo crops of the batches: install the training extra "
                         "(pip install -e 'onnx-export[train]', scikit-learn's sample images) or set HART_PHOTOS "
                         "to an .npz written by Photos.save; --photo-share 0 trains on Shapes World only")


def train_decoder(a) -> None:
    """Stage 1b: fine-tune only the decoder (and post_quant_conv) of a trained tokenizer. The encoder,
    codebook and Phi stay frozen, so latents and tokens - the generator's training targets - do not
    change; this can run beside the generator stage."""
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    tk = torch.load(a.tokenizer, weights_only=False)
    from .config import ModelConfig
    cfg = ModelConfig.from_json(tk["config"])
    vae = HybridTokenizer(cfg.tokenizer)
    vae.load_state_dict(tk["tokenizer"])
    params = list(vae.decoder.parameters()) + list(vae.post_quant_conv.parameters())
    for p in vae.parameters():
        p.requires_grad_(False)
    for p in params:
        p.requires_grad_(True)
    opt = torch.optim.AdamW(params, lr=a.lr, betas=(0.5, 0.9))
    step, ck, cpu_before, cpu0 = 0, out / "ckpt.pt", 0.0, time.process_time()
    if ck.exists():
        s = torch.load(ck, weights_only=False)
        vae.load_state_dict(s["model"]); opt.load_state_dict(s["opt"]); step = s["step"]
        cpu_before = s.get("cpu_s", 0.0)
    rng = np.random.default_rng(a.seed + 7 + step)
    photos = Photos()
    _need_photos(photos, 0.125)
    pn = cfg.transformer.patch_nums
    t_end, t0, last_save = time.time() + a.minutes * 60, time.time(), time.time()
    while step < a.steps and time.time() < t_end:
        x, wt = tokenizer_batch(rng, a.batch, photos)
        with torch.no_grad():
            f = vae.encode(x)
            _, f_hat_d, _ = vae.quantize.f_to_idx_and_residual(f, pn)
        z = f if continuous_step(step, a.continuous_share) else f_hat_d
        rec = vae.decoder(vae.post_quant_conv(z))
        loss = recon_loss(rec, x, wt)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        if step % 50 == 0:
            log(out, {"stage": "decoder", "step": step, "loss": round(loss.item(), 4), "elapsed_s": round(time.time() - t0, 1),
                      "cpu_s": round(time.process_time() - cpu0 + cpu_before, 1)})
        if time.time() - last_save > 300:
            torch.save({"model": vae.state_dict(), "opt": opt.state_dict(), "step": step,
                        "cpu_s": time.process_time() - cpu0 + cpu_before}, ck)
            last_save = time.time()
    torch.save({"model": vae.state_dict(), "opt": opt.state_dict(), "step": step,
                "cpu_s": time.process_time() - cpu0 + cpu_before}, ck)
    log(out, {"stage": "decoder", "step": step, "elapsed_s": round(time.time() - t0, 1),
              "cpu_s": round(time.process_time() - cpu0 + cpu_before, 1), "final": True})
    torch.save({"config": tk["config"], "tokenizer": vae.state_dict(), "step": tk.get("step"), "decoder_steps": step,
                "cpu_s": tk.get("cpu_s", 0.0), "decoder_cpu_s": time.process_time() - cpu0 + cpu_before},
               out / "tokenizer.pt")
    print(f"decoder stage stopped at step {step}")


@torch.no_grad()
def _revive_codes(vae: HybridTokenizer, f: torch.Tensor, fraction: float = 0.25) -> None:
    """Re-seed codes unused in the last batch from the residuals the quantiser sees at every scale
    (keeps the codebook alive; without it the codebook collapses to a handful of codes)."""
    q = vae.quantize
    E = q.embedding.weight
    B, C, h, w = f.shape
    pool, f_rest = [], f.clone()
    for p in (1, 2, 4, h):
        z = f_rest if p == h else F.interpolate(f_rest, size=(p, p), mode="area")
        pool.append(z.permute(0, 2, 3, 1).reshape(-1, C))
        if p != h:
            f_rest = f_rest - F.interpolate(z, size=(h, w), mode="bicubic")
    z = torch.cat(pool)
    dev = E.device
    hits = torch.zeros(E.shape[0], dtype=torch.bool, device=dev)
    hits[q.nearest(z)] = True
    dead = (~hits).nonzero().flatten()
    dead = dead[torch.randperm(len(dead), device=dev)]
    n = min(int(len(dead) * fraction), z.shape[0])
    if n > 0:
        E[dead[:n]] = z[torch.randint(0, z.shape[0], (n,), device=dev)] + 0.01 * z.std() * torch.randn(n, C, device=dev)


# ---------------------------------------------------------------- stage 2: the generator

class Diffusion1000:
    """The 1000-step cosine process the diffusion MLP is trained on (learned-range variance, IDDPM)."""

    def __init__(self):
        ab = lambda u: math.cos((u + 0.008) / 1.008 * math.pi / 2) ** 2
        b = np.array([min(1 - ab((i + 1) / 1000) / ab(i / 1000), 0.999) for i in range(1000)])
        ac = np.cumprod(1 - b); acp = np.append(1.0, ac[:-1])
        pv = b * (1 - acp) / (1 - ac)
        t = lambda x: torch.tensor(x, dtype=torch.float32)
        self.sqrt_ac, self.sqrt_1mac = t(np.sqrt(ac)), t(np.sqrt(1 - ac))
        self.sqrt_recip, self.sqrt_recipm1 = t(np.sqrt(1 / ac)), t(np.sqrt(1 / ac - 1))
        self.c1, self.c2 = t(b * np.sqrt(acp) / (1 - ac)), t((1 - acp) * np.sqrt(1 - b) / (1 - ac))
        self.logvar_min, self.logvar_max = t(np.log(np.append(pv[1], pv[1:]))), t(np.log(b))

    def loss(self, net, x0_MCv, cemb_MW):
        M, Cv = x0_MCv.shape
        t = torch.randint(0, 1000, (M,))
        noise = torch.randn_like(x0_MCv)
        g = lambda a: a[t][:, None]
        xt = g(self.sqrt_ac) * x0_MCv + g(self.sqrt_1mac) * noise
        out = net.forward_cemb(xt, t.float(), cemb_MW)
        eps, v = out[:, :Cv], out[:, Cv:]
        mse = F.mse_loss(eps, noise)
        frac = (v + 1) / 2
        model_logvar = frac * g(self.logvar_max) + (1 - frac) * g(self.logvar_min)
        pred_x0 = g(self.sqrt_recip) * xt - g(self.sqrt_recipm1) * eps.detach()
        mean_m = g(self.c1) * pred_x0 + g(self.c2) * xt
        mean_t = g(self.c1) * x0_MCv + g(self.c2) * xt
        lv_t = g(self.logvar_min)
        kl = 0.5 * (-1 + model_logvar - lv_t + torch.exp(lv_t - model_logvar) + (mean_t - mean_m) ** 2 * torch.exp(-model_logvar))
        return mse + kl.mean() / math.log(2.0), mse


@torch.no_grad()
def build_dataset(vae, cfg, n: int, seed: int, out: Path):
    """Render n scenes, encode and quantise them once: latent inputs per scale, target tokens, residual."""
    from .modules.vae import HybridTokenizer  # noqa: F401  (type only)
    cache = out / "data.pt"
    if cache.exists():
        return torch.load(cache, weights_only=False)
    rng = np.random.default_rng(seed)
    pn = cfg.transformer.patch_nums
    K, P = len(pn), pn[-1]
    scenes, idx_all, inp_all, res_all = [], [], [], []
    for start in range(0, n, 64):
        imgs, sc = shapes_batch(rng, min(64, n - start))
        f = vae.encode(to_tensor(imgs))
        idx, f_hat_d, resid = vae.quantize.f_to_idx_and_residual(f, pn)
        # teacher-forcing inputs: area of the cumulative f_hat before each scale k >= 1 (6.5)
        B, C = f.shape[:2]
        f_hat = torch.zeros_like(f)
        ins = []
        for k in range(K - 1):
            e = vae.quantize.embedding(idx[k]).view(B, pn[k], pn[k], C).permute(0, 3, 1, 2)
            f_hat = f_hat + vae.quantize.phi(k, K)(F.interpolate(e, size=(P, P), mode="bicubic"))
            nxt = F.interpolate(f_hat, size=(pn[k + 1], pn[k + 1]), mode="area")
            ins.append(nxt.permute(0, 2, 3, 1).reshape(B, -1, C))
        scenes += sc
        idx_all.append(torch.cat(idx, dim=1))
        inp_all.append(torch.cat(ins, dim=1))
        res_all.append(resid.permute(0, 2, 3, 1).reshape(B, -1, C))
        print(f"dataset {start + len(sc)}/{n}", flush=True)
    data = {"scenes": scenes, "idx": torch.cat(idx_all), "inputs": torch.cat(inp_all), "resid": torch.cat(res_all)}
    torch.save(data, cache)
    return data


def rope_full(cfg, pos_BT: np.ndarray, sch) -> tuple[torch.Tensor, torch.Tensor]:
    from .schedule import rope_1d, rope_2d
    T, P = cfg.context_token, cfg.patch_nums[-1]
    c1, s1 = rope_1d(pos_BT, sch.inv_freq_1d)
    cs, ss = [c1], [s1]
    for p in cfg.patch_nums[1:]:
        c, s = rope_2d(p, P, pos_BT[:, T - 1], sch.inv_freq_2d)
        cs.append(c); ss.append(s)
    return torch.from_numpy(np.concatenate(cs, 1)), torch.from_numpy(np.concatenate(ss, 1))


def train_generator(a) -> None:
    from .models import build
    from .prompt import PromptEncoder, build_tokenizer_json
    from .schedule import Schedule
    from .shapes.captions import caption
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    tk = torch.load(a.tokenizer, weights_only=False)
    from .config import ModelConfig
    cfg = ModelConfig.from_json(tk["config"]) if "config" in tk else preset(a.preset)
    torch.manual_seed(a.seed)
    m = build(cfg, a.seed)
    m.tokenizer.load_state_dict(tk["tokenizer"]); m.tokenizer.eval().requires_grad_(False)
    t = cfg.transformer
    sch = Schedule.build(t.patch_nums, t.head_dim, cfg.tokenizer.share_quant_resi)
    tj = out / "tokenizer.json"
    build_tokenizer_json(tj, cfg.text.vocab_size)
    penc = PromptEncoder(tj, t.context_token, 0)
    data = build_dataset(m.tokenizer, cfg, a.images, a.seed, out)
    params = list(m.transformer.parameters()) + list(m.text.parameters())
    opt = torch.optim.AdamW(params, lr=a.lr, betas=(0.9, 0.95), weight_decay=0.01)
    step, ck = 0, out / "ckpt.pt"
    if ck.exists():
        s = torch.load(ck, weights_only=False)
        m.transformer.load_state_dict(s["transformer"]); m.text.load_state_dict(s["text"]); opt.load_state_dict(s["opt"]); step = s["step"]
        print(f"resumed at step {step}")
    elif a.init:   # continue from shipped weights
        from .finalize import load_fp16
        w, _ = load_fp16(a.init)
        m.transformer.load_state_dict(w.transformer.state_dict()); m.text.load_state_dict(w.text.state_dict())
        print(f"initialised from {a.init}")
    diff = Diffusion1000()
    rng = np.random.default_rng(a.seed + 1000 + step)
    E = m.tokenizer.quantize.embedding.weight.detach()
    N, T, K = len(data["scenes"]), t.context_token, len(t.patch_nums)
    t_end, t0, last_save = time.time() + a.minutes * 60, time.time(), time.time()
    m.transformer.train(); m.text.train()
    while step < a.steps and time.time() < t_end:
        bi = rng.integers(0, N, a.batch)
        caps = [caption(data["scenes"][i], rng) for i in bi]
        ids, attn, mask, pos = penc.encode(caps)
        drop = rng.random(a.batch) < 0.1                                 # classifier-free guidance dropout
        ctx = m.text(torch.from_numpy(ids), torch.from_numpy(attn))
        ctx = torch.where(torch.from_numpy(drop)[:, None, None], torch.zeros_like(ctx), ctx)
        mask[drop] = False; mask[drop, 0] = True; pos[drop] = 0
        cos, sin = rope_full(t, pos, sch)
        idx = data["idx"][bi]
        logits, x_last = m.transformer.forward_train(ctx, torch.from_numpy(mask), data["inputs"][bi], cos, sin)
        ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), idx.reshape(-1), label_smoothing=0.05)
        P2 = t.patch_nums[-1] ** 2
        c = m.transformer.decoder_norm(x_last + m.transformer.word_embed(E[idx[:, -P2:]]))
        cemb = m.transformer.diffloss.net.cond_embed(c).reshape(-1, t.diff_width)
        x0 = (data["resid"][bi].reshape(-1, t.latent_channels) / 0.6)
        rep = 4                                                          # diffusion_batch_mul
        dl, mse = diff.loss(m.transformer.diffloss.net, x0.repeat(rep, 1), cemb.repeat(rep, 1))
        loss = ce + dl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        for g in opt.param_groups:
            g["lr"] = a.lr * min(1.0, (step + 1) / 300)
        opt.step()
        step += 1
        if step % 50 == 0:
            with torch.no_grad():
                acc = (logits.argmax(-1) == idx).float().mean().item()
            log(out, {"stage": "generator", "step": step, "ce": round(ce.item(), 4), "diff": round(dl.item(), 4),
                      "diff_mse": round(mse.item(), 4), "token_acc": round(acc, 4), "elapsed_s": round(time.time() - t0, 1)})
        if time.time() - last_save > 300:
            torch.save({"transformer": m.transformer.state_dict(), "text": m.text.state_dict(), "opt": opt.state_dict(), "step": step}, ck)
            last_save = time.time()
    torch.save({"transformer": m.transformer.state_dict(), "text": m.text.state_dict(), "opt": opt.state_dict(), "step": step}, ck)
    from .models import save_checkpoint
    m.transformer.eval(); m.text.eval()
    save_checkpoint(m, out / "hart-tiny.pt", {"steps": {"generator": step, "tokenizer": tk.get("step")}})
    print(f"generator stage stopped at step {step}")


def train_all(a) -> None:
    """Every stage from scratch in one command, resumable: stage 1 (tokenizer), stage 2 (generator),
    then the fp16 weights and the bundle. A stage whose output exists is skipped, a stage that was
    interrupted resumes from its checkpoint, so rerunning the same command finishes the job."""
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    tok, gen = out / "tok", out / "gen"
    common = ["--seed", str(a.seed), "--threads", str(a.threads)]
    if not (tok / "tokenizer.pt").is_file():
        main(["tokenizer", "--out", str(tok), "--minutes", str(a.tokenizer_minutes), "--steps", str(a.tokenizer_steps),
              "--batch", str(a.tokenizer_batch)] + common)
    else:
        print(f"stage 1 done already: {tok / 'tokenizer.pt'}")
    if not (gen / "hart-tiny.pt").is_file():
        main(["generator", "--tokenizer", str(tok / "tokenizer.pt"), "--out", str(gen), "--images", str(a.images),
              "--minutes", str(a.generator_minutes), "--steps", str(a.generator_steps), "--batch", str(a.batch)] + common)
    else:
        print(f"stage 2 done already: {gen / 'hart-tiny.pt'}")
    from .finalize import main as finalize
    bundle = Path(a.bundle) if a.bundle else out / "bundle"
    finalize(["--checkpoint", str(gen / "hart-tiny.pt"), "--weights", str(out / "hart-tiny.pt"), "--out", str(bundle)])
    log(out, {"stage": "all", "bundle": str(bundle), "elapsed_s": round(time.time() - t0, 1)})


def compact(a) -> None:
    """The training checkpoint's tokenizer as compact fp16 weights to commit (the next session, maybe
    on an empty machine, resumes from them with ``--init``), with the curve that made them. Checks
    that fp16 loses nothing measurable: the ceiling of the fp16-rounded weights against fp32."""
    from .config import ModelConfig
    run = Path(a.run)
    if (run / "config.json").is_file():            # a tokenizer-stage run
        cfg = ModelConfig.from_json(json.loads((run / "config.json").read_text()))
        s = torch.load(run / "ckpt.pt", map_location="cpu", weights_only=False)
        state, step, cpu_s, extra = s["model"], s["step"], s.get("cpu_s", 0.0), {}
    else:                                           # a decoder-stage run: its tokenizer.pt carries the config
        s = torch.load(run / "tokenizer.pt", map_location="cpu", weights_only=False)
        cfg = ModelConfig.from_json(s["config"])
        state, step, cpu_s = s["tokenizer"], s["step"], s.get("cpu_s", 0.0) + s.get("decoder_cpu_s", 0.0)
        extra = {"decoder_steps": s["decoder_steps"]}
    vae = HybridTokenizer(cfg.tokenizer)
    vae.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    report = {"step": step, "cpu_s": round(cpu_s, 1), **extra}
    if a.check:
        report["fp32"] = _ceiling(vae, cfg, a.check)
    half = {k: (v.half() if v.is_floating_point() else v) for k, v in vae.state_dict().items()}
    if a.check:
        vae.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in half.items()})
        report["fp16"] = _ceiling(vae, cfg, a.check)
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"config": cfg.to_json(), "tokenizer": half, "step": step, "cpu_s": report["cpu_s"], **extra}, out)
    log_text = Path(a.log_before).read_text() if a.log_before else ""
    if (run / "log.jsonl").is_file():
        log_text += (run / "log.jsonl").read_text()
    if a.check:
        log_text += json.dumps({"stage": "compact", **report}) + "\n"
    if log_text:
        out.with_suffix(".log.jsonl").write_text(log_text)
    print(json.dumps(report))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m hart_export.train")
    sub = ap.add_subparsers(dest="stage", required=True)
    t = sub.add_parser("tokenizer")
    t.add_argument("--preset", default="hart-tiny"); t.add_argument("--out", type=Path, required=True)
    t.add_argument("--minutes", type=float, default=45); t.add_argument("--steps", type=int, default=10 ** 9)
    t.add_argument("--batch", type=int, default=8); t.add_argument("--lr", type=float, default=3e-4)
    t.add_argument("--seed", type=int, default=0); t.add_argument("--threads", type=int, default=2)
    t.add_argument("--init", type=Path, help="start from shipped weights (weights/hart-tiny.pt)")
    t.add_argument("--arch", help='tokenizer overrides as JSON, e.g. {"stem": 4, "ch": 64, "ch_mult": [1, 2, 2]}')
    t.add_argument("--photo-share", type=float, default=0.125); t.add_argument("--gain", type=float, default=8.0)
    t.add_argument("--grad-weight", type=float, default=0.5, help="weight of the image-gradient loss (stripes, dots, edges)")
    t.add_argument("--texture-weight", type=float, default=0.0, help="weight of the local-contrast loss (patterns whatever their phase)")
    t.add_argument("--beta", type=float, default=0.25, help="commitment weight: how hard the encoder is pulled to the codes")
    t.add_argument("--continuous-share", type=float, default=0.5, help="share of steps that decode the continuous latent")
    t.add_argument("--texture-on", choices=("both", "discrete"), default="both", help="steps that get the texture loss")
    t.add_argument("--device", default="cpu", help="cpu or cuda"); t.add_argument("--amp", action="store_true", help="bf16 autocast")
    t.add_argument("--workers", type=int, default=0, help="processes that render batches (0: in the training loop)")
    t.add_argument("--cpu-minutes", type=float, default=0, help="stop after this much CPU time of this run, counted from --init or the start (equal-budget ablations)")
    t.add_argument("--eval-minutes", type=float, default=0, help="tokenizer ceiling every M minutes (0: only at the end)")
    t.add_argument("--eval-n", type=int, default=0, help="held-out scenes per ceiling evaluation (0: none)")
    dd = sub.add_parser("decoder", help="fine-tune the tokenizer's decoder only (runs beside the generator)")
    dd.add_argument("--tokenizer", type=Path, required=True); dd.add_argument("--out", type=Path, required=True)
    dd.add_argument("--minutes", type=float, default=40); dd.add_argument("--steps", type=int, default=10 ** 9)
    dd.add_argument("--batch", type=int, default=8); dd.add_argument("--lr", type=float, default=5e-4)
    dd.add_argument("--seed", type=int, default=0); dd.add_argument("--threads", type=int, default=1)
    dd.add_argument("--continuous-share", type=float, default=0.5, help="share of steps that decode the continuous latent")
    g = sub.add_parser("generator")
    g.add_argument("--preset", default="hart-tiny"); g.add_argument("--tokenizer", type=Path, required=True)
    g.add_argument("--out", type=Path, required=True); g.add_argument("--images", type=int, default=12000)
    g.add_argument("--minutes", type=float, default=60); g.add_argument("--steps", type=int, default=10 ** 9)
    g.add_argument("--batch", type=int, default=48); g.add_argument("--lr", type=float, default=5e-4)
    g.add_argument("--seed", type=int, default=0); g.add_argument("--threads", type=int, default=2)
    g.add_argument("--init", type=Path, help="start from shipped weights (weights/hart-tiny.pt)")
    al = sub.add_parser("all", help="every stage from scratch, then the bundle (resumable: rerun the same command)")
    al.add_argument("--out", type=Path, required=True); al.add_argument("--bundle", type=Path, help="default OUT/bundle")
    al.add_argument("--tokenizer-minutes", type=float, default=60); al.add_argument("--tokenizer-steps", type=int, default=10 ** 9)
    al.add_argument("--tokenizer-batch", type=int, default=8)
    al.add_argument("--generator-minutes", type=float, default=75); al.add_argument("--generator-steps", type=int, default=10 ** 9)
    al.add_argument("--images", type=int, default=12000); al.add_argument("--batch", type=int, default=48)
    al.add_argument("--seed", type=int, default=0); al.add_argument("--threads", type=int, default=2)
    c = sub.add_parser("compact", help="a run's tokenizer as fp16 weights to commit, with its log and an fp16 check")
    c.add_argument("--run", type=Path, required=True); c.add_argument("--out", type=Path, required=True)
    c.add_argument("--check", type=int, default=200, help="held-out scenes for the fp32/fp16 ceiling check (0: none)")
    c.add_argument("--threads", type=int, default=2)
    c.add_argument("--log-before", type=Path, help="a log to put first (the base run's, for a decoder-stage run)")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    if a.stage == "compact":
        compact(a)
    elif a.stage == "all":
        train_all(a)
    elif a.stage == "tokenizer":
        train_tokenizer(a)
    elif a.stage == "decoder":
        train_decoder(a)
    else:
        train_generator(a)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
