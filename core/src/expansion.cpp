#include "grassflow/expansion.h"

#include <stdexcept>
#include <string>

namespace grassflow {

std::vector<double> HermiteExpansion::degree_energy() const {
  std::vector<double> energy;
  double k_factorial = 1.0;
  for (std::size_t k = 0; k < tensors.size(); ++k) {
    if (k > 0) k_factorial *= static_cast<double>(k);
    energy.push_back(k_factorial * inner(tensors[k], tensors[k]));
  }
  return energy;
}

double HermiteExpansion::truncated_variance() const {
  const std::vector<double> energy = degree_energy();
  double v = 0.0;
  for (std::size_t k = 1; k < energy.size(); ++k) v += energy[k];
  return v;
}

HermiteExpansion HermiteExpansion::from_coefficients(int r, int K,
                                                     const std::vector<HermiteCoefficient>& coefficients) {
  if (r < 1 || K < 0) throw std::invalid_argument("HermiteExpansion: need r >= 1 and K >= 0");
  HermiteExpansion e;
  e.r = r;
  e.degree = K;
  for (int k = 0; k <= K; ++k) e.tensors.emplace_back(r, k);
  for (const HermiteCoefficient& c : coefficients) {
    if (static_cast<int>(c.beta.size()) != r)
      throw std::invalid_argument("HermiteExpansion: a multi-index has " + std::to_string(c.beta.size()) +
                                  " entries, expected r = " + std::to_string(r));
    int k = 0;
    for (int b : c.beta) {
      if (b < 0) throw std::invalid_argument("HermiteExpansion: negative multi-index entry");
      k += b;
    }
    if (k > K)
      throw std::invalid_argument("HermiteExpansion: |beta| = " + std::to_string(k) +
                                  " exceeds K = " + std::to_string(K));
    SymTensor& T = e.tensors[static_cast<std::size_t>(k)];
    const double entry = c.value * tensor_entry_factor(c.beta);
    for (std::size_t i = 0; i < T.size(); ++i)
      if (T.multiplicities(i) == c.beta) T[i] += entry;
  }
  for (double energy : e.degree_energy()) e.norm2 += energy;
  return e;
}

}  // namespace grassflow
