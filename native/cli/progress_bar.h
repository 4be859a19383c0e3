// The CLI's view of long work (core's progress.h): a bar on stderr when it is a terminal, JSON lines for
// wrappers, or nothing. Selected by the global flags --progress auto|json|none and --quiet (docs/cli.md,
// "Progress").
#pragma once

#include <string>

namespace grassflow::cli {

enum class ProgressMode {
  automatic,  ///< a bar on stderr when stderr is a terminal, once a stage has run for a second; else nothing
  json,       ///< {"progress": {...}} lines on stderr: each stage's start and end, and at most 2 updates a second
  none,       ///< nothing (--quiet)
};

/// Reads a --progress value ("auto", "json", "none"). Throws InputError("progress", ...) otherwise.
ProgressMode parse_progress_mode(const std::string& text);

/// Installs the sink for `mode` (set_progress_sink), writing to stderr.
void install_progress(ProgressMode mode);

}  // namespace grassflow::cli
