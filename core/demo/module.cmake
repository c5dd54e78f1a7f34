core_module(demo DEPS common model text train config io)
