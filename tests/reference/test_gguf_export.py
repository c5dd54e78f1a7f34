"""Our GGUF exports read by the real `gguf` package (llama.cpp's gguf-py, pinned 0.19.0) and every
tensor compared with what llama.cpp's converters make of our PEFT export:

- LoRA GGUF (adapter.gguf): general.type adapter, adapter.type lora, the architecture llama.cpp
  names; each PEFT lora_A/lora_B pair under the name gguf's own TensorNameMap gives the module,
  B's rows permuted as convert_hf_to_gguf.py's LlamaModel.permute does for q/k (llama, mistral) and
  reordered to [q|k|v] for gpt_neox; llama.cpp's (alpha / r) * B A equals PEFT's scaling * B A
  (rank_pattern, alpha_pattern, rsLoRA baked into B). f32 is compared exactly, f16 as numpy's
  float16 of the same values, q8_0 byte for byte with gguf.quants.quantize.
- Base and merged GGUF (base.gguf, model.gguf): hyperparameters from config.json; every tensor
  equal to the fixture's weights (base) or to peft's merge_and_unload() (merged), transformed the
  same way.
"""
import json
import math

from reference_env import ALETHEIA_REF, MODELS, check, hf_model, load_file, run, work_dir
import numpy as np
import torch

try:
    import gguf
    from gguf import GGUFReader
except ImportError:
    print("reference: missing package gguf==0.19.0; run packaging/install-deps.sh --torch2", flush=True)
    raise SystemExit(1)

# (name, family, rslora, {layer: {module: (r, alpha)}}, gguf type)
CASES = [
    ("llama-uneven", "llama", False,
     {0: {"q_proj": (4, 8), "k_proj": (2, 8), "v_proj": (4, 16)},
      2: {"o_proj": (8, 8), "gate_proj": (4, 8), "up_proj": (4, 8), "down_proj": (2, 4)}}, "f32"),
    ("llama-q8_0", "llama", False, {1: {"q_proj": (32, 32), "k_proj": (4, 8), "down_proj": (32, 64)}}, "q8_0"),
    ("mistral-rslora", "mistral", True, {0: {"q_proj": (4, 8), "k_proj": (4, 8)}, 1: {"up_proj": (2, 3)}}, "f32"),
    ("qwen2-f16", "qwen2", False, {0: {"q_proj": (4, 8), "k_proj": (4, 8), "v_proj": (4, 8)},
                                   1: {"down_proj": (4, 8)}}, "f16"),
    ("gpt_neox-fused", "gpt_neox", False, {0: {"query_key_value": (4, 8), "dense_4h_to_h": (2, 4)}}, "f32"),
    ("phi3-fused", "phi3", False, {1: {"qkv_proj": (4, 8), "gate_up_proj": (4, 8)}}, "f32"),
    ("gpt2-conv1d", "gpt2", False, {0: {"c_attn": (4, 8), "c_fc": (2, 4)}}, "f32"),
]
PERMUTED = {"llama", "mistral", "mixtral"}   # convert_hf_to_gguf.py's LlamaModel (undo_permute)
WHOLE_MODEL = {"llama", "mistral", "qwen2"}  # families we write base/merged GGUF for
TYPES = {"f32": gguf.GGMLQuantizationType.F32, "f16": gguf.GGMLQuantizationType.F16,
         "q8_0": gguf.GGMLQuantizationType.Q8_0}


def plan_yaml(cells, rslora):
    lines = ["# Aletheia adapter plan", "dropout: 0.0", f"rslora: {'true' if rslora else 'false'}", "layers:"]
    for layer, modules in cells.items():
        lines.append(f"  {layer}:")
        for module, (r, alpha) in modules.items():
            lines.append(f"    {module}: {{r: {r}, alpha: {alpha}}}")
    return "\n".join(lines) + "\n"


