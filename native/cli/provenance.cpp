#include "provenance.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "grassflow/kernels.h"
#include "grassflow/version.h"
#include "mpi_job.h"

namespace grassflow::cli {

namespace {

std::vector<std::string>& recorded() {
  static std::vector<std::string> words;
  return words;
}

// A word as a POSIX shell reads it back: bare when it has only safe characters, in single quotes otherwise.
std::string shell_quoted(const std::string& word) {
  const char* safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=+.,:/@%";
  if (!word.empty() && word.find_first_not_of(safe) == std::string::npos) return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

void record_command_line(int argc, char** argv) {
  recorded().assign(argv + std::min(argc, 1), argv + argc);
}

std::string command_line() {
  // Under mpirun the launch is part of what reproduces the output (float32 sums depend on the rows' shares).
  std::string line = mpi_active() ? "mpirun -np " + std::to_string(mpi_size()) + " grassflow" : "grassflow";
  for (const std::string& word : recorded()) line += " " + shell_quoted(word);
  return line;
}

nlohmann::json json_number(double x) {
  if (!std::isfinite(x)) return nullptr;
  if (x == std::floor(x) && std::fabs(x) < 0x1p53) return static_cast<long long>(x);
  return x;
}

nlohmann::json typed_value(const std::string& text) {
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  const bool number =
      !text.empty() && *end == '\0' && std::isfinite(x) && text.find_first_of("xXpP") == std::string::npos;
  return number ? json_number(x) : nlohmann::json(text);
}

nlohmann::json provenance(const CLI::App& cmd, const nlohmann::json& computed) {
  nlohmann::json params = nlohmann::json::object(), resolved = nlohmann::json::object();
  for (const CLI::Option* option : cmd.get_options()) {
    const std::string name = option->get_single_name();
    if (name == "help" || name.empty()) continue;
    const bool flag = option->get_expected_min() == 0;
    if (option->count() > 0) {
      nlohmann::json value;
      if (flag) {
        value = true;
      } else if (option->results().size() == 1) {
        value = typed_value(option->results()[0]);
      } else {
        for (const std::string& text : option->results()) value.push_back(typed_value(text));
      }
      params[name] = value;
      resolved[name] = value;
    } else if (flag) {
      resolved[name] = false;
    } else if (!option->get_default_str().empty()) {
      resolved[name] = typed_value(option->get_default_str());
    }
  }
  resolved.update(computed);
  return {{"version", version()},
          {"commit", commit()},
          {"build", {{"target", build_target()}, {"simd", simd_target()}}},
          {"command_line", command_line()},
          {"params", params},
          {"resolved", resolved}};
}

void print_json(const CLI::App& cmd, nlohmann::json out, const nlohmann::json& computed) {
  out.update(provenance(cmd, computed));
  std::printf("%s\n", out.dump().c_str());
}

std::string csv_comment_lines(const nlohmann::json& provenance) {
  std::string lines;
  for (const auto& [name, value] : provenance.items())
    lines += "# " + name + ": " + (value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
  return lines;
}

}  // namespace grassflow::cli
