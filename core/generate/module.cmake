core_module(generate DEPS model text io common)
