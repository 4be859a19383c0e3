// The SIMD hot loops (see kernels.h). Highway compiles the per-target section once per SIMD target natively
// (this file re-includes itself through foreach_target.h) and once, statically, under Emscripten.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels.cpp"
#ifdef __EMSCRIPTEN__
// One static target (WASM with -msimd128, EMU128 without): no run-time dispatch, so no libhwy to link.
#define HWY_COMPILE_ONLY_STATIC 1
#endif
#include <hwy/cache_control.h>
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <algorithm>
#include <cstddef>
#include <type_traits>

HWY_BEFORE_NAMESPACE();
namespace grassflow {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Each float32 lane sums at most kFloatTerms products before its partial sum is added into double (the
// horizontal sum adds log2(lanes) more): ~1e-6 relative whatever n and d. kRowBlock rows form one block of
// the gradient accumulation (and of the fused pass, whose block is then re-read from cache).
constexpr std::size_t kFloatTerms = 64;
constexpr std::size_t kRowBlock = 64;
// Rows ahead that the kernels prefetch: hardware prefetchers restart at every 4 KiB page, i.e. at about every
// d = 1000 float32 row, and alone left the DRAM-streaming projection well short of the read bandwidth; 8 to 24
// rows ahead recovered it (figures: bench/README.md, "Measurement notes").
constexpr std::size_t kPrefetchRows = 16;

// Rows handled together for R columns: the RB·R accumulators (or broadcast weights) and their operands fit in
// the vector registers (16 on SSE4, AVX2 and WASM), and every loaded W (or x) vector is used RB (or R) times.
// But RB > 1 rows are RB streams 4 KiB apart, and hardware prefetchers restart at every 4 KiB page of each;
// one row at a time reads X as a single sequential stream, which the prefetchers follow. Streaming from DRAM,
// that pays more than register blocking on AVX-512, whose wide registers leave the loop far from arithmetic-bound
// anyway, in WebAssembly SIMD, which has no prefetch instruction to hide the RB streams, and on AVX2; on SSE4,
// whose 4-lane vectors are bound by arithmetic, the two are the same. So every SIMD target reads one row at a
// time. The scalar WebAssembly build (EMU128) is bound by arithmetic and keeps what is fastest for it: RB = 3
// for the projection, RB = 1 for the accumulation. Figures per target (n = 5·10⁴, d = 1000, r = 3):
// bench/README.md, "What changed" and, for AVX2 and SSE4, "Latest run".
template <int R>
constexpr int ProjectRowsPerGroup() {
#if HWY_TARGET != HWY_EMU128 && HWY_TARGET != HWY_SCALAR  // every SIMD target
  return 1;
#else
  return R <= 2 ? 4 : R == 3 ? 3 : 2;
#endif
}

template <int R>
constexpr int AccumulateRowsPerGroup() {
#if HWY_TARGET == HWY_EMU128
  return 1;
#else
  return ProjectRowsPerGroup<R>();
#endif
}

// The accumulation of a block the fused pass has just projected reads it from cache, where there is no stream
// to keep: register blocking pays there, on AVX-512 and in WebAssembly SIMD. The scalar build stays at one row,
// its fastest here too (figures: bench/README.md, "What changed").
template <int R>
constexpr int CachedRowsPerGroup() {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  return 4;
#elif HWY_TARGET == HWY_EMU128
  return AccumulateRowsPerGroup<R>();
#else
  return R <= 2 ? 4 : R == 3 ? 3 : 2;
#endif
}

// z[i·r + c] = Σ_j x[i·stride + j] wt[c·stride + j] for RB rows and R ≤ 4 columns. Rows and Wᵀ start on
// kRowAlignment boundaries and stride is a multiple of the vector length, so every load is aligned and whole.
// `ahead` is the row kPrefetchRows further on (clamped to the rows that exist), prefetched while x is used.
template <int RB, int R, class T>
void DotRows(const T* HWY_RESTRICT x, const T* ahead, std::size_t stride, const T* HWY_RESTRICT wt, double* z,
             std::size_t r) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  const std::size_t N = hn::Lanes(d), block = kFloatTerms * N;
  double total[RB][R] = {};
  for (std::size_t j0 = 0; j0 < stride; j0 += block) {
    const std::size_t j1 = std::min(stride, j0 + block);
    V acc[RB][R];
    for (int i = 0; i < RB; ++i)
      for (int c = 0; c < R; ++c) acc[i][c] = hn::Zero(d);
    for (std::size_t j = j0; j < j1; j += N) {
      V w[R];
      for (int c = 0; c < R; ++c) w[c] = hn::Load(d, wt + c * stride + j);
      for (int i = 0; i < RB; ++i) {
        hwy::Prefetch(ahead + i * stride + j);
        const V xi = hn::Load(d, x + i * stride + j);
        for (int c = 0; c < R; ++c) acc[i][c] = hn::MulAdd(xi, w[c], acc[i][c]);
      }
    }
    for (int i = 0; i < RB; ++i)
      for (int c = 0; c < R; ++c) total[i][c] += static_cast<double>(hn::GetLane(hn::SumOfLanes(d, acc[i][c])));
  }
  for (int i = 0; i < RB; ++i)
    for (int c = 0; c < R; ++c) z[i * r + c] = total[i][c];
}

// p[c·stride + j] += Σ_{i<RB} v[i·r + c] x[i·stride + j] for R ≤ 4 columns: the RB·R weights are broadcast
// once, and each partial vector is loaded and stored once for RB rows.
template <int RB, int R, class T>
void AccumulateGroup(const T* HWY_RESTRICT x, const T* ahead, std::size_t stride, const double* v, std::size_t r,
                     T* HWY_RESTRICT p) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  const std::size_t N = hn::Lanes(d);
  V weight[RB][R];
  for (int i = 0; i < RB; ++i)
    for (int c = 0; c < R; ++c) weight[i][c] = hn::Set(d, static_cast<T>(v[i * r + c]));
  for (std::size_t j = 0; j < stride; j += N) {
    V xs[RB];
    for (int i = 0; i < RB; ++i) {
      hwy::Prefetch(ahead + i * stride + j);
      xs[i] = hn::Load(d, x + i * stride + j);
    }
    for (int c = 0; c < R; ++c) {
      V acc = hn::Load(d, p + c * stride + j);
      for (int i = 0; i < RB; ++i) acc = hn::MulAdd(weight[i][c], xs[i], acc);
      hn::Store(acc, d, p + c * stride + j);
    }
  }
}

