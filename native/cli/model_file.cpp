#include "model_file.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "grassflow/errors.h"
#include "grassflow/version.h"

namespace grassflow::cli {

void TableReading::add_options(CLI::App* cmd) {
  cmd->add_option("--header", header,
                  "whether the data file's first line names its columns: auto (a header when any field is not a "
                  "number), yes, no");
  cmd->add_option(
      "--y-column", y_column,
      "the column of y: a header name or a 0-based index (negative from the end); default the column named y, "
      "else the last");
  cmd->add_option("--delimiter", delimiter, "the CSV field separator: one character, 'tab' or 'space' (default ',')");
}

TableFormat TableReading::format(bool y_required) const {
  TableFormat f;
  if (header == "yes")
    f.header = TableFormat::Header::yes;
  else if (header == "no")
    f.header = TableFormat::Header::no;
  else if (header != "auto")
    throw InputError("header", "'" + header + "'; use auto, yes or no");
  if (delimiter == "tab" || delimiter == "\\t" || delimiter == "\t")
    f.delimiter = '\t';
  else if (delimiter == "space" || delimiter == " ")
    f.delimiter = ' ';
  else if (delimiter.size() == 1 && delimiter != "#" && delimiter != "." && delimiter != "-" && delimiter != "+")
    f.delimiter = delimiter[0];
  else
    throw InputError("delimiter", "'" + delimiter + "'; give one character such as , or ; (or tab, space)");
  f.y_column = y_column;
  f.y_required = y_required;
  return f;
}

Standardization Standardization::fit(const Dataset& data, const std::string& method,
                                     const std::function<void(double*, std::size_t)>& sum_over) {
  Standardization s;
  s.method = method;
  if (method == "none") return s;
  if (method != "scale") throw InputError("standardize", "'" + method + "'; use none or scale");
  const auto d = static_cast<Eigen::Index>(data.dim());
  const auto total = [&](Eigen::VectorXd v) {  // over the processes
    if (sum_over) sum_over(v.data(), static_cast<std::size_t>(v.size()));
    return v;
  };
  // The sums of x and the count, then the squares about the mean (two passes: no cancellation).
  Eigen::VectorXd x(d), sum = Eigen::VectorXd::Zero(d + 1), squares = Eigen::VectorXd::Zero(d);
  for (std::size_t i = 0; i < data.size(); ++i) {
    data.x.copy_row(i, x.data());
    sum.head(d) += x;
  }
  sum(d) = static_cast<double>(data.size());
  sum = total(sum);
  const double n = sum(d);
  s.mean = sum.head(d) / n;
  for (std::size_t i = 0; i < data.size(); ++i) {
    data.x.copy_row(i, x.data());
    squares += (x - s.mean).cwiseAbs2();
  }
  s.scale = (total(squares) / n).cwiseSqrt();
  for (Eigen::Index j = 0; j < d; ++j)
    if (!(s.scale(j) > 0.0))
      throw InputError("standardize", "input column " + std::to_string(j) +
                                          " is constant, so it cannot be scaled; drop it or use --standardize none");
  return s;
}

std::string Standardization::distance_from_standard() const {
  Eigen::Index worst = -1;
  double distance = 0.0;  // |mean| + |ln sd| / ln 3: > 1 when the column is off either way
  for (Eigen::Index j = 0; j < mean.size(); ++j) {
    const double off = std::max(std::fabs(mean(j)), std::fabs(std::log(scale(j))) / std::log(3.0));
    if (off > distance) distance = off, worst = j;
  }
  if (!(distance > 1.0)) return "";
  char text[200];
  std::snprintf(text, sizeof text, "input column %ld has mean %.3g and standard deviation %.3g",
                static_cast<long>(worst), mean(worst), scale(worst));
  return std::string("the inputs are far from the theory's N(0, I_d): ") + text +
         "; standardise them with --standardize scale (recorded in the model)";
}

void Standardization::apply(Dataset& data) const {
  if (method == "none") return;
  Eigen::VectorXd x(static_cast<Eigen::Index>(data.dim()));
  for (std::size_t i = 0; i < data.size(); ++i) {
    data.x.copy_row(i, x.data());
    x = (x - mean).cwiseQuotient(scale);
    data.x.set_row(i, x.data());
  }
}

nlohmann::json Standardization::to_json() const {
  nlohmann::json j = {{"method", method}};
  if (method == "scale") {
    j["mean"] = std::vector<double>(mean.data(), mean.data() + mean.size());
    j["scale"] = std::vector<double>(scale.data(), scale.data() + scale.size());
  }
  return j;
}

Standardization Standardization::from_json(const nlohmann::json& j, std::size_t d) {
  Standardization s;
  s.method = j.at("method").get<std::string>();
  if (s.method == "none") return s;
  if (s.method != "scale") throw InputError("model", "unknown standardization '" + s.method + "'");
  const auto mean = j.at("mean").get<std::vector<double>>(), scale = j.at("scale").get<std::vector<double>>();
  if (mean.size() != d || scale.size() != d)
    throw InputError(
        "model", "its standardization has " + std::to_string(mean.size()) + " entries for d = " + std::to_string(d));
  s.mean = Eigen::Map<const Eigen::VectorXd>(mean.data(), static_cast<Eigen::Index>(d));
  s.scale = Eigen::Map<const Eigen::VectorXd>(scale.data(), static_cast<Eigen::Index>(d));
  return s;
}

void check_model_path(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::is_directory(path, error))
    throw InputError("save-model", "'" + path + "' is a folder; give the path of the JSON file to write");
  const fs::path folder = fs::absolute(path, error).parent_path();
  if (!fs::is_directory(folder, error) || ::access(folder.c_str(), W_OK) != 0)
    throw InputError("save-model", "cannot write '" + path + "': its folder " + folder.string() +
                                       " does not exist or is not writable; give a writable file path");
}

void write_model(const std::string& path, const nlohmann::json& model) {
  std::ofstream out(path);
  if (!out) throw InputError("save-model", "cannot write '" + path + "'; give a writable file path");
  out << model.dump(1) << "\n";
  if (!out) throw InputError("save-model", "writing '" + path + "' failed (disk full?)");
}

nlohmann::json read_model(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error))
    throw InputError("model", "'" + path + "' is not a file; give a file written by train --save-model");
  std::ifstream in(path);
  if (!in) throw InputError("model", "cannot open '" + path + "'; give a file written by train --save-model");
  nlohmann::json model;
  try {
    in >> model;
  } catch (const nlohmann::json::exception&) {
    throw InputError("model", "'" + path + "' is not JSON; give a file written by train --save-model");
  }
  if (!model.is_object() || model.value("format", "") != kModelFormat)
    throw InputError("model", "'" + path + "' is not a grassflow model (no \"format\": \"" + kModelFormat +
                                  "\"); give a file written by train --save-model");
  if (model.value("format_version", 0) != kModelFormatVersion || model.value("version", "") != version())
    throw InputError("model", "'" + path + "' was written by grassflow " + model.value("version", "?") +
                                  " (model format " + std::to_string(model.value("format_version", 0)) +
                                  "); this is grassflow " + version() + ": train it again with this version");
  return model;
}

}  // namespace grassflow::cli
