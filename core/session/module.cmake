# The experiment layer: one ExperimentConfig -> everything the engine needs, for CLI and Studio.
core_module(session DEPS common config model text probe plan train plot lora eval io)
