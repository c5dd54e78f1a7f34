"""Our PEFT export loaded by real peft: `PeftModel.from_pretrained` with no warnings, every planned
module adapted with the planned r and scaling and nothing else, logits equal to ours (<= 1e-4);
the merged export loaded by transformers gives the adapter's logits, and peft's
`merge_and_unload` gives the same.

Plans: selective with asymmetric ranks, rsLoRA, GPT-2's Conv1D (fused c_attn), Mixtral experts +
router, Qwen2-MoE experts + shared expert + its gate + router."""
import logging
import math
import re
import warnings

from reference_env import (ALETHEIA_REF, MODELS, check, hf_model, load_file, max_abs, reference_ids, run,
                           work_dir, write_ids)
import torch

LOGITS_TOL = 1e-4

CASES = [
    ("llama-selective-asymmetric", "llama", False,
     {1: {"q_proj": (4, 8), "v_proj": (4, 8), "gate_proj": (16, 32), "up_proj": (16, 32), "down_proj": (16, 32)}}),
    ("qwen2-rslora", "qwen2", True,
     {0: {"k_proj": (2, 5)}, 1: {"q_proj": (8, 16), "o_proj": (8, 3), "down_proj": (16, 64)}}),
    ("gpt2-conv1d", "gpt2", False,
     {0: {"c_attn": (4, 8)}, 1: {"c_attn": (8, 16), "c_fc": (8, 16), "mlp.c_proj": (4, 4)}}),
    ("mixtral-experts-router", "mixtral", False,
     {1: {"q_proj": (4, 8), "gate": (2, 4), "experts.0.w1": (4, 8), "experts.2.w2": (8, 8), "experts.3.w3": (4, 16)}}),
    # Pooled expert cells, as the probe scores them: every expert's w1 / w2 at once.
    ("mixtral-pooled-experts", "mixtral", False,
     {0: {"experts.*.w1": (4, 8)}, 1: {"q_proj": (4, 8), "experts.*.w2": (2, 4)}}),
    ("qwen2_moe-shared-expert", "qwen2_moe", False,
     {0: {"experts.1.down_proj": (4, 8)},
      1: {"gate": (2, 4), "experts.0.gate_proj": (4, 8), "shared_expert.up_proj": (8, 16),
          "shared_expert_gate": (1, 2)}}),
]


def plan_yaml(cells, rslora):
    lines = ["# Aletheia adapter plan", "dropout: 0.0", f"rslora: {'true' if rslora else 'false'}", "layers:"]
    for layer, modules in cells.items():
        lines.append(f"  {layer}:")
        for module, (r, alpha) in modules.items():
            lines.append(f"    {module}: {{r: {r}, alpha: {alpha}}}")
    return "\n".join(lines) + "\n"


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage())


def layer_of(path):
    m = re.search(r"\.(?:layers|h)\.(\d+)\.", path)
    return int(m.group(1)) if m else -1


def main():
    from peft import PeftModel
    from peft.tuners.lora import LoraLayer
    from transformers import AutoModelForCausalLM

    for name, family, rslora, cells in CASES:
        model_dir = MODELS / family
        tmp = work_dir(name)
        (tmp / "plan.yaml").write_text(plan_yaml(cells, rslora))
        ids = reference_ids(model_dir)
        write_ids(tmp / "ids.json", ids)
        run(ALETHEIA_REF, "export", model_dir, tmp / "plan.yaml", tmp / "ids.json", tmp / "out")
        ours = load_file(str(tmp / "out" / "logits.safetensors"))

        handler = Collect()
        for logger in ("peft", "transformers"):
            logging.getLogger(logger).addHandler(handler)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            peft_model = PeftModel.from_pretrained(hf_model(model_dir), str(tmp / "out" / "adapter")).eval()
        for logger in ("peft", "transformers"):
            logging.getLogger(logger).removeHandler(handler)
        messages = [str(w.message) for w in caught] + handler.records
        check(not messages, f"{name}: PeftModel.from_pretrained without warnings {messages[:3]}")

        adapted = {}
        for path, module in peft_model.named_modules():
            if isinstance(module, LoraLayer) and "default" in module.r:
                adapted[path.removeprefix("base_model.model.")] = (module.r["default"], module.scaling["default"])
        planned = [(layer, m, r, a) for layer, mods in cells.items() for m, (r, a) in mods.items()]
        all_paths = [p.removeprefix("base_model.model.") for p, _ in peft_model.named_modules()]
        expected = 0
        for layer, module, r, alpha in planned:
            # "experts.*.w1" adapts every expert's w1 of the layer; anything else one module.
            pattern = re.escape("." + module).replace(r"\*", r"\d+") + "$"
            every = [p for p in all_paths if layer_of(p) == layer and re.search(pattern, p)]
            hits = [p for p in adapted if layer_of(p) == layer and re.search(pattern, p)]
            want = len(every) if "*" in module else 1
            check(want >= 1 and len(hits) == want, f"{name}: layer {layer} {module} adapted {len(hits)} times, want {want}")
            expected += want
            for hit in hits:
                got_r, got_scaling = adapted[hit]
                want_scaling = alpha / (math.sqrt(r) if rslora else r)
                check(got_r == r and abs(got_scaling - want_scaling) < 1e-12,
                      f"{name}: {hit} r {got_r} scaling {got_scaling:.4f} (planned r {r}, scaling {want_scaling:.4f})")
        check(len(adapted) == expected, f"{name}: peft adapted {len(adapted)} modules, the plan {expected}")

        with torch.no_grad():
            ref = peft_model(input_ids=ids, labels=ids)
        diff = max_abs(ours["logits"], ref.logits)
        check(diff <= LOGITS_TOL, f"{name}: adapter logits, ours vs peft, max |diff| {diff:.2e}")
        check(abs(ours["loss"].item() - ref.loss.item()) <= 1e-5,
              f"{name}: loss ours {ours['loss'].item():.7f} vs peft {ref.loss.item():.7f}")

        merged = AutoModelForCausalLM.from_pretrained(str(tmp / "out" / "merged"), torch_dtype=torch.float32,
                                                      attn_implementation="eager").eval()
        with torch.no_grad():
            merged_logits = merged(input_ids=ids).logits
            peft_merged = peft_model.merge_and_unload()(input_ids=ids).logits
        check(max_abs(merged_logits, ours["logits"]) <= LOGITS_TOL,
              f"{name}: our merged checkpoint in transformers vs adapter logits {max_abs(merged_logits, ours['logits']):.2e}")
        check(max_abs(merged_logits, peft_merged) <= LOGITS_TOL,
              f"{name}: our merge vs peft merge_and_unload {max_abs(merged_logits, peft_merged):.2e}")


if __name__ == "__main__":
    main()
    print("peft export: every adapter loads in peft and matches")
