// `grassflow train`: finite-sample two-timescale training on planted data or a CSV file, with the statistician's
// baselines (docs/theory.md §7).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "commands.h"
#include "dynamics_cli.h"
#include "grassflow/baselines.h"
#include "grassflow/data_files.h"
#include "grassflow/errors.h"
#include "grassflow/experiment.h"
#include "grassflow/link.h"
#include "grassflow/manifold.h"
#include "grassflow/progress.h"
#include "grassflow/sampling.h"
#include "grassflow/train.h"
#include "model_file.h"
#include "mpi_job.h"
#include "provenance.h"

namespace grassflow::cli {

namespace {

// Fresh-sample stream ids of the seed: training samples, held-out samples.
constexpr std::uint32_t kTrainStream = 1, kTestStream = 2;
// With --data, this share of the rows (seeded) is held out for the test loss.
constexpr double kHeldOutFraction = 0.2;

struct TrainCommand {
  CLI::App* cmd = nullptr;
  std::unique_ptr<ExperimentOptions> keys;  // link, r, d, n, noise, seed: the experiment's keys
  std::string data, features = "hermite", schedule = "constant";
  TableReading reading;  // --header, --y-column, --delimiter
  std::string w_star_file, save_model, standardize = "none";
  int degree = 2, threads = 1;
  long steps = -1, every = 1, test_size = 2000;
  long batch = 0;
  double lr = 0.1, ridge = 1e-4, ratio = 10.0;
  bool online = false, lagged = false, float32 = false, baselines = false, json = false;
};

nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json record_json(const TrainRecord& rec) {
  nlohmann::json j;
  j["step"] = rec.step;
  j["t"] = rec.t;
  j["train_loss"] = number_or_null(rec.train_loss);
  j["test_loss"] = number_or_null(rec.test_loss);
  if (rec.cosines.size() > 0)
    j["cosines"] = std::vector<double>(rec.cosines.data(), rec.cosines.data() + rec.cosines.size());
  else
    j["cosines"] = nullptr;
  j["subspace_error"] = number_or_null(rec.subspace_error);
  return j;
}

double sin_theta_max(const Eigen::MatrixXd& basis, const Eigen::MatrixXd& w_star) {
  const Eigen::VectorXd angles = principal_angles(basis, w_star);
  return std::sin(angles(angles.size() - 1));
}

// SIR, SAVE and pHd on the training samples (one pass, all cores): `scores` has each one's subspace error (null
// without W*), or the error that kept it from running; `bases` each fitted basis (d×r, for the model file only).
struct BaselineReport {
  nlohmann::json scores, bases = nlohmann::json::object();
};

BaselineReport fit_baselines(const Dataset& data, int r, const std::optional<Eigen::MatrixXd>& w_star) {
  const BaselineFits fits = [&] {
    ProgressStage stage("baselines SIR/SAVE/pHd (one pass)", 0);
    return grassflow::fit_baselines(data, r);
  }();
  BaselineReport out;
  const auto score = [&](const char* name, auto&& fit) {
    nlohmann::json entry;
    try {
      const SubspaceEstimate estimate = fit();
      entry["subspace_error"] =
          w_star ? nlohmann::json(sin_theta_max(estimate.basis, *w_star)) : nlohmann::json(nullptr);
      out.bases[name] = {{"basis", matrix_json(estimate.basis)}};
    } catch (const std::exception& e) {
      entry["subspace_error"] = nullptr;
      entry["error"] = e.what();
    }
    out.scores[name] = entry;
  };
  score("sir", [&] { return fits.sir.value(); });
  score("save", [&] { return fits.save.value(); });
  score("phd", [&] { return fits.phd.value(); });
  return out;
}

// The true index space from --w-star: d rows, r columns orthonormal to 1e-4 (what a float32 file or six printed
// digits keep), made exactly orthonormal (the same span) for the angles.
Eigen::MatrixXd read_w_star(const std::string& path, std::size_t d, int r) {
  const Eigen::MatrixXd W = load_matrix(path, "w-star");
  if (W.rows() != static_cast<Eigen::Index>(d) || W.cols() != r)
    throw InputError("w-star", "'" + path + "' is " + std::to_string(W.rows()) + " x " + std::to_string(W.cols()) +
                                   "; W* must be d x r = " + std::to_string(d) + " x " + std::to_string(r) +
                                   " (one row per input, one column per index direction)");
  const double defect = (W.transpose() * W - Eigen::MatrixXd::Identity(r, r)).norm();
  if (!(defect <= 1e-4))
    throw InputError("w-star", "the columns of '" + path + "' are not orthonormal (|W*'W* - I| = " +
                                   std::to_string(defect) + "); orthonormalise them first, e.g. numpy.linalg.qr(W)[0]");
  return orthonormal_factor(W);
}

// The warning when Hermite features of total degree K cannot represent the known link: K below one of its leaps
// (training cannot escape that saddle), or energy above K (the fit misses it). "" when they can.
std::string representation_warning(const std::string& link, int r, const std::string& features, int degree) {
  if (features.rfind("hermite", 0) != 0) return "";
  const LinkAnalysis analysis = expand_link(link, r, std::nullopt);
  const int leap = analysis.leaps.leap_exponent;
  const std::vector<double> energy = analysis.expansion.degree_energy();
  double above = analysis.expansion.truncation_residual;
  for (std::size_t k = static_cast<std::size_t>(degree) + 1; k < energy.size(); ++k) above += energy[k];
  const double norm2 = analysis.expansion.norm2;
  if (leap > degree)
    return "--degree " + std::to_string(degree) + " is below the link's leap " + std::to_string(leap) +
           " (docs/theory.md §6): features of degree <= " + std::to_string(degree) +
           " cannot represent the part of the link that leads out of that saddle, so training will not escape it; "
           "use --degree " +
           std::to_string(leap) + " or more";
  if (norm2 > 0 && above > 1e-3 * norm2) {
    char text[96];
    std::snprintf(text, sizeof text, "%.3g%%", 100.0 * above / norm2);
    return "--degree " + std::to_string(degree) + ": " + text + " of the link's energy lies above degree " +
           std::to_string(degree) +
           ", which the fitted link cannot represent (the loss stays above it); raise --degree";
  }
  return "";
}

// Samples [first, first + n) of `model`'s stream; a draw beyond the memory cap names the keys that size it.
Dataset draw(const PlantedModel& model, std::uint64_t seed, std::uint32_t stream, std::size_t n, Precision precision,
             const char* keys, std::size_t first = 0) {
  try {
    SampleStream samples(model, seed, stream);
    samples.skip(first);
    return samples.draw(n, precision);
  } catch (const LimitError& e) {
    throw LimitError(keys, e.what());
  }
}

// This rank's share of n rows: rank k of mpirun's K holds [n·k/K, n·(k+1)/K) (docs/cli.md, "Open MPI"); outside
// MPI, all of them.
RowShare rank_rows(std::size_t n) {
  RowShare rows{static_cast<std::size_t>(mpi_rank()), static_cast<std::size_t>(mpi_size())};
  if (n < rows.parts)
    throw InputError("n", "n = " + std::to_string(n) + " samples cannot be shared out over " +
                              std::to_string(rows.parts) +
                              " ranks of mpirun; give --n >= " + std::to_string(rows.parts) + " or fewer ranks (-np)");
  rows.select(n, "n");
  return rows;
}

void run(const TrainCommand& c) {
  const Experiment ex = c.keys->experiment();
  const bool has_link = c.keys->given("link");
  // 0 is "not given" for d and n (the table reads them as whole numbers; train needs them as counts).
  const long d = c.keys->given("d") ? static_cast<long>(ex.d) : 0, n_given = static_cast<long>(ex.n);
  TrainOptions options;
  options.degree = c.degree;
  options.ridge = c.ridge;
  options.lr = c.lr;
  options.schedule = c.schedule;
  options.ratio = c.ratio;
  options.seed = ex.seed;
  options.threads = c.threads;
  options.features = c.features;
  if (c.batch < 0) throw InputError("batch", "B = " + std::to_string(c.batch) + "; need B >= 0 (0 = all samples)");
  options.batch = static_cast<std::size_t>(c.batch);
  options.variant = c.online ? TrainVariant::online : c.lagged ? TrainVariant::lagged : TrainVariant::exact;
  if (c.online && c.lagged) throw InputError("lagged", "the online variant has no stored data to stream once");
  if (c.every < 1) throw InputError("every", "need at least 1");
  // leading_axes and the d×r frames index by int; far below that the samples' memory cap applies.
  if (d > std::numeric_limits<int>::max())
    throw LimitError("d", "d = " + std::to_string(d) + " is beyond training's largest dimension " +
                              std::to_string(std::numeric_limits<int>::max()) +
                              " (one float64 sample alone would take " + std::to_string(d / 125000000) +
                              " GB); lower d");
  const Precision precision = c.float32 ? Precision::float32 : Precision::float64;

  std::vector<std::string> warnings;
  const auto ignored = [&](bool given, const std::string& flag, const std::string& why) {
    if (given) warnings.push_back(flag + " is ignored " + why);
  };
  ignored(!c.online && c.cmd->count("--ratio") > 0, "--ratio",
          "without --online (the exact and lagged variants refit the link at every step)");
  ignored(c.features.rfind("hermite", 0) != 0 && c.cmd->count("--degree") > 0, "--degree",
          "with --features " + c.features + " (only Hermite features have a degree)");
  if (c.cmd->count("--save-model") > 0 && c.save_model.empty())
    throw InputError("save-model", "empty file name; give the path of the JSON file to write");
  if (!c.save_model.empty()) check_model_path(c.save_model);
  if (!c.save_model.empty() && !c.data.empty()) {
    std::error_code error;
    for (const std::string& input : {c.data, c.w_star_file})
      if (!input.empty() && std::filesystem::equivalent(c.save_model, input, error))
        throw InputError("save-model", "'" + c.save_model + "' is an input of this run; write the model elsewhere");
  }
  if (mpi_active()) {
    if (c.online)
      throw InputError("online",
                       "under mpirun, train shares out stored samples by rows; online SGD draws fresh ones "
                       "at every step: run it without mpirun");
    if (c.baselines)
      throw InputError("baselines", "SIR, SAVE and pHd need every row in one process; run them without mpirun");
  }
  std::optional<Trainer> trainer;
  std::optional<Eigen::MatrixXd> w_star;
  std::optional<Dataset> baseline_data;
  Standardization standardization;
  std::string source;
  if (!c.data.empty()) {
    if (c.online) throw InputError("online", "it draws fresh samples of --link; it cannot train on --data");
    ignored(has_link, "--link", "with --data (the responses come from the file)");
    ignored(c.keys->given("n"), "--n", "with --data (every row of the file is used; 20% held out)");
    ignored(c.keys->given("noise"), "--noise", "with --data (the responses come from the file)");
    ignored(c.cmd->count("--test-size") > 0, "--test-size", "with --data (20% of the rows are held out)");
    if (ex.r < 1) throw InputError("r", "give the rank r >= 1 of the index space to learn from --data");
    // Under mpirun each rank reads its share of the rows (RowShare) and holds its training and held-out rows.
    RowShare rows{static_cast<std::size_t>(mpi_rank()), static_cast<std::size_t>(mpi_size())};
    Dataset data = load_samples(c.data, static_cast<std::size_t>(d), precision, c.reading.format(true), "data",
                                kSampleMemoryCap, &rows);
    if (!c.w_star_file.empty()) w_star = read_w_star(c.w_star_file, data.dim(), ex.r);
    options.r = ex.r;
    options.steps = c.steps < 0 ? 1000 : c.steps;
    SplitShare split = split_share(data, rows.first, rows.total, kHeldOutFraction, ex.seed);
    data = Dataset{};
    Dataset& train = split.train;
    Dataset& test = split.test;
    const auto sum = mpi_active() ? std::function<void(double*, std::size_t)>(sum_over_ranks) : nullptr;
    if (mpi_active()) options.share = DataShare{split.train_first, split.train_total, sum};
    standardization = Standardization::fit(train, c.standardize, sum);
    if (c.standardize == "none") try {
        if (const std::string w = Standardization::fit(train, "scale", sum).distance_from_standard(); !w.empty())
          warnings.push_back(w);
      } catch (const InputError&) {
        // A constant column cannot be scaled; the fit reports what it does to the training.
      }
    standardization.apply(train);
    standardization.apply(test);
    if (c.baselines) baseline_data.emplace(Dataset{train.x, train.y});
    trainer.emplace(std::move(train), std::move(test), w_star, options);
    source = c.data;
  } else {
    for (const char* flag : {"--header", "--y-column", "--delimiter", "--w-star"})
      ignored(c.cmd->count(flag) > 0, flag, "without --data (it reads the data file)");
    ignored(c.standardize != "none", "--standardize", "without --data (planted inputs are already N(0, I_d))");
    if (!has_link) throw InputError("link", "give the target link (an expression or preset:NAME), or --data FILE");
    if (d == 0) throw InputError("--d is required: give the input dimension d >= 1 (or train on --data FILE.csv)");
    if (!c.keys->given("n")) throw InputError("--n is required: give the number of training samples n >= 1");
    if (n_given < 1) throw InputError("n", "n = " + std::to_string(n_given) + "; give the number of samples n >= 1");
    if (c.test_size < 0) throw InputError("test-size", "need >= 0");
    const ResolvedLink resolved = resolve_link(ex.link, ex.r);
    warnings.insert(warnings.end(), resolved.warnings.begin(), resolved.warnings.end());
    const int r = resolved.link.r();
    if (const std::string w = representation_warning(ex.link, r, c.features, c.degree); !w.empty())
      warnings.push_back(w);
    if (r > d)
      throw InputError("r", "r = " + std::to_string(r) + " exceeds d = " + std::to_string(d) + "; choose r <= d");
    const Link link = resolved.link;
    PlantedModel model{leading_axes(static_cast<int>(d), r), [link](const double* z) { return link(z); }, ex.noise};
    options.r = r;
    w_star = model.w_star;
    // Under mpirun rank 0 holds the held-out samples (the test loss is summed over the ranks).
    const auto test_size = static_cast<std::size_t>(mpi_rank() == 0 ? c.test_size : 0);
    Dataset test = draw(model, ex.seed, kTestStream, test_size, precision, "test-size/d");
    const auto n = static_cast<std::size_t>(n_given);
    if (c.online) {
      const std::size_t batch = options.batch == 0 ? 256 : options.batch;
      if (n < batch)
        throw InputError("n", "the online sample budget n = " + std::to_string(n) +
                                  " is below one batch of B = " + std::to_string(batch) +
                                  " fresh samples; give --n >= " + std::to_string(batch) + " or a smaller --batch");
      options.steps = c.steps < 0 ? static_cast<long>(std::max<std::size_t>(1, n / batch)) : c.steps;
      // The baselines see the very samples SGD consumes first (the same stream).
      if (c.baselines) baseline_data.emplace(draw(model, ex.seed, kTrainStream, n, precision, "n/d"));
      trainer.emplace(SampleStream(model, ex.seed, kTrainStream), std::move(test), options);
    } else {
      options.steps = c.steps < 0 ? 1000 : c.steps;
      const RowShare rows = rank_rows(n);
      if (mpi_active()) options.share = DataShare{rows.first, n, sum_over_ranks};
      Dataset train = draw(model, ex.seed, kTrainStream, rows.count, precision, "n/d", rows.first);
      if (c.baselines) baseline_data.emplace(Dataset{train.x, train.y});
      trainer.emplace(std::move(train), std::move(test), w_star, options);
    }
    source = link.spec();
  }
  {
    ProgressStage stage("training steps", static_cast<double>(trainer->options().steps));
    for (long k = 0; k < trainer->options().steps; ++k) {
      trainer->step();
      stage.advance();
    }
  }
  warnings.insert(warnings.end(), trainer->warnings().begin(), trainer->warnings().end());

  const std::vector<TrainRecord>& records = trainer->records();
  const TrainRecord& last = records.back();
  nlohmann::json summary;
  summary["steps"] = last.step;
  summary["t"] = last.t;
  summary["subspace_error"] = number_or_null(last.subspace_error);
  summary["test_loss"] = number_or_null(last.test_loss);
  summary["train_loss"] = number_or_null(last.train_loss);
  nlohmann::json escapes = nlohmann::json::array();
  for (const auto& e : trainer->escape_times()) escapes.push_back(e ? nlohmann::json(*e) : nlohmann::json(nullptr));
  summary["escape_times"] = escapes;
  BaselineReport baselines;
  if (baseline_data) {
    baselines = fit_baselines(*baseline_data, trainer->options().r, w_star);
    summary["baselines"] = baselines.scores;
    for (const auto& [name, entry] : baselines.scores.items())
      if (entry.contains("error")) warnings.push_back("--baselines: " + entry["error"].get<std::string>());
  }

  for (const std::string& w : warnings) warn(w);
  if (mpi_rank() != 0) return;  // under mpirun, rank 0 writes and prints
  const Dataset* stored = trainer->training_data();
  const DataShare& share = trainer->options().share;
  nlohmann::json resolved = c.keys->resolved();
  resolved["r"] = trainer->options().r;
  resolved["d"] = trainer->frame().rows();
  if (stored) resolved["n"] = share.shared() ? share.total_rows : stored->size();
  resolved["steps"] = trainer->options().steps;
  resolved["standardize"] = standardization.method;
  if (c.online) resolved["batch"] = trainer->options().batch == 0 ? 256 : trainer->options().batch;
  for (const char* unused : c.data.empty() ? std::vector<const char*>{"header", "y-column", "delimiter", "standardize"}
                                           : std::vector<const char*>{"link", "noise", "test-size"})
    resolved.erase(unused);
  if (!c.save_model.empty()) {
    nlohmann::json model = provenance(*c.cmd, resolved);
    model["format"] = kModelFormat;
    model["format_version"] = kModelFormatVersion;
    model["source"] = source;
    model["d"] = trainer->frame().rows();
    model["r"] = trainer->options().r;
    model["W"] = matrix_json(trainer->frame());
    model["link"] = {{"features", c.features},
                     {"degree", c.degree},
                     {"seed", ex.seed},
                     {"feature_count", trainer->feature_count()},
                     {"coefficients", vector_json(trainer->coefficients())},
                     {"ridge", trainer->ridge()}};
    model["standardization"] = standardization.to_json();
    model["baselines"] = baselines.bases;
    model["summary"] = summary;
    model["warnings"] = warnings;
    write_model(c.save_model, model);
  }
  if (c.json) {
    nlohmann::json out;
    out["source"] = source;
    out["variant"] = c.online ? "online" : c.lagged ? "lagged" : "exact";
    out["r"] = trainer->options().r;
    out["features"] = trainer->feature_count();
    nlohmann::json list = nlohmann::json::array();
    for (const TrainRecord& rec : records)
      if (rec.step % c.every == 0 || &rec == &last) list.push_back(record_json(rec));
    out["records"] = list;
    out["summary"] = summary;
    out["warnings"] = warnings;
    print_json(*c.cmd, out, resolved);
    return;
  }
  std::printf("training on %s (%s, r = %d, %d link features)\n", source.c_str(),
              c.online   ? "online SGD"
              : c.lagged ? "lagged one-pass steps"
                         : "exact two-pass steps",
              trainer->options().r, trainer->feature_count());
  std::printf("%8s %10s %12s %12s %14s\n", "step", "t", "train_loss", "test_loss", "sin theta_max");
  const long stride = std::max<long>(c.every, std::max<long>(1, last.step / 20));
  // Quantities that do not exist for a run (no held-out data, no known W*) print as "-", never "nan".
  auto cell = [](double v, int width) {
    char text[32];
    std::snprintf(text, sizeof text, "%*.6g", width, v);
    return std::isnan(v) ? std::string(static_cast<std::size_t>(width - 1), ' ') + "-" : std::string(text);
  };
  for (const TrainRecord& rec : records)
    if (rec.step % stride == 0 || &rec == &last)
      std::printf("%8ld %10.4g %s %s %s\n", rec.step, rec.t, cell(rec.train_loss, 12).c_str(),
                  cell(rec.test_loss, 12).c_str(), cell(rec.subspace_error, 14).c_str());
  std::printf("escape times:");
  for (const auto& e : trainer->escape_times()) e ? std::printf(" %.6g", *e) : std::printf(" -");
  std::printf("\n");
  if (baseline_data)
    for (const char* name : {"sir", "save", "phd"}) {
      const nlohmann::json& b = summary["baselines"][name];
      if (b.contains("error"))
        std::printf("%-5s could not run: %s\n", name, b["error"].get<std::string>().c_str());
      else if (b["subspace_error"].is_null())
        std::printf("%-5s fitted (W* unknown: --w-star gives its subspace error, --save-model keeps its basis)\n",
                    name);
      else
        std::printf("%-5s sin theta_max = %.6g\n", name, b["subspace_error"].get<double>());
    }
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto c = std::make_shared<TrainCommand>();
  CLI::App* cmd = c->cmd = app.add_subcommand(
      "train",
      "Two-timescale training on samples y = f*(W*'x) + noise or a CSV file, with SIR/SAVE/pHd baselines "
      "(docs/theory.md §7)");
  c->keys = std::make_unique<ExperimentOptions>(cmd, std::vector<std::string>{});
  // The shared keys, with what they mean for training.
  c->keys->option("link")->description("the target link f*: an expression in z1..zr or preset:NAME (see `hermite`)");
  c->keys->option("r")->description("rank r of the index space (default: the link's own; required with --data)");
  c->keys->option("d")->description(
      "input dimension d (required without --data; with it, checked against the file's columns)");
  c->keys->option("n")->description(
      "number of training samples, required without --data (online: the sample budget, steps = n / batch)");
  c->keys->option("noise")->description("label noise sigma (default 0)");
  c->keys->option("seed")->description("seed of the data, the held-out split, W(0) and random features (default 0)");
  cmd->add_flag("--online", c->online,
                "online SGD on fresh samples each step; the link learned at --ratio times the rate");
  cmd->add_option("--steps", c->steps, "number of steps T (default 1000; online: n / batch)")
      ->default_str("1000")
      ->transform(whole_number())
      ->check(non_negative("T"));
  cmd->add_option("--lr", c->lr, "step size eta of the subspace (default 0.1); gradient-flow time t = eta x steps");
  cmd->add_option("--ridge", c->ridge, "ridge lambda of the link fit (default 1e-4)");
  cmd->add_option("--degree", c->degree, "largest total degree K of the Hermite features (default 2)");
  cmd->add_option("--batch", c->batch, "samples per step (default: all; online 256)")->transform(whole_number());
  cmd->add_option("--ratio", c->ratio, "online: the link's learning rate over the subspace's, rho (default 10)");
  cmd->add_option("--data", c->data,
                  "train on a data file (20% of the rows held out for test_loss): CSV with x_1..x_d and y per row, "
                  "DATA.npy (one n x (d+1) matrix) or X.npy,Y.npy (docs/cli.md, \"Data files\")");
  c->reading.add_options(cmd);
  cmd->add_option("--w-star", c->w_star_file,
                  "with --data, the true index space W* when known: a CSV without header or a .npy, d rows and r "
                  "orthonormal columns (then every subspace error is reported)");
  cmd->add_option("--standardize", c->standardize,
                  "with --data: none (default: inputs as given) or scale (each input centred and scaled to unit "
                  "variance on the training rows; recorded in the model)");
  cmd->add_option("--save-model", c->save_model,
                  "write the learned model to FILE.json: W, the fitted link, the baselines' bases, all parameters "
                  "(read by `grassflow predict`)");
  cmd->add_flag("--baselines", c->baselines, "also fit SIR, SAVE and pHd on the training samples");
  cmd->add_flag("--json", c->json, "print JSON: records (one per step) and summary");
  cmd->add_option("--schedule", c->schedule, "step sizes: constant (default), inverse:tau, cosine");
  cmd->add_option("--features", c->features,
                  "link features: hermite (default), hermite-kernel:q, relu:M, mehler:M or mehler:M:q (Mehler random "
                  "features, 0 < q < 1, default q = 0.5)");
  cmd->add_flag("--lagged", c->lagged, "one pass over the data per step, using the previous step's link");
  cmd->add_flag("--float32", c->float32, "store the samples in float32 (half the memory traffic)");
  cmd->add_option("--threads", c->threads, "native threads for the data passes (default 1)");
  cmd->add_option("--test-size", c->test_size, "held-out samples for test_loss (default 2000; synthetic data)")
      ->transform(whole_number());
  cmd->add_option("--every", c->every, "keep every k-th record in the output (default 1: every step)")
      ->transform(whole_number());
  cmd->callback([c] { run(*c); });
}

}  // namespace grassflow::cli
