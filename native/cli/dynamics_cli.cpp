#include "dynamics_cli.h"

#include <cctype>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "mpi_job.h"
#include "provenance.h"

namespace grassflow::cli {

ExperimentOptions::ExperimentOptions(CLI::App* cmd, const std::vector<std::string>& required) {
  for (const ExperimentKey& key : experiment_keys()) {
    std::istringstream commands(key.commands);
    std::string command;
    bool takes = false;
    while (commands >> command) takes = takes || command == cmd->get_name();
    if (!takes) continue;
    std::string type = key.type;  // "whole number" -> WHOLE_NUMBER, as CLI11 shows types
    for (char& c : type) c = c == ' ' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    options_[key.name] = cmd->add_option(std::string("--") + key.name, values_[key.name], key.help)->type_name(type);
  }
  for (const std::string& name : required) {
    if (!options_.count(name)) throw std::logic_error(cmd->get_name() + " takes no experiment key '" + name + "'");
    options_[name]->required();
  }
}

Experiment ExperimentOptions::experiment() const {
  Experiment e;
  for (const ExperimentKey& key : experiment_keys())
    if (given(key.name)) key.parse(e, values_.at(key.name));
  return e;
}

nlohmann::json ExperimentOptions::resolved() const {
  const Experiment e = experiment();
  nlohmann::json values = nlohmann::json::object();
  for (const ExperimentKey& key : experiment_keys()) {
    if (!options_.count(key.name)) continue;
    const std::string text = key.format(e);
    if (text.empty()) continue;
    // Numbers as numbers (a real-valued key stays a real when its value happens to be whole: noise 0 is 0.0);
    // the other keys as text, even when the text reads as a number (the link "1").
    const std::string type = key.type;
    const bool numeric = type == "number" || type == "integer" || type == "whole number";
    values[key.name] = numeric ? typed_value(text) : nlohmann::json(text);
    if (type == "number" && values[key.name].is_number_integer()) values[key.name] = values[key.name].get<double>();
  }
  return values;
}

nlohmann::json ExperimentOptions::resolved(const LinkAnalysis& link) const {
  nlohmann::json values = resolved();
  if (options_.count("r")) values["r"] = link.r();
  if (options_.count("degree")) values["degree"] = link.expansion.degree;
  return values;
}

bool ExperimentOptions::given(const std::string& name) const {
  const auto it = options_.find(name);
  return it != options_.end() && it->second->count() > 0;
}

void warn(const std::string& text) {
  if (mpi_rank() != 0) return;  // under mpirun, rank 0 speaks for the job
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
