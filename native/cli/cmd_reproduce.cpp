// `grassflow reproduce --out DIR`: the paper's claims (Bietti, Bruna, Pillaud-Vivien 2023) as experiments on
// the population flows, each measured number next to the theory's (docs/theory.md §4, §6):
//   1. time-scale exponents of every preset over d = 1e2..1e8 (joint, and the planted first stage), from the
//      deterministic isotropic start C(0) = I/d;
//   2. stage sequences and plateau values (joint, isotropic, d = 1e6) against the leaps;
//   3. global convergence of the joint flow from 200 Haar starts per preset (d = 100);
//   4. planted success fractions on the trap families (trap, he3sum) for r = 1..4 from 200 Haar starts
//      (d = 200), next to the joint flow on the same starts.
// Writes exponents.csv, stages.csv, convergence.csv, planted.csv, results.json and summary.md into DIR.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "commands.h"
#include "dynamics_cli.h"
#include "grassflow/errors.h"
#include "grassflow/sweep.h"

namespace grassflow::cli {

namespace {

constexpr int kStarts = 200;
constexpr double kConvergenceD = 100, kStagesD = 1e6, kPlantedD = 200;
const std::vector<double> kDimensions = {1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};

// docs/theory.md §4: planted success fractions measured from 100 Haar starts at d = 200, r = 1..4.
const std::vector<double> kTheoryTrapSuccess = {0.52, 0.43, 0.42, 0.39};
const std::vector<double> kTheoryHe3sumSuccess = {0.49, 0.415, 0.28, 0.275};

class Clock {
 public:
  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

void progress(const Clock& clock, const std::string& what) {
  std::fprintf(stderr, "grassflow: reproduce [%6.1f s] %s\n", clock.seconds(), what.c_str());
}

std::string number(double x, int digits = 4) {
  if (std::isnan(x)) return "-";
  std::ostringstream s;
  s.precision(digits);
  s << x;
  return s.str();
}

nlohmann::json json_number(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

std::string join(const std::vector<int>& values) {
  std::string s;
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? " " : "") + std::to_string(values[i]);
  return s;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw InputError("out", "cannot write " + path.string() + "; give a writable directory");
}

// ---------------------------------------------------------------------------------------------------------
// 1. Exponents

struct ExponentRow {
  std::string preset, objective, model, prediction;
  int stage = 0, leap = 0;
  double measured = NAN, r2 = NAN, predicted = NAN;
  bool pass = false;
};

// A power stage passes within ±0.1 of the predicted exponent; a log stage when T = a + b ln d fits with
// r² ≥ 0.99. Planted later stages have no prediction and are reported only.
bool judge(ExponentRow& row) {
  if (std::isnan(row.measured)) return false;
  if (row.model == "log") return row.r2 >= 0.99;
  return std::isnan(row.predicted) ? true : std::abs(row.measured - row.predicted) <= 0.1;
}

std::vector<ExponentRow> exponents(const std::vector<PresetInfo>& presets, const Clock& clock) {
  std::vector<ExponentRow> rows;
  for (const PresetInfo& preset : presets) {
    const LinkAnalysis link = analyse_link_reporting("preset:" + preset.name, 0, 8);
    for (const ObjectiveKind objective : {ObjectiveKind::joint, ObjectiveKind::planted}) {
      SweepSpec spec;
      spec.dimensions = kDimensions;
      spec.start = Start::isotropic;
      const auto runs = run_sweep(make_objective(objective, link.expansion), spec);
      const auto fits = fit_stages(runs, link.leaps, objective);
      for (const StageFit& f : fits) {
        if (objective == ObjectiveKind::planted && f.stage > 0) break;  // no planted formula beyond stage 1
        ExponentRow row;
        row.preset = preset.name;
        row.objective = to_string(objective);
        row.stage = f.stage + 1;
        row.leap = f.leap;
        row.model = f.prediction.model;
        row.prediction = f.prediction.label;
        if (f.fit) {
          row.measured = f.fit->slope;
          row.r2 = f.fit->r2;
        }
        if (f.prediction.exponent) row.predicted = *f.prediction.exponent;
        row.pass = judge(row);
        rows.push_back(row);
      }
    }
    progress(clock, "exponents: " + preset.name);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// 2. Stages and plateaus

struct StageRow {
  std::string preset;
  std::vector<int> leaps, dimensions;
  std::vector<double> stage_times;  // NaN when the stage never ends
  std::vector<double> plateau_measured, plateau_predicted;
  std::string status;
  bool ordered = true;  // stage times increase with the stage
};

std::vector<StageRow> stages(const std::vector<PresetInfo>& presets, const Clock& clock) {
  std::vector<StageRow> rows;
  for (const PresetInfo& preset : presets) {
    const LinkAnalysis link = analyse_link_reporting("preset:" + preset.name, 0, 8);
    ReducedFlow flow(make_objective(ObjectiveKind::joint, link.expansion),
                     initial_overlap(Start::isotropic, link.expansion.r, kStagesD));
    flow.run();
    StageRow row;
    row.preset = preset.name;
    row.leaps = link.leaps.leaps;
    row.dimensions = link.leaps.stage_dimensions;
    row.status = to_string(flow.status());
    int end = 0;
    for (int dim : link.leaps.stage_dimensions) {
      end += dim;
      const auto& e = flow.escape_times()[static_cast<std::size_t>(end - 1)];
      row.stage_times.push_back(e ? *e : NAN);
    }
    for (std::size_t j = 1; j < row.stage_times.size(); ++j)
      if (!(row.stage_times[j] >= row.stage_times[j - 1])) row.ordered = false;
    row.plateau_measured = measured_plateaus(flow, link.leaps);
    row.plateau_predicted = link.leaps.plateaus;
    rows.push_back(row);
  }
  progress(clock, "stages and plateaus done");
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// 3. Joint convergence from Haar starts

struct ConvergenceRow {
  std::string preset;
  int starts = 0, converged = 0, stalled = 0, t_max = 0, diverged = 0;
  double median_time = NAN, max_final_loss = 0.0;
};

ConvergenceRow count_statuses(const std::string& preset, const std::shared_ptr<const Objective>& objective, double d,
                              int starts) {
  ConvergenceRow row;
  row.preset = preset;
  row.starts = starts;
  std::vector<double> times;
  for (int seed = 0; seed < starts; ++seed) {
    ReducedFlow flow(objective, initial_overlap(Start::random, objective->r(), d, static_cast<std::uint64_t>(seed)));
    flow.run();
    switch (flow.status()) {
      case FlowStatus::converged:
        ++row.converged;
        times.push_back(flow.time());
        break;
      case FlowStatus::stalled:
        ++row.stalled;
        break;
      case FlowStatus::t_max:
        ++row.t_max;
        break;
      default:
        ++row.diverged;
    }
    row.max_final_loss = std::max(row.max_final_loss, flow.loss());
  }
  if (!times.empty()) row.median_time = median(times);
  return row;
}

std::vector<ConvergenceRow> convergence(const std::vector<PresetInfo>& presets, const Clock& clock) {
  std::vector<ConvergenceRow> rows;
  for (const PresetInfo& preset : presets) {
    const LinkAnalysis link = analyse_link_reporting("preset:" + preset.name, 0, 8);
    rows.push_back(
        count_statuses(preset.name, make_objective(ObjectiveKind::joint, link.expansion), kConvergenceD, kStarts));
    progress(clock, "joint convergence: " + preset.name + " " + std::to_string(rows.back().converged) + "/" +
                        std::to_string(kStarts));
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// 4. Planted traps

struct PlantedRow {
  std::string family;
  int r = 0;
  ConvergenceRow planted, joint;
  double theory = NAN;
};

std::vector<PlantedRow> planted_traps(const Clock& clock) {
  std::vector<PlantedRow> rows;
  for (const std::string family : {"trap", "he3sum"}) {
    for (int r = 1; r <= 4; ++r) {
      const LinkAnalysis link = analyse_link_reporting("preset:" + family, r, 8);
      PlantedRow row;
      row.family = family;
      row.r = r;
      row.planted = count_statuses(family, make_objective(ObjectiveKind::planted, link.expansion), kPlantedD, kStarts);
      row.joint = count_statuses(family, make_objective(ObjectiveKind::joint, link.expansion), kPlantedD, kStarts);
      row.theory = (family == std::string("trap") ? kTheoryTrapSuccess : kTheoryHe3sumSuccess)[r - 1];
      rows.push_back(row);
      progress(clock, "planted " + family + " r = " + std::to_string(r) + ": success " +
                          std::to_string(row.planted.converged) + "/" + std::to_string(kStarts));
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// Output

void write_outputs(const std::filesystem::path& dir, const std::vector<ExponentRow>& exps,
                   const std::vector<StageRow>& stage_rows, const std::vector<ConvergenceRow>& conv,
                   const std::vector<PlantedRow>& planted, double seconds) {
  std::ostringstream csv;
  csv << "preset,objective,stage,leap,model,measured,r2,predicted,prediction,pass\n";
  for (const auto& e : exps)
    csv << e.preset << ',' << e.objective << ',' << e.stage << ',' << e.leap << ',' << e.model << ','
        << number(e.measured, 6) << ',' << number(e.r2, 6) << ',' << number(e.predicted, 6) << ",\"" << e.prediction
        << "\"," << (e.pass ? "yes" : "no") << '\n';
  write_file(dir / "exponents.csv", csv.str());

  csv.str("");
  csv << "preset,leaps,stage_dimensions,stage_times,plateaus_measured,plateaus_predicted,status\n";
  for (const auto& s : stage_rows) {
    auto list = [](const std::vector<double>& v) {
      std::string t;
      for (std::size_t i = 0; i < v.size(); ++i) t += (i ? " " : "") + number(v[i], 8);
      return t;
    };
    csv << s.preset << ',' << join(s.leaps) << ',' << join(s.dimensions) << ',' << list(s.stage_times) << ','
        << list(s.plateau_measured) << ',' << list(s.plateau_predicted) << ',' << s.status << '\n';
  }
  write_file(dir / "stages.csv", csv.str());

  csv.str("");
  csv << "preset,starts,converged,stalled,t_max,diverged,median_time,max_final_loss\n";
  for (const auto& c : conv)
    csv << c.preset << ',' << c.starts << ',' << c.converged << ',' << c.stalled << ',' << c.t_max << ',' << c.diverged
        << ',' << number(c.median_time, 8) << ',' << number(c.max_final_loss, 4) << '\n';
  write_file(dir / "convergence.csv", csv.str());

  csv.str("");
  csv << "family,r,starts,planted_success,planted_stalled,theory_success_100_starts,joint_converged\n";
  for (const auto& p : planted)
    csv << p.family << ',' << p.r << ',' << p.planted.starts << ','
        << number(double(p.planted.converged) / p.planted.starts, 4) << ',' << p.planted.stalled << ','
        << number(p.theory, 4) << ',' << p.joint.converged << '\n';
  write_file(dir / "planted.csv", csv.str());

  nlohmann::json json;
  json["seconds"] = seconds;
  for (const auto& e : exps)
    json["exponents"].push_back({{"preset", e.preset},
                                 {"objective", e.objective},
                                 {"stage", e.stage},
                                 {"leap", e.leap},
                                 {"model", e.model},
                                 {"measured", json_number(e.measured)},
                                 {"r2", json_number(e.r2)},
                                 {"predicted", json_number(e.predicted)},
                                 {"prediction", e.prediction},
                                 {"pass", e.pass}});
  for (const auto& s : stage_rows) {
    nlohmann::json times = nlohmann::json::array(), measured = nlohmann::json::array(),
                   predicted = nlohmann::json::array();
    for (double t : s.stage_times) times.push_back(json_number(t));
    for (double p : s.plateau_measured) measured.push_back(json_number(p));
    for (double p : s.plateau_predicted) predicted.push_back(json_number(p));
    json["stages"].push_back({{"preset", s.preset},
                              {"d", kStagesD},
                              {"leaps", s.leaps},
                              {"stage_dimensions", s.dimensions},
                              {"stage_times", times},
                              {"ordered", s.ordered},
                              {"plateaus_measured", measured},
                              {"plateaus_predicted", predicted},
                              {"status", s.status}});
  }
  for (const auto& c : conv)
    json["convergence"].push_back({{"preset", c.preset},
                                   {"d", kConvergenceD},
                                   {"starts", c.starts},
                                   {"converged", c.converged},
                                   {"stalled", c.stalled},
                                   {"t_max", c.t_max},
                                   {"diverged", c.diverged},
                                   {"median_time", json_number(c.median_time)}});
  for (const auto& p : planted)
    json["planted"].push_back({{"family", p.family},
                               {"r", p.r},
                               {"d", kPlantedD},
                               {"starts", p.planted.starts},
                               {"planted_success", double(p.planted.converged) / p.planted.starts},
                               {"planted_stalled", p.planted.stalled},
                               {"theory_success", p.theory},
                               {"joint_converged", p.joint.converged}});
  write_file(dir / "results.json", json.dump(2) + "\n");

  std::ostringstream md;
  md << "# grassflow reproduce: measured vs predicted\n\n"
     << "Population flows of Bietti, Bruna, Pillaud-Vivien (arXiv 2310.19793), conventions of docs/theory.md. "
     << "Generated by `grassflow reproduce` in " << number(seconds, 3) << " s.\n\n"
     << "## 1. Time scales over d = 1e2..1e8 (isotropic start C(0) = I/d)\n\n"
     << "A stage's time is the escape time (k-th largest cos² reaches ½) of its last direction. Power stages: "
     << "slope of log T on log d (pass: within ±0.1 of the prediction). Log stages: slope b of T = a + b ln d "
     << "(pass: r² ≥ 0.99). Planted: first stage only (later stages have no formula).\n\n"
     << "| preset | objective | stage | leap | model | measured | r² | predicted | pass |\n"
     << "|---|---|---|---|---|---|---|---|---|\n";
  int passed = 0;
  for (const auto& e : exps) {
    passed += e.pass;
    md << "| " << e.preset << " | " << e.objective << " | " << e.stage << " | " << e.leap << " | " << e.model << " | "
       << number(e.measured) << " | " << number(e.r2, 5) << " | " << e.prediction << " | "
       << (e.pass ? "yes" : "**no**") << " |\n";
  }
  md << "\n"
     << passed << " of " << exps.size() << " stages pass.\n\n"
     << "## 2. Stage sequences and plateaus (joint, isotropic, d = " << number(kStagesD) << ")\n\n"
     << "Plateau j is the joint loss after j stages: measured where the trajectory is flattest between stage "
     << "ends, predicted ½Σ α_β² over the terms not yet learned (leap sequence).\n\n"
     << "| preset | leaps | directions per stage | stage times | plateaus measured | plateaus predicted | status |\n"
     << "|---|---|---|---|---|---|---|\n";
  for (const auto& s : stage_rows) {
    auto list = [](const std::vector<double>& v, int digits) {
      std::string t;
      for (std::size_t i = 0; i < v.size(); ++i) t += (i ? ", " : "") + number(v[i], digits);
      return t;
    };
    md << "| " << s.preset << " | " << join(s.leaps) << " | " << join(s.dimensions) << " | " << list(s.stage_times, 5)
       << (s.ordered ? "" : " (out of order)") << " | " << list(s.plateau_measured, 4) << " | "
       << list(s.plateau_predicted, 4) << " | " << s.status << " |\n";
  }
  md << "\n## 3. Global convergence of the joint flow (" << kStarts << " Haar starts, d = " << number(kConvergenceD)
     << ")\n\ndocs/theory.md §4: the joint flow converges from every start with M(0) nonsingular. \"diverged\" counts "
     << "flows stopped by the step limit or a step-size collapse (flow.h states the measured limits).\n\n"
     << "| preset | converged | stalled | t_max | diverged | median time to loss < 1e-10 "
        "|\n|---|---|---|---|---|---|\n";
  for (const auto& c : conv)
    md << "| " << c.preset << " | " << c.converged << "/" << c.starts << " | " << c.stalled << " | " << c.t_max << " | "
       << c.diverged << " | " << number(c.median_time) << " |\n";
  md << "\n## 4. Planted traps (" << kStarts << " Haar starts, d = " << number(kPlantedD)
     << ")\n\nSuccess = the planted flow converges; otherwise it stalls at a spurious minimum or on the equator. "
     << "docs/theory.md §4 lists fractions from 100 starts (binomial standard error ≈ 0.05); the joint flow runs from "
     << "the same starts.\n\n| family | r | planted success | docs/theory.md §4 | planted stalled | joint "
        "converged |\n"
     << "|---|---|---|---|---|---|\n";
  for (const auto& p : planted)
    md << "| " << p.family << " | " << p.r << " | " << number(double(p.planted.converged) / p.planted.starts, 3)
       << " | " << number(p.theory, 3) << " | " << p.planted.stalled << "/" << p.planted.starts << " | "
       << p.joint.converged << "/" << p.joint.starts << " |\n";
  write_file(dir / "summary.md", md.str());
}

void run(const std::string& out) {
  if (out.empty()) throw InputError("out", "empty; give the folder for the results, e.g. --out results");
  const std::filesystem::path dir(out);
  std::error_code error;
  if (std::filesystem::exists(dir, error) && !std::filesystem::is_directory(dir, error))
    throw InputError("out", "" + out + " is a file, not a folder; give a folder (it is created if missing)");
  std::filesystem::create_directories(dir, error);
  if (error || !std::filesystem::is_directory(dir))
    throw InputError("out", "cannot create the directory " + out + "; give a writable path");
  const Clock clock;
  const std::vector<PresetInfo>& all = presets();
  const auto exps = exponents(all, clock);
  const auto stage_rows = stages(all, clock);
  const auto conv = convergence(all, clock);
  const auto planted = planted_traps(clock);
  write_outputs(dir, exps, stage_rows, conv, planted, clock.seconds());
  progress(clock, "wrote " + (dir / "summary.md").string());
}

}  // namespace

void add_reproduce_command(CLI::App& app) {
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "reproduce",
      "Run the paper's claims as experiments (exponents, stages and plateaus, joint convergence, planted traps) "
      "and write CSV, JSON and a markdown summary of measured vs predicted numbers");
  cmd->add_option("--out", *out,
                  "directory for exponents.csv, stages.csv, convergence.csv, planted.csv, "
                  "results.json and summary.md")
      ->required();
  cmd->callback([out] { run(*out); });
}

}  // namespace grassflow::cli