#if !HWY_HAVE_FLOAT64
// Highway 1.0.3 has no float64 vectors on WASM: plain loops over a fixed number of independent lanes, which
// clang vectorises to f64x2 without reassociation (each lane's sum keeps its own order).
constexpr std::size_t kLanes64 = 4;

template <int RB, int R>
void DotRows(const double* HWY_RESTRICT x, const double*, std::size_t stride, const double* HWY_RESTRICT wt, double* z,
             std::size_t r) {
  for (int i = 0; i < RB; ++i) {
    double acc[R][kLanes64] = {};
    for (std::size_t j = 0; j < stride; j += kLanes64)
      for (int c = 0; c < R; ++c)
        for (std::size_t l = 0; l < kLanes64; ++l) acc[c][l] += x[i * stride + j + l] * wt[c * stride + j + l];
    for (int c = 0; c < R; ++c) z[i * r + c] = (acc[c][0] + acc[c][1]) + (acc[c][2] + acc[c][3]);
  }
}

template <int RB, int R>
void AccumulateGroup(const double* HWY_RESTRICT x, const double*, std::size_t stride, const double* v, std::size_t r,
                     double* HWY_RESTRICT p) {
  for (int i = 0; i < RB; ++i)
    for (int c = 0; c < R; ++c) {
      const double weight = v[i * r + c];
      for (std::size_t j = 0; j < stride; ++j) p[c * stride + j] += weight * x[i * stride + j];
    }
}

template <class T>
double SumAll(const T* p, std::size_t count);

template <>
double SumAll(const double* p, std::size_t count) {
  double acc[kLanes64] = {};
  for (std::size_t k = 0; k < count; k += kLanes64)
    for (std::size_t l = 0; l < kLanes64; ++l) acc[l] += p[k + l];
  return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}
#endif

