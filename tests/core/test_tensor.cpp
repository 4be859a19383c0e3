// Tensor conversions and contractions against hand-computed values (docs/theory.md §2).
#include <doctest/doctest.h>

#include <cmath>

#include "grassflow/expansion.h"
#include "grassflow/tensor.h"
#include "grassflow/version.h"

using grassflow::HermiteExpansion;
using grassflow::SymTensor;

TEST_CASE("version and build target are reported") {
  CHECK(std::string(grassflow::version()).find('.') != std::string::npos);
#ifdef __EMSCRIPTEN__
  CHECK(std::string(grassflow::build_target()) == "wasm");
#else
  CHECK(std::string(grassflow::build_target()) == "native");
#endif
  // A 40-digit hash, "-dirty" after it when the tree had changes, or "unknown" outside git.
  const std::string commit = grassflow::commit();
  const std::string hash = commit.substr(0, commit.find('-'));
  CHECK((commit == "unknown" || (hash.size() == 40 && hash.find_first_not_of("0123456789abcdef") == std::string::npos &&
                                 (commit.size() == 40 || commit.substr(40) == "-dirty"))));
}

TEST_CASE("coefficient <-> tensor conversions follow docs/theory.md §2") {
  // α_{e1+e2} = 2 T_2[1,2], α_{2e1} = √2 T_2[1,1], α_{e1+e2+e3} = 6 T_3[1,2,3].
  auto alpha = [](const std::vector<int>& b) {
    return b == std::vector<int>{1, 1, 0} ? 1.0 : (b == std::vector<int>{2, 0, 0} ? 3.0 : 0.0);
  };
  const SymTensor T2 = grassflow::tensor_from_coefficients(3, 2, alpha);
  CHECK(T2[0 * 3 + 1] == doctest::Approx(0.5));
  CHECK(T2[1 * 3 + 0] == doctest::Approx(0.5));
  CHECK(T2[0] == doctest::Approx(3.0 / std::sqrt(2.0)));
  CHECK(grassflow::coefficient_from_tensor(T2, {1, 1, 0}) == doctest::Approx(1.0));
  CHECK(grassflow::coefficient_from_tensor(T2, {2, 0, 0}) == doctest::Approx(3.0));
  const SymTensor T3 = grassflow::tensor_from_coefficients(3, 3, [](const std::vector<int>& b) {
    return b == std::vector<int>{1, 1, 1} ? 1.0 : 0.0;
  });
  CHECK(T3[0 * 9 + 1 * 3 + 2] == doctest::Approx(1.0 / 6.0));
  CHECK(T3[2 * 9 + 0 * 3 + 1] == doctest::Approx(1.0 / 6.0));
}

TEST_CASE("degree energies: ‖f_k‖² = k!‖T_k‖² equals Σ α_β²") {
  const HermiteExpansion e =
      HermiteExpansion::from_coefficients(2, 3, {{{1, 0}, 1.0}, {{1, 1}, 0.5}, {{0, 2}, -2.0}, {{2, 1}, 0.25}});
  const std::vector<double> energy = e.degree_energy();
  CHECK(energy[0] == doctest::Approx(0.0));
  CHECK(energy[1] == doctest::Approx(1.0));
  CHECK(energy[2] == doctest::Approx(0.25 + 4.0));
  CHECK(energy[3] == doctest::Approx(0.0625));
  CHECK(e.norm2 == doctest::Approx(1.0 + 4.25 + 0.0625));
}

TEST_CASE("A^{⊗k} T by mode products matches the explicit sum") {
  Eigen::MatrixXd A(2, 2);
  A << 0.3, -0.7, 1.1, 0.2;
  SymTensor T(2, 3);
  for (std::size_t i = 0; i < T.size(); ++i) T[i] = std::sin(1.0 + static_cast<double>(i));
  const SymTensor AT = grassflow::apply_on_every_mode(A, T);
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b)
      for (int c = 0; c < 2; ++c) {
        double s = 0;
        for (int i = 0; i < 2; ++i)
          for (int j = 0; j < 2; ++j)
            for (int k = 0; k < 2; ++k)
              s += A(a, i) * A(b, j) * A(c, k) * T[static_cast<std::size_t>(i * 4 + j * 2 + k)];
        CHECK(AT[static_cast<std::size_t>(a * 4 + b * 2 + c)] == doctest::Approx(s).epsilon(1e-14));
      }
  // first slot kept: B[a,b] = Σ_{jk} T[a,j,k] Σ_{pq} A_jp A_kq T[b,p,q]
  const Eigen::MatrixXd B = grassflow::first_slot_contraction(T, A);
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b) {
      double s = 0;
      for (int j = 0; j < 2; ++j)
        for (int k = 0; k < 2; ++k)
          for (int p = 0; p < 2; ++p)
            for (int q = 0; q < 2; ++q)
              s += T[static_cast<std::size_t>(a * 4 + j * 2 + k)] * A(j, p) * A(k, q) *
                   T[static_cast<std::size_t>(b * 4 + p * 2 + q)];
      CHECK(B(a, b) == doctest::Approx(s).epsilon(1e-14));
    }
}
