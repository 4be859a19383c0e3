// Finite-sample training (docs/theory.md §7): the empirical gradient against the population joint gradient, the
// exact step against a numpy implementation (natively and in WebAssembly), the lagged and online variants,
// schedules, escape times, splits and the errors users can hit. The heavier learning checks (parity2 at
// d = 50, online staircase2 at d = 100) run through the CLI in tests/cli/test_train.py.
#include <doctest/doctest.h>

#include <cmath>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dynamics_links.h"
#include "grassflow/errors.h"
#include "grassflow/manifold.h"
#include "grassflow/objective.h"
#include "grassflow/train.h"

using grassflow::Dataset;
using grassflow::PlantedModel;
using grassflow::Precision;
using grassflow::SampleStream;
using grassflow::Trainer;
using grassflow::TrainOptions;
using grassflow::TrainVariant;

namespace {

double parity2(const double* z) {
  return z[0] * z[1];
}
double staircase2(const double* z) {
  return z[0] + z[0] * z[1];
}

PlantedModel model(double (*link)(const double*), int d, int r, double noise) {
  return PlantedModel{grassflow::leading_axes(d, r), link, noise};
}

Dataset draw(const PlantedModel& m, std::size_t n, std::uint64_t seed, std::uint32_t stream,
             Precision precision = Precision::float64) {
  SampleStream s(m, seed, stream);
  return s.draw(n, precision);
}

TrainOptions options(int r, double lr = 0.1) {
  TrainOptions o;
  o.r = r;
  o.lr = lr;
  return o;
}

}  // namespace

TEST_CASE("the empirical Riemannian gradient converges to the population joint gradient like n^-1/2") {
  // z1z2 with K = 2 and λ → 0: the fitted link tends to A_M f* and, by the envelope theorem, the empirical
  // gradient (I − WWᵀ)(1/n)Σ r_i x_i ∇f̂(z_i)ᵀ to the population one (I − WWᵀ)W*(∂L_J/∂M)ᵀ (docs/theory.md §5).
  const int d = 10, r = 2;
  const PlantedModel m = model(parity2, d, r, 0.0);
  grassflow::Rng rng(17);
  Eigen::MatrixXd noise(d, r);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < r; ++j) noise(i, j) = rng.normal();
  const Eigen::MatrixXd W0 = grassflow::orthonormal_factor(m.w_star + 0.7 * noise);
  const grassflow::JointObjective joint(testlinks::parity2());
  const Eigen::MatrixXd M = W0.transpose() * m.w_star;
  const Eigen::MatrixXd population =
      grassflow::project_tangent(grassflow::Geometry::grassmann, W0, m.w_star * joint.gradient(M).transpose());
  REQUIRE(population.norm() > 0.1);
  double errors[3];
  const std::size_t sizes[3] = {1000, 10000, 100000};
  for (int k = 0; k < 3; ++k) {
    double mean = 0.0;
    const int seeds = 4;
    for (int seed = 0; seed < seeds; ++seed) {
      TrainOptions o = options(r);
      o.ridge = 1e-9;
      o.start = W0;
      const Trainer trainer(draw(m, sizes[k], static_cast<std::uint64_t>(seed), 1), Dataset{}, m.w_star, o);
      mean += (trainer.riemannian_gradient() - population).norm() / population.norm() / seeds;
    }
    errors[k] = mean;
  }
  MESSAGE("relative gradient errors at n = 1e3, 1e4, 1e5: ", errors[0], " ", errors[1], " ", errors[2]);
  // Each tenfold n divides the error by ~√10 = 3.16.
  CHECK(errors[1] / errors[0] > 0.15);
  CHECK(errors[1] / errors[0] < 0.6);
  CHECK(errors[2] / errors[1] > 0.15);
  CHECK(errors[2] / errors[1] < 0.6);
  CHECK(errors[2] < 0.05);
}

