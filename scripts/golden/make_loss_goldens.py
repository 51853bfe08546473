#!/usr/bin/python3
"""Golden values for the w2s loss tests, from an independent implementation of the published
formulas (Burns et al. 2023, §4.3.2 and appendix; openai/weak-to-strong's logconf_loss_fn as a
description of the reference rule), in float64, sharing no code with w2s.

Writes tests/golden/losses/losses.json: fixed logits (b, 2) and soft weak labels (b, 2), and for
each loss setting the batch threshold, the share hardened to class 1, the mean loss and its
gradient with respect to the logits. The settings:
  logconf paper form, prior weak:     m = f1 - f0, q = mean weak-positive rate of the batch,
                                      t = quantile(m, 1 - q) (linear interpolation), h1 = m > t,
                                      L = mean((1 - a) CE(f, w) + a CE(f, onehot(h1)))
  logconf paper form, prior balanced: the same with q = 1/2
  logconf reference form:             t = quantile(p0, q), h1 = p0 < t (p = softmax f)
  product:                            target proportional to p^beta * w^alpha (detached), CE(f, target)
  window:                             CE(f, w) over the rows with max(w) <= window_max, mean over them
Run with Debian's PyTorch (apt-get install python3-torch):
  /usr/bin/python3 scripts/golden/make_loss_goldens.py
Deterministic: a fixed seed; rerunning rewrites an identical file.
"""
import json
import os

import torch

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "tests", "golden", "losses", "losses.json")


def ce_rows(f, t):
    return -(t * torch.log_softmax(f, dim=1)).sum(dim=1)


def logconf(f, w, alpha, form, prior):
    p = torch.softmax(f.detach(), dim=1)
    q = w[:, 1].mean()
    if form == "reference":
        t = torch.quantile(p[:, 0], q)
        h1 = (p[:, 0] < t).double()
    else:
        share = q if prior == "weak" else torch.tensor(0.5, dtype=torch.float64)
        m = f.detach()[:, 1] - f.detach()[:, 0]
        t = torch.quantile(m, 1.0 - share)
        h1 = (m > t).double()
    hard = torch.stack([1.0 - h1, h1], dim=1)
    loss = ((1.0 - alpha) * ce_rows(f, w) + alpha * ce_rows(f, hard)).mean()
    return loss, float(t), float(h1.mean())


def product(f, w, a, b):
    logp = torch.log_softmax(f.detach(), dim=1)
    logt = b * logp + a * torch.log(w)
    target = torch.softmax(logt, dim=1)
    return ce_rows(f, target).mean()


def window(f, w, window_max):
    keep = w.max(dim=1).values <= window_max
    return ce_rows(f[keep], w[keep]).mean()


def case(name, options, f0, w, fn, alpha=None):
    f = f0.clone().requires_grad_(True)
    out = fn(f)
    loss, extra = (out[0], {"threshold": out[1], "hardened_rate": out[2]}) if isinstance(out, tuple) else (out, {})
    loss.backward()
    row = {"name": name, "options": options, "logits": f0.tolist(), "weak": w.tolist(), "loss": float(loss),
           "grad": f.grad.tolist()}
    if alpha is not None:
        row["alpha"] = alpha
    row.update(extra)
    return row


def main():
    g = torch.Generator().manual_seed(2023)
    b = 16
    # Logits rounded to float32 values, so w2s (float32) reads the same numbers.
    f = (torch.randn(b, 2, generator=g, dtype=torch.float64) * 2.0).float().double()
    # Soft weak labels, 11 of 16 leaning positive: the weak prior differs from one half.
    p1 = torch.sigmoid(torch.randn(b, generator=g, dtype=torch.float64) * 2.0 + 0.8).float().double()
    w = torch.stack([1.0 - p1, p1], dim=1)
    # A saturated batch: in float32 p1 is exactly 1 in every row.
    fs = torch.stack([torch.zeros(8, dtype=torch.float64), torch.arange(20.0, 36.0, 2.0, dtype=torch.float64)], 1)
    ws = torch.tensor([[0.2, 0.8]] * 4 + [[0.9, 0.1]] * 4, dtype=torch.float64)
    cases = []
    for alpha in (0.25, 0.75, 1.0):
        for prior in ("weak", "balanced"):
            cases.append(case(f"logconf paper {prior} a={alpha}", {"name": "logconf", "logconf_form": "paper",
                                                                   "logconf_prior": prior}, f, w,
                              lambda x, a=alpha, pr=prior: logconf(x, w, a, "paper", pr), alpha))
        cases.append(case(f"logconf reference a={alpha}", {"name": "logconf", "logconf_form": "reference"}, f, w,
                          lambda x, a=alpha: logconf(x, w, a, "reference", "weak"), alpha))
    cases.append(case("logconf paper saturated a=1", {"name": "logconf", "logconf_form": "paper",
                                                      "logconf_prior": "weak"}, fs, ws,
                      lambda x: logconf(x, ws, 1.0, "paper", "weak"), 1.0))
    for a, bb in ((1.0, 1.0), (0.5, 2.0), (0.0, 1.0)):
        cases.append(case(f"product a={a} b={bb}", {"name": "product", "product_alpha": a, "product_beta": bb}, f, w,
                          lambda x, a=a, bb=bb: product(x, w, a, bb)))
    for wm in (0.75, 0.9):
        cases.append(case(f"window {wm}", {"name": "window", "window_max": wm}, f, w,
                          lambda x, wm=wm: window(x, w, wm)))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump({"generator": "scripts/golden/make_loss_goldens.py", "torch": torch.__version__.split("+")[0],
                   "cases": cases}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
