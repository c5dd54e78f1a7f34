core_module(eval DEPS train lora model text io common)
