// The summaries written next to a grid's runs.jsonl, shared by the command that ran the grid and `merge`.
#pragma once

#include <nlohmann/json.hpp>

#include "grassflow/experiment.h"
#include "grassflow/sweep.h"
#include "run_store.h"

namespace grassflow::cli {

/// phase.csv, summary.json and summary.md of a `phase` folder from every run in `store` (cmd_phase.cpp); returns
/// summary.json's object. `provenance` (provenance.h) goes into each file.
nlohmann::json write_phase_summaries(const RunStore& store, const LinkAnalysis& link, const nlohmann::json& provenance);

/// A line of a sweep's runs.jsonl: d, seed, escape_times, final_loss (null when not finite), status.
nlohmann::json sweep_run_json(const SweepRun& run);
/// A line of a sweep's runs.jsonl read back (a null final_loss as +infinity: a flow that diverged).
SweepRun sweep_run_from_json(const nlohmann::json& j);

/// `sweep`'s results ({"rows", "fit"} with each stage's statistics) for its runs (cmd_sweep.cpp).
nlohmann::json sweep_results(const std::vector<SweepRun>& runs, const LinkAnalysis& link, ObjectiveKind objective);

/// summary.json of a `sweep --out` folder: the fits of `results` (sweep_results) with the provenance.
void write_sweep_summary(const RunStore& store, nlohmann::json results, const nlohmann::json& provenance);

}  // namespace grassflow::cli
