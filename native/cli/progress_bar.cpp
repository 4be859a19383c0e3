#include "progress_bar.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "grassflow/errors.h"
#include "grassflow/progress.h"
#include "provenance.h"

namespace grassflow::cli {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// "12 s", "3 min", "1.2 h".
std::string duration_text(double seconds) {
  char text[32];
  if (seconds < 100)
    std::snprintf(text, sizeof text, "%.0f s", seconds);
  else if (seconds < 6000)
    std::snprintf(text, sizeof text, "%.0f min", seconds / 60);
  else
    std::snprintf(text, sizeof text, "%.1f h", seconds / 3600);
  return text;
}

// Start times of the open stages and when the last line was written.
struct Timing {
  std::map<std::string, Clock::time_point> started;
  std::string drawn;  // the stage whose bar is on the terminal line
  Clock::time_point last_line = Clock::now() - std::chrono::hours(1);

  // Seconds since `event`'s stage opened (0 on its first report), and the estimated seconds left (NaN if unknown).
  std::pair<double, double> elapsed_and_eta(const ProgressEvent& event) {
    if (event.done == 0.0 && !event.finished) started.try_emplace(event.stage, Clock::now());
    const auto it = started.find(event.stage);
    const double elapsed = it == started.end() ? 0.0 : since(it->second);
    const double eta = event.total > 0 && event.done > 0 ? elapsed * (event.total - event.done) / event.done : NAN;
    if (event.finished) started.erase(event.stage);
    return {elapsed, eta};
  }
};

void terminal_bar(Timing& timing, const ProgressEvent& event) {
  const auto [elapsed, eta] = timing.elapsed_and_eta(event);
  if (event.finished) {
    if (event.stage == timing.drawn) {
      std::fprintf(stderr, "\r\033[K");
      timing.drawn.clear();
    }
    return;
  }
  if (elapsed < 1.0 || since(timing.last_line) < 0.1) return;
  timing.last_line = Clock::now();
  timing.drawn = event.stage;
  std::string line = "grassflow: " + event.stage + " ";
  char count[96];
  if (event.total > 0) {
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(kWidth * std::fmin(1.0, event.done / event.total));
    line += "[" + std::string(static_cast<std::size_t>(filled), '#') +
            std::string(static_cast<std::size_t>(kWidth - filled), '.') + "] ";
    std::snprintf(count, sizeof count, "%.0f/%.0f", event.done, event.total);
  } else {
    std::snprintf(count, sizeof count, "%.0f", event.done);
  }
  line += count;
  line += std::isnan(eta) ? ", " + duration_text(elapsed) + " so far" : ", ETA " + duration_text(eta);
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
}

void json_line(Timing& timing, const ProgressEvent& event) {
  // The start and end of outer stages always; inner ones (a sweep's flows) only within the rate limit.
  const bool edge = event.depth == 0 && (event.finished || (event.done == 0.0 && !timing.started.count(event.stage)));
  const auto [elapsed, eta] = timing.elapsed_and_eta(event);
  if (!edge && since(timing.last_line) < 0.5) return;
  timing.last_line = Clock::now();
  const nlohmann::json line = {{"progress",
                                {{"stage", event.stage},
                                 {"done", json_number(event.done)},
                                 {"total", event.total > 0 ? json_number(event.total) : nlohmann::json(nullptr)},
                                 {"elapsed_s", elapsed},
                                 {"eta_s", std::isnan(eta) ? nlohmann::json(nullptr) : nlohmann::json(eta)},
                                 {"finished", event.finished},
                                 {"depth", event.depth}}}};
  std::fprintf(stderr, "%s\n", line.dump().c_str());
  std::fflush(stderr);
}

}  // namespace

ProgressMode parse_progress_mode(const std::string& text) {
  if (text == "auto") return ProgressMode::automatic;
  if (text == "json") return ProgressMode::json;
  if (text == "none") return ProgressMode::none;
  throw InputError("progress", "'" + text + "'; use auto (a bar when stderr is a terminal), json or none");
}

void install_progress(ProgressMode mode) {
  if (mode == ProgressMode::none || (mode == ProgressMode::automatic && !isatty(fileno(stderr)))) {
    set_progress_sink({});
    return;
  }
  auto timing = std::make_shared<Timing>();
  if (mode == ProgressMode::json)
    set_progress_sink([timing](const ProgressEvent& event) { json_line(*timing, event); });
  else
    set_progress_sink([timing](const ProgressEvent& event) { terminal_bar(*timing, event); });
}

}  // namespace grassflow::cli
