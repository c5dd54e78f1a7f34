"""Generative exact match: `aletheia eval --answers` vs lm-evaluation-harness itself (pinned
lm-eval, `hf` backend) on the same model, tokenizer and GSM8K-shaped questions, base model and with
a random peft adapter: every greedy response equal, the strict-match and flexible-extract answers
equal, and exact_match of both filters equal.

The harness runs its own gsm8k task (`include:` of lm_eval/tasks/gsm8k/gsm8k.yaml: its prompt,
stop strings, filters and metric, not a copy) over a local JSONL file, zero-shot, with a short
max_gen_toks so the test takes seconds. The model: the llama fixture with the character-level
tokenizer of test_multiple_choice.py (digits, '#', '$' included, so the filters have something to
find in a random model's output)."""
import json
import shutil
from pathlib import Path

from reference_env import ALETHEIA, MODELS, check, run, work_dir
from test_multiple_choice import random_peft_adapter, write_char_tokenizer

MAX_NEW = 24
QUESTIONS = [
    ("Tom has 3 apples and buys 4 more. How many apples does he have?", "3 + 4 = 7\n#### 7"),
    ("A box holds 12 eggs. How many eggs are in 10 boxes?", "12 * 10 = 120\n#### 120"),
    ("What is 1,000 + 234?", "#### 1,234"),
    ("Anna pays $5 for 2 pens. What does one pen cost?", "5 / 2 = 2.5\n#### 2.5"),
    ("How many legs do 3 cats have?", "3 * 4 = 12\n#### 12"),
    ("what is 9 - 10?", "#### -1"),
]


def harness(model_dir, task_dir, adapter=None):
    """exact_match per filter, and per filter and question the raw and the filtered response."""
    import lm_eval
    from lm_eval.tasks import TaskManager
    args = f"pretrained={model_dir},dtype=float32" + (f",peft={adapter}" if adapter else "")
    result = lm_eval.simple_evaluate(model="hf", model_args=args, tasks=["aletheia_em"], device="cpu",
                                     batch_size=1, log_samples=True, task_manager=TaskManager(include_path=str(task_dir)))
    metrics = result["results"]["aletheia_em"]
    per = {}
    for s in result["samples"]["aletheia_em"]:
        per.setdefault(s["filter"], {})[s["doc_id"]] = (s["resps"][0][0], s["filtered_resps"][0])
    return metrics["exact_match,strict-match"], metrics["exact_match,flexible-extract"], per


def main():
    import lm_eval
    import yaml
    check(lm_eval.__version__.startswith("0.4.9"), f"lm-eval {lm_eval.__version__} is the pinned 0.4.9")
    tmp = work_dir("em")
    model_dir = tmp / "model"
    shutil.copytree(MODELS / "llama", model_dir)
    size = json.loads((model_dir / "config.json").read_text())["vocab_size"]
    write_char_tokenizer(model_dir, "abcdefghijklmnopqrstuvwxyzTAHW0123456789 .,:?+-*/=#$\n", size)

    data = tmp / "gsm.jsonl"
    data.write_text("".join(json.dumps({"question": q, "answer": a}) + "\n" for q, a in QUESTIONS))
    task = Path(lm_eval.__file__).parent / "tasks" / "gsm8k" / "gsm8k.yaml"
    check(task.exists(), f"the harness's gsm8k task {task}")
    generation = yaml.safe_load(task.read_text())["generation_kwargs"]
    generation["max_gen_toks"] = MAX_NEW
    task_dir = tmp / "tasks"
    task_dir.mkdir()
    (task_dir / "aletheia_em.yaml").write_text(
        f"include: {task}\ntask: aletheia_em\ndataset_path: json\n"
        f"dataset_kwargs:\n  data_files:\n    test: {data}\n    train: {data}\n"
        "dataset_name: null\nnum_fewshot: 0\n" + yaml.safe_dump({"generation_kwargs": generation}))

    adapter = tmp / "adapter"
    random_peft_adapter(model_dir, adapter)
    (tmp / "data.jsonl").write_text('{"text": "abc"}\n')
    (tmp / "exp.yaml").write_text(f"model:\n  path: {model_dir}\n  device: cpu\ndata:\n  train: {tmp / 'data.jsonl'}\n"
                                  f"  exact_match: {data}\n  max_new_tokens: {MAX_NEW}\n"
                                  f"output:\n  dir: {tmp / 'run'}\n  plots: false\n")
    run(ALETHEIA, "eval", "--config", tmp / "exp.yaml", "--adapter", adapter)
    ours = json.loads((tmp / "run" / "eval.json").read_text())["exact_match"][0]
    samples = [json.loads(line) for line in (tmp / "run" / "eval_samples" / "gsm.jsonl").read_text().splitlines()]
    check(len(samples) == len(QUESTIONS), f"{len(samples)} samples written")

    found = 0
    for side, peft_dir in (("base", None), ("adapted", adapter)):
        strict, flexible, per = harness(model_dir, task_dir, peft_dir)
        for i, s in enumerate(samples):
            mine = s[side]
            raw, strict_answer = per["strict-match"][i]
            check(mine["response"] == raw, f"{side} question {i}: response {mine['response']!r} == lm-eval's {raw!r}")
            check(mine["strict"] == strict_answer, f"{side} question {i}: strict {mine['strict']!r} == {strict_answer!r}")
            flexible_answer = per["flexible-extract"][i][1]
            check(mine["flexible"] == flexible_answer,
                  f"{side} question {i}: flexible {mine['flexible']!r} == {flexible_answer!r}")
            found += mine["flexible"] != "[invalid]"
        check(ours[side]["strict"] == strict, f"{side}: strict exact_match {ours[side]['strict']} == lm-eval's {strict}")
        check(ours[side]["flexible"] == flexible,
              f"{side}: flexible exact_match {ours[side]['flexible']} == lm-eval's {flexible}")
    check(found > 0, "the flexible filter extracted a number from some response (the comparison saw real answers)")
    changed = sum(s["base"]["response"] != s["adapted"]["response"] for s in samples)
    check(changed > 0, f"the adapter changes {changed} of {len(samples)} responses")


if __name__ == "__main__":
    main()
    print("exact match: responses, strict and flexible answers and exact_match equal lm-eval's (base and adapted)")
