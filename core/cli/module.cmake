core_module(cli DEPS common config io model text plot probe plan lora train eval generate demo session dist)
