#include "grassflow/progress.h"

#include <utility>

namespace grassflow {

namespace {

ProgressSink& sink() {
  static ProgressSink installed;
  return installed;
}

// Stages open now on this thread: each thread (a Python thread running its own flow) nests its own stages.
thread_local int open_stages = 0;

}  // namespace

void set_progress_sink(ProgressSink installed) {
  sink() = std::move(installed);
}

ProgressStage::ProgressStage(std::string stage, double total)
    : stage_(std::move(stage)), total_(total), depth_(open_stages++) {
  if (sink()) sink()(event());
}

ProgressStage::~ProgressStage() {
  --open_stages;
  if (!sink()) return;
  ProgressEvent last = event();
  last.done = total_ > 0.0 ? total_ : done_;
  last.finished = true;
  sink()(last);
}

void ProgressStage::set(double done) {
  done_ = done;
  if (sink()) sink()(event());
}

ProgressEvent ProgressStage::event() const {
  return {stage_, done_, total_, false, depth_};
}

}  // namespace grassflow
