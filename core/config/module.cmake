core_module(config DEPS common)