TEST_CASE("100 exact steps reproduce the numpy reference to 1e-10, natively and in WebAssembly") {
  std::ifstream in(std::string(GRASSFLOW_TEST_DATA) + "/train_reference.txt");
  REQUIRE(in.good());
  std::string line, key;
  double loss0 = 0, loss100 = 0;
  std::vector<double> w;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    words >> key;
    double v;
    if (key == "loss0") words >> loss0;
    if (key == "loss100") words >> loss100;
    if (key == "W")
      while (words >> v) w.push_back(v);
  }
  REQUIRE(w.size() == 16);
  const PlantedModel m = model(staircase2, 8, 2, 0.1);
  TrainOptions o = options(2, 0.2);
  o.ridge = 1e-3;
  o.seed = 5;
  Trainer trainer(draw(m, 400, 5, 1), Dataset{}, m.w_star, o);
  CHECK(trainer.records()[0].train_loss == doctest::Approx(loss0).epsilon(1e-12));
  trainer.run(100);
  CHECK(trainer.records().back().train_loss == doctest::Approx(loss100).epsilon(1e-9));
  double worst = 0;
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 2; ++j)
      worst = std::max(worst, std::fabs(trainer.frame()(i, j) - w[static_cast<std::size_t>(i * 2 + j)]));
  CHECK(worst < 1e-10);
  CHECK((trainer.frame().transpose() * trainer.frame() - Eigen::MatrixXd::Identity(2, 2)).norm() < 1e-13);
  CHECK(trainer.records().back().subspace_error < 0.05);
}

TEST_CASE("the lagged one-pass step equals the exact step at step 1, then learns as well") {
  const PlantedModel m = model(staircase2, 12, 2, 0.1);
  const Dataset data = draw(m, 3000, 2, 1);
  TrainOptions o = options(2, 0.2);
  o.seed = 3;
  Trainer exact(Dataset{data.x, data.y}, draw(m, 1000, 2, 2), m.w_star, o);
  o.variant = TrainVariant::lagged;
  Trainer lagged(Dataset{data.x, data.y}, draw(m, 1000, 2, 2), m.w_star, o);
  exact.step();
  lagged.step();
  // Step 1 uses the link fitted at W(0) in both; its loss comes from the fused pass's sufficient statistics.
  CHECK((exact.frame() - lagged.frame()).norm() < 1e-13);
  CHECK(lagged.records()[1].train_loss == doctest::Approx(exact.records()[1].train_loss).epsilon(1e-9));
  CHECK(lagged.records()[1].test_loss == doctest::Approx(exact.records()[1].test_loss).epsilon(1e-12));
  exact.run(150);
  lagged.run(150);
  CHECK(exact.records().back().subspace_error < 0.1);
  CHECK(lagged.records().back().subspace_error < 0.1);
  CHECK(lagged.records().back().test_loss < 0.02);  // ½σ² = 0.005 plus estimation error
}

TEST_CASE("float32 storage and threads give the same training up to float rounding") {
  const PlantedModel m = model(staircase2, 12, 2, 0.1);
  TrainOptions o = options(2, 0.2);
  o.seed = 4;
  Trainer reference(draw(m, 2000, 6, 1), Dataset{}, m.w_star, o);
  o.threads = 2;
  Trainer threaded(draw(m, 2000, 6, 1, Precision::float32), Dataset{}, m.w_star, o);
  reference.run(20);
  threaded.run(20);
  CHECK((reference.frame() - threaded.frame()).norm() < 1e-4);
}

namespace {

// Threads stand in for processes; the WebAssembly build has none (no pthreads).
#ifndef __EMSCRIPTEN__
// K threads summing arrays in lockstep, as MPI's reduce and broadcast do for K processes: every caller blocks
// until all K have contributed, then receives the same total.
class LockstepSum {
 public:
  explicit LockstepSum(int parties) : parties_(parties) {}
  void operator()(double* values, std::size_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    const long round = round_;
    if (arrived_ == 0) total_.assign(count, 0.0);
    for (std::size_t i = 0; i < count; ++i) total_[i] += values[i];
    if (++arrived_ == parties_) {
      result_ = total_;
      arrived_ = 0;
      ++round_;
      done_.notify_all();
    } else {
      done_.wait(lock, [&] { return round_ != round; });
    }
    std::copy(result_.begin(), result_.end(), values);
  }

