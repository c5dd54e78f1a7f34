# LoRA only reads AdapterPlan (a header of core/plan), so it needs no plan library.
core_module(lora DEPS model io text)  # text: tokenizer.json(.gz) for the GGUF vocabulary
