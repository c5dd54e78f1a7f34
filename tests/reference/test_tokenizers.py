"""Our tokenizer vs Hugging Face's `tokenizers` package on the real tokenizer fixtures (Qwen3,
Llama-3, Mistral-vocab Llama-2, Gemma-3, and the synthetic pipelines) over their corpora: ids
without and with special tokens must be equal, string by string."""
import json
import subprocess

from reference_env import ALETHEIA, FIXTURES, check, read_json_gz_or_plain

TOKENIZERS = ["qwen3", "llama3", "llama2", "gemma3", "synthetic/llama2_metaspace", "synthetic/qwen3_gpt2_nfkc"]


def corpus():
    texts = []
    for name in ("qwen3", "llama3", "llama2", "gemma3"):
        for file in ("expected_public.jsonl", "known_divergences.jsonl"):
            path = FIXTURES / "tokenizers" / name / file
            if path.exists():
                texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").split("\n") if line]
    texts += json.loads((FIXTURES / "tokenizers" / "synthetic" / "strings.json").read_text(encoding="utf-8"))
    return list(dict.fromkeys(texts))  # unique, in order


def ours(directory, texts, special):
    args = [ALETHEIA, "tokenize", str(directory), "--jsonl"] + (["--special"] if special else [])
    stdin = "".join(json.dumps(t) + "\n" for t in texts)
    r = subprocess.run(args, input=stdin, capture_output=True, text=True)
    check(r.returncode == 0, f"aletheia tokenize {directory}: {r.stderr.strip()}")
    return [json.loads(line) for line in r.stdout.split("\n") if line]


def main():
    from tokenizers import Tokenizer
    texts = corpus()
    for name in TOKENIZERS:
        directory = FIXTURES / "tokenizers" / name
        hf = Tokenizer.from_str(read_json_gz_or_plain(directory / "tokenizer.json"))
        for special in (False, True):
            mine = ours(directory, texts, special)
            check(len(mine) == len(texts), f"{name}: {len(mine)} encodings for {len(texts)} strings")
            bad = [(t, m, hf.encode(t, add_special_tokens=special).ids)
                   for t, m in zip(texts, mine) if m != hf.encode(t, add_special_tokens=special).ids]
            check(not bad, f"{name} (special={special}): {len(texts) - len(bad)}/{len(texts)} strings equal"
                           + (f"; first difference {bad[0][0]!r}: ours {bad[0][1][:12]} hf {bad[0][2][:12]}" if bad else ""))


if __name__ == "__main__":
    main()
    print("tokenizers: all ids equal the Python tokenizers package")
