"""Generation parity: greedy tokens of `aletheia generate --ids` (KV cache) vs real transformers
`generate(do_sample=False, max_new_tokens=N)` on every model fixture (fp32, eager attention), for the
fixture's 12-token reference prompt (longer than every sliding window of the fixtures) and its first
4 tokens. Token ids must be equal, EOS stops included (both read eos_token_id from config.json).

One case is compared with transformers' full recompute instead of its generate(): a longrope model
whose sequence grows past original_max_position_embeddings. transformers 4.52.4's Phi-3 drops its
cache at that step and runs the whole sequence with cache_position of the last token only, so its mask
lets every position see every other one for that step (bidirectional): a causal model would not, and
neither does our recompute. The script shows the difference it makes."""
import json

from reference_env import ALETHEIA, check, family_dirs, hf_model, reference_ids, run
import torch

NEW_TOKENS = 16


def eos_ids(model):
    eos = model.generation_config.eos_token_id
    return [] if eos is None else [eos] if isinstance(eos, int) else list(eos)


def hf_generate(model, prompt):
    ids = torch.tensor([prompt])
    with torch.no_grad():
        out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=False,
                             max_new_tokens=NEW_TOKENS)
    return out[0, len(prompt):].tolist()


def hf_recompute(model, prompt):
    """Greedy by a full causal forward of the whole sequence per token (no cache)."""
    seq, new = list(prompt), []
    with torch.no_grad():
        for _ in range(NEW_TOKENS):
            token = int(model(input_ids=torch.tensor([seq])).logits[0, -1].argmax())
            seq.append(token)
            new.append(token)
            if token in eos_ids(model):
                break
    return new


def ours(family, prompt):
    out = run(ALETHEIA, "generate", family, "--ids", "--prompt", " ".join(map(str, prompt)),
              "--max-new-tokens", NEW_TOKENS)
    return [int(t) for t in out.split()]


def crosses_longrope_switch(config, prompt_len):
    rope = config.get("rope_scaling") or {}
    original = config.get("original_max_position_embeddings")
    return rope.get("type", rope.get("rope_type")) == "longrope" and prompt_len <= original < prompt_len + NEW_TOKENS


def main():
    for family in family_dirs():
        config = json.loads((family / "config.json").read_text())
        model = hf_model(family, "eager")
        row = reference_ids(family)[0].tolist()
        for prompt in (row, row[:4]):
            got = ours(family, prompt)
            if crosses_longrope_switch(config, len(prompt)):
                ref = hf_recompute(model, prompt)
                print(f"note {family.name} ({len(prompt)}-token prompt): longrope switch inside the generation; "
                      f"transformers' generate() gives {hf_generate(model, prompt)} (bidirectional recompute step), "
                      f"compared with its causal full recompute instead")
                what = "transformers' full recompute"
            else:
                ref = hf_generate(model, prompt)
                what = "transformers generate()"
            check(got == ref, f"{family.name} ({len(prompt)}-token prompt): {len(got)} greedy tokens equal "
                              f"{what}: {got}" + ("" if got == ref else f" vs {ref}"))


if __name__ == "__main__":
    main()
    print("generate: greedy tokens of every fixture match transformers")