// Rows [begin, end) of X: all r ≤ 4 columns at once in groups of Project/AccumulateRowsPerGroup rows, the rest
// one by one. Calls f(std::integral_constant<int, R>{}) with R = width (1 ≤ width ≤ 4): the kernels' column
// count as a compile-time constant.
template <class F>
void WithColumns(std::size_t width, F&& f) {
  switch (width) {
    case 1:
      return f(std::integral_constant<int, 1>{});
    case 2:
      return f(std::integral_constant<int, 2>{});
    case 3:
      return f(std::integral_constant<int, 3>{});
    default:
      return f(std::integral_constant<int, 4>{});
  }
}

// The first row to prefetch for a group of `rows` rows starting at i, all below `limit` (i + rows ≤ limit).
template <class T>
const T* Ahead(const T* X, std::size_t stride, std::size_t i, std::size_t rows, std::size_t limit) {
  return X + std::min(i + kPrefetchRows, limit - rows) * stride;
}

template <int R, class T>
void ProjectColumns(const T* X, std::size_t stride, std::size_t begin, std::size_t end, std::size_t limit, const T* wt,
                    std::size_t r, double* z) {
  constexpr int RB = ProjectRowsPerGroup<R>();
  std::size_t i = begin;
  for (; i + RB <= end; i += RB)
    DotRows<RB, R>(X + i * stride, Ahead(X, stride, i, RB, limit), stride, wt, z + (i - begin) * r, r);
  for (; i < end; ++i) DotRows<1, R>(X + i * stride, Ahead(X, stride, i, 1, limit), stride, wt, z + (i - begin) * r, r);
}

// Z rows [begin, end) (Z row i at z + (i − begin)·r) from X rows [begin, end) and Wᵀ (r rows of stride);
// rows up to `limit` (≥ end) may be prefetched. r > 4 (not used by the app) goes row by row in column groups
// of 4, so X is still read once.
template <class T>
void ProjectRows(const T* X, std::size_t stride, std::size_t begin, std::size_t end, std::size_t limit, const T* wt,
                 std::size_t r, double* z) {
  if (r <= 4)
    return WithColumns(r, [&](auto R) { ProjectColumns<decltype(R)::value>(X, stride, begin, end, limit, wt, r, z); });
  for (std::size_t i = begin; i < end; ++i)
    for (std::size_t c0 = 0; c0 < r; c0 += 4)
      WithColumns(std::min<std::size_t>(4, r - c0), [&](auto R) {
        DotRows<1, decltype(R)::value>(X + i * stride, Ahead(X, stride, i, 1, limit), stride, wt + c0 * stride,
                                       z + (i - begin) * r + c0, r);
      });
}

template <int R, bool Cached, class T>
void AccumulateColumns(const T* X, std::size_t stride, std::size_t b0, std::size_t b1, std::size_t limit,
                       const double* v, std::size_t r, T* partial) {
  constexpr int RB = Cached ? CachedRowsPerGroup<R>() : AccumulateRowsPerGroup<R>();
  std::size_t i = b0;
  for (; i + RB <= b1; i += RB)
    AccumulateGroup<RB, R>(X + i * stride, Ahead(X, stride, i, RB, limit), stride, v + (i - b0) * r, r, partial);
  for (; i < b1; ++i)
    AccumulateGroup<1, R>(X + i * stride, Ahead(X, stride, i, 1, limit), stride, v + (i - b0) * r, r, partial);
}

// G (r rows of stride, double) += Σ_{i∈[begin,end)} v_i x_iᵀ with v row i at v + (i − begin)·r. Blocks of
// kRowBlock rows are summed in T in `partial` (r·stride entries of aligned scratch), then added into G.
// `cached`: the rows were just read (the fused pass), so they are grouped for the arithmetic, not the stream.
template <class T>
void AccumulateRows(const T* X, std::size_t stride, std::size_t begin, std::size_t end, std::size_t limit,
                    const double* v, std::size_t r, bool cached, T* HWY_RESTRICT partial, double* HWY_RESTRICT G) {
  for (std::size_t b0 = begin; b0 < end; b0 += kRowBlock) {
    const std::size_t b1 = std::min(end, b0 + kRowBlock);
    const double* vb = v + (b0 - begin) * r;
    std::fill(partial, partial + r * stride, T(0));
    if (r <= 4)
      WithColumns(r, [&](auto R) {
        if (cached)
          AccumulateColumns<decltype(R)::value, true>(X, stride, b0, b1, limit, vb, r, partial);
        else
          AccumulateColumns<decltype(R)::value, false>(X, stride, b0, b1, limit, vb, r, partial);
      });
    else
      for (std::size_t i = b0; i < b1; ++i)
        for (std::size_t c0 = 0; c0 < r; c0 += 4)
          WithColumns(std::min<std::size_t>(4, r - c0), [&](auto R) {
            AccumulateGroup<1, decltype(R)::value>(X + i * stride, Ahead(X, stride, i, 1, limit), stride,
                                                   vb + (i - b0) * r + c0, r, partial + c0 * stride);
          });
    for (std::size_t k = 0; k < r * stride; ++k) G[k] += static_cast<double>(partial[k]);
  }
}

