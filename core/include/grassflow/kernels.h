// The hot loops of finite-sample training: every step streams the n×d sample matrix X (docs/theory.md §7).
//   projection            Z = X W               (z_i = Wᵀx_i for every sample; Wᵀx for the link fit)
//   gradient accumulation G = Xᵀ V = Σ_i x_i v_iᵀ (v_i = r_i ∇f(z_i): the Euclidean gradient before 1/n)
//   fused                 both in one pass over X, for the step that evaluates the previous step's link
// Vectorised with Highway (portable SIMD): natively it dispatches at run time to the best x86 target
// (SSE4/AVX2/AVX-512), in WebAssembly it compiles to SIMD128 under -msimd128 and to scalar code without.
// Eigen alone does not vectorise in WebAssembly (docs/toolchain.md "SIMD: measured"), and -ffast-math is never
// used (it would let the compiler drop NaN checks), so reductions use independent vector accumulators.
// Precision: float32 storage halves the bytes streamed; each SIMD lane sums at most 64 products in float32
// and these partial sums are accumulated in double, so the error (~1e-6) does not grow with n or d.
// Results depend on the SIMD width and thread count only through rounding (~1e-16 relative in float64).
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace grassflow {

/// How a SampleMatrix stores its entries.
enum class Precision { float64, float32 };

/// Row-major n×r matrix of per-sample quantities (row i = z_i or v_i), the layout the kernels read and write.
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Bytes the sample matrices may take in total per matrix unless a caller states its own cap: 2 GiB, what a
/// WebAssembly page can grow to (wasm32 with memory growth), so both targets accept the same requests.
constexpr std::size_t kSampleMemoryCap = std::size_t{2} << 30;

/// Rows are padded to a multiple of this many bytes (with zeros) so every SIMD load of a row is whole.
constexpr std::size_t kRowAlignment = 64;

/// Storage for sample rows: kRowAlignment-aligned; natively, blocks of 4 MiB and more are 2 MiB-aligned and
/// advised to use transparent huge pages (x86 hardware prefetchers stop at 4 KiB page boundaries, i.e. at
/// every row of a d = 1000 float32 matrix; huge pages also spare one TLB miss per row).
void* allocate_rows(std::size_t bytes);
void free_rows(void* p, std::size_t bytes);

template <class T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() = default;
  template <class U>
  AlignedAllocator(const AlignedAllocator<U>&) {}
  T* allocate(std::size_t count) { return static_cast<T*>(allocate_rows(count * sizeof(T))); }
  void deallocate(T* p, std::size_t count) { free_rows(p, count * sizeof(T)); }
  template <class U>
  bool operator==(const AlignedAllocator<U>&) const {
    return true;
  }
  template <class U>
  bool operator!=(const AlignedAllocator<U>&) const {
    return false;
  }
};

/// The sample matrix X: n rows x_i ∈ R^d (one sample per row), stored in float64 or float32, each row padded
/// with zeros to stride() entries (a multiple of kRowAlignment bytes). Entries are read back as double.
class SampleMatrix {
 public:
  SampleMatrix() = default;
  /// An n×d matrix of zeros. Throws LimitError when its storage would exceed `memory_cap` bytes (the message
  /// states the bytes needed), InputError when d = 0.
  SampleMatrix(std::size_t n, std::size_t d, Precision precision, std::size_t memory_cap = kSampleMemoryCap);

  std::size_t rows() const { return n_; }
  std::size_t cols() const { return d_; }
  std::size_t stride() const { return stride_; }
  Precision precision() const { return precision_; }
  /// Bytes of storage, padding included (what one pass over X reads).
  std::size_t bytes() const;
  /// Bytes an n×d matrix of this precision takes (padding included): what the memory cap is compared with.
  /// A double, since requests can exceed size_t (32 bits in WebAssembly).
  static double bytes_needed(std::size_t n, std::size_t d, Precision precision);

  /// Sets row i from d doubles (rounded to float in float32 storage).
  void set_row(std::size_t i, const double* x);
  /// Entry (i, j) as stored, widened to double.
  double operator()(std::size_t i, std::size_t j) const;
  /// Copies row i (as stored, widened to double) into d doubles.
  void copy_row(std::size_t i, double* x) const;
  /// Drops rows beyond `n` (n ≤ rows()), keeping the storage.
  void truncate(std::size_t n);

  /// A read-only view of n×d entries that someone else stores (the Python package's numpy arrays), without a
  /// copy: row i starts at data + i·stride (stride ≥ d entries). The kernels load whole rows of stride entries, so
  /// `data` must be kRowAlignment-aligned, stride·sizeof(entry) a multiple of kRowAlignment, and the entries
  /// between d and stride finite (they meet the zero padding of Wᵀ; checked). `owner` keeps the storage alive as
  /// long as any copy of the view. Returns nullopt when the layout does not allow a view (the caller copies
  /// instead). set_row on a view throws std::logic_error.
  static std::optional<SampleMatrix> borrow(const float* data, std::size_t n, std::size_t d, std::size_t stride,
                                            std::shared_ptr<const void> owner);
  static std::optional<SampleMatrix> borrow(const double* data, std::size_t n, std::size_t d, std::size_t stride,
                                            std::shared_ptr<const void> owner);
  /// Whether this matrix is a view of storage it does not own (borrow).
  bool borrowed() const { return owner_ != nullptr; }

