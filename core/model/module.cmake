core_module(model DEPS io common)
