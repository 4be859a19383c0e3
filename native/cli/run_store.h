// The output folder of a grid of runs (`phase`, `sweep --out`): DIR/experiment.json holds the parameters that
// define the experiment, DIR/runs.jsonl one JSON object per finished configuration, appended and flushed as each
// finishes, so that a killed job loses only the runs in flight and a re-run with the same --out skips what is done
// (docs/cli.md, "Runs that survive"). Lines carry no timings or process ids: two runs of the same grid compare
// line by line.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace grassflow::cli {

class RunStore {
 public:
  /// Opens (creating) `dir` for an experiment of `command` defined by `parameters` (a JSON object). A folder
  /// whose experiment.json differs is refused: InputError("out", ...) naming the first differing parameter, its
  /// value there and here. A runs.jsonl whose last line is cut short (a killed writer) is cut back to its last
  /// complete line, with a warning; a damaged complete line is refused (read_runs). A configuration recorded twice
  /// is used once, with a warning. The store holds DIR/.lock (flock) while open: a folder another job is writing is
  /// refused, InputError("out", ...). `key_fields` name the fields that identify a configuration ("d", "n", "seed").
  RunStore(const std::string& dir, const std::string& command, const nlohmann::json& parameters,
           std::vector<std::string> key_fields);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  /// The runs recorded so far (from earlier jobs and this one), in file order.
  const std::vector<nlohmann::json>& runs() const { return runs_; }
  /// Whether the configuration with these key fields is recorded.
  bool done(const nlohmann::json& key) const { return keys_.count(key_of(key)) > 0; }
  /// Appends `run` (it must hold the key fields) as one line and flushes it to the file.
  void append(const nlohmann::json& run);
  const std::string& dir() const { return dir_; }

  /// The configuration key of `run`: its key fields, compactly serialised.
  std::string key_of(const nlohmann::json& run) const;

 private:
  std::string dir_;
  std::vector<std::string> key_fields_;
  std::vector<nlohmann::json> runs_;
  std::set<std::string> keys_;
  std::ofstream out_;
  int lock_ = -1;  // DIR/.lock, held (flock) while this store is open
};

/// The complete lines of DIR/runs.jsonl (none when it is missing), stopping at the first line cut short or
/// damaged; `size` and `kept` (optional) receive the file's size and the bytes of the lines read.
/// A complete line that is not a JSON object (damaged after it was written) is refused: InputError(key, ...) naming
/// the line.
std::vector<nlohmann::json> read_runs(const std::string& dir, std::size_t* size = nullptr, std::size_t* kept = nullptr,
                                      const std::string& key = "out");

/// Reads DIR/experiment.json: {"command", "parameters"}. Throws InputError("out", ...) when it is missing or
/// malformed (naming the file).
nlohmann::json read_experiment(const std::string& dir, const std::string& key = "out");

/// "i/K" of --shard: 0 ≤ i < K. Throws InputError("shard", ...) otherwise.
std::pair<int, int> parse_shard(const std::string& text);

}  // namespace grassflow::cli
