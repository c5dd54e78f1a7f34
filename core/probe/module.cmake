core_module(probe DEPS model common)
