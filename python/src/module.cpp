// grassflow._core: the C++ core for Python (pybind11). Thin: every function reads the experiment keys through the
// one key table (experiment.h), calls the same core functions in the same order as the CLI's commands (so results
// are the CLI's to the last bit), and returns plain dicts and numpy arrays; grassflow/__init__.py builds the
// result objects. Errors: InputError and LimitError become grassflow.InputError / grassflow.LimitError (both
// ValueError) with the key spelled as a Python keyword (`d=: ...`, errors.h). Long calls release the GIL; a
// progress sink checks for signals (Ctrl-C) about every 20 ms and unwinds with KeyboardInterrupt.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "grassflow/baselines.h"
#include "grassflow/errors.h"
#include "grassflow/experiment.h"
#include "grassflow/flow.h"
#include "grassflow/kernels.h"
#include "grassflow/link_features.h"
#include "grassflow/manifold.h"
#include "grassflow/progress.h"
#include "grassflow/random.h"
#include "grassflow/sampling.h"
#include "grassflow/sweep.h"
#include "grassflow/time_scales.h"
#include "grassflow/train.h"
#include "grassflow/version.h"

namespace py = pybind11;
using namespace pybind11::literals;

namespace grassflow::python {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- experiment keys --------------------------------------------------------------------------------------

// The experiment `keys` (name → text, as the key table reads it) describe, parsed in table order.
Experiment experiment_from(const std::map<std::string, std::string>& keys) {
  Experiment e;
  for (const auto& [name, text] : keys)
    if (!find_experiment_key(name)) set_experiment_key(e, name, text);  // throws, listing the keys
  for (const ExperimentKey& key : experiment_keys())
    if (const auto it = keys.find(key.name); it != keys.end()) key.parse(e, it->second);
  return e;
}

bool takes(const ExperimentKey& key, const std::string& command) {
  std::istringstream commands(key.commands);
  std::string name;
  while (commands >> name)
    if (name == command) return true;
  return false;
}

// The keys `command` takes with their values, defaults filled in, as canonical text (unset keys left out): what
// the CLI's provenance calls `resolved` (the Python layer types the values as the CLI does).
std::map<std::string, std::string> resolved_keys(const Experiment& e, const std::string& command) {
  std::map<std::string, std::string> out;
  for (const ExperimentKey& key : experiment_keys())
    if (takes(key, command))
      if (std::string text = key.format(e); !text.empty()) out[key.name] = text;
  return out;
}

// ---- conversions ------------------------------------------------------------------------------------------

// A number as a message shows it: %.10g.
std::string number_text(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", x);
  return text;
}

py::array_t<double> optional_array(const std::vector<std::optional<double>>& values) {
  py::array_t<double> out(static_cast<py::ssize_t>(values.size()));
  auto v = out.mutable_unchecked<1>();
  for (std::size_t i = 0; i < values.size(); ++i) v(static_cast<py::ssize_t>(i)) = values[i] ? *values[i] : kNaN;
  return out;
}

py::dict leaps_dict(const LeapSequence& leaps) {
  return py::dict("leaps"_a = leaps.leaps, "leap_exponent"_a = leaps.leap_exponent,
                  "stage_dimensions"_a = leaps.stage_dimensions, "learnable_dimension"_a = leaps.learnable_dimension,
                  "plateaus"_a = leaps.plateaus);
}

// ---- Ctrl-C -----------------------------------------------------------------------------------------------

// The progress sink: every core loop that reports progress (flow steps, sweep flows, training steps) passes here;
// about every 20 ms it takes the GIL and lets Python handle pending signals, unwinding with the Python error
// (KeyboardInterrupt) when a handler raised.
void check_signals(const ProgressEvent& event) {
  if (event.finished) return;  // reported from a stage's destructor, which must not throw
  thread_local auto last = std::chrono::steady_clock::now();
  const auto now = std::chrono::steady_clock::now();
  if (now - last < std::chrono::milliseconds(20)) return;
  last = now;
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

// ---- hermite and loss -------------------------------------------------------------------------------------

py::dict hermite(const std::map<std::string, std::string>& keys) {
  const Experiment experiment = experiment_from(keys);
  const LinkAnalysis analysis = expand_link(experiment.link, experiment.r, experiment.degree);
  const HermiteExpansion& e = analysis.expansion;
  py::list coefficients;
  for (const HermiteCoefficient& c : hermite_coefficients(e))
    if (std::fabs(c.value) > 1e-12) coefficients.append(py::make_tuple(py::tuple(py::cast(c.beta)), c.value));
  py::list tensors;  // T_k flat (r^k entries, row-major); the Python layer reshapes them (numpy allows 32 axes)
  for (const SymTensor& T : e.tensors)
    tensors.append(py::array_t<double>(static_cast<py::ssize_t>(T.size()), T.data.data()));
  return py::dict("r"_a = e.r, "degree"_a = e.degree, "norm2"_a = e.norm2,
                  "truncation_residual"_a = e.truncation_residual, "coefficients"_a = coefficients,
                  "degree_energy"_a = e.degree_energy(), "information_exponent"_a = analysis.information_exponent,
                  "leaps"_a = leaps_dict(analysis.leaps), "converged"_a = analysis.report.converged,
                  "quadrature"_a = analysis.report.rule, "warnings"_a = analysis.warnings, "tensors"_a = tensors,
                  "link"_a = analysis.resolved.link.spec(), "resolved"_a = resolved_keys(experiment, "hermite"));
}

// The population loss and its Euclidean gradient ∂L/∂M at M (r×r), as `grassflow loss`.
py::dict loss(const std::map<std::string, std::string>& keys, const Eigen::MatrixXd& M) {
  const Experiment experiment = experiment_from(keys);
  const LinkAnalysis link = analyse_link(experiment, LinkUse::loss);
  const int r = link.r();
  const auto objective = make_objective(experiment.objective, link.expansion);
  double value = 0.0;
  Eigen::MatrixXd gradient;
  evaluate_given_overlap(*objective, r, M, value, gradient);
  return py::dict("loss"_a = value, "grad_M"_a = gradient, "r"_a = r, "degree"_a = link.expansion.degree,
                  "warnings"_a = link.warnings, "resolved"_a = resolved_keys(experiment, "loss"));
}

// ---- flow -------------------------------------------------------------------------------------------------

// One population flow, kept alive so that its dense output can be sampled at any time later (FlowResult.at).
class Flow {
 public:
  explicit Flow(const std::map<std::string, std::string>& keys) : experiment_(experiment_from(keys)) {
    link_ = std::make_unique<LinkAnalysis>(analyse_link(experiment_));
    warnings_ = link_->warnings;
    if (experiment_.init == Start::isotropic && keys.count("seed"))
      warnings_.push_back("seed= is ignored with init='isotropic' (the start C(0) = I/d is deterministic)");
    FlowOptions options;
    options.t_max = experiment_.t_max;
    flow_ = std::make_unique<ReducedFlow>(make_objective(experiment_.objective, link_->expansion),
                                          start_overlap(experiment_, link_->r()), options);
  }

  void run() {
    {
      py::gil_scoped_release release;
      flow_->run();
    }
    if (flow_->status() == FlowStatus::diverged)
      warnings_.push_back("the flow diverged at t = " + std::to_string(flow_->time()) + ": " + flow_->failure());
    for (std::size_t k = 0; k < flow_->rounding_limited().size(); ++k)
      if (flow_->rounding_limited()[k] && flow_->escape_times()[k])
        warnings_.push_back("escape " + std::to_string(k + 1) +
                            " is limited by floating-point rounding (a cosine below 1e-14 when the previous escape "
                            "happened): its time differs between builds and from exact arithmetic");
  }

  // M (T×r×r), cosines (T×r), loss (T) at the times t (each in [0, time()]), from the dense output.
  py::dict sample(const std::vector<double>& times) const {
    const int r = link_->r();
    const auto T = static_cast<py::ssize_t>(times.size());
    py::array_t<double> M({T, py::ssize_t{r}, py::ssize_t{r}}), cosines({T, py::ssize_t{r}}), loss(T);
    for (std::size_t i = 0; i < times.size(); ++i)
      if (!(times[i] >= 0.0 && times[i] <= flow_->time()))
        throw InputError("t", "t = " + number_text(times[i]) + " is outside the flow's span [0, " +
                                  number_text(flow_->time()) + "]; sample within it");
    {
      double* m = M.mutable_data();
      double* c = cosines.mutable_data();
      double* l = loss.mutable_data();
      py::gil_scoped_release release;
      for (std::size_t i = 0; i < times.size(); ++i) {
        const FlowPoint p = flow_->observe(times[i]);
        for (int a = 0; a < r; ++a) {
          for (int b = 0; b < r; ++b) m[(i * r + a) * r + b] = p.M(a, b);
          c[i * r + a] = p.cosines(a);
        }
        l[i] = p.loss;
      }
    }
    return py::dict("t"_a = py::array_t<double>(T, times.data()), "M"_a = M, "cosines"_a = cosines, "loss"_a = loss);
  }

  // The CLI's log-spaced trajectory times (flow --json's "trajectory").
  std::vector<double> trajectory_times() const {
    std::vector<double> times;
    for (const FlowPoint& p : flow_->trajectory()) times.push_back(p.t);
    return times;
  }

  py::dict summary() const {
    const LinkAnalysis& link = *link_;
    std::vector<double> time_scales;
    if (experiment_.objective == ObjectiveKind::joint) {
      std::optional<double> eps;
      if (experiment_.init == Start::equator && experiment_.eps > 0) eps = experiment_.eps;
      time_scales = joint_escape_times(link.expansion, link.leaps, experiment_.d, eps);
    } else if (const auto first = planted_first_escape_time(link.information_exponent, experiment_.d)) {
      time_scales = {*first};
    }
    std::map<std::string, std::string> resolved = resolved_keys(experiment_, "flow");
    resolved["r"] = std::to_string(link.r());
    resolved["degree"] = std::to_string(link.expansion.degree);
    return py::dict("status"_a = to_string(flow_->status()), "failure"_a = flow_->failure(), "time"_a = flow_->time(),
                    "steps"_a = flow_->steps(), "evaluations"_a = flow_->evaluations(),
                    "escape_times"_a = optional_array(flow_->escape_times()), "step_times"_a = flow_->step_times(),
                    "final_loss"_a = flow_->loss(), "warnings"_a = warnings_, "objective"_a = flow_->objective().name(),
                    "link"_a = link.resolved.link.spec(), "r"_a = link.r(), "degree"_a = link.expansion.degree,
                    "information_exponent"_a = link.information_exponent, "leaps"_a = leaps_dict(link.leaps),
                    "time_scales"_a = time_scales, "command_line"_a = flow_command_line(experiment_),
                    "resolved"_a = resolved);
  }

 private:
  Experiment experiment_;
  std::unique_ptr<LinkAnalysis> link_;
  std::unique_ptr<ReducedFlow> flow_;
  std::vector<std::string> warnings_;
};

// ---- sweep ------------------------------------------------------------------------------------------------

py::dict sweep(const std::map<std::string, std::string>& keys, const std::vector<std::string>& dimensions, int seeds,
               std::uint64_t seed_start) {
  const Experiment experiment = experiment_from(keys);
  const LinkAnalysis link = analyse_link(experiment);
  SweepSpec spec;
  for (const std::string& text : dimensions) {
    Experiment one;
    set_experiment_key(one, "d", text);
    spec.dimensions.push_back(one.d);
  }
  if (spec.dimensions.empty()) throw InputError("d", "give at least one dimension, e.g. d=[100, 1000, 10000]");
  if (experiment.init != Start::random && experiment.init != Start::isotropic)
    throw InputError("init", "a sweep starts from init='random' (Haar, seeded) or 'isotropic'");
  if (seeds < 1) throw InputError("seeds", "seeds = " + std::to_string(seeds) + "; give seeds >= 1");
  spec.start = experiment.init;
  spec.seeds = seeds;
  spec.first_seed = seed_start;
  spec.flow.t_max = experiment.t_max;
  const auto objective = make_objective(experiment.objective, link.expansion);
  std::vector<SweepRun> runs;
  {
    py::gil_scoped_release release;
    runs = run_sweep(objective, spec);
  }
  py::list rows;
  for (const SweepRun& run : runs)
    rows.append(py::dict("d"_a = run.d, "seed"_a = run.seed, "escape_times"_a = optional_array(run.escape_times),
                         "final_loss"_a = run.final_loss, "status"_a = to_string(run.status)));
  py::list fits;
  for (const StageFit& f : fit_stages(runs, link.leaps, experiment.objective)) {
    const StageStatistics stats = stage_statistics(runs, f);
    std::vector<std::pair<double, double>> replicates;  // (slope, intercept) of each resampling
    for (const LineFit& line : stats.replicates) replicates.emplace_back(line.slope, line.intercept);
    const auto optional = [](const std::optional<double>& v) { return v ? py::cast(*v) : py::none(); };
    fits.append(
        py::dict("stage"_a = f.stage + 1, "leap"_a = f.leap, "direction"_a = f.direction + 1,
                 "model"_a = f.prediction.model, "exponent"_a = f.fit ? py::cast(f.fit->slope) : py::none(),
                 "intercept"_a = f.fit ? py::cast(f.fit->intercept) : py::none(),
                 "r2"_a = f.fit ? py::cast(f.fit->r2) : py::none(),
                 "predicted_exponent"_a = optional(f.prediction.exponent), "prediction"_a = f.prediction.label,
                 "predicted_coefficient"_a =
                     optional(predict_log_coefficient(link.expansion, link.leaps, experiment.objective, f.stage)),
                 "d"_a = f.d, "median_time"_a = f.median_time,
                 "ci"_a = stats.slope_interval
                              ? py::cast(std::vector<double>{stats.slope_interval->first, stats.slope_interval->second})
                              : py::none(),
                 "note"_a = stats.note, "q25"_a = stats.q25, "q50"_a = stats.median, "q75"_a = stats.q75,
                 "never"_a = stats.never, "replicates"_a = replicates));
  }
  std::map<std::string, std::string> resolved = resolved_keys(experiment, "sweep");
  resolved["r"] = std::to_string(link.r());
  resolved["degree"] = std::to_string(link.expansion.degree);
  return py::dict("rows"_a = rows, "fit"_a = fits, "stage_dimensions"_a = link.leaps.stage_dimensions, "r"_a = link.r(),
                  "warnings"_a = link.warnings, "resolved"_a = resolved);
}

// ---- samples from numpy -----------------------------------------------------------------------------------

// A view of X's rows when its layout allows one (SampleMatrix::borrow: unit column stride, aligned rows whose
// stride is a multiple of 64 bytes, finite padding), else nullopt.
template <class T>
std::optional<SampleMatrix> view_of(const py::array& X, const std::shared_ptr<const void>& keep) {
  if (!py::isinstance<py::array_t<T>>(X) || X.strides(1) != static_cast<py::ssize_t>(sizeof(T)) || X.strides(0) <= 0 ||
      X.strides(0) % static_cast<py::ssize_t>(sizeof(T)) != 0)
    return std::nullopt;
  const auto n = static_cast<std::size_t>(X.shape(0)), d = static_cast<std::size_t>(X.shape(1));
  const auto stride = static_cast<std::size_t>(X.strides(0)) / sizeof(T);
  return SampleMatrix::borrow(static_cast<const T*>(X.data()), n, d, stride, keep);
}

// X (n×d, float32 or float64, any layout) as a SampleMatrix: a view when the layout allows one (view_of: e.g. the
// arrays grassflow.aligned_empty makes, or a C-order array with aligned rows of a multiple of 64 bytes), else one
// copy into padded storage. `copied` says which.
SampleMatrix samples_from(const py::array& X, bool& copied) {
  const auto n = static_cast<std::size_t>(X.shape(0)), d = static_cast<std::size_t>(X.shape(1));
  auto owner = std::make_shared<py::object>(X);
  // The array is held by a Python object whose last reference may drop without the GIL: release it with it.
  std::shared_ptr<const void> keep(owner.get(), [owner](const void*) mutable {
    py::gil_scoped_acquire gil;
    owner.reset();
  });
  copied = false;
  if (auto view = view_of<float>(X, keep)) return std::move(*view);
  if (auto view = view_of<double>(X, keep)) return std::move(*view);
  copied = true;
  const bool single = py::isinstance<py::array_t<float>>(X);
  SampleMatrix out(n, d, single ? Precision::float32 : Precision::float64);
  // Read through strides (any layout); rows of doubles.
  const auto* base = static_cast<const char*>(X.data());
  const py::ssize_t s0 = X.strides(0), s1 = X.strides(1);
  std::vector<double> row(d);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < d; ++j) {
      const char* p = base + static_cast<py::ssize_t>(i) * s0 + static_cast<py::ssize_t>(j) * s1;
      row[j] = single ? static_cast<double>(*reinterpret_cast<const float*>(p)) : *reinterpret_cast<const double*>(p);
    }
    out.set_row(i, row.data());
  }
  return out;
}

