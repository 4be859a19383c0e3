#include "dynamics_cli.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace grassflow::cli {

ExperimentOptions::ExperimentOptions(CLI::App* cmd, const std::vector<std::string>& names,
                                     const std::vector<std::string>& required) {
  for (const std::string& name : names) {
    const ExperimentKey* key = find_experiment_key(name);
    if (!key) throw std::logic_error("ExperimentOptions: no experiment key '" + name + "'");
    std::string help = key->help;
    CLI::Option* option = cmd->add_option("--" + name, values_[name], help);
    if (std::find(required.begin(), required.end(), name) != required.end()) option->required();
    options_[name] = option;
  }
}

Experiment ExperimentOptions::experiment() const {
  Experiment e;
  for (const ExperimentKey& key : experiment_keys())
    if (given(key.name)) key.parse(e, values_.at(key.name));
  return e;
}

bool ExperimentOptions::given(const std::string& name) const {
  const auto it = options_.find(name);
  return it != options_.end() && it->second->count() > 0;
}

void warn(const std::string& text) {
  std::fprintf(stderr, "grassflow: warning: %s\n", text.c_str());
}

LinkAnalysis analyse_link_reporting(const std::string& link, int r, std::optional<int> degree, LinkUse use) {
  LinkAnalysis analysis = analyse_link(link, r, degree, use);
  for (const std::string& warning : analysis.warnings) warn(warning);
  return analysis;
}

LinkAnalysis analyse_link_reporting(const Experiment& experiment, LinkUse use) {
  return analyse_link_reporting(experiment.link, experiment.r, experiment.degree, use);
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
