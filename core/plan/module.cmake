core_module(plan DEPS probe model io common)
