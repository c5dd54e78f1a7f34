#pragma once
// How probe tables, plans, plan.yaml and the Studio name the projection a LoRA cell adapts.
// One spelling everywhere, from probe to plan to apply to PEFT export and import:
//   a dense projection:            its PEFT module name        "q_proj", "query_key_value"
//   one MoE expert's projection:   experts.<index>.<module>     "experts.3.w1"
//   every expert's copy at once:   experts.*.<module>           "experts.*.w1"
// The probe pools a layer's experts into the "experts.*" cell; a plan may adapt them together
// (one rank for all) or one by one.
#include <string>

namespace aletheia {

struct Linear;

std::string cellModule(const Linear& l);        // this linear alone: "q_proj", "experts.3.w1"
std::string pooledCellModule(const Linear& l);  // its pooled cell: "q_proj", "experts.*.w1"
bool cellCovers(const std::string& cell, const Linear& l);  // the cell adapts this linear

std::string pooledCellName(const std::string& cell);   // "experts.3.w1" -> "experts.*.w1"; others as given
std::string peftModuleOfCell(const std::string& cell); // "experts.3.w1", "experts.*.w1" -> "w1"
bool isSingleExpertCell(const std::string& cell);      // "experts.3.w1"

}  // namespace aletheia
