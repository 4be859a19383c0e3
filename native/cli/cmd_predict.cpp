// `grassflow predict --model FILE.json --data FILE`: a model saved by `train --save-model` evaluated on new rows,
// f̂(Wᵀx) with the model's standardisation, link features and coefficients (docs/theory.md §7; docs/cli.md,
// "Model files").
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.h"
#include "dynamics_cli.h"
#include "grassflow/data_files.h"
#include "grassflow/errors.h"
#include "grassflow/link_features.h"
#include "model_file.h"
#include "provenance.h"

namespace grassflow::cli {

namespace {

struct PredictCommand {
  CLI::App* cmd = nullptr;
  std::string model, data;
  TableReading reading;
  bool json = false;
};

Eigen::MatrixXd matrix_from_json(const nlohmann::json& rows, Eigen::Index n, Eigen::Index m) {
  if (!rows.is_array() || static_cast<Eigen::Index>(rows.size()) != n)
    throw InputError("model", "its W does not have d = " + std::to_string(n) + " rows");
  Eigen::MatrixXd M(n, m);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto row = rows[static_cast<std::size_t>(i)].get<std::vector<double>>();
    if (static_cast<Eigen::Index>(row.size()) != m)
      throw InputError("model",
                       "row " + std::to_string(i) + " of its W does not have r = " + std::to_string(m) + " entries");
    for (Eigen::Index j = 0; j < m; ++j) M(i, j) = row[static_cast<std::size_t>(j)];
  }
  return M;
}

void run(const PredictCommand& c) {
  const nlohmann::json model = read_model(c.model);
  Eigen::MatrixXd W;
  Standardization standardization;
  std::optional<LinkFeatures> features;
  Eigen::VectorXd a;
  std::size_t d = 0;
  try {
    d = model.at("d").get<std::size_t>();
    const int r = model.at("r").get<int>();
    W = matrix_from_json(model.at("W"), static_cast<Eigen::Index>(d), r);
    standardization = Standardization::from_json(model.at("standardization"), d);
    const nlohmann::json& link = model.at("link");
    features.emplace(link.at("features").get<std::string>(), r, link.at("degree").get<int>(),
                     link.at("seed").get<std::uint64_t>());
    const auto coefficients = link.at("coefficients").get<std::vector<double>>();
    if (static_cast<int>(coefficients.size()) != features->size())
      throw InputError("model", "its link has " + std::to_string(coefficients.size()) + " coefficients for " +
                                    std::to_string(features->size()) + " features");
    a = Eigen::Map<const Eigen::VectorXd>(coefficients.data(), static_cast<Eigen::Index>(coefficients.size()));
  } catch (const nlohmann::json::exception& e) {
    throw InputError("model", "'" + c.model + "' is malformed (" + e.what() + "); save it again with train");
  }
  // The reading flags not given are the ones the model was trained with (its y column by name, say).
  TableReading reading = c.reading;
  const nlohmann::json trained = model.value("resolved", nlohmann::json::object());
  const auto inherit = [&](const char* flag, std::string& value) {
    if (c.cmd->count(std::string("--") + flag) > 0 || !trained.contains(flag) || trained[flag].is_null()) return;
    value = trained[flag].is_string() ? trained[flag].get<std::string>() : trained[flag].dump();
  };
  inherit("y-column", reading.y_column);
  inherit("delimiter", reading.delimiter);
  inherit("header", reading.header);
  Dataset data;
  try {
    data = load_samples(c.data, d, Precision::float64, reading.format(false));
  } catch (const InputError& e) {
    // A file for another d: say that it is the model's d.
    throw InputError(e.key(), std::string(e.what()) + " (the model was trained at d = " + std::to_string(d) + ")");
  }
  standardization.apply(data);
  // f̂(Wᵀx) a block of rows at a time: Z = X W (row-major, as the features take it), then Φ(Z)·a.
  constexpr std::size_t kBlock = 1024;
  std::vector<double> predictions(data.size());
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> X, Z;
  Eigen::MatrixXd Phi;
  for (std::size_t b = 0; b < data.size(); b += kBlock) {
    const std::size_t count = std::min(kBlock, data.size() - b);
    X.resize(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(d));
    for (std::size_t i = 0; i < count; ++i) data.x.copy_row(b + i, X.row(static_cast<Eigen::Index>(i)).data());
    Z = X * W;
    features->evaluate(Z.data(), count, Phi);
    Eigen::Map<Eigen::VectorXd>(predictions.data() + b, static_cast<Eigen::Index>(count)) = features->values(Phi, a);
  }
  double loss = std::numeric_limits<double>::quiet_NaN();
  if (!data.y.empty()) {
    double total = 0.0;
    for (std::size_t i = 0; i < data.size(); ++i) total += (predictions[i] - data.y[i]) * (predictions[i] - data.y[i]);
    loss = 0.5 * total / static_cast<double>(data.size());
  }
  if (c.json) {
    const nlohmann::json out = {{"rows", data.size()},
                                {"d", d},
                                {"predictions", predictions},
                                {"test_loss", json_number(loss)},
                                {"has_y", !data.y.empty()}};
    print_json(*c.cmd, out,
               {{"model_commit", model.value("commit", "")},
                {"y-column", reading.y_column},
                {"delimiter", reading.delimiter},
                {"header", reading.header}});
    return;
  }
  if (data.y.empty())
    std::printf("# %zu rows, no y column: predictions only\n", data.size());
  else
    std::printf("# %zu rows, test loss (1/2 mean squared error) %.10g\n", data.size(), loss);
  for (double p : predictions) std::printf("%.17g\n", p);
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto c = std::make_shared<PredictCommand>();
  CLI::App* cmd = c->cmd = app.add_subcommand(
      "predict", "Evaluate a model saved by `train --save-model` on new rows; with a y column, its test loss");
  cmd->add_option("--model", c->model, "the model file written by train --save-model")->required();
  cmd->add_option("--data", c->data,
                  "the rows: CSV, DATA.npy or X.npy,Y.npy as for train; d input columns, and y when present (then the "
                  "test loss is reported)")
      ->required();
  c->reading.add_options(cmd);
  for (const char* flag : {"--header", "--y-column", "--delimiter"})
    cmd->get_option(flag)->description(cmd->get_option(flag)->get_description() +
                                       " (default: as the model was trained)");
  cmd->add_flag("--json", c->json, "print {rows, predictions, test_loss, ...} as JSON");
  cmd->callback([c] { run(*c); });
}

}  // namespace grassflow::cli
