// Matrices (and numbers) as users type them: "a,b;c,d" (rows separated by ';', entries by ','; spaces allowed), the
// format of the CLI's --M/--M0 flags and the explorer's M0 URL key.
#pragma once

#include <Eigen/Dense>
#include <string>

namespace grassflow {

/// Parses `text` into a matrix. With rows = cols = 0 any rectangular shape is accepted; otherwise the result
/// must be rows×cols. `what` is the input's key (e.g. "M0"). Throws InputError(what, ...) naming
/// the offending row/entry and the expected form for: an empty text, an entry that is not a finite number,
/// ragged rows, a wrong shape.
Eigen::MatrixXd parse_matrix(const std::string& text, const std::string& what, int rows = 0, int cols = 0);

/// The shortest decimal text that reads back as x exactly ("1.0000001", "0.1", "1e-300"; printf's %g
/// rules), for numbers shown back to users in messages and URLs.
std::string shortest_text(double x);

/// The inverse of parse_matrix: entries with 17 significant digits (reads back exactly).
std::string format_matrix(const Eigen::MatrixXd& M);

}  // namespace grassflow
