// The pieces `train` and `predict` share: how a data file is read (--header, --y-column, --delimiter), how the
// inputs are standardised, and the model file (docs/cli.md, "Data files" and "Model files").
#pragma once

#include <CLI/CLI.hpp>
#include <Eigen/Dense>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "grassflow/sampling.h"

namespace grassflow::cli {

/// The reading flags of a data file, as typed.
struct TableReading {
  std::string header = "auto", y_column, delimiter = ",";

  /// Adds --header, --y-column and --delimiter to `cmd`.
  void add_options(CLI::App* cmd);
  /// The TableFormat they describe. Throws InputError("header" | "delimiter", ...) for a bad value.
  TableFormat format(bool y_required) const;
};

/// How the inputs are standardised before training, recorded in the model so that `predict` applies the same:
/// "none" (x as given; the theory's x ~ N(0, I_d)), or "scale" (each coordinate centred by its training mean
/// and divided by its training standard deviation). W then acts on the standardised inputs.
struct Standardization {
  std::string method = "none";
  Eigen::VectorXd mean, scale;  ///< d entries each ("scale" only)

  /// Fits `method` on `data` (InputError("standardize", ...) for an unknown method or a constant column). With
  /// `sum` (DataShare::sum, under mpirun), `data` is one process's rows and the moments are summed over all.
  static Standardization fit(const Dataset& data, const std::string& method,
                             const std::function<void(double*, std::size_t)>& sum = {});
  /// For a "scale" fit: "" when every input's mean is within 1 of 0 and its standard deviation within a factor
  /// 3 of 1 (close enough to the theory's N(0, 1) inputs); otherwise a warning naming the farthest column and
  /// the fix (--standardize scale).
  std::string distance_from_standard() const;
  /// Applies it to every row of `data` in place.
  void apply(Dataset& data) const;
  nlohmann::json to_json() const;
  /// Throws InputError("model", ...) for a malformed record or one for another d.
  static Standardization from_json(const nlohmann::json& j, std::size_t d);
};

/// The model file's format name and version; a file with other values is refused by read_model.
inline constexpr const char* kModelFormat = "grassflow-model";
inline constexpr int kModelFormatVersion = 1;

/// Checks, before any work, that `path` can be written: not a folder, in an existing writable folder.
/// Throws InputError("save-model", ...) otherwise.
void check_model_path(const std::string& path);
/// Writes `model` to `path` (pretty JSON). Throws InputError("save-model", ...) when it cannot be written.
void write_model(const std::string& path, const nlohmann::json& model);
/// Reads a model written by this version of grassflow. Throws InputError("model", ...) naming the file for a
/// missing or unreadable file, another format, or another grassflow version (retrain with this one).
nlohmann::json read_model(const std::string& path);

}  // namespace grassflow::cli
