"""Adapters made by real peft (`get_peft_model`, random B, rank and alpha patterns, rsLoRA,
experts and routers) evaluated by our engine (`aletheia forward --adapter`): loss <= 1e-5, logits
<= 1e-4. Then a training trajectory: 5 AdamW steps of LoRA from that same saved adapter on the
same batch, lr, weight decay and clipping, no dropout: our trainer's per-step losses equal a
plain PyTorch + peft loop within 1e-4."""
import json

from reference_env import (ALETHEIA_REF, MODELS, check, hf_model, max_abs, ours_forward, reference_ids, run,
                           work_dir, write_ids)
import torch

CASES = [
    ("llama-patterns", "llama",
     dict(r=4, lora_alpha=8, target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
          rank_pattern={"down_proj": 8, "model.layers.1.self_attn.q_proj": 6}, alpha_pattern={"v_proj": 3.0})),
    ("qwen3-rslora-upper", "qwen3",
     dict(r=8, lora_alpha=4, use_rslora=True, target_modules=["q_proj", "v_proj", "up_proj"], layers_to_transform=[1])),
    ("mixtral-experts", "mixtral",
     dict(r=4, lora_alpha=16, target_modules=["q_proj", "gate", "w1", "w2", "w3"], rank_pattern={"w2": 2})),
    ("gpt2-conv1d", "gpt2", dict(r=4, lora_alpha=8, target_modules=["c_attn", "c_proj", "c_fc"], fan_in_fan_out=True)),
]
TRAJECTORY = dict(steps=5, lr=1e-2, weight_decay=0.01, max_grad_norm=1.0)


def peft_trajectory(model_dir, adapter_dir, ids):
    from peft import PeftModel
    model = PeftModel.from_pretrained(hf_model(model_dir), str(adapter_dir), is_trainable=True)
    model.train()  # dropout is 0: train() only matters for modules that would behave differently
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=TRAJECTORY["lr"], betas=(0.9, 0.999), eps=1e-8,
                            weight_decay=TRAJECTORY["weight_decay"])
    losses = []
    for _ in range(TRAJECTORY["steps"]):
        opt.zero_grad()
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, TRAJECTORY["max_grad_norm"])
        opt.step()
        losses.append(loss.item())
    return losses


def main():
    from peft import LoraConfig, get_peft_model
    for name, family, options in CASES:
        model_dir = MODELS / family
        tmp = work_dir(name)
        torch.manual_seed(11)
        config = LoraConfig(init_lora_weights=False, lora_dropout=0.0, task_type="CAUSAL_LM", **options)
        peft_model = get_peft_model(hf_model(model_dir), config).eval()
        peft_model.save_pretrained(str(tmp / "adapter"))
        ids = reference_ids(model_dir)
        with torch.no_grad():
            ref = peft_model(input_ids=ids, labels=ids)
        logits, loss = ours_forward(model_dir, ids, adapter=tmp / "adapter")
        check(abs(loss.item() - ref.loss.item()) <= 1e-5,
              f"{name}: peft adapter in our engine, loss {loss.item():.7f} vs peft {ref.loss.item():.7f}")
        check(max_abs(logits, ref.logits) <= 1e-4, f"{name}: logits max |diff| {max_abs(logits, ref.logits):.2e}")

        if family in ("llama", "mixtral"):
            write_ids(tmp / "ids.json", ids)
            run(ALETHEIA_REF, "train", model_dir, tmp / "adapter", tmp / "ids.json", tmp / "ours.json",
                TRAJECTORY["steps"], TRAJECTORY["lr"], TRAJECTORY["weight_decay"], TRAJECTORY["max_grad_norm"])
            ours = json.loads((tmp / "ours.json").read_text())["losses"]
            theirs = peft_trajectory(model_dir, tmp / "adapter", ids)
            worst = max(abs(a - b) for a, b in zip(ours, theirs))
            check(len(ours) == len(theirs) and worst <= 1e-4 and theirs[-1] < theirs[0],
                  f"{name}: {len(ours)} AdamW steps, ours {[round(x, 5) for x in ours]} vs peft "
                  f"{[round(x, 5) for x in theirs]}, max |diff| {worst:.2e}")


if __name__ == "__main__":
    main()
    print("peft import and training trajectory: match")
