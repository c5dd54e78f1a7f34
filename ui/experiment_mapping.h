#pragma once
// Between the experiment YAML schema (core/config) and the engine option structs the panels
// edit. Kept apart from the widgets so both directions are testable and stay symmetric.
#include "core/config/experiment.h"
#include "core/plan/make_plan.h"
#include "core/train/train_options.h"

namespace aletheia::ui {

PlanOptions planOptionsFrom(const ExperimentConfig& cfg);
void storePlanOptions(const PlanOptions& options, ExperimentConfig& cfg);

TrainOptions trainOptionsFrom(const ExperimentConfig& cfg);
void storeTrainOptions(const TrainOptions& options, ExperimentConfig& cfg);

}  // namespace aletheia::ui
