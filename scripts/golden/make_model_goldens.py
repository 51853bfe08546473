#!/usr/bin/python3
"""Golden values for the w2s model tests, from an independent implementation.

Writes tiny checkpoints of every architecture w2s loads (Hugging Face layout: config.json with the
field set of the real family's files + model.safetensors) and their expected logits to
tests/golden/models/<name>/. The forward passes below are written from the published formulas in
float64, sharing no code with w2s:
  GPT-2: learned positions, pre-LayerNorm, Conv1D weights stored (in, out), gelu_new.
  Llama/Mistral/Qwen2/Qwen3: RMSNorm, rotary embeddings (dimension i pairs with i + R/2, angle
  p·f_i with f_i = θ^(−2i/R)), SwiGLU MLP, grouped-query attention (query head h reads key/value
  head h // (H/Hkv)); Qwen2 q/k/v biases; Qwen3 RMSNorm on each query and key head before the
  rotation; a sliding window (a query sees its last W positions, itself included) in Mistral and
  in Qwen's layers from max_window_layers on; Llama 3.1 rope scaling (f_i / factor for wavelengths
  2π/f_i above original/low_freq_factor, f_i below original/high_freq_factor, interpolated between).
  GPT-NeoX (Pythia): LayerNorm with bias, query_key_value rows grouped per head as [q_h; k_h; v_h],
  rotary on the first rotary_pct of each head, exact (erf) GELU, parallel residual
  x + attn(ln1(x)) + mlp(ln2(x)) or the sequential form, untied embed_out.
Run with Debian's PyTorch (apt-get install python3-torch):
  /usr/bin/python3 scripts/golden/make_model_goldens.py
Deterministic: fixed seeds; rerunning rewrites identical files.
"""
import json
import math
import os
import struct
import sys

import torch

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "tests", "golden", "models")

# Two sequences, the second right-padded to length 5 (pad id 0; the padding is ignored).
INPUT_IDS = [[3, 17, 0, 29, 8, 11, 25], [30, 2, 14, 0, 5, 0, 0]]
LENGTHS = [7, 5]

ST_DTYPES = {torch.float32: "F32", torch.bfloat16: "BF16", torch.float16: "F16", torch.int64: "I64"}