Dataset dataset_from(const py::array& X, const py::array_t<double>& y, bool& copied) {
  Dataset data{samples_from(X, copied), {}};
  data.y.assign(y.data(), y.data() + y.size());
  return data;
}

// ---- train ------------------------------------------------------------------------------------------------

// SIR, SAVE and pHd on the training samples, as `train --baselines` fits them: {name: basis (d×r) or the error's
// message}.
py::dict baseline_bases(const Dataset& data, int r) {
  BaselineFits fits;
  {
    py::gil_scoped_release release;
    fits = fit_baselines(data, r);
  }
  py::dict out;
  const auto put = [&](const char* name, const BaselineResult& result) {
    if (result.ok()) {
      out[name] = result.estimate.basis;
      return;
    }
    try {
      std::rethrow_exception(result.error);
    } catch (const std::exception& e) {
      out[name] = std::string(e.what());
    }
  };
  put("sir", fits.sir);
  put("save", fits.save);
  put("phd", fits.phd);
  return out;
}

// Fresh-sample stream ids of `grassflow train` (cmd_train.cpp): training samples, held-out samples.
constexpr std::uint32_t kTrainStream = 1, kTestStream = 2;

py::dict records_dict(const std::vector<TrainRecord>& records, int r) {
  const auto T = static_cast<py::ssize_t>(records.size());
  py::array_t<long> step(T);
  py::array_t<double> t(T), train_loss(T), test_loss(T), error(T), cosines({T, py::ssize_t{r}});
  for (py::ssize_t i = 0; i < T; ++i) {
    const TrainRecord& rec = records[static_cast<std::size_t>(i)];
    step.mutable_at(i) = rec.step;
    t.mutable_at(i) = rec.t;
    train_loss.mutable_at(i) = rec.train_loss;
    test_loss.mutable_at(i) = rec.test_loss;
    error.mutable_at(i) = rec.subspace_error;
    for (int c = 0; c < r; ++c) cosines.mutable_at(i, c) = rec.cosines.size() == r ? rec.cosines(c) : kNaN;
  }
  return py::dict("step"_a = step, "t"_a = t, "train_loss"_a = train_loss, "test_loss"_a = test_loss,
                  "cosines"_a = cosines, "subspace_error"_a = error);
}

