#!/usr/bin/env python3
"""Reference logits from Hugging Face transformers for tests/models/hf_parity_test.cpp.

Builds tiny GPT-2, GPT-NeoX (Pythia), Llama (with Llama 3 rope scaling), Mistral (sliding window),
Qwen2 and Qwen3 models from configs with fixed seeds (nothing is downloaded),
saves each with save_pretrained(safe_serialization=True) into tests/golden/hf/<name>/ and writes
expected.safetensors there: input_ids (B, T) I64, attention_mask (B, T) I64 (right padding) and
the model's float32 logits (B, T, V) (only real positions are compared).
Needs: torch, transformers, safetensors (e.g. on the GPU machine; the forward runs on the CPU).
  python3 scripts/golden/hf_parity.py [--out tests/golden/hf]
"""
import argparse
import json
import os
import platform
import sys
import traceback

import torch
import safetensors
from safetensors.torch import save_file
import transformers
from transformers import (GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM,
                          Qwen2Config, Qwen2ForCausalLM)


def optional(name):
    """A config/model class pair of this transformers version, or None (Qwen3 needs >= 4.51)."""
    return getattr(transformers, name + "Config", None), getattr(transformers, name + "ForCausalLM", None)

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
INPUT_IDS = [[3, 17, 0, 29, 8, 11, 25], [30, 2, 14, 0, 5, 0, 0]]
LENGTHS = [7, 5]


def variants():
    common_llama = dict(vocab_size=32, hidden_size=16, intermediate_size=24, num_hidden_layers=2,
                        num_attention_heads=4, max_position_embeddings=16, rms_norm_eps=1e-6,
                        hidden_act="silu")
    out = [
        ("gpt2", GPT2LMHeadModel,
         lambda: GPT2Config(vocab_size=32, n_positions=16, n_embd=16, n_layer=2, n_head=4, n_inner=None,
                    activation_function="gelu_new", tie_word_embeddings=True), torch.float32),
        ("gpt2_untied", GPT2LMHeadModel,
         lambda: GPT2Config(vocab_size=32, n_positions=16, n_embd=16, n_layer=2, n_head=4, n_inner=24,
                    tie_word_embeddings=False), torch.float32),
        ("llama", LlamaForCausalLM,
         lambda: LlamaConfig(num_key_value_heads=2, rope_theta=10000.0, tie_word_embeddings=False,
                     **common_llama), torch.float32),
        ("llama_bias_tied", LlamaForCausalLM,
         lambda: LlamaConfig(num_key_value_heads=4, rope_theta=500.0, tie_word_embeddings=True,
                     attention_bias=True, mlp_bias=True, **common_llama), torch.float32),
        ("qwen2", Qwen2ForCausalLM,
         lambda: Qwen2Config(num_key_value_heads=1, rope_theta=1000000.0, tie_word_embeddings=True,
                     use_sliding_window=False, **common_llama), torch.float32),
        ("qwen2_untied_bf16", Qwen2ForCausalLM,
         lambda: Qwen2Config(num_key_value_heads=2, rope_theta=10000.0, tie_word_embeddings=False,
                     use_sliding_window=False, **common_llama), torch.bfloat16),
        ("llama3_rope", LlamaForCausalLM,
         lambda: LlamaConfig(num_key_value_heads=2, rope_theta=500.0, tie_word_embeddings=True,
                     rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                   "high_freq_factor": 4.0, "original_max_position_embeddings": 8},
                     **common_llama), torch.float32),
    ]
    neox_cfg, neox_cls = optional("GPTNeoX")
    if neox_cfg:
        for name, parallel, pct, dtype in (("gpt_neox", True, 0.25, torch.float16),
                                           ("gpt_neox_sequential", False, 0.5, torch.float32)):
            out.append((name, neox_cls,
                        lambda pct=pct, parallel=parallel: neox_cfg(vocab_size=32, hidden_size=32, intermediate_size=64,
                                 num_hidden_layers=2, num_attention_heads=2,
                                 max_position_embeddings=16, rotary_pct=pct,
                                 use_parallel_residual=parallel, hidden_act="gelu",
                                 tie_word_embeddings=False), dtype))
    mistral_cfg, mistral_cls = optional("Mistral")
    if mistral_cfg:
        out.append(("mistral_window3", mistral_cls,
                    lambda: mistral_cfg(num_key_value_heads=2, sliding_window=3, tie_word_embeddings=False,
                                **common_llama), torch.float32))
    qwen3_cfg, qwen3_cls = optional("Qwen3")
    if qwen3_cfg:
        out.append(("qwen3", qwen3_cls,
                    lambda: qwen3_cfg(num_key_value_heads=2, head_dim=8, rope_theta=1000000.0,
                              tie_word_embeddings=True, use_sliding_window=True, sliding_window=4,
                              max_window_layers=1, **common_llama), torch.bfloat16))
    return out


