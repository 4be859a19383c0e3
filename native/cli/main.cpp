// Entry point of the `grassflow` command-line tool: parses, dispatches, and maps errors to exit codes.
#include <cstdio>
#include <exception>

#include "commands.h"
#include "grassflow/errors.h"

int main(int argc, char** argv) {
  CLI::App app{"grassflow: gradient flow on Gaussian multi-index models (Bietti, Bruna, Pillaud-Vivien 2023)"};
  app.require_subcommand(1);
  grassflow::cli::add_version_command(app);
  grassflow::cli::add_hermite_command(app);
  grassflow::cli::add_train_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "grassflow: error: %s (see grassflow --help)\n", e.what());
    return 2;
  } catch (const grassflow::InputError& e) {
    std::fprintf(stderr, "grassflow: error: %s\n", e.what());
    return 2;
  } catch (const grassflow::LimitError& e) {
    std::fprintf(stderr, "grassflow: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "grassflow: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
