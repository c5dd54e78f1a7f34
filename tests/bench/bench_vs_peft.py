#!/usr/bin/env python3
"""Our LoRA training step vs Hugging Face transformers + peft, side by side, same machine, same
torch build, same random model of a real shape, same token ids. Not a test: prints a Markdown
table for docs/BENCHMARKS.md.

Four configurations, each a fresh process, run interleaved round by round (ours uniform, ours
upper half, peft uniform, peft upper half, then again), so load from the rest of the machine
hits all alike: r 16 (alpha 32) on all 7 projections, AdamW, global-norm clipping 1.0, no
dropout; "upper half" = the upper half of the layers (peft: layers_to_transform). Reported:
median optimizer-step time over all timed steps, tokens/s, peak memory (process peak RSS on
CPU, CUDA allocator peak on GPU), ratios.

  python tests/bench/bench_vs_peft.py --aletheia-ref build-torch2/tests/reference/aletheia_ref \\
      [--shape qwen2.5-0.5b|llama3-1b] [--layers N] [--batch 1] [--seq 512] [--steps 2] \\
      [--warmup 1] [--rounds 2] [--device cpu|cuda] [--dtype fp32|bf16] [--threads N]

--layers keeps the shape's widths (hidden, heads, MLP, vocabulary) with fewer layers, for
machines where the full depth takes too long; say so when quoting the figures.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHAPES = {
    # Qwen2.5-0.5B: hidden 896, 24 layers, GQA 14/2, SwiGLU 4864, vocab 151936, tied embeddings.
    "qwen2.5-0.5b": dict(model_type="qwen2", hidden_size=896, num_hidden_layers=24, num_attention_heads=14,
                         num_key_value_heads=2, intermediate_size=4864, vocab_size=151936,
                         tie_word_embeddings=True, rope_theta=1000000.0, rms_norm_eps=1e-6,
                         max_position_embeddings=32768),
    # Llama-3.2-1B: hidden 2048, 16 layers, GQA 32/8, SwiGLU 8192, vocab 128256, tied embeddings.
    "llama3-1b": dict(model_type="llama", hidden_size=2048, num_hidden_layers=16, num_attention_heads=32,
                      num_key_value_heads=8, intermediate_size=8192, vocab_size=128256,
                      tie_word_embeddings=True, rope_theta=500000.0, rms_norm_eps=1e-5,
                      max_position_embeddings=131072),
}
PROJECTIONS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
RANK, ALPHA = 16, 32


def make_model(shape, layers, directory):
    """A random checkpoint of the shape (seeded), written once as fp32 safetensors."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM
    if (directory / "config.json").exists():
        return
    spec = dict(SHAPES[shape])
    if layers:
        spec["num_hidden_layers"] = layers
    config = AutoConfig.for_model(**spec, torch_dtype="float32")
    torch.manual_seed(1234)
    model = AutoModelForCausalLM.from_config(config, torch_dtype=torch.float32)
    model.save_pretrained(str(directory), safe_serialization=True)


def plan_yaml(layers):
    lines = ["# Aletheia adapter plan", "dropout: 0.0", "rslora: false", "layers:"]
    for layer in layers:
        lines.append(f"  {layer}:")
        lines += [f"    {m}: {{r: {RANK}, alpha: {ALPHA}}}" for m in PROJECTIONS]
    return "\n".join(lines) + "\n"