 private:
  int parties_, arrived_ = 0;
  long round_ = 0;
  std::vector<double> total_, result_;
  std::mutex mutex_;
  std::condition_variable done_;
};
#endif

// Rows [first, last) of a dataset.
Dataset rows(const Dataset& data, std::size_t first, std::size_t last) {
  Dataset part{grassflow::SampleMatrix(last - first, data.dim(), data.x.precision()), {}};
  std::vector<double> row(data.dim());
  for (std::size_t i = first; i < last; ++i) {
    data.x.copy_row(i, row.data());
    part.x.set_row(i - first, row.data());
    part.y.push_back(data.y[i]);
  }
  return part;
}

}  // namespace

#ifndef __EMSCRIPTEN__
TEST_CASE("data-parallel shares in lockstep take the steps of one process holding every row") {
  const PlantedModel m = model(staircase2, 12, 2, 0.1);
  const Dataset data = draw(m, 2000, 5, 1), test = draw(m, 300, 5, 2);
  for (const TrainVariant variant : {TrainVariant::exact, TrainVariant::lagged}) {
    for (const std::size_t batch : {std::size_t{0}, std::size_t{500}}) {
      TrainOptions o = options(2, 0.2);
      o.seed = 8;
      o.variant = variant;
      o.batch = batch;  // 500: windows of 500 rows, some lying wholly in one share (the others' empty)
      Trainer whole(Dataset{data.x, data.y}, Dataset{test.x, test.y}, m.w_star, o);
      whole.run(40);
      // Three uneven shares of the training rows; the held-out rows split two ways, one share holding none.
      const std::vector<std::size_t> cut = {0, 700, 1300, 2000}, test_cut = {0, 0, 120, 300};
      LockstepSum sum(3);
      std::vector<Eigen::MatrixXd> frames(3);
      std::vector<double> losses(3), test_losses(3);
      std::vector<std::thread> shares;
      for (int k = 0; k < 3; ++k)
        shares.emplace_back([&, k] {
          TrainOptions share = o;
          share.share = {cut[k], 2000, [&](double* v, std::size_t n) { sum(v, n); }};
          Trainer part(rows(data, cut[k], cut[k + 1]), rows(test, test_cut[k], test_cut[k + 1]), m.w_star, share);
          part.run(40);
          frames[k] = part.frame();
          losses[k] = part.records().back().train_loss;
          test_losses[k] = part.records().back().test_loss;
        });
      for (std::thread& t : shares) t.join();
      for (int k = 0; k < 3; ++k) {
        CHECK((frames[k] - whole.frame()).norm() < 1e-10);
        CHECK(losses[k] == doctest::Approx(whole.records().back().train_loss).epsilon(1e-10));
        CHECK(test_losses[k] == doctest::Approx(whole.records().back().test_loss).epsilon(1e-10));
      }
      CHECK(whole.records().back().subspace_error < 0.3);  // it learned something: the comparison is not vacuous
    }
  }
  TrainOptions bad = options(2, 0.2);
  bad.share = {1500, 2000, [](double*, std::size_t) {}};
  CHECK_THROWS_WITH_AS(Trainer(rows(data, 0, 1000), Dataset{}, m.w_star, bad),
                       doctest::Contains("lie outside its 2000 samples"), grassflow::InputError);
}
#endif

TEST_CASE("online SGD learns staircase2 from fresh samples, with the link learned at ρ times the rate") {
  const PlantedModel m = model(staircase2, 16, 2, 0.1);
  TrainOptions o = options(2, 0.1);
  o.variant = TrainVariant::online;
  o.batch = 128;
  o.ratio = 10;
  o.seed = 8;
  Trainer trainer(SampleStream(m, 8, 1), draw(m, 2000, 8, 2), o);
  CHECK(trainer.training_data() == nullptr);
  CHECK(std::isnan(trainer.records()[0].train_loss));
  trainer.run(400);
  CHECK(trainer.records().back().subspace_error < 0.2);
  CHECK(trainer.records().back().test_loss < 0.05);
  CHECK(trainer.records().back().t == doctest::Approx(40.0));
  const auto escapes = trainer.escape_times();
  REQUIRE(escapes[0].has_value());
  REQUIRE(escapes[1].has_value());
  CHECK(*escapes[0] <= *escapes[1]);
  // A very slow link (ρ small) slows the subspace too: the fast step drives the learning.
  o.ratio = 0.01;
  Trainer slow(SampleStream(m, 8, 1), draw(m, 2000, 8, 2), o);
  slow.run(400);
  CHECK(slow.records().back().subspace_error > trainer.records().back().subspace_error);
}

