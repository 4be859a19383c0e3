#include "grassflow/sampling.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "grassflow/errors.h"

namespace grassflow {

namespace {

// ln 2 split so that e·kLn2Hi is exact for |e| < 2¹¹ (fdlibm's constants).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kSqrtHalf = 0.70710678118654752440;

constexpr std::uint32_t kNoiseStreamBit = 0x80000000u;

std::string format_number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

}  // namespace

double portable_log(double x) {
  if (!(x > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  if (x == std::numeric_limits<double>::infinity()) return x;
  int e = 0;
  double m = std::frexp(x, &e);  // x = m·2^e, m ∈ [½, 1): exact
  if (m < kSqrtHalf) {
    m *= 2.0;  // exact
    --e;
  }
  // ln m = 2·atanh(f) = 2f + 2f·(s/3 + s²/5 + ...), f = (m − 1)/(m + 1), |f| ≤ 0.1716, s = f² ≤ 0.0295:
  // the 12th term is below 2⁻⁵³ relative.
  const double f = (m - 1.0) / (m + 1.0);
  const double s = f * f;
  double series = 2.0 / 25.0;
  series = series * s + 2.0 / 23.0;
  series = series * s + 2.0 / 21.0;
  series = series * s + 2.0 / 19.0;
  series = series * s + 2.0 / 17.0;
  series = series * s + 2.0 / 15.0;
  series = series * s + 2.0 / 13.0;
  series = series * s + 2.0 / 11.0;
  series = series * s + 2.0 / 9.0;
  series = series * s + 2.0 / 7.0;
  series = series * s + 2.0 / 5.0;
  series = series * s + 2.0 / 3.0;
  const double log_m = 2.0 * f + f * (s * series);
  const double k = static_cast<double>(e);
  return k * kLn2Hi + (k * kLn2Lo + log_m);
}

GaussianStream::GaussianStream(std::uint64_t seed, std::uint32_t stream) : rng_(seed, stream) {}

double GaussianStream::next() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u, v, s;
  accepted_point(u, v, s);
  const double factor = std::sqrt(-2.0 * portable_log(s) / s);
  spare_ = v * factor;
  has_spare_ = true;
  return u * factor;
}

void GaussianStream::skip(std::uint64_t count) {
  if (count > 0 && has_spare_) {
    has_spare_ = false;
    --count;
  }
  // Whole pairs: the polar method's acceptance test needs the uniforms only, not the logarithm.
  double u, v, s;
  for (; count >= 2; count -= 2) accepted_point(u, v, s);
  if (count == 1) next();  // leaves the pair's second draw as the spare, as next() does
}

void GaussianStream::accepted_point(double& u, double& v, double& s) {
  do {
    u = 2.0 * rng_.uniform() - 1.0;
    v = 2.0 * rng_.uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
}

SampleStream::SampleStream(PlantedModel model, std::uint64_t seed, std::uint32_t stream)
    : model_(std::move(model)),
      inputs_(seed, stream & ~kNoiseStreamBit),
      noise_(seed, stream | kNoiseStreamBit),
      row_(static_cast<std::size_t>(model_.w_star.rows())),
      z_(static_cast<std::size_t>(model_.w_star.cols())) {
  if (model_.w_star.size() == 0) throw InputError("planted model: W* is empty; give a d×r frame with r >= 1");
  if (!model_.link) throw InputError("link", "the planted model has no link f*; give one");
  if (!(model_.noise >= 0.0) || !std::isfinite(model_.noise))
    throw InputError("noise", "sigma = " + format_number(model_.noise) + "; the noise level must be finite and >= 0");
}

void SampleStream::draw(Dataset& data, std::size_t first, std::size_t count) {
  const std::size_t d = row_.size(), r = z_.size();
  if (data.x.cols() != d)
    throw InputError("samples: the dataset has d = " + std::to_string(data.x.cols()) +
                     " but W* has d = " + std::to_string(d));
  if (first > data.x.rows() || count > data.x.rows() - first)
    throw InputError("samples: rows [" + std::to_string(first) + ", " + std::to_string(first + count) +
                     ") do not exist in a dataset of " + std::to_string(data.x.rows()));
  data.y.resize(data.x.rows());
  for (std::size_t i = first; i < first + count; ++i) {
    for (auto& x : row_) x = inputs_.next();
    data.x.set_row(i, row_.data());
    data.x.copy_row(i, row_.data());  // as stored: y must be the model's response to the stored x
    for (std::size_t c = 0; c < r; ++c) {
      double z = 0.0;
      for (std::size_t j = 0; j < d; ++j)
        z += row_[j] * model_.w_star(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(c));
      z_[c] = z;
    }
    data.y[i] = model_.link(z_.data()) + model_.noise * noise_.next();
  }
}

void SampleStream::skip(std::size_t count) {
  inputs_.skip(static_cast<std::uint64_t>(count) * row_.size());
  noise_.skip(count);
}

Dataset SampleStream::draw(std::size_t n, Precision precision, std::size_t memory_cap) {
  Dataset data{SampleMatrix(n, row_.size(), precision, memory_cap), std::vector<double>(n)};
  draw(data, 0, n);
  return data;
}

namespace {

// One CSV line split into fields at `delimiter` (' ': runs of spaces and tabs; no quoting: numeric data only).
std::vector<std::string> split_fields(const std::string& line, char delimiter) {
  std::vector<std::string> fields;
  if (delimiter == ' ') {
    std::size_t start = line.find_first_not_of(" \t");
    while (start != std::string::npos) {
      const std::size_t end = line.find_first_of(" \t", start);
      fields.push_back(line.substr(start, end == std::string::npos ? std::string::npos : end - start));
      start = end == std::string::npos ? end : line.find_first_not_of(" \t", end);
    }
    if (fields.empty()) fields.emplace_back();
    return fields;
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t cut = line.find(delimiter, start);
    std::string field = line.substr(start, cut == std::string::npos ? std::string::npos : cut - start);
    const std::size_t b = field.find_first_not_of(" \t");
    const std::size_t e = field.find_last_not_of(" \t");
    fields.push_back(b == std::string::npos ? std::string() : field.substr(b, e - b + 1));
    if (cut == std::string::npos) break;
    start = cut + 1;
  }
  return fields;
}

// Whole-field parse with strtod (correctly rounded in glibc and musl); false when it is not a number.
bool parse_number(const std::string& field, double& value) {
  if (field.empty()) return false;
  char* end = nullptr;
  value = std::strtod(field.c_str(), &end);
  return end == field.c_str() + field.size();
}

bool all_numbers(const std::vector<std::string>& fields) {
  double value;
  for (const std::string& f : fields)
    if (!parse_number(f, value)) return false;
  return true;
}

bool skipped(const std::string& line) {
  const std::size_t b = line.find_first_not_of(" \t");
  return b == std::string::npos || line[b] == '#';
}

// The next line without its '\r' (CRLF files); the first line (at == 1) also loses a UTF-8 byte-order mark (Excel's
// "CSV UTF-8"), which would otherwise glue itself to the first header name or make the first row unreadable.
bool next_line(std::istream& in, std::string& line, std::size_t at) {
  if (!std::getline(in, line)) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (at == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
  return true;
}

std::string where(const std::string& name, std::size_t line, std::size_t column) {
  return name + " line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

std::size_t y_column_index(const TableFormat& format, const std::vector<std::string>& header, std::size_t columns,
                           const std::string& name) {
  // By default the column the header names "y" (when exactly one does and the header fits the rows), else the
  // last.
  const std::string& spec =
      format.y_column.empty() && header.size() == columns && std::count(header.begin(), header.end(), "y") == 1
          ? std::string("y")
          : format.y_column;
  if (spec.empty()) return columns - 1;
  char* end = nullptr;
  const long index = std::strtol(spec.c_str(), &end, 10);
  if (*end == '\0') {
    const long resolved = index < 0 ? static_cast<long>(columns) + index : index;
    if (resolved < 0 || resolved >= static_cast<long>(columns))
      throw InputError("y-column", name + " has " + std::to_string(columns) + " columns; the y column index " + spec +
                                       " is outside 0.." + std::to_string(columns - 1) +
                                       " (negative indices count from the end: -1 is the last)");
    return static_cast<std::size_t>(resolved);
  }
  std::size_t found = header.size();
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (header[c] != spec) continue;
    if (found < header.size())
      throw InputError("y-column", name + " names columns " + std::to_string(found) + " and " + std::to_string(c) +
                                       " (0-based) both '" + spec + "'; give the y column by its index");
    found = c;
  }
  if (found < header.size()) return found;
  std::string names;
  for (std::size_t c = 0; c < header.size() && c < 12; ++c) names += (c ? ", " : "") + header[c];
  if (header.size() > 12) names += ", ... (" + std::to_string(header.size()) + " columns)";
  throw InputError("y-column", header.empty()
                                   ? name +
                                         " has no header row naming its columns; give the y column as "
                                         "a 0-based index (e.g. -1 for the last)"
                                   : name + " has no column named '" + spec + "'; its header names " + names);
}

std::size_t RowShare::select(std::size_t n, const std::string& name) {
  if (part >= parts) throw InputError(name + ": share " + std::to_string(part) + " of " + std::to_string(parts));
  if (n < parts)
    throw InputError(name + ": " + std::to_string(n) + " data rows cannot be shared out over " + std::to_string(parts) +
                     " processes; use at most " + std::to_string(n));
  const auto cut = [&](std::size_t i) { return n / parts * i + n % parts * i / parts; };  // n·i/parts, no overflow
  first = cut(part);
  count = cut(part + 1) - first;
  total = n;
  return count;
}

Dataset load_csv(std::istream& in, const std::string& name, std::size_t d, Precision precision, std::size_t memory_cap,
                 const TableFormat& format, RowShare* share) {
  const char delimiter = format.delimiter;
  // Pass 1: find the header and the first data row's width, count the data rows.
  const std::istream::pos_type start = in.tellg();
  if (start == std::istream::pos_type(-1)) throw InputError(name + ": cannot read the data (not a seekable file)");
  std::string line;
  std::size_t line_number = 0, header_line = 0, rows = 0, columns = 0;
  std::vector<std::string> header;
  bool seen_first = false;
  while (next_line(in, line, line_number + 1)) {
    ++line_number;
    if (skipped(line)) continue;
    if (!seen_first) {
      seen_first = true;
      std::vector<std::string> fields = split_fields(line, delimiter);
      const bool is_header = format.header == TableFormat::Header::yes ||
                             (format.header == TableFormat::Header::detect && !all_numbers(fields));
      if (is_header) {
        header_line = line_number;
        header = std::move(fields);
        continue;
      }
    }
    if (rows == 0) columns = split_fields(line, delimiter).size();
    ++rows;
  }
  if (rows == 0)
    throw InputError(name + ": no data rows; expected rows of x_1..x_d and y, separated by '" +
                     std::string(1, delimiter) + "'");
  if (d == 0) {
    if (columns < 2)
      throw InputError(name + ": the first data row has " + std::to_string(columns) +
                       " column; need at least 2 (x_1..x_d and y; is the delimiter '" + std::string(1, delimiter) +
                       "' right?)");
    d = columns - 1;
  }
  // Without a required y, a row of d columns is inputs only.
  const bool has_y = format.y_required || columns != d;
  const std::size_t width = has_y ? d + 1 : d;
  const std::size_t y_at = has_y ? y_column_index(format, header, width, name) : width;
  // A header longer than the rows can name a column they do not have.
  if (has_y && y_at >= width)
    throw InputError("y-column", name + ": the header puts y in column " + std::to_string(y_at) +
                                     " (0-based), but the rows have " + std::to_string(width) +
                                     " columns; fix the header or give --y-column as an index");
  RowShare all;
  if (!share) share = &all;
  const std::size_t kept = share->select(rows, name);
  Dataset data;
  try {
    data.x = SampleMatrix(kept, d, precision, memory_cap);
  } catch (const LimitError& e) {
    throw LimitError(name + ": " + e.what());
  }
  if (has_y) data.y.resize(kept);

  // Pass 2: parse and check every row.
  in.clear();
  in.seekg(start);
  std::vector<double> x(d);
  std::size_t row = 0, i = 0;  // the data row, and its place among the kept rows
  line_number = 0;
  while (next_line(in, line, line_number + 1)) {
    ++line_number;
    if (skipped(line) || line_number == header_line) continue;
    if (i == kept) break;  // the rest is other shares'
    if (!share->keeps(row++)) continue;
    const std::vector<std::string> fields = split_fields(line, delimiter);
    if (fields.size() != width)
      throw InputError(name + " line " + std::to_string(line_number) + ": " + std::to_string(fields.size()) +
                       " columns, expected " + std::to_string(width) + " (d = " + std::to_string(d) + " inputs" +
                       (has_y ? " and y" : "") + ", separated by '" + std::string(1, delimiter) + "')");
    for (std::size_t c = 0, k = 0; c < width; ++c) {
      double value = 0.0;
      if (fields[c].empty())
        throw InputError(where(name, line_number, c + 1) +
                         ": empty field; every row needs all its values (missing values are not supported: drop or "
                         "impute that row)");
      if (!parse_number(fields[c], value))
        throw InputError(where(name, line_number, c + 1) + ": '" + fields[c] + "' is not a number");
      if (!std::isfinite(value))
        throw InputError(where(name, line_number, c + 1) + ": " + (std::isnan(value) ? "NaN" : "infinite value") +
                         "; every value must be finite (drop or impute that row)");
      if (c == y_at) {
        data.y[i] = value;
        continue;
      }
      if (precision == Precision::float32 && std::isinf(static_cast<float>(value)))
        throw InputError(where(name, line_number, c + 1) + ": " + fields[c] +
                         " overflows float32 storage; rescale the data or store it as float64");
      x[k++] = value;
    }
    data.x.set_row(i++, x.data());
  }
  return data;
}

Dataset load_csv_file(const std::string& path, std::size_t d, Precision precision, std::size_t memory_cap,
                      const TableFormat& format, RowShare* share) {
  // A directory would read as empty and a device such as /dev/zero as one endless line.
  struct stat info;
  if (stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode))
    throw InputError("data",
                     "'" + path + "' is not a regular file (a directory or a device); give the path of a CSV file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("data", "cannot open '" + path + "'; give the path of a CSV file");
  return load_csv(in, path, d, precision, memory_cap, format, share);
}

}  // namespace grassflow
