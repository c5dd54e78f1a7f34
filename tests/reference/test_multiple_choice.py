"""Multiple-choice evaluation: `aletheia eval --choices` vs lm-evaluation-harness itself (pinned
lm-eval, `hf` model backend) on the same model, tokenizer and questions: acc and acc_norm equal,
every per-choice log-likelihood within 1e-4, for the base model and with a random peft adapter
(lm-eval's `peft=`).

The harness runs its own MMLU template (`include:` of lm_eval/tasks/mmlu/default/
_default_template_yaml, so the prompt and choices are the harness's, not a copy) over a local JSONL
file, with acc_norm added to the template's metrics. The model: the llama fixture with a character-level BPE tokenizer (byte fallback for the
capital letters of the choices), written here in the tokenizer.json format both sides read."""
import json
import shutil
from pathlib import Path

from reference_env import ALETHEIA, MODELS, check, run, work_dir
import torch

TOL = 1e-4

QUESTIONS = [
    ("which is the largest number?", ["one", "two", "three", "ten"], 3),
    ("what comes after a, b?", ["c", "d", "e", "f"], 0),
    ("2 + 2 = ?", ["3", "4", "5", "22"], 1),
    ("pick the odd word: cat, dog, car, cow", ["cat", "dog", "car", "cow"], 2),
    ("is the sky green?", ["yes", "no", "maybe", "sometimes"], 1),
    ("a week has how many days?", ["five", "six", "seven", "eight"], 2),
]


def write_char_tokenizer(model_dir, alphabet, size):
    """The same layout as core/text/demo_tokenizer.cpp's makeCharTokenizer: 3 specials, 256 byte
    tokens, then the alphabet; BPE without merges, byte fallback. Filled up to `size` (the model's
    vocab_size) with tokens no text makes: lm-eval's HFLM resizes the embeddings to the tokenizer's
    length when it loads a peft adapter, which would change every log-softmax."""
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    vocab = {s: i for i, s in enumerate(specials)}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    for ch in alphabet:
        vocab.setdefault(ch, len(vocab))
    while len(vocab) < size:
        vocab[f"<unused{len(vocab)}>"] = len(vocab)
    added = [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i, s in enumerate(specials)]
    tokenizer = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
                 "normalizer": None, "pre_tokenizer": None, "post_processor": None,
                 "decoder": {"type": "Sequence", "decoders": [{"type": "ByteFallback"}, {"type": "Fuse"}]},
                 "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                           "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": True,
                           "ignore_merges": False, "vocab": vocab, "merges": []}}
    (model_dir / "tokenizer.json").write_text(json.dumps(tokenizer))
    (model_dir / "tokenizer_config.json").write_text(json.dumps(
        {"tokenizer_class": "PreTrainedTokenizerFast", "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
         "bos_token": None, "model_max_length": 4096, "clean_up_tokenization_spaces": False}))
    return len(vocab)


def random_peft_adapter(model_dir, out_dir):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM
    torch.manual_seed(7)
    model = AutoModelForCausalLM.from_pretrained(str(model_dir), torch_dtype=torch.float32)
    config = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj", "down_proj"], lora_dropout=0.0,
                        init_lora_weights=False)  # random B: the adapter changes the answers' scores
    peft_model = get_peft_model(model, config)
    peft_model.save_pretrained(str(out_dir))


def harness(model_dir, task_dir, adapter=None):
    """acc, acc_norm and the per-question log-likelihoods of lm_eval's hf backend."""
    import lm_eval
    from lm_eval.tasks import TaskManager
    args = f"pretrained={model_dir},dtype=float32" + (f",peft={adapter}" if adapter else "")
    result = lm_eval.simple_evaluate(model="hf", model_args=args, tasks=["aletheia_mc"], device="cpu",
                                     batch_size=1, log_samples=True, task_manager=TaskManager(include_path=str(task_dir)))
    metrics = result["results"]["aletheia_mc"]
    lls = {}
    for sample in result["samples"]["aletheia_mc"]:
        lls[sample["doc_id"]] = [resp[0][0] for resp in sample["resps"]]
    return metrics["acc,none"], metrics["acc_norm,none"], [lls[i] for i in range(len(lls))]


