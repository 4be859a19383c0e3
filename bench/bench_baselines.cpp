// SIR, SAVE and pHd together (fit_baselines: one fused pass, BLAS products) on n samples of dimension d, timed.
// ./scripts/bench runs it (alone: `./scripts/bench --only baselines`) and bench/baselines_numpy.py on the data
// it dumped, and prints the ratio and the largest sin θ_max between the two programs' subspaces.
//
// Samples: x ~ N(0, I_d) in float64 storage, y = z1 + z1·z2 + 0.3 ε on W* = the first r = 2 axes (every method
// sees both directions: SIR the odd part z1, SAVE and pHd the even part z1·z2); 10 slices.
// Flags: --n N (default 5·10⁴), --d D (2000), --r R (2), --threads T (0 = all cores), --reps K (median of K, 1),
// --dump DIR: writes X.f64 (n×d row-major), y.f64 (n) and basis_sir.f64, basis_save.f64, basis_phd.f64 (each
// d×r, column by column). Output: one JSON object on stdout.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "grassflow/baselines.h"
#include "grassflow/manifold.h"
#include "grassflow/sampling.h"

using namespace grassflow;

namespace {

using Clock = std::chrono::steady_clock;

void write_raw(const std::string& path, const void* data, std::size_t bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 50000, d = 2000;
  int r = 2, reps = 1, threads = 0;
  std::string dump;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--n") n = std::strtoul(value.c_str(), nullptr, 10);
    if (flag == "--d") d = std::strtoul(value.c_str(), nullptr, 10);
    if (flag == "--r") r = std::atoi(value.c_str());
    if (flag == "--threads") threads = std::atoi(value.c_str());
    if (flag == "--reps") reps = std::max(1, std::atoi(value.c_str()));
    if (flag == "--dump") dump = value;
  }
  const int planted_rank = std::max(r, 2);
  const PlantedModel model{leading_axes(static_cast<int>(d), planted_rank),
                           [](const double* z) { return z[0] + z[0] * z[1]; }, 0.3};
  auto start = Clock::now();
  const Dataset data = SampleStream(model, 0, 1).draw(n, Precision::float64, std::size_t{4} << 30);
  const double generate = std::chrono::duration<double>(Clock::now() - start).count();

  BaselineOptions options;
  options.threads = threads;
  std::vector<double> times;
  BaselineFits fits;
  for (int k = 0; k < reps; ++k) {
    start = Clock::now();
    fits = fit_baselines(data, r, options);
    times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  const double seconds = times[times.size() / 2];

  const SubspaceEstimate* estimates[] = {&fits.sir.value(), &fits.save.value(), &fits.phd.value()};
  const char* names[] = {"sir", "save", "phd"};
  if (!dump.empty()) {
    std::ofstream x(dump + "/X.f64", std::ios::binary);  // row by row: rows may be padded
    for (std::size_t i = 0; i < n; ++i)
      x.write(reinterpret_cast<const char*>(data.x.f64() + i * data.x.stride()), static_cast<std::streamsize>(d * 8));
    write_raw(dump + "/y.f64", data.y.data(), n * 8);
    for (int m = 0; m < 3; ++m)
      write_raw(dump + "/basis_" + names[m] + ".f64", estimates[m]->basis.data(), d * static_cast<std::size_t>(r) * 8);
  }
  // The estimates' error against W* (not a target: it shows the three fits found what they should).
  const Eigen::MatrixXd w_star = leading_axes(static_cast<int>(d), r);
  std::printf(
      "{\"n\": %zu, \"d\": %zu, \"r\": %d, \"slices\": %d, \"threads\": %d, \"reps\": %d, "
      "\"generate_seconds\": %.3f, \"seconds\": %.4f",
      n, d, r, options.slices, threads, reps, generate, seconds);
  for (int m = 0; m < 3; ++m) {
    const Eigen::VectorXd angles = principal_angles(estimates[m]->basis, w_star);
    std::printf(", \"%s_sin_theta_to_w_star\": %.6f", names[m], std::sin(angles(angles.size() - 1)));
  }
  std::printf("}\n");
}