TrainOptions train_options(const py::dict& o) {
  TrainOptions options;
  options.r = o["r"].cast<int>();
  options.variant = o["online"].cast<bool>()   ? TrainVariant::online
                    : o["lagged"].cast<bool>() ? TrainVariant::lagged
                                               : TrainVariant::exact;
  options.features = o["features"].cast<std::string>();
  options.degree = o["degree"].cast<int>();
  options.ridge = o["ridge"].cast<double>();
  options.lr = o["lr"].cast<double>();
  options.schedule = o["schedule"].cast<std::string>();
  options.steps = o["steps"].cast<long>();
  options.batch = o["batch"].cast<std::size_t>();
  options.ratio = o["ratio"].cast<double>();
  options.seed = o["seed"].cast<std::uint64_t>();
  options.threads = o["threads"].cast<int>();
  return options;
}

py::dict run_trainer(Trainer& trainer) {
  const Eigen::MatrixXd start = trainer.frame();  // W(0)
  {
    py::gil_scoped_release release;
    ProgressStage stage("training steps", static_cast<double>(trainer.options().steps));
    for (long k = 0; k < trainer.options().steps; ++k) {
      trainer.step();
      stage.advance();
    }
  }
  const int r = trainer.options().r;
  return py::dict("W"_a = trainer.frame(), "W0"_a = start, "coefficients"_a = trainer.coefficients(),
                  "feature_count"_a = trainer.feature_count(), "ridge"_a = trainer.ridge(),
                  "records"_a = records_dict(trainer.records(), r),
                  "escape_times"_a = optional_array(trainer.escape_times()), "warnings"_a = trainer.warnings());
}

