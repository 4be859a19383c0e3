#include <cstdio>

#include "commands.h"
#include "grassflow/kernels.h"
#include "grassflow/version.h"
#include "provenance.h"

namespace grassflow::cli {

void add_version_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("version", "Print the version, the commit and the build");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "print {version, commit, build, ...} as JSON");
  cmd->callback([cmd, json] {
    if (*json)
      print_json(*cmd, nlohmann::json::object());
    else
      std::printf("grassflow %s (commit %s; %s build, SIMD target %s)\n", version(), commit(), build_target(),
                  simd_target());
  });
}

}  // namespace grassflow::cli
