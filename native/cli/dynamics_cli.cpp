#include "dynamics_cli.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "grassflow/errors.h"

namespace grassflow::cli {

void add_link_options(CLI::App* cmd, std::string& link, int& r) {
  cmd->add_option("--link", link, "the link: an expression in z1..zr or preset:NAME (see grassflow hermite)")
      ->required();
  cmd->add_option("--r", r, "number of directions; default: the link's natural r")->check(CLI::Range(1, kMaxLinkRank));
}

void add_objective_option(CLI::App* cmd, std::string& objective) {
  cmd->add_option("--objective", objective, "joint (the link refitted, docs/theory.md §4) or planted (the link known)")
      ->required();
}

PreparedLink prepare_link(const std::string& spec, int r, int degree) {
  PreparedLink p;
  try {
    p.resolved = resolve_link(spec, r);
  } catch (const InputError& e) {
    throw InputError(std::string("--link: ") + e.what());
  }
  for (const std::string& warning : p.resolved.warnings)
    std::fprintf(stderr, "grassflow: warning: %s\n", warning.c_str());
  try {
    p.expansion = hermite_expansion(p.resolved.link, degree, &p.report);
  } catch (const LimitError& e) {
    throw LimitError(std::string("--degree/--r: ") + e.what());
  } catch (const InputError& e) {
    throw InputError(std::string("--link: ") + e.what());
  }
  try {
    check_usable_for_dynamics(p.resolved.link, p.expansion, p.report);
  } catch (const InputError& e) {
    throw InputError(std::string("--link: ") + e.what());
  }
  p.tolerance = zero_tolerance(p.expansion, p.report);
  for (const std::string& warning :
       {quadrature_warning(p.report, p.tolerance), truncation_warning(p.expansion, p.tolerance)})
    if (!warning.empty()) std::fprintf(stderr, "grassflow: warning: %s\n", warning.c_str());
  p.leaps = leap_sequence(p.expansion, p.tolerance);
  return p;
}

std::shared_ptr<const Objective> objective_from_flag(const std::string& name, const HermiteExpansion& expansion) {
  if (name != "joint" && name != "planted")
    throw InputError("--objective: unknown objective '" + name + "'; choose joint or planted");
  return make_objective(name, expansion);
}

std::vector<double> parse_dimensions(const std::string& text) {
  std::vector<double> ds;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    char* end = nullptr;
    const double d = std::strtod(item.c_str(), &end);
    while (end && (*end == ' ' || *end == '\t')) ++end;
    if (item.empty() || end == item.c_str() || *end != '\0' || !std::isfinite(d) || d < 1.0 || d != std::floor(d) ||
        d > 1e15)
      throw InputError("--d: '" + item + "' is not a whole number between 1 and 1e15; give e.g. --d 100,1000,1e4");
    ds.push_back(d);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return ds;
}

nlohmann::json matrix_json(const Eigen::MatrixXd& M) {
  nlohmann::json rows = nlohmann::json::array();
  for (Eigen::Index i = 0; i < M.rows(); ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (Eigen::Index j = 0; j < M.cols(); ++j) row.push_back(M(i, j));
    rows.push_back(row);
  }
  return rows;
}

nlohmann::json vector_json(const Eigen::VectorXd& v) {
  nlohmann::json list = nlohmann::json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) list.push_back(v(i));
  return list;
}

nlohmann::json optional_list_json(const std::vector<std::optional<double>>& values) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& v : values) list.push_back(v ? nlohmann::json(*v) : nlohmann::json(nullptr));
  return list;
}

}  // namespace grassflow::cli
