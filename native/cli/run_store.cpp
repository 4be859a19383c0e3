#include "run_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "dynamics_cli.h"
#include "grassflow/errors.h"

namespace grassflow::cli {

namespace {

// The first parameter whose value differs between `there` and `here` (both objects), as "NAME is X there, Y here".
std::string first_difference(const nlohmann::json& there, const nlohmann::json& here) {
  for (const auto& [name, value] : here.items())
    if (!there.contains(name) || there.at(name) != value)
      return name + " is " + (there.contains(name) ? there.at(name).dump() : std::string("absent")) + " there, " +
             value.dump() + " here";
  for (const auto& [name, value] : there.items())
    if (!here.contains(name)) return name + " is " + value.dump() + " there, absent here";
  return "";
}

}  // namespace

nlohmann::json read_experiment(const std::string& dir, const std::string& key) {
  const std::filesystem::path path = std::filesystem::path(dir) / "experiment.json";
  std::ifstream in(path);
  if (!in) throw InputError(key, dir + " holds no experiment.json; give a folder written by grassflow phase or sweep");
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    if (!j.is_object() || !j.contains("command") || !j.contains("parameters"))
      throw InputError(key, path.string() + " is not an experiment description; give a folder written by grassflow");
    return j;
  } catch (const nlohmann::json::exception&) {
    throw InputError(key, path.string() + " is not valid JSON; give a folder written by grassflow");
  }
}

std::vector<nlohmann::json> read_runs(const std::string& dir, std::size_t* size, std::size_t* kept,
                                      const std::string& key) {
  std::vector<nlohmann::json> runs;
  std::ifstream in(std::filesystem::path(dir) / "runs.jsonl", std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  const std::string all = text.str();
  std::size_t begin = 0, line = 0;
  while (begin < all.size()) {
    const std::size_t end = all.find('\n', begin);
    if (end == std::string::npos) break;  // a last line without its newline: cut short by a killed writer
    ++line;
    // A complete line that is not a run was damaged after it was written: refused, so that no later run is lost.
    nlohmann::json run = nlohmann::json::parse(all.substr(begin, end - begin), nullptr, false);
    if (!run.is_object())
      throw InputError(key, (std::filesystem::path(dir) / "runs.jsonl").string() + " line " + std::to_string(line) +
                                " is not a run (a JSON object on one line); repair or delete that line (the runs "
                                "after it are kept)");
    runs.push_back(std::move(run));
    begin = end + 1;
  }
  if (size) *size = all.size();
  if (kept) *kept = begin;
  return runs;
}

RunStore::RunStore(const std::string& dir, const std::string& command, const nlohmann::json& parameters,
                   std::vector<std::string> key_fields)
    : dir_(dir), key_fields_(std::move(key_fields)) {
  namespace fs = std::filesystem;
  if (dir.empty()) throw InputError("out", "empty; give the folder for the results, e.g. --out results");
  std::error_code error;
  if (fs::exists(dir, error) && !fs::is_directory(dir, error))
    throw InputError("out", dir + " is a file, not a folder; give a folder (it is created if missing)");
  fs::create_directories(dir, error);
  if (!fs::is_directory(dir, error))
    throw InputError("out", "cannot create the directory " + dir + "; give a writable path");
  // One job at a time writes a folder: another (or a second shard into the same --out) is refused.
  lock_ = ::open((fs::path(dir) / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_ < 0 || ::flock(lock_, LOCK_EX | LOCK_NB) != 0)
    throw InputError("out", "another grassflow job is writing to " + dir + " (it holds " +
                                (fs::path(dir) / ".lock").string() +
                                "); wait for it to finish, or give each job its own --out and merge them");
  const nlohmann::json experiment = {{"command", command}, {"parameters", parameters}};
  const fs::path described = fs::path(dir) / "experiment.json";
  if (fs::exists(described)) {
    const nlohmann::json there = read_experiment(dir);
    if (there.at("command") != command)
      throw InputError("out", dir + " holds the results of grassflow " + there.at("command").get<std::string>() +
                                  ", not " + command + "; give another --out");
    if (const std::string diff = first_difference(there.at("parameters"), parameters); !diff.empty())
      throw InputError("out", dir + " holds the results of another experiment (" + diff +
                                  "); give another --out, or the same parameters to resume it");
  } else {
    std::ofstream(described) << experiment.dump(2) << "\n";
  }
  const fs::path lines = fs::path(dir) / "runs.jsonl";
  std::size_t size = 0, kept = 0;
  std::size_t repeated = 0;
  for (nlohmann::json& run : read_runs(dir, &size, &kept)) {
    if (!keys_.insert(key_of(run)).second) {
      ++repeated;
      continue;
    }
    runs_.push_back(std::move(run));
  }
  if (repeated > 0)
    warn(lines.string() + " holds " + std::to_string(repeated) +
         " configuration(s) twice (two jobs writing into one --out?); the first of each is used, once");
  if (kept < size) {
    warn(lines.string() + ": the last " + std::to_string(size - kept) +
         " bytes are an unfinished line (a job killed while writing); cut back to " + std::to_string(runs_.size()) +
         " complete runs, the rest is redone");
    fs::resize_file(lines, kept);
  }
  out_.open(lines, std::ios::app);
  if (!out_) throw InputError("out", "cannot write " + lines.string() + "; give a writable folder");
}

RunStore::~RunStore() {
  if (lock_ >= 0) ::close(lock_);
}

std::string RunStore::key_of(const nlohmann::json& run) const {
  nlohmann::json key = nlohmann::json::array();
  for (const std::string& field : key_fields_) key.push_back(run.contains(field) ? run.at(field) : nullptr);
  return key.dump();
}

void RunStore::append(const nlohmann::json& run) {
  out_ << run.dump() << "\n";
  out_.flush();
  keys_.insert(key_of(run));
  runs_.push_back(run);
}

std::pair<int, int> parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  int i = -1, k = 0;
  try {
    std::size_t used = 0;
    if (slash != std::string::npos) {
      i = std::stoi(text.substr(0, slash), &used);
      if (used != slash) i = -1;
      k = std::stoi(text.substr(slash + 1), &used);
      if (used != text.size() - slash - 1) k = 0;
    }
  } catch (const std::exception&) {
    i = -1;
  }
  if (slash == std::string::npos || k < 1 || i < 0 || i >= k)
    throw InputError("shard", "'" + text + "'; give i/K with 0 <= i < K, e.g. 0/4 for the first of four shards");
  return {i, k};
}

}  // namespace grassflow::cli
