core_module(eval DEPS generate train lora model text io common)