// Training on stored samples (the baselines first, on the same training rows, when o["baselines"]).
py::dict train_stored(Dataset train, Dataset test, const Eigen::MatrixXd& w_star, const py::dict& o) {
  std::optional<Eigen::MatrixXd> known;
  if (w_star.size() > 0) known = w_star;
  const py::object bases =
      o["baselines"].cast<bool>() ? py::object(baseline_bases(train, o["r"].cast<int>())) : py::none();
  const TrainOptions options = train_options(o);  // read with the GIL held
  std::optional<Trainer> trainer;
  {
    py::gil_scoped_release release;
    trainer.emplace(std::move(train), std::move(test), known, options);
  }
  py::dict out = run_trainer(*trainer);
  out["baselines"] = bases;
  return out;
}

// Training on arrays: X (n×d), y (n), held-out Xt, yt (may have 0 rows), W* (d×r or empty).
py::dict train_arrays(const py::array& X, const py::array_t<double>& y, const py::array& Xt,
                      const py::array_t<double>& yt, const Eigen::MatrixXd& w_star, const py::dict& o) {
  bool copied = false, test_copied = false;
  Dataset train = dataset_from(X, y, copied);
  Dataset test = Xt.shape(0) > 0 ? dataset_from(Xt, yt, test_copied) : Dataset{};
  py::dict out = train_stored(std::move(train), std::move(test), w_star, o);
  out["copied"] = copied;
  return out;
}

