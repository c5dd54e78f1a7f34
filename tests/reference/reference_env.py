"""Shared set-up of the reference tests: the pinned real libraries, our binaries, fixtures.

Each test script compares numbers of our engine (the `aletheia` CLI or `aletheia_ref`) with the
real Hugging Face libraries on the same inputs, prints one line per comparison and exits 1 on the
first failed check (0 when all pass). CTest runs them with the torch-2 virtual environment's
python (label `reference`); see tests/reference/CMakeLists.txt.
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# What the reference leg is pinned to (packaging/requirements-torch2.txt installs exactly these).
# transformers 4.52 keeps MoE experts as separate nn.Linear modules (experts.N.w1 ...), which
# our PEFT export targets; transformers 5 fuses them into one parameter that PEFT cannot adapt
# per expert. peft 0.17 is the first release whose LoRA matches 4.52's module names for every
# family we export (GPT-2 Conv1D included) and still supports transformers 4.52.
PINNED = {"transformers": "4.52.4", "peft": "0.17.1", "tokenizers": "0.21"}


def fail(message):
    print("FAIL: " + message, flush=True)
    sys.exit(1)


def require_pinned():
    """Imports the reference libraries or says in one line what to install."""
    missing = []
    for name, version in PINNED.items():
        try:
            module = __import__(name)
        except ImportError:
            missing.append(f"{name}=={version}")
            continue
        if not module.__version__.startswith(version):
            missing.append(f"{name}=={version} (found {module.__version__})")
    if missing:
        print("reference: missing or wrong-version packages: " + ", ".join(missing) +
              "; run packaging/install-deps.sh --torch2 and configure with its venv "
              "(-DALETHEIA_PYTHON=~/.cache/aletheia/venv/bin/python)", flush=True)
        sys.exit(1)


require_pinned()

import torch  # noqa: E402
from safetensors.torch import load_file  # noqa: E402

torch.set_num_threads(1)  # bitwise-stable reductions between runs
torch.manual_seed(0)

ALETHEIA = os.environ.get("ALETHEIA_BIN", "aletheia")
ALETHEIA_REF = os.environ.get("ALETHEIA_REF_BIN", "aletheia_ref")
FIXTURES = Path(os.environ.get("ALETHEIA_FIXTURES", Path(__file__).resolve().parents[1] / "fixtures"))
MODELS = FIXTURES / "models"


def family_dirs():
    dirs = sorted(p for p in MODELS.iterdir() if (p / "config.json").exists())
    if not dirs:
        fail(f"no model fixtures under {MODELS}")
    return dirs


def work_dir(name):
    return Path(tempfile.mkdtemp(prefix=f"aletheia-ref-{name}-"))


def run(*args):
    """Runs one of our binaries; a failure prints its stderr and fails the test."""
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{' '.join(map(str, args))} exited {r.returncode}:\n{r.stderr}")
    return r.stdout


def write_ids(path, ids):
    Path(path).write_text(json.dumps(ids.tolist()))


def reference_ids(model_dir):
    return load_file(str(Path(model_dir) / "reference.safetensors"))["input_ids"]


def ours_forward(model_dir, ids, adapter=None, dtype="fp32"):
    """Logits and loss of our engine (`aletheia forward`) on `ids`."""
    tmp = work_dir("fwd")
    write_ids(tmp / "ids.json", ids)
    args = [ALETHEIA, "forward", model_dir, "--ids", tmp / "ids.json", "--out", tmp / "out.safetensors",
            "--dtype", dtype]
    if adapter:
        args += ["--adapter", adapter]
    run(*args)
    out = load_file(str(tmp / "out.safetensors"))
    return out["logits"], out["loss"]


def hf_model(model_dir, attn="eager", dtype=torch.float32):
    from transformers import AutoModelForCausalLM
    model = AutoModelForCausalLM.from_pretrained(str(model_dir), torch_dtype=dtype,
                                                 attn_implementation=attn)
    return model.eval()


def max_abs(a, b):
    return (a.float() - b.float()).abs().max().item()


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        sys.exit(1)


def read_json_gz_or_plain(path):
    p = Path(path)
    if p.exists():
        return p.read_text(encoding="utf-8")
    gz = p.with_name(p.name + ".gz")
    return gzip.decompress(gz.read_bytes()).decode("utf-8")