  /// Raw storage (row i starts at i·stride()); the one matching precision() is non-null.
  const float* f32() const { return view32_ ? view32_ : f32_.data(); }
  const double* f64() const { return view64_ ? view64_ : f64_.data(); }

 private:
  std::size_t n_ = 0, d_ = 0, stride_ = 0;
  Precision precision_ = Precision::float64;
  std::vector<float, AlignedAllocator<float>> f32_;
  std::vector<double, AlignedAllocator<double>> f64_;
  const float* view32_ = nullptr;  // borrowed storage (then f32_ and f64_ are empty)
  const double* view64_ = nullptr;
  std::shared_ptr<const void> owner_;

  // A view's shape and owner, its storage pointer still to be set (borrow).
  static SampleMatrix borrowed_view(std::size_t n, std::size_t d, std::size_t stride, Precision precision,
                                    std::shared_ptr<const void> owner);
};

/// Z = X[begin:end] W: Z is (end − begin)×r row-major with row i − begin equal to Wᵀx_i. W is d×r (any
/// matrix: orthonormality is not assumed). In float32 storage W is rounded to float and each SIMD lane sums at
/// most 64 products in float32 before adding them into double. `threads` > 1 splits the rows over
/// native threads (ignored in WebAssembly). Throws InputError on a shape mismatch or a row range outside
/// [0, rows()].
void project(const SampleMatrix& X, std::size_t begin, std::size_t end, const Eigen::MatrixXd& W, RowMatrix& Z,
             int threads = 1);

/// Called by `project_visit` once per block of consecutive rows [first, first + count) with their projections
/// `z` (count×r, row-major), while the block's rows are still in cache. `worker` as in BlockVisitor.
using ProjectionVisitor = std::function<void(int worker, std::size_t first, std::size_t count, const double* z)>;

/// `project`, calling visit(worker, first, count, z) on each block of rows as soon as it is projected, so that
/// work on z (the link fit's normal equations) overlaps the stream of X instead of following it. Z is written
/// as by `project` (its rows are the same numbers). Same errors.
void project_visit(const SampleMatrix& X, std::size_t begin, std::size_t end, const Eigen::MatrixXd& W, RowMatrix& Z,
                   const ProjectionVisitor& visit, int threads = 1);

/// G = Σ_{i∈[begin,end)} x_i v_{i−begin}ᵀ = X[begin:end]ᵀ V (d×r, no 1/n factor): the gradient accumulation
/// of ∇_W L = (1/n) Σ_i r_i x_i ∇f(z_i)ᵀ (docs/theory.md §7). V is (end − begin)×r. In float32 storage v is
/// rounded to float and the products are summed in float32 over blocks of 64 rows, the block sums in double.
/// Throws InputError on a shape mismatch.
Eigen::MatrixXd accumulate(const SampleMatrix& X, std::size_t begin, std::size_t end, const RowMatrix& V,
                           int threads = 1);

/// Called by `project_accumulate` once per block of consecutive rows [first, first + count): `z` holds the
/// count×r projections (row-major), and the visitor writes the count×r weights v_i into `v`. `worker` is the
/// index (0 ≤ worker < threads) of the thread making the call: blocks of different workers run concurrently,
/// so a visitor that accumulates must keep one accumulator per worker.
using BlockVisitor = std::function<void(int worker, std::size_t first, std::size_t count, const double* z, double* v)>;

/// The fused pass: for each block of rows, z_i = Wᵀx_i, then v = visit(z), then G += Σ x_i v_iᵀ, reading each
/// row of X from memory once (the block is re-read from cache). This is the step that evaluates the link
/// fitted at the previous step (the visitor can at the same time accumulate the normal equations of the next
/// fit from z): one pass over X instead of two. Returns G (d×r) as `accumulate` does. Same errors.
Eigen::MatrixXd project_accumulate(const SampleMatrix& X, std::size_t begin, std::size_t end, const Eigen::MatrixXd& W,
                                   const BlockVisitor& visit, int threads = 1);

/// Σ of every stored entry (padding included, which is zero), streamed once with independent vector
/// accumulators: the STREAM-style read that sets the memory-bandwidth roofline of the kernels above (with the
/// same `threads`, split the same way).
double sum_entries(const SampleMatrix& X, int threads = 1);

/// Name of the SIMD target the kernels run on in this process (e.g. "AVX3", "AVX2", "WASM", "EMU128").
const char* simd_target();

/// Every SIMD target this build has code for and this CPU can run, best first (natively e.g. AVX3, AVX2,
/// SSE4, EMU128; in WebAssembly the one target compiled in). The kernels run on the first unless
/// use_simd_target chose another.
std::vector<std::string> simd_targets();

/// Runs the kernels on target `name` (one of simd_targets()) from the next call on, or on the best again
/// for "": so that tests cover every target's code on one machine and benchmarks compare them (Highway's
/// SetSupportedTargetsForTest). Not thread-safe: call it while no kernel runs. Throws InputError for a name
/// that is not in simd_targets().
void use_simd_target(const std::string& name);

}  // namespace grassflow