// The CLI's split of a data file: a seeded 20% (`fraction`) of the rows held out (split_dataset).
py::dict train_split(const py::array& X, const py::array_t<double>& y, double fraction, const Eigen::MatrixXd& w_star,
                     const py::dict& o) {
  bool copied = false;
  auto [train, test] = split_dataset(dataset_from(X, y, copied), fraction, o["seed"].cast<std::uint64_t>());
  py::dict out = train_stored(std::move(train), std::move(test), w_star, o);
  out["copied"] = true;
  return out;
}

// Planted data of `link` as `grassflow train --link --d --n` draws it (same streams, same seed).
py::dict train_planted(const std::map<std::string, std::string>& keys, long d, long n, long test_size, py::dict o) {
  const Experiment ex = experiment_from(keys);
  const ResolvedLink resolved = resolve_link(ex.link, ex.r);
  const int r = resolved.link.r();
  if (r > d)
    throw InputError("r", "r = " + std::to_string(r) + " exceeds d = " + std::to_string(d) + "; choose r <= d");
  const Link link = resolved.link;
  PlantedModel model{leading_axes(static_cast<int>(d), r), [link](const double* z) { return link(z); }, ex.noise};
  o["r"] = r;
  const Precision precision = o["float32"].cast<bool>() ? Precision::float32 : Precision::float64;
  const bool online = o["online"].cast<bool>();
  const bool baselines = o["baselines"].cast<bool>();
  std::optional<Trainer> trainer;
  std::optional<Dataset> baseline_data;
  {
    const TrainOptions options = train_options(o);
    py::gil_scoped_release release;
    Dataset test = SampleStream(model, ex.seed, kTestStream).draw(static_cast<std::size_t>(test_size), precision);
    if (online) {
      if (baselines)
        baseline_data.emplace(SampleStream(model, ex.seed, kTrainStream).draw(static_cast<std::size_t>(n), precision));
      trainer.emplace(SampleStream(model, ex.seed, kTrainStream), std::move(test), options);
    } else {
      Dataset train = SampleStream(model, ex.seed, kTrainStream).draw(static_cast<std::size_t>(n), precision);
      if (baselines) baseline_data.emplace(Dataset{train.x, train.y});
      trainer.emplace(std::move(train), std::move(test), model.w_star, options);
    }
  }
  py::dict out = run_trainer(*trainer);
  out["w_star"] = model.w_star;
  out["link"] = link.spec();
  out["link_warnings"] = resolved.warnings;
  out["baselines"] = baseline_data ? py::object(baseline_bases(*baseline_data, r)) : py::none();
  return out;
}

