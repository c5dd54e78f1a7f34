core_module(cli DEPS common)
