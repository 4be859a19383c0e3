// Finite samples of the planted multi-index model (docs/theory.md §1, §7): x ~ N(0, I_d), y = f*(W*ᵀx) + σε.
// Seeded streams that give bitwise the same samples natively and in WebAssembly, and a CSV loader for user data.
// Rng::normal() uses libm's log and cos, which may differ in the last ulp between glibc and Emscripten's
// musl; the data streams here use Marsaglia's polar method with a logarithm of our own made of +, −, ×, ÷
// and sqrt only (correctly rounded IEEE operations), so the same seed gives the same bits on every platform.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "grassflow/kernels.h"
#include "grassflow/random.h"

namespace grassflow {

/// ln x for x > 0 (finite), from a frexp reduction to [√½, √2) and the series 2·atanh((m − 1)/(m + 1)) to
/// 12 terms: within 2 ulp of the true logarithm, and bitwise reproducible wherever double arithmetic is IEEE
/// (no FMA contraction: neither x86-64's baseline nor WebAssembly has FMA). Returns NaN for x ≤ 0 or NaN.
double portable_log(double x);

/// Standard normal N(0, 1) draws, bitwise identical on every platform: Marsaglia's polar method (Marsaglia &
/// Bray 1964) on Rng::uniform() (two uniforms per attempt, acceptance π/4, both outputs used in order) with
/// portable_log. Independent streams for different (seed, stream) pairs, as Rng.
class GaussianStream {
 public:
  GaussianStream(std::uint64_t seed, std::uint32_t stream);
  double next();
  /// Advances the stream exactly as `count` calls of next() would (the same uniforms accepted and rejected),
  /// without computing the draws' logarithms: a few nanoseconds a draw. Used to start a process's share of a
  /// dataset at its first row (data-parallel training, docs/cli.md "Open MPI").
  void skip(std::uint64_t count);

 private:
  // The polar method's next accepted point (u, v) in the unit disc, s = u² + v².
  void accepted_point(double& u, double& v, double& s);

  Rng rng_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

/// The planted model of docs/theory.md §1: y = f*(W*ᵀx) + σε with x ~ N(0, I_d), ε ~ N(0, 1) independent. The
/// project's W* is leading_axes(d, r) (manifold.h): nothing is lost against a random W*, since the inputs are
/// isotropic and the learner starts from a Haar-random W.
struct PlantedModel {
  Eigen::MatrixXd w_star;                       ///< W* (d×r) with orthonormal columns: the index space
  std::function<double(const double* z)> link;  ///< f*: R^r → R, called with z* = W*ᵀx (r doubles)
  double noise = 0.0;                           ///< σ ≥ 0, the label noise's standard deviation

  int d() const { return static_cast<int>(w_star.rows()); }
  int r() const { return static_cast<int>(w_star.cols()); }
};

/// Samples (x_i, y_i), i < n: the inputs as a SampleMatrix (row i = x_i), the responses y.
struct Dataset {
  SampleMatrix x;
  std::vector<double> y;

  std::size_t size() const { return x.rows(); }
  std::size_t dim() const { return x.cols(); }
};

/// An unbounded, seeded stream of samples of a planted model. x_i's d coordinates come in order from the
/// Gaussian stream (seed, stream) and ε_i from (seed, stream | 0x80000000), so the samples do not depend on
/// the batch sizes they are drawn in, nor on σ (σ = 0 still consumes ε). y_i is computed from x_i as stored
/// (float32 storage rounds x first), with z*_c = Σ_j x_ij W*_jc summed in order j = 0..d−1.
class SampleStream {
 public:
  /// Throws InputError when W* is empty, the link is missing, or σ < 0 or not finite.
  SampleStream(PlantedModel model, std::uint64_t seed, std::uint32_t stream);

