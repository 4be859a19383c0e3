// The error contract of docs/errors.md at the core's entry points, as one table: each bad input raises
// InputError (or LimitError), in one line, naming the input and the fix. Regressions found by fuzzing and by
// tests/cli/test_bad_inputs.py are rows here too. The CLI side (exit status 2, one stderr line) is checked by
// tests/cli/test_bad_inputs.py, the URL side by tests/app/test_state.cpp.
#include <doctest/doctest.h>

#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "grassflow/errors.h"
#include "grassflow/hermite_analysis.h"
#include "grassflow/link.h"
#include "grassflow/manifold.h"
#include "grassflow/matrix_text.h"
#include "grassflow/sampling.h"
#include "grassflow/train.h"

using namespace grassflow;

namespace {

enum class Kind { input, limit };

struct BadInput {
  const char* what;                // the entry point and the input, for failure reports
  std::function<void()> call;      // must throw
  Kind kind;                       // InputError or LimitError
  std::vector<std::string> words;  // each must appear in the message
};

void link_of(const std::string& spec, int r = 0) {
  resolve_link(spec, r);
}

void coefficients_of(const std::string& spec, int K = 8) {
  hermite_expansion(resolve_link(spec, 0).link, K);
}

void csv(const std::string& text, std::size_t d = 0) {
  std::istringstream in(text);
  load_csv(in, "data.csv", d, Precision::float64);
}

// Training parity2 on 50 samples in d = 6 with step size lr for 5 steps.
void train_with(double lr) {
  const PlantedModel model{leading_axes(6, 2), [](const double* z) { return z[0] * z[1]; }, 0.0};
  Dataset data = SampleStream(model, 1, 1).draw(50, Precision::float64);
  TrainOptions options;
  options.r = 2;
  options.lr = lr;
  Trainer trainer(std::move(data), Dataset{}, model.w_star, options);
  trainer.run(5);
}

const std::vector<BadInput>& table() {
  static const std::vector<BadInput> rows = {
      // Expressions (--link, the link box, the link URL key).
      {"expression z1=3", [] { link_of("z1=3"); }, Kind::input, {"\"z1=3\"", "'=' would assign", "position 3", "=="}},
      {"expression z1 + (z2 = 1)", [] { link_of("z1 + (z2 = 1)"); }, Kind::input, {"position 10", "=="}},
      {"expression z1 <= z2 (allowed) then z1 += 1", [] { link_of("z1 += 1"); }, Kind::input, {"position 5"}},
      {"expression z1, z2",
       [] { link_of("z1, z2"); },
       Kind::input,
       {"one value", "gives 2", "position 3", "max(z1, z2)"}},
      {"expression sum()", [] { link_of("sum()"); }, Kind::input, {"too few parameters", "\"sum\" at position 6;"}},
      {"expression He(151, z1)",
       [] { link_of("He(151, z1)"); },
       Kind::input,
       {"\": the integer degree k of He(k, x)", "0..150"}},
      {"expression h(2.5, z1)", [] { link_of("h(2.5, z1)"); }, Kind::input, {"h(k, x)", "0..1000"}},
      {"expression z1 +", [] { link_of("z1 +"); }, Kind::input, {"end of expression", "position"}},
      {"expression cosh(z1", [] { link_of("cosh(z1"); }, Kind::input, {"position", "preset:NAME"}},
      {"expression y*z1", [] { link_of("y*z1"); }, Kind::input, {"unknown name 'y'", "z1, z2, ..., zr"}},
      {"expression z33", [] { link_of("z33"); }, Kind::input, {"z33", "at most 32"}},
      {"expression z3 with r = 2", [] { link_of("z1*z3", 2); }, Kind::input, {"z3 exceeds r = 2", "use r >= 3"}},
      {"preset:staircase9",
       [] { link_of("preset:staircase9"); },
       Kind::input,
       {"unknown preset 'staircase9'", "staircase3"}},
      {"a 5000-character expression",
       [] { link_of(std::string(2500, '(') + "z1" + std::string(2499, ')')); },
       Kind::input,
       {"...\":", "position"}},
      // Hermite analysis of a link that is not in L² numerically.
      {"a 20000-character expression",
       [] { link_of(std::string(10000, '(') + std::string(10000, ')')); },
       Kind::input,
       {"20000 characters are too many", "at most 19999", "shorten"}},
      {"hermite of 1/z1", [] { coefficients_of("1/z1"); }, Kind::input, {"1/z1 is infinite at z =", "finite on R^r"}},
      {"hermite of sqrt(z1)", [] { coefficients_of("sqrt(z1)"); }, Kind::input, {"is NaN at z ="}},
      {"hermite of 1e200*z1",
       [] { coefficients_of("1e200*z1"); },
       Kind::input,
       {"1e200*z1 is too large", "overflows", "rescale"}},
      {"hermite of 1e300*z1*z1", [] { coefficients_of("1e300*z1*z1"); }, Kind::input, {"overflows"}},
      {"hermite degree 100", [] { coefficients_of("z1", 100); }, Kind::limit, {"degree K = 100", "K <= 99"}},
      {"hermite r = 9",
       [] { coefficients_of("z1+z2+z3+z4+z5+z6+z7+z8+z9"); },
       Kind::limit,
       {"r = 9", "32 MiB", "lower the degree to K <= 2 or lower r"}},
      // Matrices (the M and M0 keys); messages as the CLI spells the key.
      {"matrix 1,2;3",
       [] { parse_matrix("1,2;3", "M0"); },
       Kind::input,
       {"--M0: row 2 has 1 entries but row 1 has 2", "e.g."}},
      {"matrix 1,nan", [] { parse_matrix("1,nan", "M0"); }, Kind::input, {"--M0: row 1, entry 2 is 'nan'", "finite"}},
      {"matrix 0.1 for r = 2",
       [] { parse_matrix("0.1", "M0", 2, 2); },
       Kind::input,
       {"--M0: got a 1x1 matrix, expected 2x2"}},
      // CSV files (--data).
      {"csv ragged", [] { csv("1,2,3\n4,5\n"); }, Kind::input, {"data.csv line 2", "expected 3"}},
      {"csv inf", [] { csv("1,2\n3,inf\n"); }, Kind::input, {"data.csv line 2, column 2", "finite"}},
      {"csv /dev/zero",
       [] { load_csv_file("/dev/zero", 0, Precision::float64); },
       Kind::input,
       {"--data: '/dev/zero' is not a regular file"}},
      {"csv no rows", [] { csv("x,y\n"); }, Kind::input, {"data.csv: no data rows"}},
      {"csv d = 3 on 2 columns", [] { csv("1,2\n", 3); }, Kind::input, {"data.csv line 1: 2 columns, expected 4"}},
      // Numerical blow-up in training: a clear status, never NaN records.
      {"train lr = 1e300",
       [] { train_with(1e300); },
       Kind::input,
       {"--lr: training diverged at step", "smaller step size (lr)"}},
  };
  return rows;
}

}  // namespace