def write_safetensors(path, tensors, metadata=None):
    """safetensors by hand: u64 LE header length, JSON header, raw little-endian bytes."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        if t.dtype in (torch.bfloat16, torch.float16):
            raw = t.view(torch.int16).numpy().tobytes()
        else:
            raw = t.numpy().tobytes()
        header[name] = {"dtype": ST_DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    assert sys.byteorder == "little"
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def rand(gen, *shape, scale=0.2):
    return torch.randn(*shape, generator=gen, dtype=torch.float32) * scale


def norm_weight(gen, n):
    return 1.0 + rand(gen, n, scale=0.1)


# ---------------------------------------------------------------- GPT-2


def gpt2_weights(cfg, gen):
    C, V, P, F = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"], cfg["n_inner"]
    w = {"transformer.wte.weight": rand(gen, V, C, scale=0.5),
         "transformer.wpe.weight": rand(gen, P, C, scale=0.3)}
    for i in range(cfg["n_layer"]):
        p = f"transformer.h.{i}."
        w[p + "ln_1.weight"] = norm_weight(gen, C)
        w[p + "ln_1.bias"] = rand(gen, C, scale=0.1)
        w[p + "attn.c_attn.weight"] = rand(gen, C, 3 * C)  # Conv1D: (in, out)
        w[p + "attn.c_attn.bias"] = rand(gen, 3 * C, scale=0.1)
        w[p + "attn.c_proj.weight"] = rand(gen, C, C)
        w[p + "attn.c_proj.bias"] = rand(gen, C, scale=0.1)
        w[p + "ln_2.weight"] = norm_weight(gen, C)
        w[p + "ln_2.bias"] = rand(gen, C, scale=0.1)
        w[p + "mlp.c_fc.weight"] = rand(gen, C, F)
        w[p + "mlp.c_fc.bias"] = rand(gen, F, scale=0.1)
        w[p + "mlp.c_proj.weight"] = rand(gen, F, C)
        w[p + "mlp.c_proj.bias"] = rand(gen, C, scale=0.1)
    w["transformer.ln_f.weight"] = norm_weight(gen, C)
    w["transformer.ln_f.bias"] = rand(gen, C, scale=0.1)
    if not cfg["tie_word_embeddings"]:
        w["lm_head.weight"] = rand(gen, V, C, scale=0.5)
    return w


def layer_norm(x, weight, bias, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * weight + bias


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def causal_attention(q, k, v):
    """q: (H, T, D), k/v: (H, T, D); position t sees positions 0..t."""
    T, D = q.shape[1], q.shape[2]
    out = torch.zeros_like(q)
    for t in range(T):
        scores = (q[:, t:t + 1, :] @ k[:, :t + 1, :].transpose(1, 2)) / math.sqrt(D)  # (H, 1, t+1)
        p = torch.exp(scores - scores.max(-1, keepdim=True).values)
        p = p / p.sum(-1, keepdim=True)
        out[:, t, :] = (p @ v[:, :t + 1, :])[:, 0, :]
    return out


def gpt2_forward(cfg, w, ids):
    """ids: list of ints (one unpadded sequence) → (T, V) logits in float64."""
    g = {k: v.double() for k, v in w.items()}
    C, H, eps = cfg["n_embd"], cfg["n_head"], cfg["layer_norm_epsilon"]
    D = C // H
    T = len(ids)
    x = g["transformer.wte.weight"][ids] + g["transformer.wpe.weight"][:T]
    for i in range(cfg["n_layer"]):
        p = f"transformer.h.{i}."
        a = layer_norm(x, g[p + "ln_1.weight"], g[p + "ln_1.bias"], eps)
        qkv = a @ g[p + "attn.c_attn.weight"] + g[p + "attn.c_attn.bias"]  # (T, 3C)
        q, k, v = (qkv[:, j * C:(j + 1) * C].reshape(T, H, D).transpose(0, 1) for j in range(3))
        y = causal_attention(q, k, v).transpose(0, 1).reshape(T, C)
        x = x + y @ g[p + "attn.c_proj.weight"] + g[p + "attn.c_proj.bias"]
        m = layer_norm(x, g[p + "ln_2.weight"], g[p + "ln_2.bias"], eps)
        h = gelu_new(m @ g[p + "mlp.c_fc.weight"] + g[p + "mlp.c_fc.bias"])
        x = x + h @ g[p + "mlp.c_proj.weight"] + g[p + "mlp.c_proj.bias"]
    x = layer_norm(x, g["transformer.ln_f.weight"], g["transformer.ln_f.bias"], eps)
    head = g["lm_head.weight"] if "lm_head.weight" in g else g["transformer.wte.weight"]
    return x @ head.T


# ---------------------------------------------------------------- Llama / Qwen2


def llama_dims(cfg):
    H = cfg["num_attention_heads"]
    D = cfg.get("head_dim") or cfg["hidden_size"] // H
    return cfg["hidden_size"], H, cfg["num_key_value_heads"], D


def llama_weights(cfg, gen):
    C, H, Hkv, D = llama_dims(cfg)
    V, F = cfg["vocab_size"], cfg["intermediate_size"]
    qwen2 = cfg["model_type"] == "qwen2"
    bias = qwen2 or cfg.get("attention_bias", False)
    mlp_bias = cfg.get("mlp_bias", False)
    w = {"model.embed_tokens.weight": rand(gen, V, C, scale=0.5)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = norm_weight(gen, C)
        for name, rows in (("q_proj", H * D), ("k_proj", Hkv * D), ("v_proj", Hkv * D)):
            w[p + f"self_attn.{name}.weight"] = rand(gen, rows, C, scale=0.3)  # Linear: (out, in)
            if bias:
                w[p + f"self_attn.{name}.bias"] = rand(gen, rows, scale=0.2)
        if cfg["model_type"] == "qwen3":
            w[p + "self_attn.q_norm.weight"] = norm_weight(gen, D)
            w[p + "self_attn.k_norm.weight"] = norm_weight(gen, D)
        w[p + "self_attn.o_proj.weight"] = rand(gen, C, H * D)
        if bias and not qwen2:
            w[p + "self_attn.o_proj.bias"] = rand(gen, C, scale=0.1)
        w[p + "post_attention_layernorm.weight"] = norm_weight(gen, C)
        w[p + "mlp.gate_proj.weight"] = rand(gen, F, C)
        w[p + "mlp.up_proj.weight"] = rand(gen, F, C)
        w[p + "mlp.down_proj.weight"] = rand(gen, C, F)
        if mlp_bias:
            for name, n in (("gate_proj", F), ("up_proj", F), ("down_proj", C)):
                w[p + f"mlp.{name}.bias"] = rand(gen, n, scale=0.1)
    w["model.norm.weight"] = norm_weight(gen, C)
    if not cfg["tie_word_embeddings"]:
        w["lm_head.weight"] = rand(gen, V, C, scale=0.5)
    return w


def rms_norm(x, weight, eps):
    return x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * weight


def frequencies(theta, R, scaling):
    """f_i = θ^(−2i/R) for i < R/2, with a Llama 3.1 or linear stretch."""
    freqs = [theta ** (-2.0 * i / R) for i in range(R // 2)]
    kind = (scaling or {}).get("rope_type", "default")
    if kind == "linear":
        return [f / scaling["factor"] for f in freqs]
    if kind == "llama3":
        k, lo, hi = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
        n = scaling["original_max_position_embeddings"]
        out = []
        for f in freqs:
            wavelength = 2 * math.pi / f
            if wavelength < n / hi:
                out.append(f)
            elif wavelength > n / lo:
                out.append(f / k)
            else:  # interpolate between f / k and f by where n / wavelength falls in [lo, hi]
                a = (n / wavelength - lo) / (hi - lo)
                out.append((1 - a) * f / k + a * f)
        return out
    assert kind == "default", kind
    return freqs


def rotate(x, freqs):
    """x: (H, T, D). Rotate the pair (x[..., i], x[..., i + R/2]) by angle t·f_i, R = 2·len(freqs);
    dimensions R.. are left as they are."""
    H, T, D = x.shape
    half = len(freqs)
    out = x.clone()
    for i, freq in enumerate(freqs):
        for t in range(T):
            c, s = math.cos(t * freq), math.sin(t * freq)
            a, b = x[:, t, i], x[:, t, i + half]
            out[:, t, i] = a * c - b * s
            out[:, t, i + half] = b * c + a * s
    return out


def windowed_attention(q, k, v, window):
    """causal_attention where position t sees only positions t-window+1..t."""
    T, D = q.shape[1], q.shape[2]
    out = torch.zeros_like(q)
    for t in range(T):
        lo = max(0, t - window + 1)
        scores = (q[:, t:t + 1, :] @ k[:, lo:t + 1, :].transpose(1, 2)) / math.sqrt(D)
        p = torch.exp(scores - scores.max(-1, keepdim=True).values)
        p = p / p.sum(-1, keepdim=True)
        out[:, t, :] = (p @ v[:, lo:t + 1, :])[:, 0, :]
    return out


def layer_window(cfg, i):
    """The sliding window of layer i, or None (full causal attention)."""
    W = cfg.get("sliding_window")
    if W is None:
        return None
    if cfg["model_type"] == "mistral":
        return W
    if cfg["model_type"] in ("qwen2", "qwen3") and cfg.get("use_sliding_window") \
            and i >= cfg.get("max_window_layers", 28):
        return W
    return None


def linear(g, name, x):
    y = x @ g[name + ".weight"].T
    return y + g[name + ".bias"] if name + ".bias" in g else y


def llama_forward(cfg, w, ids):
    g = {k: v.double() for k, v in w.items()}
    C, H, Hkv, D = llama_dims(cfg)
    eps = cfg["rms_norm_eps"]
    freqs = frequencies(cfg["rope_theta"], D, cfg.get("rope_scaling"))
    T = len(ids)
    x = g["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        a = rms_norm(x, g[p + "input_layernorm.weight"], eps)
        q = linear(g, p + "self_attn.q_proj", a).reshape(T, H, D).transpose(0, 1)
        k = linear(g, p + "self_attn.k_proj", a).reshape(T, Hkv, D).transpose(0, 1)
        v = linear(g, p + "self_attn.v_proj", a).reshape(T, Hkv, D).transpose(0, 1)
        if p + "self_attn.q_norm.weight" in g:  # Qwen3: each head's vector normalized over D
            q = rms_norm(q, g[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, g[p + "self_attn.k_norm.weight"], eps)
        q, k = rotate(q, freqs), rotate(k, freqs)
        group = H // Hkv
        k = torch.stack([k[h // group] for h in range(H)])
        v = torch.stack([v[h // group] for h in range(H)])
        W = layer_window(cfg, i)
        y = causal_attention(q, k, v) if W is None else windowed_attention(q, k, v, W)
        y = y.transpose(0, 1).reshape(T, H * D)
        x = x + linear(g, p + "self_attn.o_proj", y)
        m = rms_norm(x, g[p + "post_attention_layernorm.weight"], eps)
        gate = linear(g, p + "mlp.gate_proj", m)
        x = x + linear(g, p + "mlp.down_proj", gate * torch.sigmoid(gate) * linear(g, p + "mlp.up_proj", m))
    x = rms_norm(x, g["model.norm.weight"], eps)
    head = g["lm_head.weight"] if "lm_head.weight" in g else g["model.embed_tokens.weight"]
    return x @ head.T


# ---------------------------------------------------------------- GPT-NeoX


def neox_weights(cfg, gen):
    C, V, F = cfg["hidden_size"], cfg["vocab_size"], cfg["intermediate_size"]
    w = {"gpt_neox.embed_in.weight": rand(gen, V, C, scale=0.5)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"gpt_neox.layers.{i}."
        for ln in ("input_layernorm", "post_attention_layernorm"):
            w[p + ln + ".weight"] = norm_weight(gen, C)
            w[p + ln + ".bias"] = rand(gen, C, scale=0.1)
        w[p + "attention.query_key_value.weight"] = rand(gen, 3 * C, C, scale=0.3)
        w[p + "attention.query_key_value.bias"] = rand(gen, 3 * C, scale=0.2)
        w[p + "attention.dense.weight"] = rand(gen, C, C)
        w[p + "attention.dense.bias"] = rand(gen, C, scale=0.1)
        w[p + "mlp.dense_h_to_4h.weight"] = rand(gen, F, C)
        w[p + "mlp.dense_h_to_4h.bias"] = rand(gen, F, scale=0.1)
        w[p + "mlp.dense_4h_to_h.weight"] = rand(gen, C, F)
        w[p + "mlp.dense_4h_to_h.bias"] = rand(gen, C, scale=0.1)
        # Buffers older Pythia files carry; w2s must skip them.
        w[p + "attention.rotary_emb.inv_freq"] = torch.ones(4)
    w["gpt_neox.final_layer_norm.weight"] = norm_weight(gen, C)
    w["gpt_neox.final_layer_norm.bias"] = rand(gen, C, scale=0.1)
    w["embed_out.weight"] = rand(gen, V, C, scale=0.5)
    return w


def gelu_exact(x):
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def neox_forward(cfg, w, ids):
    g = {k: v.double() for k, v in w.items()}
    C, H, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    D = C // H
    R = int(D * cfg["rotary_pct"])
    freqs = frequencies(cfg["rotary_emb_base"], R, cfg.get("rope_scaling"))
    T = len(ids)
    x = g["gpt_neox.embed_in.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = f"gpt_neox.layers.{i}."
        a = layer_norm(x, g[p + "input_layernorm.weight"], g[p + "input_layernorm.bias"], eps)
        qkv = linear(g, p + "attention.query_key_value", a).reshape(T, H, 3 * D)  # head h: [q_h, k_h, v_h]
        q = qkv[:, :, :D].transpose(0, 1)
        k = qkv[:, :, D:2 * D].transpose(0, 1)
        v = qkv[:, :, 2 * D:].transpose(0, 1)
        q, k = rotate(q, freqs), rotate(k, freqs)
        attn = linear(g, p + "attention.dense", causal_attention(q, k, v).transpose(0, 1).reshape(T, C))

        def mlp(h):
            return linear(g, p + "mlp.dense_4h_to_h", gelu_exact(linear(g, p + "mlp.dense_h_to_4h", h)))
        ln2 = (g[p + "post_attention_layernorm.weight"], g[p + "post_attention_layernorm.bias"], eps)
        if cfg["use_parallel_residual"]:
            x = x + attn + mlp(layer_norm(x, *ln2))
        else:
            x = x + attn
            x = x + mlp(layer_norm(x, *ln2))
    x = layer_norm(x, g["gpt_neox.final_layer_norm.weight"], g["gpt_neox.final_layer_norm.bias"], eps)
    return x @ g["embed_out.weight"].T


# ---------------------------------------------------------------- models


def configs():
    gpt2 = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": 32,
            "n_positions": 16, "n_embd": 16, "n_layer": 2, "n_head": 4, "n_inner": 32,
            "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5,
            "tie_word_embeddings": True, "torch_dtype": "float32"}
    llama = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 32,
             "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 16,
             "rms_norm_eps": 1e-6, "rope_theta": 500.0, "hidden_act": "silu",
             "attention_bias": True, "mlp_bias": True, "tie_word_embeddings": False,
             "rope_scaling": None, "torch_dtype": "float32"}
    # Qwen2: tied, GQA, stored in bfloat16 (w2s casts to float32 on load).
    qwen2 = {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": 32,
             "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 1, "max_position_embeddings": 16,
             "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "hidden_act": "silu",
             "tie_word_embeddings": True, "use_sliding_window": False, "torch_dtype": "bfloat16"}
    # Llama 3.2's field set, with llama3 rope scaling whose bands all occur at D = 8, θ = 500:
    # wavelengths 6.3 (kept), 29.8 (interpolated), 140 and 664 (stretched by 8).
    llama3 = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 32,
              "hidden_size": 32, "intermediate_size": 24, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8,
              "max_position_embeddings": 512, "rms_norm_eps": 1e-5, "rope_theta": 500.0,
              "rope_scaling": {"factor": 8.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                               "original_max_position_embeddings": 64, "rope_type": "llama3"},
              "hidden_act": "silu", "attention_bias": False, "attention_dropout": 0.0,
              "mlp_bias": False, "pretraining_tp": 1, "initializer_range": 0.02,
              "bos_token_id": 1, "eos_token_id": [2, 3], "tie_word_embeddings": True,
              "use_cache": True, "transformers_version": "4.45.0", "torch_dtype": "float32"}
    # Mistral 7B v0.1's field set, with a window of 3 positions (shorter than the inputs).
    mistral = {"architectures": ["MistralForCausalLM"], "model_type": "mistral", "vocab_size": 32,
               "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 2,
               "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 64,
               "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "sliding_window": 3,
               "hidden_act": "silu", "initializer_range": 0.02, "bos_token_id": 1,
               "eos_token_id": 2, "tie_word_embeddings": False, "use_cache": True,
               "transformers_version": "4.34.0", "torch_dtype": "float32"}
    # Qwen3-0.6B's field set: head_dim 8 ≠ hidden/heads, q/k norms, tied, bfloat16; the window
    # of 4 applies from layer 1 on (max_window_layers 1).
    qwen3 = {"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "vocab_size": 32,
             "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8,
             "max_position_embeddings": 64, "max_window_layers": 1, "rms_norm_eps": 1e-6,
             "rope_theta": 1000000.0, "rope_scaling": None, "sliding_window": 4,
             "use_sliding_window": True, "attention_bias": False, "attention_dropout": 0.0,
             "hidden_act": "silu", "initializer_range": 0.02, "bos_token_id": 0,
             "eos_token_id": 1, "tie_word_embeddings": True, "use_cache": True,
             "transformers_version": "4.51.0", "torch_dtype": "bfloat16"}
    # Pythia's field set: half of each 8-wide head rotates (Pythia: a quarter of 64 to 256),
    # parallel residual, stored in float16 as Pythia ships.
    neox = {"architectures": ["GPTNeoXForCausalLM"], "model_type": "gpt_neox", "vocab_size": 32,
            "hidden_size": 16, "intermediate_size": 64, "num_hidden_layers": 2,
            "num_attention_heads": 2, "max_position_embeddings": 64, "rotary_pct": 0.5,
            "rotary_emb_base": 10000, "use_parallel_residual": True, "hidden_act": "gelu",
            "layer_norm_eps": 1e-5, "initializer_range": 0.02, "bos_token_id": 0,
            "eos_token_id": 0, "tie_word_embeddings": False, "use_cache": True,
            "attention_bias": True, "attention_dropout": 0.0, "hidden_dropout": 0.0,
            "classifier_dropout": 0.1, "rope_scaling": None, "transformers_version": "4.24.0",
            "torch_dtype": "float16"}
    # The sequential residual (use_parallel_residual false), a quarter of each head rotating.
    neox_seq = dict(neox, hidden_size=32, num_attention_heads=4, rotary_pct=0.25,
                    use_parallel_residual=False, torch_dtype="float32")
    return {"gpt2": (gpt2, 11), "llama": (llama, 12), "qwen2": (qwen2, 13), "llama3": (llama3, 14),
            "mistral": (mistral, 15), "qwen3": (qwen3, 16), "gpt_neox": (neox, 17),
            "gpt_neox_sequential": (neox_seq, 18)}


def main():
    for name, (cfg, seed) in configs().items():
        gen = torch.Generator().manual_seed(seed)
        if cfg["model_type"] == "gpt2":
            w = gpt2_weights(cfg, gen)
            forward = gpt2_forward
        elif cfg["model_type"] == "gpt_neox":
            w = neox_weights(cfg, gen)
            forward = neox_forward
        else:
            w = llama_weights(cfg, gen)
            forward = llama_forward
        stored_dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16,
                        "float16": torch.float16}[cfg["torch_dtype"]]
        w = {k: v.to(stored_dtype) for k, v in w.items()}  # the model is what the file holds
        V = cfg["vocab_size"]
        logits = torch.zeros(len(INPUT_IDS), len(INPUT_IDS[0]), V, dtype=torch.float64)
        mask = torch.zeros(len(INPUT_IDS), len(INPUT_IDS[0]), dtype=torch.int64)
        for b, (ids, n) in enumerate(zip(INPUT_IDS, LENGTHS)):
            logits[b, :n] = forward(cfg, {k: v.float() for k, v in w.items()}, ids[:n])
            mask[b, :n] = 1
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
            f.write("\n")
        write_safetensors(os.path.join(d, "model.safetensors"), w, {"format": "pt"})
        write_safetensors(os.path.join(d, "expected.safetensors"),
                          {"input_ids": torch.tensor(INPUT_IDS, dtype=torch.int64),
                           "attention_mask": mask, "logits": logits.float()})
        print(f"{d}: {sum(v.numel() for v in w.values())} parameters, "
              f"logit range [{logits.min():.3f}, {logits.max():.3f}]")


if __name__ == "__main__":
    main()