  /// Overwrites rows [first, first + count) of `data` (x and y) with the next `count` samples. Throws
  /// InputError when the rows do not exist or data's d differs from W*'s.
  void draw(Dataset& data, std::size_t first, std::size_t count);
  /// A dataset of the next n samples (LimitError beyond `memory_cap` bytes of inputs, stating the size).
  Dataset draw(std::size_t n, Precision precision, std::size_t memory_cap = kSampleMemoryCap);
  /// Advances past the next `count` samples as draw() would, without computing them: rows [a, b) of a dataset are
  /// skip(a) then draw(b − a) on a fresh stream, bitwise the rows a one-process draw(b) gives there.
  void skip(std::size_t count);

  const PlantedModel& model() const { return model_; }

 private:
  PlantedModel model_;
  GaussianStream inputs_, noise_;
  std::vector<double> row_, z_;
};

/// How a table of samples is laid out (CSV and .npy; docs/cli.md, "Data files").
struct TableFormat {
  enum class Header { detect, yes, no };
  /// detect: the first non-skipped line is a header when any of its fields is not a number.
  Header header = Header::detect;
  /// The field separator: one character; ' ' means runs of spaces and tabs.
  char delimiter = ',';
  /// The column of y: a name from the header, or a 0-based index (negative counts from the end, -1 the last,
  /// as in numpy); "" for the column the header names "y" when exactly one does, else the last.
  std::string y_column;
  /// false (prediction on new inputs): a table of exactly d columns has no y (Dataset::y stays empty).
  bool y_required = true;
};

/// Which data rows of a table a reader keeps: share `part` of `parts` consecutive shares, the rows
/// [n·part/parts, n·(part+1)/parts) of the table's n (data-parallel training reads one share a process; docs/cli.md,
/// "Open MPI"). The reader sets `first` and `total`. Memory is taken for the share's rows only; only they are
/// parsed and checked.
struct RowShare {
  std::size_t part = 0, parts = 1;
  std::size_t first = 0, total = 0;  ///< set by the reader: the first row kept, and n

  /// Sets first and total for a table of n rows and returns the count kept. Throws InputError(name: ...) when
  /// n < parts (a share would be empty) or part ≥ parts.
  std::size_t select(std::size_t n, const std::string& name);
  bool keeps(std::size_t row) const { return row >= first && row - first < count; }
  std::size_t count = 0;  ///< set by select: the rows kept
};

/// The 0-based column of y among `columns` as format.y_column says, for a table whose header row is `header`
/// (empty: none; .npy files have none). `name` (a file name) starts the messages. Throws InputError("y-column",
/// ...) for an index outside the columns, a name the header does not have, a name it has twice, or a name with no
/// header.
std::size_t y_column_index(const TableFormat& format, const std::vector<std::string>& header, std::size_t columns,
                           const std::string& name);

/// Reads samples from CSV text: each data row holds d inputs and y (in the column format.y_column names; the
/// inputs are the other columns in order), separated by format.delimiter (spaces around fields are ignored).
/// Blank lines and lines starting with '#' are skipped; the first non-skipped line is a header as
/// format.header says. d = 0 takes d from the first data row (its columns − 1); otherwise every row must have
/// d + 1 columns (or d, without y, when !format.y_required). `name` (a file name) starts every error message.
/// The stream must be seekable: a first pass counts the rows, so that a request beyond `memory_cap` is refused
/// before any storage is taken. Throws InputError (with the 1-based line number and column) on a wrong column
/// count, an empty field, a field that is not a number, a NaN or infinite value, no data rows, a y column that
/// names no column; LimitError when the inputs would need more than `memory_cap` bytes (the message states how
/// many). With `share`, only its rows are kept, parsed and checked.
Dataset load_csv(std::istream& in, const std::string& name, std::size_t d, Precision precision,
                 std::size_t memory_cap = kSampleMemoryCap, const TableFormat& format = {}, RowShare* share = nullptr);
/// load_csv on the file at `path` (InputError when it cannot be opened or is not a regular file: a directory,
/// or a device such as /dev/zero, which would be one endless line).
Dataset load_csv_file(const std::string& path, std::size_t d, Precision precision,
                      std::size_t memory_cap = kSampleMemoryCap, const TableFormat& format = {},
                      RowShare* share = nullptr);

}  // namespace grassflow
