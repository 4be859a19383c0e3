// How far long computations are, for the front ends to show: a process-wide sink that the CLI (a bar on a
// terminal, JSON lines for wrappers), the explorer or the Python package installs, and stages that the
// computations open and advance. No sink (the default) costs one branch per report.
#pragma once

#include <functional>
#include <string>

namespace grassflow {

/// One report: `stage` names the work ("sweep flows", "training steps"), `done` of `total` units (total 0 when
/// unknown), `finished` on the stage's last report, `depth` the number of stages open around it (0: outermost;
/// a sweep's flows report at depth 1).
struct ProgressEvent {
  std::string stage;
  double done = 0.0, total = 0.0;
  bool finished = false;
  int depth = 0;
};

using ProgressSink = std::function<void(const ProgressEvent&)>;

/// Installs `sink` for every stage opened from now on (an empty function: none). Not thread-safe: call it
/// before starting work, from the thread that starts it.
void set_progress_sink(ProgressSink sink);

/// One stage of work, reported to the sink: when opened (done 0), at each set()/advance(), and when closed
/// (finished, done = total). Report from one thread only. Stages may nest; each reports on its own.
class ProgressStage {
 public:
  ProgressStage(std::string stage, double total);
  ~ProgressStage();
  ProgressStage(const ProgressStage&) = delete;
  ProgressStage& operator=(const ProgressStage&) = delete;

  /// `done` units of `total` are complete.
  void set(double done);
  /// `units` more are complete.
  void advance(double units = 1.0) { set(done_ + units); }

 private:
  ProgressEvent event() const;
  std::string stage_;
  double total_, done_ = 0.0;
  int depth_;
};

}  // namespace grassflow