// ---- baselines and geometry -------------------------------------------------------------------------------

// One of SIR, SAVE, pHd on X, y (its errors thrown): the d×r basis.
Eigen::MatrixXd baseline(const std::string& method, const py::array& X, const py::array_t<double>& y, int r,
                         int slices) {
  bool copied = false;
  const Dataset data = dataset_from(X, y, copied);
  py::gil_scoped_release release;
  if (method == "sir") return sliced_inverse_regression(data, r, slices).basis;
  if (method == "save") return sliced_average_variance(data, r, slices).basis;
  return principal_hessian_directions(data, r).basis;
}

// f̂(Wᵀx) for the rows of X: a fitted link (features spec, degree, seed, coefficients) on the frame W (d×r).
py::array_t<double> predict(const std::string& features, int degree, std::uint64_t seed,
                            const Eigen::VectorXd& coefficients, const Eigen::MatrixXd& W, const py::array& X) {
  const int r = static_cast<int>(W.cols());
  const LinkFeatures map(features, r, degree, seed);
  if (coefficients.size() != map.size())
    throw InputError(
        "link", std::to_string(coefficients.size()) + " coefficients for " + std::to_string(map.size()) + " features");
  bool copied = false;
  const SampleMatrix x = samples_from(X, copied);
  if (static_cast<Eigen::Index>(x.cols()) != W.rows())
    throw InputError("X", "X has " + std::to_string(x.cols()) + " columns; the model was trained at d = " +
                              std::to_string(W.rows()) + "; give rows of d = " + std::to_string(W.rows()) + " inputs");
  py::array_t<double> out(static_cast<py::ssize_t>(x.rows()));
  double* values = out.mutable_data();
  {
    py::gil_scoped_release release;
    constexpr std::size_t kBlock = 4096;
    RowMatrix Z;
    Eigen::MatrixXd Phi;
    for (std::size_t b = 0; b < x.rows(); b += kBlock) {
      const std::size_t count = std::min(kBlock, x.rows() - b);
      project(x, b, b + count, W, Z);
      map.evaluate(Z.data(), count, Phi);
      Eigen::Map<Eigen::VectorXd>(values + b, static_cast<Eigen::Index>(count)) = map.values(Phi, coefficients);
    }
  }
  return out;
}

