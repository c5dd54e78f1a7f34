core_module(demo DEPS common)
