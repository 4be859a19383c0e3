// `grassflow merge DIR... --out DIR`: the union of the runs of shards of one experiment (`phase --shard i/K`, `sweep
// --out --shard i/K`, or folders of jobs run apart), with the summaries written anew. Shards whose experiment
// differs are refused (exit status 2), naming the parameter (docs/cli.md, "Runs that survive").
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "commands.h"
#include "dynamics_cli.h"
#include "grassflow/errors.h"
#include "grid_summaries.h"
#include "provenance.h"
#include "run_store.h"

namespace grassflow::cli {

namespace {

struct MergeCommand {
  CLI::App* cmd = nullptr;
  std::vector<std::string> dirs;
  std::string out;
};

// The fields that identify a configuration of each command's grid.
std::vector<std::string> key_fields(const std::string& command) {
  if (command == "phase") return {"d", "n", "seed"};
  if (command == "sweep") return {"d", "seed"};
  throw InputError("grassflow merge merges the folders of phase and sweep, not of " + command);
}

void run(const MergeCommand& c) {
  const nlohmann::json first = read_experiment(c.dirs.front(), "");
  const std::string command = first.at("command").get<std::string>();
  for (const std::string& dir : c.dirs) {
    const nlohmann::json other = read_experiment(dir, "");
    if (other.at("command") != first.at("command"))
      throw InputError(dir + " holds a " + other.at("command").get<std::string>() + " experiment and " +
                       c.dirs.front() + " a " + command + " one; merge only shards of one experiment");
    if (other != first)
      for (const auto& [name, value] : first.at("parameters").items())
        if (other.at("command") != first.at("command") || !other.at("parameters").contains(name) ||
            other.at("parameters").at(name) != value)
          throw InputError(
              dir + " holds another experiment than " + c.dirs.front() + " (" + name + " is " +
              (other.at("parameters").contains(name) ? other.at("parameters").at(name).dump() : std::string("absent")) +
              " there, " + value.dump() + " in " + c.dirs.front() + "); merge only shards of one experiment");
  }
  RunStore store(c.out, command, first.at("parameters"), key_fields(command));
  std::size_t added = 0;
  std::map<std::string, std::pair<std::string, std::string>> seen;  // configuration: its line, and where it was read
  for (const std::string& dir : c.dirs) {
    std::size_t size = 0, kept = 0;
    for (const nlohmann::json& run : read_runs(dir, &size, &kept, "")) {
      const std::string key = store.key_of(run);
      const auto [at, fresh] = seen.emplace(key, std::make_pair(run.dump(), dir));
      if (!fresh && at->second.first != run.dump())
        warn("configuration " + key + " has other results in " + dir + " than in " + at->second.second +
             " (shards of another run of the grid?); the first is kept");
      if (store.done(run)) continue;
      store.append(run);
      ++added;
    }
    if (kept < size)
      warn(dir +
           "/runs.jsonl ends in a line cut short (a job killed while writing): not merged; resume that shard "
           "to complete it");
  }
  const nlohmann::json& parameters = first.at("parameters");
  nlohmann::json resolved = parameters;
  resolved["merged"] = c.dirs;
  const LinkAnalysis link =
      analyse_link(parameters.at("link").get<std::string>(), parameters.value("r", 0), std::optional<int>{});
  if (command == "phase") write_phase_summaries(store, link, provenance(*c.cmd, resolved));
  if (command == "sweep") {
    std::vector<SweepRun> runs;
    for (const nlohmann::json& j : store.runs()) runs.push_back(sweep_run_from_json(j));
    write_sweep_summary(store, sweep_results(runs, link, parse_objective_kind(parameters.at("objective"))),
                        provenance(*c.cmd, resolved));
  }
  std::printf("merged %zu folder(s): %zu runs in %s/runs.jsonl (%zu new)\n", c.dirs.size(), store.runs().size(),
              c.out.c_str(), added);
}

}  // namespace

void add_merge_command(CLI::App& app) {
  auto c = std::make_shared<MergeCommand>();
  CLI::App* cmd = c->cmd = app.add_subcommand(
      "merge", "The union of shards of one phase or sweep experiment (runs.jsonl) with its summaries written anew");
  cmd->add_option("dirs", c->dirs, "the folders to merge (each written by phase or sweep with --out)")->required();
  cmd->add_option("--out", c->out, "the folder of the union (created; may be one of the inputs' parent)")->required();
  cmd->callback([c] { run(*c); });
}

}  // namespace grassflow::cli
