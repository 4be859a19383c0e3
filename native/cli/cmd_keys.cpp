// `grassflow keys`: the experiment key table (experiment.h), which the CLI's options, the explorer's URL state
// and docs/experiment.md share: as text, as JSON for tools, or as the Markdown table the docs hold.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.h"
#include "grassflow/experiment.h"

namespace grassflow::cli {

void add_keys_command(CLI::App& app) {
  auto format = std::make_shared<std::string>("text");
  CLI::App* cmd = app.add_subcommand(
      "keys", "The experiment keys shared by the CLI flags, the explorer's URL and the docs (docs/experiment.md)");
  auto* json = cmd->add_flag_callback(
      "--json", [format] { *format = "json"; }, "print the table as JSON");
  cmd->add_flag_callback(
         "--markdown", [format] { *format = "markdown"; }, "print docs/experiment.md's table")
      ->excludes(json);
  cmd->callback([format] {
    if (*format == "markdown") {
      std::printf("%s", experiment_keys_markdown().c_str());
      return;
    }
    if (*format == "json") {
      nlohmann::json keys = nlohmann::json::array();
      for (const ExperimentKey& k : experiment_keys())
        keys.push_back({{"name", k.name},
                        {"type", k.type},
                        {"range", k.range},
                        {"default", k.default_text},
                        {"help", k.help},
                        {"doc", k.doc},
                        {"browser_limit", k.browser_limit},
                        {"commands", k.commands}});
      std::printf("%s\n", keys.dump().c_str());
      return;
    }
    for (const ExperimentKey& k : experiment_keys())
      std::printf("%-10s %-13s %-40s default %s\n", k.name, k.type, k.range,
                  *k.default_text ? k.default_text : "(none)");
  });
}

}  // namespace grassflow::cli
