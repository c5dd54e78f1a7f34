"""Forward parity: every model fixture through real transformers (fp32; eager and SDPA attention)
vs our engine: logits <= 1e-4, loss <= 1e-5, per-weight gradient norms <= 1e-4 relative.

Our side: `aletheia forward` (logits, loss) and `aletheia probe --ids --json` (the probe's
per-weight gradient norms of the same loss, labels = ids)."""
import json

from reference_env import (ALETHEIA, check, family_dirs, hf_model, max_abs, ours_forward, reference_ids,
                           run, work_dir, write_ids)
import torch

LOGITS_TOL, LOSS_TOL, GRAD_REL_TOL = 1e-4, 1e-5, 1e-4


def hf_grad_norms(model, ids):
    model.zero_grad()
    out = model(input_ids=ids, labels=ids)
    out.loss.backward()
    return {name: p.grad.norm().item() for name, p in model.named_parameters() if p.grad is not None}


def main():
    for family in family_dirs():
        ids = reference_ids(family)
        logits, loss = ours_forward(family, ids)
        tmp = work_dir("probe")
        write_ids(tmp / "ids.json", ids)
        ours_norms = json.loads(run(ALETHEIA, "probe", family, "--ids", tmp / "ids.json", "--json"))["weight_grad_norms"]
        check(len(ours_norms) > 0, f"{family.name}: our probe reports gradient norms")
        config = json.loads((family / "config.json").read_text())
        attns = ["eager", "sdpa"]
        if config.get("attn_logit_softcapping") is not None:
            # transformers 4.52 drops attention soft-capping under SDPA (it warns and tells users to
            # pick eager), so its SDPA output is not the model's: eager is its reference there.
            attns = ["eager"]
            print(f"note {family.name}: attention soft-capping, compared with transformers' eager path only")
        for attn in attns:
            model = hf_model(family, attn)
            with torch.no_grad():
                ref = model(input_ids=ids, labels=ids)
            check(max_abs(logits, ref.logits) <= LOGITS_TOL,
                  f"{family.name} [{attn}]: logits max |diff| {max_abs(logits, ref.logits):.2e} <= {LOGITS_TOL}")
            check(abs(loss.item() - ref.loss.item()) <= LOSS_TOL,
                  f"{family.name} [{attn}]: loss {loss.item():.7f} vs {ref.loss.item():.7f}")
            hf_norms = hf_grad_norms(model, ids)
            worst, worst_name = 0.0, ""
            for name, value in ours_norms.items():
                if name not in hf_norms:
                    check(False, f"{family.name}: transformers has no gradient for {name}")
                rel = abs(value - hf_norms[name]) / max(hf_norms[name], 1e-12)
                if rel > worst:
                    worst, worst_name = rel, name
            check(worst <= GRAD_REL_TOL,
                  f"{family.name} [{attn}]: {len(ours_norms)} gradient norms, worst relative diff "
                  f"{worst:.2e} ({worst_name or '-'})")


if __name__ == "__main__":
    main()
    print("forward parity: all families match transformers")