def llama_permute(w, n_head, n_head_kv):
    """convert_hf_to_gguf.py's LlamaModel.permute."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def neox_qkv(w, n_head):
    """convert_hf_to_gguf.py's GPTNeoXModel: per-head [q_h|k_h|v_h] rows -> [q|k|v]."""
    rest = w.shape[1:]
    w = w.reshape(n_head, 3, w.shape[0] // n_head // 3, *rest)
    return torch.cat([w[:, i].reshape(-1, *rest) for i in range(3)], dim=0)


def to_llamacpp_rows(w, hf_name, family, cfg):
    """The row transformations llama.cpp's converter applies to a weight (or bias, or LoRA B)."""
    n_head = cfg.get("num_attention_heads", cfg.get("n_head"))
    if family in PERMUTED:
        if ".q_proj." in hf_name:
            return llama_permute(w, n_head, n_head)
        if ".k_proj." in hf_name:
            return llama_permute(w, n_head, cfg.get("num_key_value_heads", n_head))
    if family == "gpt_neox" and ".query_key_value." in hf_name:
        return neox_qkv(w, n_head)
    return w


def arch_of(reader):
    return field(reader, "general.architecture")


def field(reader, key):
    f = reader.fields.get(key)
    check(f is not None, f"gguf has key {key}")
    return f.contents()


def tensors_of(path):
    reader = GGUFReader(str(path))
    return reader, {t.name: t for t in reader.tensors}


def values(t):
    """fp32 numpy array in torch order (gguf's shape is ne order, reversed)."""
    data = gguf.quants.dequantize(t.data, t.tensor_type)
    return np.asarray(data, dtype=np.float32).reshape(tuple(int(d) for d in reversed(t.shape)))


def encoded_equal(t, expected, qtype):
    """Our bytes equal the gguf package's encoding of the expected fp32 values."""
    exp = expected.detach().float().numpy()
    if qtype == gguf.GGMLQuantizationType.F32:
        return np.array_equal(values(t), exp)
    if qtype == gguf.GGMLQuantizationType.F16:
        return np.array_equal(values(t), exp.astype(np.float16).astype(np.float32))
    ref = gguf.quants.quantize(exp, qtype)
    return np.array_equal(np.asarray(t.data).reshape(-1).view(np.uint8), ref.reshape(-1).view(np.uint8))


def stored_type(want, w):
    """llama.cpp converters: 1-D stays f32; q8_0 needs rows that are multiples of 32, else f16."""
    if w.dim() <= 1:
        return gguf.GGMLQuantizationType.F32
    if want == gguf.GGMLQuantizationType.Q8_0 and w.shape[-1] % 32 != 0:
        return gguf.GGMLQuantizationType.F16
    return want


def name_map(arch, n_blocks):
    arch_id = next(k for k, v in gguf.MODEL_ARCH_NAMES.items() if v == arch)
    return gguf.get_tensor_name_map(arch_id, n_blocks)


def check_lora(name, family, cfg, out, qtype):
    reader, tensors = tensors_of(out / "gguf" / "adapter.gguf")
    arch = arch_of(reader)
    check(field(reader, "general.type") == "adapter" and field(reader, "adapter.type") == "lora",
          f"{name}: general.type adapter, adapter.type lora ({arch})")
    file_alpha = float(field(reader, "adapter.lora.alpha"))
    peft_cfg = json.loads((out / "adapter" / "adapter_config.json").read_text())
    peft = load_file(str(out / "adapter" / "adapter_model.safetensors"))
    tmap = name_map(arch, cfg.get("num_hidden_layers", cfg.get("n_layer")))  # gpt2: n_layer
    pairs = 0
    for key, A in peft.items():
        if ".lora_A." not in key:
            continue
        path = key.removeprefix("base_model.model.").removesuffix(".lora_A.weight")
        B = peft[key.replace(".lora_A.", ".lora_B.")]
        r = A.shape[0]
        alpha = peft_cfg["lora_alpha"]
        for pattern, value in peft_cfg["alpha_pattern"].items():
            if path == pattern or path.endswith("." + pattern):
                alpha = value
        scaling = alpha / (math.sqrt(r) if peft_cfg["use_rslora"] else r)
        gname = tmap.get_name(path + ".weight", try_suffixes=(".weight",))
        check(gname is not None, f"{name}: gguf's TensorNameMap names {path}")
        a, b = tensors.get(gname + ".lora_a"), tensors.get(gname + ".lora_b")
        check(a is not None and b is not None, f"{name}: {gname}.lora_a/.lora_b present")
        check(list(a.shape) == [A.shape[1], r] and list(b.shape) == [r, B.shape[0]],
              f"{name}: {gname} ne {list(a.shape)} / {list(b.shape)} (llama.cpp rank = lora_a ne[1] = {r})")
        want_b = to_llamacpp_rows(B, path + ".", family, cfg) * (scaling * r / file_alpha)
        check(encoded_equal(a, A, stored_type(qtype, A)) and
              (encoded_equal(b, want_b, stored_type(qtype, B)) if qtype != gguf.GGMLQuantizationType.F32
               else np.allclose(values(b), want_b.numpy(), rtol=1e-6, atol=0)),
              f"{name}: {gname} A and B equal PEFT's (B with llama.cpp's row order and scaling)")
        theirs = (file_alpha / r) * torch.from_numpy(values(b)) @ torch.from_numpy(values(a))
        ours = scaling * to_llamacpp_rows(B @ A, path + ".", family, cfg)
        tol = 1e-6 if qtype == gguf.GGMLQuantizationType.F32 else 2e-2 * ours.abs().max().item()
        check((theirs - ours).abs().max().item() <= tol + 1e-7,
              f"{name}: {gname} llama.cpp's (alpha/r) B A = PEFT's scaling B A (max diff {(theirs - ours).abs().max().item():.1e})")
        pairs += 1
    check(len(tensors) == 2 * pairs, f"{name}: {pairs} LoRA pairs and nothing else")


def check_model(name, family, cfg, path, weights, qtype):
    reader, tensors = tensors_of(path)
    arch = arch_of(reader)
    for key, want in [("block_count", cfg["num_hidden_layers"]), ("embedding_length", cfg["hidden_size"]),
                      ("feed_forward_length", cfg["intermediate_size"]),
                      ("attention.head_count", cfg["num_attention_heads"]),
                      ("attention.head_count_kv", cfg.get("num_key_value_heads", cfg["num_attention_heads"])),
                      ("context_length", cfg["max_position_embeddings"])]:
        check(int(field(reader, f"{arch}.{key}")) == want, f"{name} {path.name}: {arch}.{key} = {want}")
    check(abs(field(reader, f"{arch}.rope.freq_base") - cfg.get("rope_theta", 10000.0)) < 1e-3 * cfg.get("rope_theta", 1),
          f"{name} {path.name}: rope.freq_base")
    check(abs(field(reader, f"{arch}.attention.layer_norm_rms_epsilon") - cfg["rms_norm_eps"]) < 1e-9,
          f"{name} {path.name}: layer_norm_rms_epsilon")
    tmap = name_map(arch, cfg["num_hidden_layers"])
    seen = set()
    for hf_name, w in weights.items():
        if hf_name.endswith("rotary_emb.inv_freq") or (hf_name == "lm_head.weight" and cfg.get("tie_word_embeddings")):
            continue  # llama.cpp uses token_embd when output.weight is absent
        gname = tmap.get_name(hf_name, try_suffixes=(".weight", ".bias"))
        check(gname is not None, f"{name}: gguf's TensorNameMap names {hf_name}")
        t = tensors.get(gname)
        check(t is not None, f"{name} {path.name}: {gname} present")
        want = to_llamacpp_rows(w.float(), hf_name, family, cfg)
        st = stored_type(qtype, want)
        check(list(t.shape) == list(reversed(want.shape)) and t.tensor_type == st,
              f"{name} {path.name}: {gname} ne {list(t.shape)} {st.name}")
        if st == gguf.GGMLQuantizationType.Q8_0:  # sums in another order may flip a rounding: bound, not bytes
            d = np.abs(want.numpy().reshape(-1, 32)).max(axis=1, keepdims=True) / 127
            ok = np.all(np.abs(values(t).reshape(-1, 32) - want.numpy().reshape(-1, 32)) <= 0.57 * d + 1e-6)  # d/2, plus d's fp16 rounding times 127
        elif st == gguf.GGMLQuantizationType.F32:
            ok = np.allclose(values(t), want.numpy(), rtol=0, atol=1e-6)
        else:
            ok = np.allclose(values(t), want.numpy().astype(np.float16).astype(np.float32), rtol=1e-3, atol=1e-6)
        check(ok, f"{name} {path.name}: {gname} equals {hf_name}")
        seen.add(gname)
    check(seen == set(tensors), f"{name} {path.name}: no tensor beyond the checkpoint's ({len(seen)})")


def main():
    from peft import PeftModel

    for name, family, rslora, cells, type_name in CASES:
        model_dir = MODELS / family
        cfg = json.loads((model_dir / "config.json").read_text())
        tmp = work_dir(name)
        (tmp / "plan.yaml").write_text(plan_yaml(cells, rslora))
        run(ALETHEIA_REF, "gguf", model_dir, tmp / "plan.yaml", tmp / "out", type_name)
        out = tmp / "out"
        qtype = TYPES[type_name]
        check_lora(name, family, cfg, out, qtype)
        if family not in WHOLE_MODEL:
            check(not (out / "gguf" / "base.gguf").exists(), f"{name}: no base.gguf for {family}")
            continue
        base = load_file(str(model_dir / "model.safetensors"))
        check_model(name, family, cfg, out / "gguf" / "base.gguf", base, qtype)
        merged = PeftModel.from_pretrained(hf_model(model_dir), str(out / "adapter")).merge_and_unload()
        check_model(name, family, cfg, out / "gguf-merged" / "model.gguf",
                    {k: v.detach() for k, v in merged.state_dict().items()}, qtype)
        modelfile = (out / "gguf" / "Modelfile").read_text()
        check("FROM ./base.gguf\nADAPTER ./adapter.gguf\n" in modelfile, f"{name}: Modelfile FROM base + ADAPTER")


if __name__ == "__main__":
    main()
    print("gguf export: every GGUF reads in gguf-py and its tensors match llama.cpp's conversion of ours")