TEST_CASE("bad inputs at every core entry point raise one-line messages naming the input and the fix") {
  REQUIRE(table().size() >= 25);
  for (const BadInput& row : table()) {
    INFO(row.what);
    std::string message;
    bool limit = false;
    try {
      row.call();
      FAIL("no error raised");
    } catch (const InputError& e) {
      message = user_message(e, Surface::cli);
    } catch (const LimitError& e) {
      message = user_message(e, Surface::cli);
      limit = true;
    }
    INFO(message);
    CHECK(limit == (row.kind == Kind::limit));
    CHECK(message.find('\n') == std::string::npos);
    CHECK(message.size() < 400);
    for (const std::string& word : row.words) CHECK_MESSAGE(message.find(word) != std::string::npos, word);
  }
}

TEST_CASE("comparisons stay allowed next to the assignment check") {
  std::vector<double> z = {1.0, 2.0};
  CHECK(resolve_link("z1 <= z2", 2).link(z.data()) == 1.0);
  CHECK(resolve_link("z1 >= z2", 2).link(z.data()) == 0.0);
  CHECK(resolve_link("z1 != z2", 2).link(z.data()) == 1.0);
  CHECK(resolve_link("z1 == z2 ? 5 : max(z1, z2)", 2).link(z.data()) == 2.0);
}

TEST_CASE("regression (fuzzing): && and || read nonzero as true, folded or not, for any magnitude") {
  // muparser's constant folding cast to int: 0.5 && 1 gave 0 (and 4e36 || 0 was undefined behaviour),
  // while the same operators on variables read any nonzero value as true.
  std::vector<double> z = {0.5, 4e36};
  CHECK(resolve_link("0.5 && 1", 1).link(z.data()) == 1.0);
  CHECK(resolve_link("z1 && 1", 1).link(z.data()) == 1.0);
  CHECK(resolve_link("4e36 || 0", 1).link(z.data()) == 1.0);
  CHECK(resolve_link("z2 || 0", 2).link(z.data()) == 1.0);
  CHECK(resolve_link("0 || 0 && z1", 1).link(z.data()) == 0.0);
  CHECK(resolve_link("z1 + 4444444444444444444444444444444444444 || 444440", 1).link(z.data()) == 1.0);
}