def main():
    import lm_eval
    check(lm_eval.__version__.startswith("0.4.9"), f"lm-eval {lm_eval.__version__} is the pinned 0.4.9")
    tmp = work_dir("mc")
    model_dir = tmp / "model"
    shutil.copytree(MODELS / "llama", model_dir)
    size = json.loads((model_dir / "config.json").read_text())["vocab_size"]
    vocab = write_char_tokenizer(model_dir, "abcdefghijklmnopqrstuvwxyz0123456789 .,:?+=", size)
    check(vocab == size, f"the tokenizer has the model's {size} tokens")

    data = tmp / "mc.jsonl"
    data.write_text("".join(json.dumps({"question": q, "choices": c, "answer": a}) + "\n" for q, c, a in QUESTIONS))
    template = Path(lm_eval.__file__).parent / "tasks" / "mmlu" / "default" / "_default_template_yaml"
    check(template.exists(), f"the harness's MMLU template {template}")
    task_dir = tmp / "tasks"
    task_dir.mkdir()
    (task_dir / "aletheia_mc.yaml").write_text(
        f"include: {template}\ntask: aletheia_mc\ndataset_path: json\n"
        f"dataset_kwargs:\n  data_files:\n    test: {data}\n    dev: {data}\n"
        "dataset_name: null\ntest_split: test\nfewshot_split: dev\nnum_fewshot: 0\n"
        # the template reports acc only; acc_norm is the harness's other multiple-choice metric
        "metric_list:\n  - metric: acc\n    aggregation: mean\n    higher_is_better: true\n"
        "  - metric: acc_norm\n    aggregation: mean\n    higher_is_better: true\n")

    adapter = tmp / "adapter"
    random_peft_adapter(model_dir, adapter)
    (tmp / "data.jsonl").write_text('{"text": "abc"}\n')
    (tmp / "exp.yaml").write_text(f"model:\n  path: {model_dir}\n  device: cpu\ndata:\n  train: {tmp / 'data.jsonl'}\n"
                                  f"  multiple_choice: {data}\noutput:\n  dir: {tmp / 'run'}\n  plots: false\n")
    run(ALETHEIA, "eval", "--config", tmp / "exp.yaml", "--adapter", adapter)
    ours = json.loads((tmp / "run" / "eval.json").read_text())["multiple_choice"][0]
    samples = [json.loads(line) for line in (tmp / "run" / "eval_samples" / "mc.jsonl").read_text().splitlines()]

    for side, peft_dir in (("base", None), ("adapted", adapter)):
        acc, acc_norm, lls = harness(model_dir, task_dir, peft_dir)
        ours_lls = [s[side] for s in samples]
        worst = max(abs(a - b) for qa, qb in zip(ours_lls, lls) for a, b in zip(qa, qb))
        check(len(ours_lls) == len(lls) == len(QUESTIONS), f"{side}: {len(lls)} questions on both sides")
        check(worst <= TOL, f"{side}: every log-likelihood within {TOL} of lm-eval's (max |diff| {worst:.2e})")
        check(ours[side]["acc"] == acc, f"{side}: acc {ours[side]['acc']:.4f} == lm-eval's {acc:.4f}")
        check(ours[side]["acc_norm"] == acc_norm,
              f"{side}: acc_norm {ours[side]['acc_norm']:.4f} == lm-eval's {acc_norm:.4f}")
    moved = max(abs(a - b) for s in samples for a, b in zip(s["base"], s["adapted"]))
    check(moved > 1e-3, f"the adapter changes the log-likelihoods (max change {moved:.3f})")


if __name__ == "__main__":
    main()
    print("multiple choice: acc, acc_norm and log-likelihoods equal lm-eval's (base and adapted)")