TEST_CASE("schedules set the gradient-flow time, escape times interpolate between records") {
  const PlantedModel m = model(staircase2, 8, 2, 0.0);
  const Dataset data = draw(m, 1000, 1, 1);
  TrainOptions o = options(2, 0.5);
  o.schedule = "inverse:10";
  Trainer inverse(Dataset{data.x, data.y}, Dataset{}, m.w_star, o);
  inverse.run(3);
  CHECK(inverse.records()[3].t == doctest::Approx(0.5 + 0.5 / 1.1 + 0.5 / 1.2));
  o.schedule = "cosine";
  o.steps = 4;
  Trainer cosine(Dataset{data.x, data.y}, Dataset{}, m.w_star, o);
  cosine.run(4);
  CHECK(cosine.records()[4].t ==
        doctest::Approx(0.5 * (1 + (1 + std::cos(M_PI / 4)) / 2 + 0.5 + (1 + std::cos(3 * M_PI / 4)) / 2)));
  o.schedule = "constant";
  Trainer constant(Dataset{data.x, data.y}, Dataset{}, m.w_star, o);
  constant.run(60);
  const auto escapes = constant.escape_times();
  const auto& rec = constant.records();
  for (int k = 0; k < 2; ++k) {
    REQUIRE(escapes[static_cast<std::size_t>(k)].has_value());
    const double te = *escapes[static_cast<std::size_t>(k)];
    // The record just after the escape has cos² ≥ ½, the one before < ½.
    std::size_t i = 0;
    while (rec[i].t < te) ++i;
    CHECK(rec[i].cosines(k) * rec[i].cosines(k) >= 0.5);
    if (i > 0) CHECK(rec[i - 1].cosines(k) * rec[i - 1].cosines(k) < 0.5);
  }
}

TEST_CASE("relu random features and a decaying Hermite kernel also fit the link") {
  const PlantedModel m = model(staircase2, 8, 2, 0.0);
  for (const char* features : {"relu:64", "hermite-kernel:0.5"}) {
    CAPTURE(features);
    TrainOptions o = options(2, 0.2);
    o.features = features;
    Trainer trainer(draw(m, 3000, 1, 1), draw(m, 1000, 1, 2), m.w_star, o);
    const double start = trainer.records()[0].test_loss;
    trainer.run(60);
    CHECK(trainer.records().back().test_loss < 0.5 * start);
  }
}