def peft_worker(args):
    """One peft run in this process: warm-up + timed steps; prints the same JSON as aletheia_ref."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM
    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(args.model, torch_dtype=torch.float32,
                                                 attn_implementation="sdpa").to(args.device)
    layers = json.loads(args.layers_json)
    config = LoraConfig(r=RANK, lora_alpha=ALPHA, lora_dropout=0.0, target_modules=PROJECTIONS,
                        layers_to_transform=layers, task_type="CAUSAL_LM")
    model = get_peft_model(model, config)
    if dtype == torch.bfloat16:  # bf16 base weights, fp32 adapters, bf16 autocast: the usual recipe
        for n, p in model.named_parameters():
            if not p.requires_grad:
                p.data = p.data.to(dtype)
    model.train()
    ids = torch.tensor(json.loads(Path(args.ids).read_text()), device=args.device)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=2e-4)
    times = []
    if args.device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()
    for step in range(args.warmup + args.steps):
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        with torch.autocast(device_type=args.device.split(":")[0], dtype=torch.bfloat16,
                            enabled=dtype == torch.bfloat16):
            loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss.item()
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        if step >= args.warmup:
            times.append(time.perf_counter() - t0)
    peak = (torch.cuda.max_memory_allocated() if args.device.startswith("cuda")
            else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    print(json.dumps({"step_s": times, "peak_memory_bytes": peak,
                      "trainable_params": sum(p.numel() for p in params)}))


def run_json(cmd, env):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.exit(f"bench_vs_peft: {' '.join(map(str, cmd))} failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--aletheia-ref", default="build-torch2/tests/reference/aletheia_ref")
    p.add_argument("--shape", choices=sorted(SHAPES), default="qwen2.5-0.5b")
    p.add_argument("--layers", type=int, default=0)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--seq", type=int, default=512)
    p.add_argument("--steps", type=int, default=2, help="timed steps per configuration and round")
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--device", default="cpu")
    p.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    p.add_argument("--threads", type=int, default=0, help="torch threads for both sides (0: all cores)")
    p.add_argument("--cache", default=os.path.expanduser("~/.cache/aletheia/bench"))
    # internal: one peft run
    p.add_argument("--peft-worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--model", help=argparse.SUPPRESS)
    p.add_argument("--ids", help=argparse.SUPPRESS)
    p.add_argument("--layers-json", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.peft_worker:
        return peft_worker(args)

    import torch
    threads = args.threads or os.cpu_count()
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    n_layers = args.layers or SHAPES[args.shape]["num_hidden_layers"]
    model_dir = Path(args.cache) / f"{args.shape}-{n_layers}l"
    make_model(args.shape, args.layers, model_dir)
    tmp = Path(tempfile.mkdtemp(prefix="bench-vs-peft-"))
    torch.manual_seed(7)
    ids = torch.randint(0, SHAPES[args.shape]["vocab_size"], (args.batch, args.seq))
    (tmp / "ids.json").write_text(json.dumps(ids.tolist()))
    plans = {"uniform": list(range(n_layers)), "upper half": list(range(n_layers // 2, n_layers))}
    for name, layers in plans.items():
        (tmp / f"{name}.yaml").write_text(plan_yaml(layers))

    results = {}
    for rnd in range(args.rounds):
        for side in ("ours", "peft"):
            for name, layers in plans.items():
                if side == "ours":
                    cmd = [args.aletheia_ref, "steps", model_dir, tmp / f"{name}.yaml", tmp / "ids.json",
                           args.steps, args.warmup, args.dtype, args.device]
                else:
                    cmd = [sys.executable, __file__, "--peft-worker", "--model", model_dir, "--ids", tmp / "ids.json",
                           "--layers-json", json.dumps(layers), "--steps", str(args.steps), "--warmup",
                           str(args.warmup), "--device", args.device, "--dtype", args.dtype]
                r = run_json([str(c) for c in cmd], env)
                slot = results.setdefault((side, name), {"step_s": [], "peak": 0, "params": r["trainable_params"]})
                slot["step_s"] += r["step_s"]
                slot["peak"] = max(slot["peak"], r["peak_memory_bytes"])
                print(f"round {rnd + 1}: {side:4s} {name:10s} {statistics.median(r['step_s']):8.3f} s/step",
                      file=sys.stderr, flush=True)

    tokens = args.batch * args.seq
    print(f"\n{args.shape} ({n_layers} layers), batch {args.batch} x {args.seq} tokens, {args.device} {args.dtype}, "
          f"{threads} threads, torch {torch.__version__}, {args.rounds} rounds x {args.steps} timed steps\n")
    print("| configuration | trainable | median step (s) | tokens/s | peak memory (MiB) |")
    print("|---|---:|---:|---:|---:|")
    med = {}
    for (side, name), r in results.items():
        med[(side, name)] = statistics.median(r["step_s"])
        print(f"| {side} {name} | {r['params'] / 1e6:.2f}M | {med[(side, name)]:.3f} | {tokens / med[(side, name)]:.1f} "
              f"| {r['peak'] / 2**20:.0f} |")
    print()
    for name in plans:
        print(f"- ours vs peft, {name}: {med[('peft', name)] / med[('ours', name)]:.2f}x tokens/s")
    for side in ("ours", "peft"):
        print(f"- {side}: upper half vs uniform: {med[(side, 'uniform')] / med[(side, 'upper half')]:.2f}x")


if __name__ == "__main__":
    main()
