// Samples and matrices from files a researcher already has: CSV (sampling.h's load_csv) and NumPy's .npy
// format (version 1–3 headers; little-endian float64, float32, int64 or int32; C or Fortran order), for
// `train --data`, `--w-star` and `predict`. Layouts and conventions: docs/cli.md, "Data files".
#pragma once

#include <Eigen/Dense>
#include <string>

#include "grassflow/sampling.h"

namespace grassflow {

/// Samples from `spec`:
///   "FILE.npy"         one n×c matrix: y in the column format.y_column names (an index: .npy has no names),
///                      the inputs the other columns in order;
///   "X.npy,Y.npy"      inputs X (n×d) and responses Y (n, or n×1);
///   anything else      a CSV file (load_csv_file with `format`).
/// d = 0 takes d from the file; otherwise the inputs must have d columns. Without format.y_required, a .npy
/// of exactly d columns is inputs only. Throws InputError(key, ...) naming the file: a missing or unreadable
/// file, not a .npy, a dtype other than the four above (naming it, with the conversion to make), a shape that
/// is not 2-D (1-D for Y), X and Y with different n, non-finite values; LimitError beyond `memory_cap` bytes.
/// With `share`, only its rows are kept (and read).
Dataset load_samples(const std::string& spec, std::size_t d, Precision precision, const TableFormat& format,
                     const std::string& key = "data", std::size_t memory_cap = kSampleMemoryCap,
                     RowShare* share = nullptr);

/// A matrix from a CSV file without a header (entries separated by commas or whitespace) or a 2-D .npy file.
/// Throws InputError(key, ...) naming the file for a missing file, a ragged or empty table, a non-number or
/// non-finite entry, a bad .npy.
Eigen::MatrixXd load_matrix(const std::string& path, const std::string& key);

}  // namespace grassflow
