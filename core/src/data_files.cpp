#include "grassflow/data_files.h"

#include <sys/stat.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "grassflow/errors.h"

namespace grassflow {

namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// An open .npy file positioned at its data, with the header's dtype, order and shape.
class NpyReader {
 public:
  NpyReader(const std::string& path, const std::string& key) : path_(path), key_(key) {
    struct stat info;
    if (stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
      throw InputError(key, "cannot open '" + path + "' (no such regular file)");
    in_.open(path, std::ios::binary);
    if (!in_) throw InputError(key, "cannot open '" + path + "'");
    char magic[8] = {};
    in_.read(magic, 8);
    if (!in_ || std::memcmp(magic, "\x93NUMPY", 6) != 0)
      throw InputError(key, "'" + path + "' is not a .npy file (no \\x93NUMPY magic); save it with numpy.save");
    const int major = static_cast<unsigned char>(magic[6]);
    std::size_t length = 0;
    if (major == 1) {
      unsigned char b[2];
      in_.read(reinterpret_cast<char*>(b), 2);
      length = b[0] | (static_cast<std::size_t>(b[1]) << 8);
    } else if (major == 2 || major == 3) {
      unsigned char b[4];
      in_.read(reinterpret_cast<char*>(b), 4);
      length = b[0] | (static_cast<std::size_t>(b[1]) << 8) | (static_cast<std::size_t>(b[2]) << 16) |
               (static_cast<std::size_t>(b[3]) << 24);
    } else {
      fail("has format version " + std::to_string(major) + ", which this reader does not know (1 to 3)");
    }
    if (!in_ || length > (1u << 20)) fail("has an unreadable header");
    std::string header(length, '\0');
    in_.read(&header[0], static_cast<std::streamsize>(length));
    if (!in_) fail("is truncated in its header");
    parse_header(header);
    data_start_ = in_.tellg();
    for (std::size_t extent : shape_)
      if (extent == 0) fail("holds no values (an extent of its shape is 0); save a non-empty array");
    double need = static_cast<double>(item_size_);
    for (std::size_t extent : shape_) need *= static_cast<double>(extent);
    if (static_cast<double>(info.st_size) - static_cast<double>(data_start_) < need) {
      char promised[32];  // a shape's product can exceed every integer type: printed as a double
      std::snprintf(promised, sizeof promised, "%.6g", need);
      fail("is truncated: its header promises " + std::string(promised) + " bytes");
    }
  }

  const std::vector<std::size_t>& shape() const { return shape_; }
  std::size_t rows() const { return shape_.empty() ? 1 : shape_[0]; }
  std::size_t cols() const { return shape_.size() < 2 ? 1 : shape_[1]; }
  std::size_t count() const {
    std::size_t n = 1;
    for (std::size_t s : shape_) n *= s;
    return n;
  }

  // Entry (i, j) of a 1-D or 2-D array, in C or Fortran order, after reading row i with row().
  void row(std::size_t i, std::vector<double>& out) {
    const std::size_t c = cols();
    out.resize(c);
    if (!fortran_ || c == 1) {
      seek(i * c);
      read_values(out.data(), c);
    } else {
      for (std::size_t j = 0; j < c; ++j) {
        seek(j * rows() + i);
        read_values(&out[j], 1);
      }
    }
    for (std::size_t j = 0; j < c; ++j)
      if (!std::isfinite(out[j]))
        fail("has a non-finite value at row " + std::to_string(i) + ", column " + std::to_string(j) +
             "; every value must be finite (drop or impute that row)");
  }

  [[noreturn]] void fail(const std::string& what) const { throw InputError(key_, "'" + path_ + "' " + what); }

 private:
  void parse_header(const std::string& header) {
    const auto value_of = [&](const std::string& field) {
      const std::size_t at = header.find("'" + field + "'");
      if (at == std::string::npos) fail("has no '" + field + "' in its header");
      const std::size_t colon = header.find(':', at);
      const std::size_t value = colon == std::string::npos ? colon : header.find_first_not_of(' ', colon + 1);
      if (value == std::string::npos) fail("has no value for '" + field + "' in its header");
      return header.substr(value);
    };
    const std::string descr = value_of("descr");
    const std::size_t quote = descr.find('\'', 1);
    if (descr[0] != '\'' || quote == std::string::npos) fail("has an unreadable dtype in its header");
    const std::string dtype = descr.substr(1, quote - 1);
    if (dtype == "<f8" || dtype == "=f8") {
      kind_ = 'f', item_size_ = 8;
    } else if (dtype == "<f4" || dtype == "=f4") {
      kind_ = 'f', item_size_ = 4;
    } else if (dtype == "<i8" || dtype == "=i8") {
      kind_ = 'i', item_size_ = 8;
    } else if (dtype == "<i4" || dtype == "=i4") {
      kind_ = 'i', item_size_ = 4;
    } else {
      fail("holds dtype " + dtype +
           "; grassflow reads float64, float32, int64 or int32 (little-endian): save x.astype(numpy.float64)");
    }
    fortran_ = value_of("fortran_order").rfind("True", 0) == 0;
    const std::string shape = value_of("shape");
    const std::size_t close = shape.find(')');
    if (shape.empty() || shape[0] != '(' || close == std::string::npos) fail("has an unreadable shape");
    std::istringstream dims(shape.substr(1, close - 1));
    std::string dim;
    while (std::getline(dims, dim, ',')) {
      const std::size_t b = dim.find_first_not_of(' ');
      if (b == std::string::npos) continue;
      char* end = nullptr;
      const unsigned long long extent = std::strtoull(dim.c_str() + b, &end, 10);
      if (end == dim.c_str() + b || end[std::strspn(end, " ")] != '\0' || extent > (1ull << 40))
        fail("has an unreadable shape '" + shape.substr(0, close + 1) + "'");
      shape_.push_back(static_cast<std::size_t>(extent));
    }
  }

  void seek(std::size_t entry) { in_.seekg(data_start_ + static_cast<std::streamoff>(entry * item_size_)); }

  void read_values(double* out, std::size_t n) {
    buffer_.resize(n * item_size_);
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    if (!in_) fail("is truncated");
    for (std::size_t k = 0; k < n; ++k) {
      const char* p = buffer_.data() + k * item_size_;
      if (kind_ == 'f' && item_size_ == 8) {
        std::memcpy(&out[k], p, 8);
      } else if (kind_ == 'f') {
        float v;
        std::memcpy(&v, p, 4);
        out[k] = v;
      } else if (item_size_ == 8) {
        std::int64_t v;
        std::memcpy(&v, p, 8);
        out[k] = static_cast<double>(v);
      } else {
        std::int32_t v;
        std::memcpy(&v, p, 4);
        out[k] = v;
      }
    }
  }

  std::string path_, key_;
  std::ifstream in_;
  std::streampos data_start_;
  char kind_ = 'f';
  std::size_t item_size_ = 8;
  bool fortran_ = false;
  std::vector<std::size_t> shape_;
  std::vector<char> buffer_;
};

Dataset allocate(std::size_t n, std::size_t d, Precision precision, std::size_t memory_cap, const std::string& key,
                 const std::string& name) {
  Dataset data;
  try {
    data.x = SampleMatrix(n, d, precision, memory_cap);
  } catch (const LimitError& e) {
    throw LimitError(key, name + ": " + e.what());
  }
  return data;
}

// share.select with the messages naming `key` and the file.
std::size_t select_rows(RowShare& share, std::size_t n, const std::string& key, const std::string& name) {
  try {
    return share.select(n, "'" + name + "'");
  } catch (const InputError& e) {
    throw InputError(key, e.what());
  }
}

}  // namespace

Dataset load_samples(const std::string& spec, std::size_t d, Precision precision, const TableFormat& format,
                     const std::string& key, std::size_t memory_cap, RowShare* share) {
  RowShare all;
  if (!share) share = &all;
  const std::size_t comma = spec.find(',');
  if (comma != std::string::npos && ends_with(spec, ".npy") && ends_with(spec.substr(0, comma), ".npy")) {
    NpyReader x(spec.substr(0, comma), key), y(spec.substr(comma + 1), key);
    if (x.shape().size() != 2) x.fail("holds a " + std::to_string(x.shape().size()) + "-D array; inputs are n x d");
    if (y.shape().size() == 2 ? y.cols() != 1 : y.shape().size() != 1)
      y.fail("is not a vector of responses (shape (n,) or (n, 1))");
    if (y.rows() != x.rows())
      y.fail("has " + std::to_string(y.rows()) + " responses for " + std::to_string(x.rows()) + " input rows");
    if (d != 0 && x.cols() != d)
      x.fail("has " + std::to_string(x.cols()) + " columns; expected d = " + std::to_string(d));
    const std::size_t kept = select_rows(*share, x.rows(), key, spec);
    Dataset data = allocate(kept, x.cols(), precision, memory_cap, key, spec);
    data.y.resize(kept);
    std::vector<double> row, value;
    for (std::size_t i = 0; i < kept; ++i) {
      x.row(share->first + i, row);
      data.x.set_row(i, row.data());
      y.row(share->first + i, value);
      data.y[i] = value[0];
    }
    return data;
  }
  if (!ends_with(spec, ".npy")) {
    Dataset data = [&] {
      try {
        return load_csv_file(spec, d, precision, memory_cap, format, share);
      } catch (const InputError& e) {
        if (!e.key().empty()) throw;
        throw InputError(key, e.what());
      } catch (const LimitError& e) {
        throw LimitError(key, e.what());
      }
    }();
    return data;
  }
  NpyReader npy(spec, key);
  if (npy.shape().size() != 2) npy.fail("holds a " + std::to_string(npy.shape().size()) + "-D array; expected n x c");
  const std::size_t columns = npy.cols();
  const bool has_y = format.y_required || columns != d;
  if (d == 0) {
    if (columns < 2) npy.fail("has 1 column; need the inputs and y");
    d = columns - 1;
  }
  if (columns != d + (has_y ? 1 : 0))
    npy.fail("has " + std::to_string(columns) + " columns; expected d = " + std::to_string(d) + " inputs" +
             (format.y_required ? " and y" : " (and optionally y)"));
  const std::size_t y_at = has_y ? y_column_index(format, {}, columns, "'" + spec + "'") : columns;
  const std::size_t kept = select_rows(*share, npy.rows(), key, spec);
  Dataset data = allocate(kept, d, precision, memory_cap, key, spec);
  if (has_y) data.y.resize(kept);
  std::vector<double> row, x(d);
  for (std::size_t i = 0; i < kept; ++i) {
    npy.row(share->first + i, row);
    for (std::size_t c = 0, k = 0; c < columns; ++c)
      if (c == y_at)
        data.y[i] = row[c];
      else
        x[k++] = row[c];
    data.x.set_row(i, x.data());
  }
  return data;
}

Eigen::MatrixXd load_matrix(const std::string& path, const std::string& key) {
  if (ends_with(path, ".npy")) {
    NpyReader npy(path, key);
    if (npy.shape().size() != 2) npy.fail("holds a " + std::to_string(npy.shape().size()) + "-D array; expected 2-D");
    Eigen::MatrixXd M(static_cast<Eigen::Index>(npy.rows()), static_cast<Eigen::Index>(npy.cols()));
    std::vector<double> row;
    for (std::size_t i = 0; i < npy.rows(); ++i) {
      npy.row(i, row);
      for (std::size_t j = 0; j < row.size(); ++j)
        M(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = row[j];
    }
    return M;
  }
  std::ifstream in(path);
  if (!in) throw InputError(key, "cannot open '" + path + "'; give a CSV file (no header) or a .npy file");
  std::vector<std::vector<double>> rows;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    for (char& c : line)
      if (c == ',' || c == '\t' || c == '\r') c = ' ';
    std::istringstream fields(line);
    std::vector<double> row;
    std::string field;
    while (fields >> field) {
      char* end = nullptr;
      const double v = std::strtod(field.c_str(), &end);
      if (*end != '\0' || !std::isfinite(v))
        throw InputError(key, path + " line " + std::to_string(number) + ": '" + field +
                                  "' is not a finite number (the file has no header: d rows of r numbers)");
      row.push_back(v);
    }
    if (row.empty()) continue;
    if (!rows.empty() && row.size() != rows[0].size())
      throw InputError(key, path + " line " + std::to_string(number) + ": " + std::to_string(row.size()) +
                                " entries, but the first row has " + std::to_string(rows[0].size()));
    rows.push_back(std::move(row));
  }
  if (rows.empty()) throw InputError(key, "'" + path + "' holds no numbers; expected d rows of r numbers");
  Eigen::MatrixXd M(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows[0].size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j)
      M(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
  return M;
}

}  // namespace grassflow
