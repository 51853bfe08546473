#!/usr/bin/env python3
"""Eager-PyTorch reference for bench/pretrain_bench.cpp: the same GPT-2 (pre-LN, fused qkv,
tanh-GELU MLP, learned positions, tied LM head), the same step (cross-entropy, backward, clip 1.0,
AdamW β=(0.9, 0.95) with decay on matrices only) on a fixed random batch, with Debian's
python3-torch (the same ATen kernels as libtorch), in float32 or under bf16 autocast (as w2s's
precision = bfloat16). Prints one JSON line.

    /usr/bin/python3 bench/reference/pretrain_step.py configs/family/xs.toml [steps] [warmup] [precision]
"""
import json
import math
import sys
import time
import tomllib

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.ln_1 = nn.LayerNorm(d)
        self.c_attn = nn.Linear(d, 3 * d)
        self.c_proj = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d)
        self.c_fc = nn.Linear(d, 4 * d)
        self.mlp_proj = nn.Linear(4 * d, d)

    def forward(self, x, mask):
        B, T, C = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, self.h, C // self.h).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // self.h)
        att = att.masked_fill(~mask[:T, :T], float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, vocab, d, n_layer, h, n_ctx):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(n_ctx, d)
        self.h = nn.ModuleList(Block(d, h) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(d)
        self.register_buffer("mask", torch.tril(torch.ones(n_ctx, n_ctx, dtype=torch.bool)))
        for p in self.parameters():
            if p.dim() >= 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        for b in self.h:
            x = b(x, self.mask)
        return self.ln_f(x) @ self.wte.weight.t()


def main():
    cfg = tomllib.load(open(sys.argv[1], "rb"))
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    precision = sys.argv[4] if len(sys.argv) > 4 else "float32"
    assert precision in ("float32", "bfloat16"), precision
    m, vocab = cfg["model"], 8192
    B, T = cfg.get("batch_size", 32), cfg.get("seq_len", 128)
    torch.manual_seed(0)
    model = GPT(vocab, m["d_model"], m["n_layer"], m["n_head"], m["n_ctx"])
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.get("weight_decay", 0.1)},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=cfg.get("lr", 1e-3), betas=(0.9, 0.95), eps=1e-8)
    batch = torch.randint(vocab, (B, T + 1))
    x, y = batch[:, :T], batch[:, 1:]

    def step():
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bfloat16"):
            logits = model(x)
        loss = F.cross_entropy(logits.float().reshape(-1, vocab), y.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.get("grad_clip", 1.0))
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = step()
    secs = time.perf_counter() - t0
    d, L = m["d_model"], m["n_layer"]
    non_emb = sum(p.numel() for n, p in model.named_parameters() if not n.startswith(("wte", "wpe")))
    fpt = 6.0 * (non_emb + vocab * d) + 12.0 * L * T * d
    tokens = B * T * steps
    print(json.dumps({"impl": "pytorch-eager", "torch": torch.__version__, "config": sys.argv[1],
                      "non_embedding": non_emb, "threads": torch.get_num_threads(), "precision": precision,
                      "steps": steps, "tokens_per_s": round(tokens / secs, 1),
                      "gflops": round(tokens * fpt / secs / 1e9, 2), "loss": round(loss, 4)}))


if __name__ == "__main__":
    main()
