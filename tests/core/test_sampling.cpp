// Data streams: the bits pinned by an independent Python implementation (natively and in WebAssembly), the
// distribution of the samples, the planted model's responses, and the CSV loader's checks.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "grassflow/errors.h"
#include "grassflow/sampling.h"

using grassflow::Dataset;
using grassflow::GaussianStream;
using grassflow::PlantedModel;
using grassflow::Precision;
using grassflow::SampleStream;

namespace {

std::vector<std::vector<std::string>> fixture_lines(const std::string& kind) {
  std::ifstream in(std::string(GRASSFLOW_TEST_DATA) + "/sampling_stream.txt");
  REQUIRE(in.good());
  std::vector<std::vector<std::string>> lines;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::vector<std::string> fields;
    std::string w;
    while (words >> w) fields.push_back(w);
    if (!fields.empty() && fields[0] == kind) lines.push_back(fields);
  }
  return lines;
}

double hex(const std::string& s) {
  return std::strtod(s.c_str(), nullptr);
}

// The planted model of make_sampling.py: W* columns (1,1,0,0,1)/√3 and (1,−1,0,1,0)/√3, f* = z1z2 + z1, σ = ½.
PlantedModel fixture_model() {
  const double inv = 1.0 / std::sqrt(3.0);
  Eigen::MatrixXd w(5, 2);
  w << inv, inv, inv, -inv, 0, 0, 0, inv, inv, 0;
  return PlantedModel{w, [](const double* z) { return z[0] * z[1] + z[0]; }, 0.5};
}

Dataset parse(const std::string& text, std::size_t d = 0, Precision p = Precision::float64,
              std::size_t cap = grassflow::kSampleMemoryCap) {
  std::istringstream in(text);
  return grassflow::load_csv(in, "data.csv", d, p, cap);
}

