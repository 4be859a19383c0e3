// The finite-sample gradient step against its memory-bandwidth roofline, one self-timing program for every
// target (natively, and under node in WebAssembly with and without SIMD: Google Benchmark is native only).
// ./scripts/bench runs it on each target and numpy's version of the same step, and prints the ratios.
//
// Measured, on one n×d float32 sample matrix (default n = 10⁵, d = 1000, r = 3, staircase3 targets):
//   read      STREAM-style read of every byte of X (sum_entries): the roofline of one pass
//   exact     Trainer::step() of the exact variant: two passes over X (gradient, then Z = XW for the next fit)
//   lagged    Trainer::step() of the lagged variant: one fused pass
//   project, accumulate, fused: the kernels alone
// Each time is the median of --reps repetitions. Output: one JSON object on stdout.
// --target NAME runs the kernels on another SIMD target this CPU supports (simd_targets(): AVX2, SSE4, ...).
// --dump DIR (native) writes X (float32, n×d row-major), y, W(0) and W(1) of the exact step for numpy.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "grassflow/kernels.h"
#include "grassflow/manifold.h"
#include "grassflow/sampling.h"
#include "grassflow/train.h"

using namespace grassflow;

namespace {

using Clock = std::chrono::steady_clock;

template <class F>
double median_seconds(int reps, F&& f) {
  std::vector<double> times;
  for (int i = 0; i < reps; ++i) {
    const auto start = Clock::now();
    f();
    times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

void write_raw(const std::string& path, const void* data, std::size_t bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
}

double staircase3(const double* z) {
  return z[0] + z[0] * z[1] + z[0] * z[1] * z[2];
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 100000, d = 1000;
  int r = 3, reps = 5, threads = 1;
  std::string dump;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--n") n = std::strtoul(value.c_str(), nullptr, 10);
    if (flag == "--d") d = std::strtoul(value.c_str(), nullptr, 10);
    if (flag == "--reps") reps = std::atoi(value.c_str());
    if (flag == "--threads") threads = std::atoi(value.c_str());
    if (flag == "--dump") dump = value;
    if (flag == "--target") use_simd_target(value);  // e.g. AVX2 on an AVX-512 machine
  }
#ifdef __EMSCRIPTEN__
  const char* target = "web";
#else
  const char* target = "native";
#endif
  const double eta = 0.1;
  const PlantedModel model{leading_axes(static_cast<int>(d), r), staircase3, 0.1};
  auto start = Clock::now();
  Dataset data = SampleStream(model, 1, 1).draw(n, Precision::float32);
  const double generate = std::chrono::duration<double>(Clock::now() - start).count();
  const SampleMatrix& X = data.x;
  const double bytes = static_cast<double>(X.bytes());
  const char* simd = simd_target();

  volatile double sink = 0.0;
  const double read = median_seconds(reps, [&] { sink = sink + sum_entries(X, threads); });
  Rng rng(7);
  const Eigen::MatrixXd W = haar_stiefel(static_cast<int>(d), r, rng);
  RowMatrix Z;
  const double project_time = median_seconds(reps, [&] { project(X, 0, n, W, Z, threads); });
  const double accumulate_time = median_seconds(reps, [&] { sink = sink + accumulate(X, 0, n, Z, threads)(0, 0); });
  const double fused_time = median_seconds(reps, [&] {
    sink = sink + project_accumulate(
                      X, 0, n, W,
                      [&](int, std::size_t, std::size_t count, const double* z, double* v) {
                        std::copy(z, z + count * static_cast<std::size_t>(r), v);
                      },
                      threads)(0, 0);
  });

  TrainOptions options;
  options.r = r;
  options.lr = eta;
  options.threads = threads;
  options.start = W;
  double exact_time = 0.0, lagged_time = 0.0;
  {
    Trainer exact(Dataset{data.x, data.y}, Dataset{}, model.w_star, options);
    if (!dump.empty()) {
      exact.step();
      std::ofstream x(dump + "/X.f32", std::ios::binary);
      for (std::size_t i = 0; i < n; ++i)
        x.write(reinterpret_cast<const char*>(X.f32() + i * X.stride()), static_cast<std::streamsize>(d * 4));
      write_raw(dump + "/y.f64", data.y.data(), n * 8);
      write_raw(dump + "/W0.f64", W.data(), d * static_cast<std::size_t>(r) * 8);
      write_raw(dump + "/W1.f64", exact.frame().data(), d * static_cast<std::size_t>(r) * 8);
    }
    exact_time = median_seconds(reps, [&] { exact.step(); });
  }
  {
    options.variant = TrainVariant::lagged;  // X (a reference into data) is not used after this move
    Trainer lagged(std::move(data), Dataset{}, model.w_star, options);
    lagged_time = median_seconds(reps, [&] { lagged.step(); });
  }
  std::printf(
      "{\"target\": \"%s\", \"simd\": \"%s\", \"n\": %zu, \"d\": %zu, \"r\": %d, \"threads\": %d, \"reps\": %d, "
      "\"bytes\": %.0f, \"generate_seconds\": %.4f, \"read_seconds\": %.6f, \"read_GBps\": %.3f, "
      "\"project_seconds\": %.6f, \"accumulate_seconds\": %.6f, \"fused_seconds\": %.6f, "
      "\"exact_step_seconds\": %.6f, \"lagged_step_seconds\": %.6f, \"exact_roofline_fraction\": %.4f, "
      "\"lagged_roofline_fraction\": %.4f}\n",
      target, simd, n, d, r, threads, reps, bytes, generate, read, bytes / read / 1e9, project_time, accumulate_time,
      fused_time, exact_time, lagged_time, 2 * read / exact_time, read / lagged_time);
  return sink == 12345.6789 ? 1 : 0;
}
