core_module(io DEPS common)
