core_module(plan DEPS probe model common)
