// The summaries written next to a grid's runs.jsonl, shared by the command that ran the grid and `merge`.
#pragma once

#include <nlohmann/json.hpp>

#include "grassflow/experiment.h"
#include "run_store.h"

namespace grassflow::cli {

/// phase.csv, summary.json and summary.md of a `phase` folder from every run in `store` (cmd_phase.cpp); returns
/// summary.json's object. `provenance` (provenance.h) goes into each file.
nlohmann::json write_phase_summaries(const RunStore& store, const LinkAnalysis& link, const nlohmann::json& provenance);

}  // namespace grassflow::cli
