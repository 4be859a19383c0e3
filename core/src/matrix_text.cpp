#include "grassflow/matrix_text.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "grassflow/errors.h"

namespace grassflow {

namespace {

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

const char* kForm = "rows separated by ';' and entries by ',', e.g. \"0.1,0;0,0.2\"";

}  // namespace

Eigen::MatrixXd parse_matrix(const std::string& text, const std::string& what, int rows, int cols) {
  if (trim(text).empty()) throw InputError(what, std::string("empty matrix; write ") + kForm);
  std::vector<std::vector<double>> entries;
  std::stringstream row_stream(text);
  std::string row;
  while (std::getline(row_stream, row, ';')) {
    std::vector<double> values;
    std::stringstream entry_stream(row);
    std::string entry;
    while (std::getline(entry_stream, entry, ',')) {
      const std::string t = trim(entry);
      char* end = nullptr;
      errno = 0;
      const double v = std::strtod(t.c_str(), &end);
      if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(v))
        throw InputError(what, "row " + std::to_string(entries.size() + 1) + ", entry " +
                                   std::to_string(values.size() + 1) + " is '" + t + "', not a finite number; write " +
                                   kForm);
      values.push_back(v);
    }
    // getline drops an empty last field ("1,2,"), so a row ending in ',' is checked on its own.
    if (values.empty() || trim(row).back() == ',')
      throw InputError(what, "row " + std::to_string(entries.size() + 1) + " has an empty entry; write " + kForm);
    if (!entries.empty() && values.size() != entries.front().size())
      throw InputError(what, "row " + std::to_string(entries.size() + 1) + " has " + std::to_string(values.size()) +
                                 " entries but row 1 has " + std::to_string(entries.front().size()) + "; write " +
                                 kForm);
    entries.push_back(values);
  }
  if (!text.empty() && trim(text).back() == ';')
    throw InputError(what, std::string("a trailing ';' leaves an empty row; write ") + kForm);
  const auto n_rows = static_cast<int>(entries.size()), n_cols = static_cast<int>(entries.front().size());
  if ((rows > 0 && n_rows != rows) || (cols > 0 && n_cols != cols))
    throw InputError(what, "got a " + std::to_string(n_rows) + "x" + std::to_string(n_cols) + " matrix, expected " +
                               std::to_string(rows) + "x" + std::to_string(cols) +
                               " (one row and column per direction); write " + kForm);
  Eigen::MatrixXd M(n_rows, n_cols);
  for (int i = 0; i < n_rows; ++i)
    for (int j = 0; j < n_cols; ++j) M(i, j) = entries[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
  return M;
}

std::string shortest_text(double x) {
  char text[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, x);
    if (std::strtod(text, nullptr) == x) break;
  }
  return text;
}

std::string format_matrix(const Eigen::MatrixXd& M) {
  std::string out;
  char buffer[40];
  for (Eigen::Index i = 0; i < M.rows(); ++i) {
    if (i) out += ';';
    for (Eigen::Index j = 0; j < M.cols(); ++j) {
      if (j) out += ',';
      std::snprintf(buffer, sizeof buffer, "%.17g", M(i, j));
      out += buffer;
    }
  }
  return out;
}

}  // namespace grassflow