// Σ p[k] with four independent vector accumulators (a plain load stream: the roofline probe).
template <class T>
double SumAll(const T* p, std::size_t count) {
  const hn::ScalableTag<T> d;
  const std::size_t N = hn::Lanes(d), block = 4 * N * kFloatTerms;
  double total = 0.0;
  for (std::size_t k0 = 0; k0 < count; k0 += block) {
    const std::size_t k1 = std::min(count, k0 + block);
    auto a0 = hn::Zero(d), a1 = hn::Zero(d), a2 = hn::Zero(d), a3 = hn::Zero(d);
    std::size_t k = k0;
    for (; k + 4 * N <= k1; k += 4 * N) {
      a0 = hn::Add(a0, hn::Load(d, p + k));
      a1 = hn::Add(a1, hn::Load(d, p + k + N));
      a2 = hn::Add(a2, hn::Load(d, p + k + 2 * N));
      a3 = hn::Add(a3, hn::Load(d, p + k + 3 * N));
    }
    for (; k < k1; k += N) a0 = hn::Add(a0, hn::Load(d, p + k));
    total += static_cast<double>(hn::GetLane(hn::SumOfLanes(d, hn::Add(hn::Add(a0, a1), hn::Add(a2, a3)))));
  }
  return total;
}

// Non-template entry points, one per precision, exported to the dispatcher.
void ProjectF32(const float* X, std::size_t stride, std::size_t begin, std::size_t end, std::size_t limit,
                const float* wt, std::size_t r, double* z) {
  ProjectRows(X, stride, begin, end, limit, wt, r, z);
}
void ProjectF64(const double* X, std::size_t stride, std::size_t begin, std::size_t end, std::size_t limit,
                const double* wt, std::size_t r, double* z) {
  ProjectRows(X, stride, begin, end, limit, wt, r, z);
}
void AccumulateF32(const float* X, std::size_t stride, std::size_t begin, std::size_t end, std::size_t limit,
                   const double* v, std::size_t r, bool cached, float* partial, double* G) {
  AccumulateRows(X, stride, begin, end, limit, v, r, cached, partial, G);
}
void AccumulateF64(const double* X, std::size_t stride, std::size_t begin, std::size_t end, std::size_t limit,
                   const double* v, std::size_t r, bool cached, double* partial, double* G) {
  AccumulateRows(X, stride, begin, end, limit, v, r, cached, partial, G);
}
double SumF32(const float* p, std::size_t count) {
  return SumAll(p, count);
}
double SumF64(const double* p, std::size_t count) {
  return SumAll(p, count);
}

#define GRASSFLOW_STRINGIFY2(x) #x
#define GRASSFLOW_STRINGIFY(x) GRASSFLOW_STRINGIFY2(x)
const char* TargetName() {
  return &GRASSFLOW_STRINGIFY(HWY_NAMESPACE)[2];
}  // "N_AVX3" -> "AVX3"

}  // namespace HWY_NAMESPACE
}  // namespace grassflow
HWY_AFTER_NAMESPACE();

#if HWY_ONCE

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#ifndef __EMSCRIPTEN__
#include <sys/mman.h>

#include <thread>
#endif

#include "grassflow/errors.h"
#include "grassflow/kernels.h"