def build(cls, config, seed):
    torch.manual_seed(seed)
    try:
        model = cls._from_config(config, attn_implementation="eager")
    except TypeError:  # older transformers
        model = cls(config)
    if getattr(config, "mlp_bias", False) and hasattr(model, "model") \
            and model.model.layers[0].mlp.gate_proj.bias is None:
        config.mlp_bias = False  # this transformers version has no MLP biases
    # Larger-than-default weights so that logits are far from uniform.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1 and ("norm" in name or "ln_" in name) and name.endswith("weight"):
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
            else:
                p.copy_(0.25 * torch.randn_like(p))
    return model.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "golden", "hf"))
    args = ap.parse_args()
    ids = torch.tensor(INPUT_IDS, dtype=torch.int64)
    mask = torch.zeros_like(ids)
    for b, n in enumerate(LENGTHS):
        mask[b, :n] = 1
    made, failed = [], []
    for seed, (name, cls, make_config, dtype) in enumerate(variants(), start=100):
        # One variant that this transformers version cannot build must not cost the others.
        try:
            config = make_config()  # built here: a keyword this version rejects fails one variant
            model = build(cls, config, seed)
            out = os.path.join(args.out, name)
            os.makedirs(out, exist_ok=True)
            if dtype != torch.float32:
                model = model.to(dtype)
            model.save_pretrained(out, safe_serialization=True)
            # The logits of the folder as a transformers user loads it, in float32. (model.float()
            # would not do: model.to(dtype) also rounds buffers such as the rotary inv_freq, which
            # from_pretrained computes afresh; goldens made that way differ from the formulas by up
            # to 5e-4 at position 6, growing with position.)
            try:
                model = cls.from_pretrained(out, dtype=torch.float32, attn_implementation="eager").eval()
            except TypeError:  # transformers < 4.56 names it torch_dtype
                model = cls.from_pretrained(out, torch_dtype=torch.float32, attn_implementation="eager").eval()
            with torch.no_grad():
                logits = model(input_ids=ids, attention_mask=mask).logits.float()
            save_file({"input_ids": ids, "attention_mask": mask, "logits": logits.contiguous()},
                      os.path.join(out, "expected.safetensors"), metadata={"format": "pt"})
            print(f"{out}: {sum(p.numel() for p in model.parameters())} parameters")
            made.append(name)
        except Exception as e:  # noqa: BLE001 - reported and recorded below
            traceback.print_exc()
            failed.append({"name": name, "error": f"{type(e).__name__}: {e}"})
    # What wrote these files, so that a reader of the goldens knows which transformers they pin.
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump({"torch": torch.__version__, "transformers": transformers.__version__,
                   "safetensors": getattr(safetensors, "__version__", "unknown"),
                   "python": platform.python_version(), "expected_from": "from_pretrained float32",
                   "made": made, "failed": failed}, f, indent=2)
        f.write("\n")
    print(f"made {len(made)}, failed {len(failed)}: {[x['name'] for x in failed]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