Eigen::MatrixXd haar(int d, int r, std::uint64_t seed) {
  if (r < 1) throw InputError("r", "r = " + std::to_string(r) + "; give r >= 1");
  if (d < r) throw InputError("d", "d = " + std::to_string(d) + " is below r = " + std::to_string(r) + "; give d >= r");
  Rng rng(seed);
  return haar_stiefel(d, r, rng);
}

}  // namespace

}  // namespace grassflow::python

PYBIND11_MODULE(_core, m) {
  using namespace grassflow;
  using namespace grassflow::python;
  m.doc() = "grassflow's C++ core (internal: use the grassflow package)";
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<LimitError> limit_error(m, "LimitError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      PyErr_SetString(input_error.ptr(), user_message(e, Surface::python).c_str());
    } catch (const LimitError& e) {
      PyErr_SetString(limit_error.ptr(), user_message(e, Surface::python).c_str());
    }
  });
  set_progress_sink(check_signals);

  m.def("version", [] { return std::string(version()); });
  m.def("commit", [] { return std::string(commit()); });
  m.def("simd_target", [] { return std::string(simd_target()); });
  m.def("keys", [] {
    py::list out;
    for (const ExperimentKey& k : experiment_keys())
      out.append(py::dict("name"_a = k.name, "type"_a = k.type, "range"_a = k.range, "default"_a = k.default_text,
                          "help"_a = k.help, "commands"_a = k.commands));
    return out;
  });
  m.def("resolve", [](const std::map<std::string, std::string>& keys, const std::string& command) {
    return resolved_keys(experiment_from(keys), command);
  });
  m.def("hermite", &hermite);
  m.def("loss", &loss);
  py::class_<Flow>(m, "Flow")
      .def(py::init<const std::map<std::string, std::string>&>())
      .def("run", &Flow::run)
      .def("sample", &Flow::sample)
      .def("trajectory_times", &Flow::trajectory_times)
      .def("summary", &Flow::summary);
  m.def("sweep", &sweep);
  m.def("train_arrays", &train_arrays);
  m.def("train_split", &train_split);
  m.def("train_planted", &train_planted);
  m.def("baseline", &baseline);
  m.def("predict", &predict);
  m.def("principal_angles",
        [](const Eigen::MatrixXd& A, const Eigen::MatrixXd& B) { return Eigen::VectorXd(principal_angles(A, B)); });
  m.def("orthonormal_factor", [](const Eigen::MatrixXd& A) { return Eigen::MatrixXd(orthonormal_factor(A)); });
  m.def("haar_stiefel", &haar);
}
