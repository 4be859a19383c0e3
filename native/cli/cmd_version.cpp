#include <cstdio>

#include "commands.h"
#include "grassflow/version.h"

namespace grassflow::cli {

void add_version_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("version", "Print the core version and build");
  cmd->callback([] { std::printf("grassflow %s (%s)\n", version(), build_target()); });
}

}  // namespace grassflow::cli