std::string error_of(const std::string& text, std::size_t d = 0, Precision p = Precision::float64) {
  try {
    parse(text, d, p);
  } catch (const grassflow::InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("the Gaussian stream and the samples are bitwise those of the Python reference") {
  // Same bits natively and in WebAssembly: both builds run this test against one fixture.
  const auto gaussian = fixture_lines("gaussian");
  REQUIRE(gaussian.size() == 1);
  GaussianStream g(2023, 7);
  for (std::size_t k = 3; k < gaussian[0].size(); ++k) CHECK(g.next() == hex(gaussian[0][k]));

  for (const auto& line : fixture_lines("log")) CHECK(grassflow::portable_log(hex(line[1])) == hex(line[2]));

  const auto samples = fixture_lines("sample");
  REQUIRE(samples.size() == 12);
  for (Precision precision : {Precision::float64, Precision::float32}) {
    SampleStream stream(fixture_model(), 99, 3);
    const Dataset data = stream.draw(6, precision);
    const std::string tag = precision == Precision::float64 ? "float64" : "float32";
    std::size_t i = 0;
    for (const auto& line : samples) {
      if (line[1] != tag) continue;
      for (std::size_t j = 0; j < 5; ++j) CHECK(data.x(i, j) == hex(line[2 + j]));
      CHECK(data.y[i] == hex(line[7]));
      ++i;
    }
    CHECK(i == 6);
  }
}

TEST_CASE("portable_log is within 2 ulp of libm's log and handles the edges") {
  double worst = 0.0;
  grassflow::Rng rng(5);
  for (int k = 0; k < 20000; ++k) {
    const double x = std::exp(1400.0 * rng.uniform() - 700.0);
    const double want = std::log(x);
    if (want != 0.0) worst = std::max(worst, std::fabs(grassflow::portable_log(x) - want) / std::fabs(want));
  }
  CHECK(worst < 4.5e-16);
  CHECK(grassflow::portable_log(1.0) == 0.0);
  CHECK(grassflow::portable_log(std::ldexp(1.0, -1074)) == doctest::Approx(-744.4400719213812));
  CHECK(std::isnan(grassflow::portable_log(0.0)));
  CHECK(std::isnan(grassflow::portable_log(-1.0)));
  CHECK(std::isinf(grassflow::portable_log(std::numeric_limits<double>::infinity())));
}

TEST_CASE("Gaussian stream: moments and tail probabilities of N(0, 1)") {
  GaussianStream g(11, 0);
  const int n = 400000;
  double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  int beyond_2 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = g.next();
    s1 += z;
    s2 += z * z;
    s3 += z * z * z;
    s4 += z * z * z * z;
    beyond_2 += std::fabs(z) > 2.0;
  }
  // Standard errors: mean 1/√n = 0.0016, variance √(2/n) = 0.0022, skewness √(15/n), kurtosis √(96/n).
  CHECK(std::fabs(s1 / n) < 0.008);
  CHECK(std::fabs(s2 / n - 1) < 0.011);
  CHECK(std::fabs(s3 / n) < 0.031);
  CHECK(std::fabs(s4 / n - 3) < 0.08);
  // P(|z| > 2) = 0.0455003, standard error 3.3e-4.
  CHECK(std::fabs(static_cast<double>(beyond_2) / n - 0.0455003) < 0.0017);
}

TEST_CASE("sample streams: batch-independent, seeded, and y = f*(W*ᵀx) + σε") {
  const PlantedModel model = fixture_model();
  SampleStream whole(model, 4, 1);
  const Dataset a = whole.draw(100, Precision::float64);
  SampleStream pieces(model, 4, 1);
  Dataset b{grassflow::SampleMatrix(100, 5, Precision::float64), {}};
  pieces.draw(b, 0, 37);
  pieces.draw(b, 37, 63);
  for (std::size_t i = 0; i < 100; ++i) {
    CHECK(a.y[i] == b.y[i]);
    for (std::size_t j = 0; j < 5; ++j) CHECK(a.x(i, j) == b.x(i, j));
  }
  // The noise has its own stream: σ changes y only by σε, never x.
  PlantedModel quiet = model;
  quiet.noise = 0.0;
  SampleStream noiseless(quiet, 4, 1);
  const Dataset c = noiseless.draw(100, Precision::float64);
  CHECK(c.x(99, 4) == a.x(99, 4));
  double residual2 = 0;
  for (std::size_t i = 0; i < 100; ++i) {
    double x[5];
    c.x.copy_row(i, x);
    const double z0 = (x[0] + x[1] + x[4]) / std::sqrt(3.0), z1 = (x[0] - x[1] + x[3]) / std::sqrt(3.0);
    CHECK(c.y[i] == doctest::Approx(z0 * z1 + z0).epsilon(1e-12));
    residual2 += (a.y[i] - c.y[i]) * (a.y[i] - c.y[i]);
  }
  CHECK(residual2 / 100 == doctest::Approx(0.25).epsilon(0.35));  // E[(σε)²] = σ² = 0.25 (100 draws)
  // Var y = ‖f*‖² + σ² = E[(z1z2 + z1)²] + σ² = 2 + 0.25 over many samples.
  SampleStream many(model, 8, 2);
  const Dataset big = many.draw(100000, Precision::float32);
  double m = 0, m2 = 0;
  for (double y : big.y) {
    m += y;
    m2 += y * y;
  }
  CHECK(std::fabs(m / 100000) < 0.025);
  CHECK(m2 / 100000 == doctest::Approx(2.25).epsilon(0.03));
  // Different seeds or streams differ.
  SampleStream other(model, 4, 2);
  CHECK(other.draw(1, Precision::float64).x(0, 0) != a.x(0, 0));
}

TEST_CASE("sample streams: skip(a) then draw gives the rows [a, b) of one draw, bitwise") {
  const PlantedModel model = fixture_model();  // d = 5: odd, so a row may start on a pair's spare draw
  const Dataset whole = SampleStream(model, 9, 1).draw(60, Precision::float64);
  for (std::size_t first : {0, 1, 2, 7, 31, 59}) {
    SampleStream part(model, 9, 1);
    part.skip(first);
    const Dataset rows = part.draw(60 - first, Precision::float64);
    bool same = true;
    for (std::size_t i = first; i < 60; ++i) {
      same = same && rows.y[i - first] == whole.y[i];
      for (std::size_t j = 0; j < 5; ++j) same = same && rows.x(i - first, j) == whole.x(i, j);
    }
    CHECK_MESSAGE(same, "rows from ", first);
  }
  // Single draws: skip(k) then next() is the (k+1)-th draw, for odd and even k.
  GaussianStream reference(3, 0);
  std::vector<double> draws(21);
  for (double& v : draws) v = reference.next();
  for (std::size_t k : {0, 1, 2, 3, 10, 19}) {
    GaussianStream skipped(3, 0);
    skipped.skip(k);
    CHECK(skipped.next() == draws[k]);
    GaussianStream split(3, 0);  // a skip that starts on a spare
    split.next();
    split.skip(k);
    CHECK(split.next() == draws[k + 1]);
  }
}

TEST_CASE("sample streams reject bad models") {
  PlantedModel model = fixture_model();
  model.noise = -1.0;
  CHECK_THROWS_AS(SampleStream(model, 1, 0), grassflow::InputError);
  model.noise = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(SampleStream(model, 1, 0), grassflow::InputError);
  model = fixture_model();
  model.link = nullptr;
  CHECK_THROWS_AS(SampleStream(model, 1, 0), grassflow::InputError);
  SampleStream stream(fixture_model(), 1, 0);
  Dataset wrong{grassflow::SampleMatrix(10, 4, Precision::float64), {}};
  CHECK_THROWS_AS(stream.draw(wrong, 0, 5), grassflow::InputError);
  Dataset small{grassflow::SampleMatrix(10, 5, Precision::float64), {}};
  CHECK_THROWS_AS(stream.draw(small, 8, 5), grassflow::InputError);
  CHECK_THROWS_AS(stream.draw(std::size_t{1} << 28, Precision::float64), grassflow::LimitError);
}

TEST_CASE("CSV loader: header, comments, CRLF, spaces, d from the data or given") {
  const Dataset data = parse("# a comment\r\nx1,x2,y\r\n1, 2 ,3\r\n\r\n-4.5,5e-3,  6\r\n");
  REQUIRE(data.size() == 2);
  CHECK(data.dim() == 2);
  CHECK(data.x(0, 1) == 2.0);
  CHECK(data.x(1, 0) == -4.5);
  CHECK(data.x(1, 1) == 0.005);
  CHECK(data.y[0] == 3.0);
  CHECK(data.y[1] == 6.0);
  // A UTF-8 byte-order mark (Excel's "CSV UTF-8") is not part of the first name, nor of the first row.
  const Dataset marked = parse(
      "\xEF\xBB\xBF"
      "x1,y\n1,2\n");
  CHECK(marked.size() == 1);
  CHECK(marked.y[0] == 2.0);
  CHECK(parse("\xEF\xBB\xBF"
              "1,2\n3,4\n")
            .size() == 2);
  const Dataset given = parse("1,2,3,4\n5,6,7,8\n", 3, Precision::float32);
  CHECK(given.dim() == 3);
  CHECK(given.y[1] == 8.0);
  CHECK(given.x.precision() == Precision::float32);
}

TEST_CASE("CSV loader: a share of the rows is the rows [n k/K, n (k+1)/K) of the whole") {
  const std::string text = "x1,y\n# note\n1,10\n2,20\n\n3,30\n4,40\n5,50\n";
  std::vector<double> ys;
  for (std::size_t part = 0; part < 3; ++part) {
    grassflow::RowShare share{part, 3};
    std::istringstream in(text);
    const Dataset rows =
        grassflow::load_csv(in, "data.csv", 0, Precision::float64, grassflow::kSampleMemoryCap, {}, &share);
    CHECK(share.total == 5);
    CHECK(share.first == std::vector<std::size_t>{0, 1, 3}[part]);
    CHECK(rows.size() == share.count);
    for (std::size_t i = 0; i < rows.size(); ++i) CHECK(rows.x(i, 0) * 10 == rows.y[i]);
    ys.insert(ys.end(), rows.y.begin(), rows.y.end());
  }
  CHECK(ys == std::vector<double>{10, 20, 30, 40, 50});
  grassflow::RowShare six{0, 6};
  std::istringstream in(text);
  CHECK_THROWS_WITH_AS(
      grassflow::load_csv(in, "data.csv", 0, Precision::float64, grassflow::kSampleMemoryCap, {}, &six),
      "data.csv: 5 data rows cannot be shared out over 6 processes; use at most 5", grassflow::InputError);
}

TEST_CASE("CSV loader: every error names the line and the fix") {
  CHECK(error_of("1,2,3\n4,5\n") == "data.csv line 2: 2 columns, expected 3 (d = 2 inputs and y, separated by ',')");
  CHECK(error_of("1,2,3\n4,5,6\n", 3) ==
        "data.csv line 1: 3 columns, expected 4 (d = 3 inputs and y, separated by ',')");
  CHECK(error_of("x,y,z\n1,2,3\n4,nan,6\n") ==
        "data.csv line 3, column 2: NaN; every value must be finite (drop or impute that row)");
  CHECK(error_of("1,2,3\n\n\n4,5,-inf\n") ==
        "data.csv line 4, column 3: infinite value; every value must be finite (drop or impute that row)");
  CHECK(error_of("1,2,3\n4,,6\n") ==
        "data.csv line 2, column 2: empty field; every row needs all its values (missing values are not "
        "supported: drop or impute that row)");
  CHECK(error_of("1,2,3\n4,5x,6\n") == "data.csv line 2, column 2: '5x' is not a number");
  CHECK(error_of("x,y\n# nothing\n") == "data.csv: no data rows; expected rows of x_1..x_d and y, separated by ','");
  CHECK(error_of("1\n2\n") ==
        "data.csv: the first data row has 1 column; need at least 2 (x_1..x_d and y; is the delimiter ',' right?)");
  CHECK(error_of("1e300,1\n", 0, Precision::float32) ==
        "data.csv line 1, column 1: 1e300 overflows float32 storage; rescale the data or store it as float64");
  CHECK(parse("1e300,1\n").x(0, 0) == 1e300);
  // The cap is checked after counting the rows, before any storage: 3 rows of d = 2 need 192 bytes.
  try {
    parse("1,2,3\n4,5,6\n7,8,9\n", 0, Precision::float64, 100);
    FAIL("no LimitError");
  } catch (const grassflow::LimitError& e) {
    CHECK(std::string(e.what()).rfind(
              "data.csv: samples: 3 x 2 float64 samples need 192 bytes, above the cap of 100 bytes", 0) == 0);
  }
  CHECK_THROWS_AS(grassflow::load_csv_file("/nonexistent/data.csv", 0, Precision::float64), grassflow::InputError);
}

TEST_CASE("CSV loader: header, y column and delimiter as the table format says") {
  const auto read = [](const std::string& text, const grassflow::TableFormat& format, std::size_t d = 0) {
    std::istringstream in(text);
    return grassflow::load_csv(in, "data.csv", d, Precision::float64, grassflow::kSampleMemoryCap, format);
  };
  grassflow::TableFormat f;
  f.y_column = "target";
  f.delimiter = ';';
  const Dataset named = read("a;target;b\n1;2;3\n4;5;6\n", f);
  CHECK(named.dim() == 2);
  CHECK(named.y[1] == 5.0);
  CHECK(named.x(1, 0) == 4.0);
  CHECK(named.x(1, 1) == 6.0);
  f = {};
  f.y_column = "0";
  f.delimiter = ' ';
  const Dataset first = read("  7 \t 8 9\n1 2 3\n", f);
  CHECK(first.size() == 2);
  CHECK(first.y[0] == 7.0);
  CHECK(first.x(0, 1) == 9.0);
  f.y_column = "-2";
  CHECK(read("7 8 9\n", f).y[0] == 8.0);
  f = {};
  f.header = grassflow::TableFormat::Header::yes;  // a header of numbers is still a header
  CHECK(read("1,2,3\n4,5,6\n", f).size() == 1);
  f.header = grassflow::TableFormat::Header::no;
  CHECK_THROWS_WITH_AS(read("x,y\n1,2\n", f), "data.csv line 1, column 1: 'x' is not a number", grassflow::InputError);
  f = {};
  f.y_column = "nope";
  CHECK_THROWS_WITH_AS(read("a,b\n1,2\n", f), "data.csv has no column named 'nope'; its header names a, b",
                       grassflow::InputError);
  f.y_column = "y";
  CHECK_THROWS_WITH_AS(read("y,y\n1,2\n", f),
                       "data.csv names columns 0 and 1 (0-based) both 'y'; give the y column by its index",
                       grassflow::InputError);
  f.y_column = "5";
  CHECK_THROWS_AS(read("1,2\n", f), grassflow::InputError);
  f = {};  // by default the column named y, else the last
  CHECK(read("y,a,b\n1,2,3\n", f).y[0] == 1.0);
  CHECK(read("a,b,c\n1,2,3\n", f).y[0] == 3.0);
  f.y_required = false;  // prediction: d columns are inputs only, d + 1 have y
  const Dataset inputs = read("1,2\n3,4\n", f, 2);
  CHECK(inputs.y.empty());
  CHECK(inputs.x(1, 1) == 4.0);
  CHECK(read("1,2,3\n", f, 2).y[0] == 3.0);
}
