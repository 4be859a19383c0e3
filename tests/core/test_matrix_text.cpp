// Typed matrices (--M, --M0, the M0 URL key): values, shapes and the error messages.
#include <doctest/doctest.h>

#include "grassflow/errors.h"
#include "grassflow/matrix_text.h"

using grassflow::InputError;
using grassflow::parse_matrix;
using grassflow::Surface;
using grassflow::user_message;

TEST_CASE("parse_matrix reads rows and entries, with spaces and exponents") {
  const Eigen::MatrixXd M = parse_matrix(" 0.1, -2e-3 ; 1e0,0 ", "M0", 2, 2);
  CHECK(M(0, 0) == 0.1);
  CHECK(M(0, 1) == -2e-3);
  CHECK(M(1, 0) == 1.0);
  CHECK(M(1, 1) == 0.0);
  CHECK(parse_matrix("0.5", "M").size() == 1);
  const Eigen::MatrixXd back = parse_matrix(grassflow::format_matrix(M), "x");
  CHECK(back == M);
}

TEST_CASE("parse_matrix names the input and the problem") {
  auto message = [](const std::string& text, int r) {
    try {
      parse_matrix(text, "M0", r, r);
    } catch (const InputError& e) {
      return user_message(e, Surface::cli);
    }
    return std::string("no error");
  };
  CHECK(message("", 2).find("--M0: empty matrix") == 0);
  CHECK(message("1,2;3", 2).find("row 2 has 1 entries but row 1 has 2") != std::string::npos);
  CHECK(message("1,x;3,4", 2).find("row 1, entry 2 is 'x'") != std::string::npos);
  CHECK(message("1,nan;3,4", 2).find("not a finite number") != std::string::npos);
  CHECK(message("1,inf;3,4", 2).find("not a finite number") != std::string::npos);
  CHECK(message("1,2;3,4", 3).find("got a 2x2 matrix, expected 3x3") != std::string::npos);
  CHECK(message("1,2;3,4", 3).find("e.g. \"0.1,0;0,0.2\"") != std::string::npos);
  CHECK(message("1,2;", 2).find("empty") != std::string::npos);
  CHECK(message("1,;3,4", 2).find("empty entry") != std::string::npos);
  CHECK(message("1,2;;3,4", 2).find("empty entry") != std::string::npos);
  CHECK(message("1,2,;3,4", 2).find("empty entry") != std::string::npos);
}