namespace grassflow {

HWY_EXPORT(ProjectF32);
HWY_EXPORT(ProjectF64);
HWY_EXPORT(AccumulateF32);
HWY_EXPORT(AccumulateF64);
HWY_EXPORT(SumF32);
HWY_EXPORT(SumF64);
HWY_EXPORT(TargetName);

namespace {

constexpr std::size_t kRowBlock = HWY_NAMESPACE::kRowBlock;

std::size_t round_up(std::size_t value, std::size_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

std::size_t element_size(Precision precision) {
  return precision == Precision::float32 ? 4 : 8;
}

// "192 bytes", "12.5 KiB", "381.5 MiB", "74.51 GiB".
std::string format_bytes(double bytes) {
  char text[64];
  if (bytes < 1024.0)
    std::snprintf(text, sizeof text, "%.0f bytes", bytes);
  else if (bytes < 1024.0 * 1024.0)
    std::snprintf(text, sizeof text, "%.1f KiB", bytes / 1024.0);
  else if (bytes < 1024.0 * 1024.0 * 1024.0)
    std::snprintf(text, sizeof text, "%.1f MiB", bytes / (1024.0 * 1024.0));
  else
    std::snprintf(text, sizeof text, "%.2f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  return text;
}

// Runs work(worker, b, e) over [begin, end) split into `threads` contiguous runs of whole row blocks; worker
// 0 runs on the calling thread. WebAssembly builds have no threads: one run.
template <class Work>
int run_split(int threads, std::size_t begin, std::size_t end, const Work& work) {
#ifdef __EMSCRIPTEN__
  threads = 1;
#endif
  const std::size_t blocks = (end - begin + kRowBlock - 1) / kRowBlock;
  const int workers = static_cast<int>(std::max<std::size_t>(1, std::min<std::size_t>(std::max(threads, 1), blocks)));
  if (workers == 1) {
    work(0, begin, end);
    return 1;
  }
#ifndef __EMSCRIPTEN__
  std::vector<std::thread> pool;
  auto range = [&](int w) {
    const std::size_t b = begin + blocks * static_cast<std::size_t>(w) / static_cast<std::size_t>(workers) * kRowBlock;
    return std::min(end, b);
  };
  for (int w = 1; w < workers; ++w) pool.emplace_back([&, w] { work(w, range(w), range(w + 1)); });
  work(0, range(0), range(1));
  for (auto& t : pool) t.join();
#endif
  return workers;
}

void check_range(const SampleMatrix& X, std::size_t begin, std::size_t end, const char* who) {
  if (begin > end || end > X.rows())
    throw InputError(std::string(who) + ": row range [" + std::to_string(begin) + ", " + std::to_string(end) +
                     ") is outside the " + std::to_string(X.rows()) + " samples");
}

// Wᵀ in the storage precision, r rows of X.stride() (zero padded).
template <class T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

template <class T>
AlignedVector<T> transposed(const SampleMatrix& X, const Eigen::MatrixXd& W) {
  if (static_cast<std::size_t>(W.rows()) != X.cols())
    throw InputError("kernels: W has " + std::to_string(W.rows()) +
                     " rows but the samples have d = " + std::to_string(X.cols()));
  AlignedVector<T> wt(static_cast<std::size_t>(W.cols()) * X.stride(), T(0));
  for (Eigen::Index c = 0; c < W.cols(); ++c)
    for (Eigen::Index j = 0; j < W.rows(); ++j)
      wt[static_cast<std::size_t>(c) * X.stride() + static_cast<std::size_t>(j)] = static_cast<T>(W(j, c));
  return wt;
}

// Wᵀ padded to X's row stride, in X's precision: what the kernels multiply rows of X with.
class TransposedWeights {
 public:
  TransposedWeights(const SampleMatrix& X, const Eigen::MatrixXd& W) {
    if (X.precision() == Precision::float32)
      f32_ = transposed<float>(X, W);
    else
      f64_ = transposed<double>(X, W);
  }
  const void* data() const { return f32_.empty() ? static_cast<const void*>(f64_.data()) : f32_.data(); }

 private:
  AlignedVector<float> f32_;
  AlignedVector<double> f64_;
};

// Projects rows [b, e) into z (row i at z + (i − b)·r), prefetching rows below `limit`.
void project_rows(const SampleMatrix& X, std::size_t b, std::size_t e, std::size_t limit, const void* wt, std::size_t r,
                  double* z) {
  if (X.precision() == Precision::float32)
    HWY_DYNAMIC_DISPATCH(ProjectF32)(X.f32(), X.stride(), b, e, limit, static_cast<const float*>(wt), r, z);
  else
    HWY_DYNAMIC_DISPATCH(ProjectF64)(X.f64(), X.stride(), b, e, limit, static_cast<const double*>(wt), r, z);
}

// Per-worker accumulation state: G (r×stride double) and the float/double block scratch.
struct Partial {
  AlignedVector<double> G;
  AlignedVector<float> scratch32;
  AlignedVector<double> scratch64;
  Partial(const SampleMatrix& X, std::size_t r) : G(r * X.stride(), 0.0) {
    if (X.precision() == Precision::float32)
      scratch32.assign(r * X.stride(), 0.0f);
    else
      scratch64.assign(r * X.stride(), 0.0);
  }
  void add(const SampleMatrix& X, std::size_t b, std::size_t e, std::size_t limit, const double* v, std::size_t r,
           bool cached = false) {
    if (X.precision() == Precision::float32)
      HWY_DYNAMIC_DISPATCH(AccumulateF32)(X.f32(), X.stride(), b, e, limit, v, r, cached, scratch32.data(), G.data());
    else
      HWY_DYNAMIC_DISPATCH(AccumulateF64)(X.f64(), X.stride(), b, e, limit, v, r, cached, scratch64.data(), G.data());
  }
};

// Σ of the workers' partials in worker order (deterministic for a given thread count), as d×r.
Eigen::MatrixXd reduce(const SampleMatrix& X, std::size_t r, const std::vector<Partial>& partials, int used) {
  Eigen::MatrixXd G = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(X.cols()), static_cast<Eigen::Index>(r));
  for (int w = 0; w < used; ++w)
    for (std::size_t c = 0; c < r; ++c)
      for (std::size_t j = 0; j < X.cols(); ++j)
        G(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(c)) +=
            partials[static_cast<std::size_t>(w)].G[c * X.stride() + j];
  return G;
}

}  // namespace

namespace {
#ifdef __EMSCRIPTEN__
std::size_t alignment_for(std::size_t) {
  return kRowAlignment;
}
#else
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kHugeThreshold = std::size_t{4} << 20;

std::size_t alignment_for(std::size_t bytes) {
  return bytes >= kHugeThreshold ? kHugePage : kRowAlignment;
}
#endif
}  // namespace

void* allocate_rows(std::size_t bytes) {
  void* p = ::operator new (bytes, std::align_val_t{alignment_for(bytes)});
#ifndef __EMSCRIPTEN__
  // Advice only: where transparent huge pages are off this does nothing, and a failure changes nothing.
  if (bytes >= kHugeThreshold) madvise(p, bytes / kHugePage * kHugePage, MADV_HUGEPAGE);
#endif
  return p;
}

void free_rows(void* p, std::size_t bytes) {
  ::operator delete (p, std::align_val_t{alignment_for(bytes)});
}

SampleMatrix::SampleMatrix(std::size_t n, std::size_t d, Precision precision, std::size_t memory_cap)
    : n_(n), d_(d), precision_(precision) {
  if (d == 0) throw InputError("samples: d = 0; the inputs need at least one coordinate");
  const double need = bytes_needed(n, d, precision);
  if (need > static_cast<double>(memory_cap)) {
    // The advice leaves out what the request already does (float32 storage).
    char message[320];
    std::snprintf(message, sizeof message,
                  "samples: %zu x %zu %s samples need %s, above the cap of %s; use fewer samples, %sor the online "
                  "variant (no stored data)",
                  n, d, precision == Precision::float32 ? "float32" : "float64", format_bytes(need).c_str(),
                  format_bytes(static_cast<double>(memory_cap)).c_str(),
                  precision == Precision::float32 ? "" : "float32 storage, ");
    throw LimitError(message);
  }
  stride_ = round_up(d, kRowAlignment / element_size(precision));
  if (precision == Precision::float32)
    f32_.assign(n * stride_, 0.0f);
  else
    f64_.assign(n * stride_, 0.0);
}

double SampleMatrix::bytes_needed(std::size_t n, std::size_t d, Precision precision) {
  const std::size_t size = element_size(precision), lanes = kRowAlignment / size;
  // In double: requests can exceed size_t (32 bits in WebAssembly), and the refusal must state their size.
  return static_cast<double>(n) * std::ceil(static_cast<double>(d) / static_cast<double>(lanes)) *
         static_cast<double>(lanes * size);
}

std::size_t SampleMatrix::bytes() const {
  return n_ * stride_ * element_size(precision_);
}

namespace {

template <class T>
bool can_borrow(const T* data, std::size_t n, std::size_t d, std::size_t stride) {
  if (data == nullptr || d == 0 || stride < d || (stride * sizeof(T)) % kRowAlignment != 0 ||
      reinterpret_cast<std::uintptr_t>(data) % kRowAlignment != 0)
    return false;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = d; j < stride; ++j)
      if (!std::isfinite(data[i * stride + j])) return false;
  return true;
}

}  // namespace

std::optional<SampleMatrix> SampleMatrix::borrow(const float* data, std::size_t n, std::size_t d, std::size_t stride,
                                                 std::shared_ptr<const void> owner) {
  if (!can_borrow(data, n, d, stride)) return std::nullopt;
  SampleMatrix view = borrowed_view(n, d, stride, Precision::float32, std::move(owner));
  view.view32_ = data;
  return view;
}

std::optional<SampleMatrix> SampleMatrix::borrow(const double* data, std::size_t n, std::size_t d, std::size_t stride,
                                                 std::shared_ptr<const void> owner) {
  if (!can_borrow(data, n, d, stride)) return std::nullopt;
  SampleMatrix view = borrowed_view(n, d, stride, Precision::float64, std::move(owner));
  view.view64_ = data;
  return view;
}

SampleMatrix SampleMatrix::borrowed_view(std::size_t n, std::size_t d, std::size_t stride, Precision precision,
                                         std::shared_ptr<const void> owner) {
  SampleMatrix view;
  view.n_ = n, view.d_ = d, view.stride_ = stride, view.precision_ = precision;
  view.owner_ = owner ? std::move(owner) : std::make_shared<int>(0);
  return view;
}

void SampleMatrix::set_row(std::size_t i, const double* x) {
  if (borrowed()) throw std::logic_error("SampleMatrix::set_row on a borrowed (read-only) view");
  if (precision_ == Precision::float32)
    for (std::size_t j = 0; j < d_; ++j) f32_[i * stride_ + j] = static_cast<float>(x[j]);
  else
    std::copy(x, x + d_, f64_.begin() + static_cast<std::ptrdiff_t>(i * stride_));
}

double SampleMatrix::operator()(std::size_t i, std::size_t j) const {
  return precision_ == Precision::float32 ? static_cast<double>(f32()[i * stride_ + j]) : f64()[i * stride_ + j];
}

void SampleMatrix::copy_row(std::size_t i, double* x) const {
  for (std::size_t j = 0; j < d_; ++j) x[j] = (*this)(i, j);
}

void SampleMatrix::truncate(std::size_t n) {
  if (n > n_) throw InputError("samples: cannot truncate " + std::to_string(n_) + " rows to " + std::to_string(n));
  n_ = n;
}

void project(const SampleMatrix& X, std::size_t begin, std::size_t end, const Eigen::MatrixXd& W, RowMatrix& Z,
             int threads) {
  check_range(X, begin, end, "project");
  const auto r = static_cast<std::size_t>(W.cols());
  Z.resize(static_cast<Eigen::Index>(end - begin), W.cols());
  const TransposedWeights weights(X, W);
  const void* wt = weights.data();
  run_split(threads, begin, end,
            [&](int, std::size_t b, std::size_t e) { project_rows(X, b, e, e, wt, r, Z.data() + (b - begin) * r); });
}

void project_visit(const SampleMatrix& X, std::size_t begin, std::size_t end, const Eigen::MatrixXd& W, RowMatrix& Z,
                   const ProjectionVisitor& visit, int threads) {
  check_range(X, begin, end, "project_visit");
  const auto r = static_cast<std::size_t>(W.cols());
  Z.resize(static_cast<Eigen::Index>(end - begin), W.cols());
  const TransposedWeights weights(X, W);
  const void* wt = weights.data();
  run_split(threads, begin, end, [&](int w, std::size_t b, std::size_t e) {
    for (std::size_t b0 = b; b0 < e; b0 += kRowBlock) {
      const std::size_t b1 = std::min(e, b0 + kRowBlock);
      double* z = Z.data() + (b0 - begin) * r;
      // Prefetches run ahead into the next block while the visitor works on this one.
      project_rows(X, b0, b1, e, wt, r, z);
      visit(w, b0, b1 - b0, z);
    }
  });
}

Eigen::MatrixXd accumulate(const SampleMatrix& X, std::size_t begin, std::size_t end, const RowMatrix& V, int threads) {
  check_range(X, begin, end, "accumulate");
  if (static_cast<std::size_t>(V.rows()) != end - begin)
    throw InputError("accumulate: V has " + std::to_string(V.rows()) + " rows for " + std::to_string(end - begin) +
                     " samples");
  const auto r = static_cast<std::size_t>(V.cols());
  std::vector<Partial> partials(static_cast<std::size_t>(std::max(threads, 1)), Partial(X, r));
  const int used = run_split(threads, begin, end, [&](int w, std::size_t b, std::size_t e) {
    partials[static_cast<std::size_t>(w)].add(X, b, e, e, V.data() + (b - begin) * r, r);
  });
  return reduce(X, r, partials, used);
}

Eigen::MatrixXd project_accumulate(const SampleMatrix& X, std::size_t begin, std::size_t end, const Eigen::MatrixXd& W,
                                   const BlockVisitor& visit, int threads) {
  check_range(X, begin, end, "project_accumulate");
  const auto r = static_cast<std::size_t>(W.cols());
  const TransposedWeights weights(X, W);
  const void* wt = weights.data();
  std::vector<Partial> partials(static_cast<std::size_t>(std::max(threads, 1)), Partial(X, r));
  const int used = run_split(threads, begin, end, [&](int w, std::size_t b, std::size_t e) {
    std::vector<double> z(kRowBlock * r), v(kRowBlock * r);
    for (std::size_t b0 = b; b0 < e; b0 += kRowBlock) {
      const std::size_t b1 = std::min(e, b0 + kRowBlock);
      // The accumulation re-reads the block from cache; its prefetches run ahead into the next block.
      project_rows(X, b0, b1, e, wt, r, z.data());
      visit(w, b0, b1 - b0, z.data(), v.data());
      partials[static_cast<std::size_t>(w)].add(X, b0, b1, e, v.data(), r, true);
    }
  });
  return reduce(X, r, partials, used);
}

double sum_entries(const SampleMatrix& X, int threads) {
  std::vector<double> sums(static_cast<std::size_t>(std::max(threads, 1)), 0.0);
  const int used = run_split(threads, 0, X.rows(), [&](int w, std::size_t b, std::size_t e) {
    const std::size_t first = b * X.stride(), count = (e - b) * X.stride();
    sums[static_cast<std::size_t>(w)] = X.precision() == Precision::float32
                                            ? HWY_DYNAMIC_DISPATCH(SumF32)(X.f32() + first, count)
                                            : HWY_DYNAMIC_DISPATCH(SumF64)(X.f64() + first, count);
  });
  double total = 0.0;
  for (int w = 0; w < used; ++w) total += sums[static_cast<std::size_t>(w)];
  return total;
}

const char* simd_target() {
  return HWY_DYNAMIC_DISPATCH(TargetName)();
}

std::vector<std::string> simd_targets() {
#ifdef __EMSCRIPTEN__
  return {simd_target()};
#else
  std::vector<std::string> names;
  for (const std::int64_t target : hwy::SupportedAndGeneratedTargets()) names.emplace_back(hwy::TargetName(target));
  return names;
#endif
}

void use_simd_target(const std::string& name) {
#ifndef __EMSCRIPTEN__
  hwy::SetSupportedTargetsForTest(0);  // the CPU's own targets again, the choice made anew
  if (name.empty()) return;
  for (const std::int64_t target : hwy::SupportedAndGeneratedTargets())
    if (name == hwy::TargetName(target)) return hwy::SetSupportedTargetsForTest(target);
#else
  if (name.empty() || name == simd_target()) return;
#endif
  std::string known;
  for (const std::string& target : simd_targets()) known += (known.empty() ? "" : ", ") + target;
  throw InputError("SIMD target '" + name + "' is not available here; choose one of " + known);
}

}  // namespace grassflow

#endif  // HWY_ONCE