TEST_CASE("training refuses bad options and warns on underdetermined fits") {
  const PlantedModel m = model(parity2, 6, 2, 0.0);
  const Dataset data = draw(m, 50, 1, 1);
  auto error_of = [&](TrainOptions o) -> std::string {
    try {
      Trainer t(Dataset{data.x, data.y}, Dataset{}, m.w_star, o);
    } catch (const grassflow::InputError& e) {
      return grassflow::user_message(e, grassflow::Surface::cli);
    }
    return "no error";
  };
  TrainOptions o = options(2);
  o.lr = 0;
  CHECK(error_of(o) == "--lr: eta = 0; the step size must be > 0");
  o = options(7);
  CHECK(error_of(o).rfind("--r: r = 7 with d = 6", 0) == 0);
  o = options(2);
  o.schedule = "linear";
  CHECK(error_of(o).rfind("--schedule: 'linear'", 0) == 0);
  o = options(2);
  o.features = "splines";
  CHECK(error_of(o).rfind("--features: unknown 'splines'", 0) == 0);
  o = options(2);
  o.degree = 0;
  CHECK(error_of(o).rfind("--degree: K = 0", 0) == 0);
  o = options(2);
  o.batch = 51;
  CHECK(error_of(o).rfind("--batch: B = 51 exceeds the 50 training samples", 0) == 0);
  o = options(2);
  o.ridge = -1;
  CHECK(error_of(o).rfind("--ridge: lambda = -1", 0) == 0);
  // Identical samples make the normal equations singular: with λ = 0 that is an error naming --ridge.
  Dataset same{grassflow::SampleMatrix(20, 6, Precision::float64), std::vector<double>(20, 1.0)};
  const double row[6] = {0.3, -1, 2, 0, 1, 0.5};
  for (std::size_t i = 0; i < 20; ++i) same.x.set_row(i, row);
  o = options(2);
  o.ridge = 0;
  try {
    Trainer t(std::move(same), Dataset{}, m.w_star, o);
    FAIL("no error");
  } catch (const grassflow::InputError& e) {
    CHECK(grassflow::user_message(e, grassflow::Surface::cli)
              .rfind("--ridge: the link fit's normal equations (6 features, 20 samples) are singular", 0) == 0);
  }
  // n below the 6 features of K = 2, r = 2: warn and regularise.
  const Dataset few = draw(m, 4, 1, 1);
  o = options(2);
  o.ridge = 0;
  Trainer t(Dataset{few.x, few.y}, Dataset{}, m.w_star, o);
  REQUIRE(t.warnings().size() == 1);
  CHECK(t.warnings()[0] ==
        "n = 4 samples per step is below the 6 link features: the fit is underdetermined; ridge raised to 0.001");
  // 15 features (K = 4) on 20 samples: more effective parameters than half the samples. The ridge the warning
  // names brings them to half (no warning with it, a warning with a slightly smaller one).
  const Dataset twenty = draw(m, 20, 1, 1);
  o = options(2);
  o.degree = 4;
  Trainer loose(Dataset{twenty.x, twenty.y}, Dataset{}, m.w_star, o);
  REQUIRE(loose.warnings().size() == 1);
  const std::string& warning = loose.warnings()[0];
  CHECK(warning.rfind("--ridge: the link fit has 15 features for 20 samples per step", 0) == 0);
  const std::size_t at = warning.find("--ridge ", 8);
  REQUIRE(at != std::string::npos);
  const double suggested = std::stod(warning.substr(at + 8));
  o.ridge = suggested * 1.01;
  CHECK(Trainer(Dataset{twenty.x, twenty.y}, Dataset{}, m.w_star, o).warnings().empty());
  o.ridge = suggested * 0.9;
  CHECK(Trainer(Dataset{twenty.x, twenty.y}, Dataset{}, m.w_star, o).warnings().size() == 1);
  // Divergence is reported, not returned as NaN.
  o = options(2, 1e300);
  Trainer wild(Dataset{data.x, data.y}, Dataset{}, m.w_star, o);
  CHECK_THROWS_AS(wild.run(5), grassflow::InputError);
}

TEST_CASE("held-out split: seeded, disjoint, complete, in order") {
  const PlantedModel m = model(parity2, 4, 2, 0.3);
  const Dataset data = draw(m, 101, 3, 1);
  const auto [train, test] = grassflow::split_dataset(data, 0.2, 9);
  CHECK(test.size() == 20);
  CHECK(train.size() == 81);
  std::vector<double> all(train.y);
  all.insert(all.end(), test.y.begin(), test.y.end());
  std::sort(all.begin(), all.end());
  std::vector<double> original(data.y);
  std::sort(original.begin(), original.end());
  CHECK(all == original);
  const auto again = grassflow::split_dataset(data, 0.2, 9);
  CHECK(again.second.y == test.y);
  CHECK(grassflow::split_dataset(data, 0.2, 10).second.y != test.y);
  CHECK_THROWS_AS(grassflow::split_dataset(data, 1.0, 1), grassflow::InputError);
  // Three processes' shares of the rows, each split on its own: together they are the whole table's split, and
  // each knows where its training rows lie among all of them.
  std::vector<double> train_y, test_y;
  std::size_t next_train = 0;
  for (const auto& [first, last] : {std::pair<std::size_t, std::size_t>{0, 30}, {30, 31}, {31, 101}}) {
    const grassflow::SplitShare part = grassflow::split_share(rows(data, first, last), first, 101, 0.2, 9);
    CHECK(part.train_first == next_train);
    CHECK(part.train_total == 81);
    next_train += part.train.size();
    train_y.insert(train_y.end(), part.train.y.begin(), part.train.y.end());
    test_y.insert(test_y.end(), part.test.y.begin(), part.test.y.end());
  }
  CHECK(train_y == train.y);
  CHECK(test_y == test.y);
}
