core_module(dist DEPS common)
