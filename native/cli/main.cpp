// Entry point of the `grassflow` command-line tool: parses, dispatches, and maps errors to exit codes.
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>

#include "commands.h"
#include "grassflow/errors.h"
#include "mpi_job.h"
#include "progress_bar.h"
#include "provenance.h"

namespace {

// "version, hermite, train": the subcommands in the order they were added.
std::string command_names(CLI::App& app) {
  std::string names;
  for (const CLI::App* sub : app.get_subcommands({})) names += (names.empty() ? "" : ", ") + sub->get_name();
  return names;
}

// The subcommand named on the command line ("" if none). A word that names none is refused here: CLI11
// would only say that a subcommand is required.
std::string named_command(CLI::App& app, int argc, char** argv) {
  // The global flags may come first: `grassflow --quiet sweep ...`.
  int at = 1;
  while (at < argc && (std::string(argv[at]) == "--quiet" || std::string(argv[at]).rfind("--progress=", 0) == 0 ||
                       (std::string(argv[at]) == "--progress" && ++at < argc)))
    ++at;
  if (at >= argc) return "";
  const std::string first = argv[at];
  if (first == "-h" || first == "--help" || first == "--help-all") return "";
  if (first[0] == '-')
    throw grassflow::InputError("unknown option '" + first + "'; give a command first: one of " + command_names(app) +
                                " (see grassflow --help)");
  for (const CLI::App* sub : app.get_subcommands({}))
    if (sub->get_name() == first) return first;
  throw grassflow::InputError("unknown command '" + first + "'; commands are " + command_names(app) +
                              " (see grassflow --help)");
}

// CLI11's messages made to name the flag first and to say where the fix is: "--d: cannot read '1e12' as
// this flag's value; see grassflow train --help" instead of "Could not convert: --d = 1e12".
std::string usage_message(const CLI::ParseError& e, CLI::App& app, int argc, char** argv) {
  const std::string command = named_command(app, argc, argv);
  const std::string help = command.empty() ? "grassflow --help" : "grassflow " + command + " --help";
  const std::string what = e.what(), convert = "Could not convert: ";
  const std::size_t eq = what.find(" = ");
  if (what.compare(0, convert.size(), convert) == 0 && eq != std::string::npos)
    return what.substr(convert.size(), eq - convert.size()) + ": cannot read '" + what.substr(eq + 3) +
           "' as this flag's value; see " + help;
  // A flag given twice: "--steps: At Most 1 required but received 2".
  const std::string repeated = ": At Most 1 required but received ";
  if (const std::size_t at = what.find(repeated); at != std::string::npos)
    return what.substr(0, at) + ": given " + what.substr(at + repeated.size()) + " times; give it once (see " + help +
           ")";
  if (what == "A subcommand is required")
    return "a command is required: one of " + command_names(app) + "; see " + help;
  return what + " (see " + help + ")";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"grassflow: gradient flow on Gaussian multi-index models (Bietti, Bruna, Pillaud-Vivien 2023)"};
  app.require_subcommand(1);
  // Every option's default is kept as text, for the `resolved` field of the outputs' provenance.
  app.option_defaults()->always_capture_default();
  grassflow::cli::record_command_line(argc, argv);
  // --progress and --quiet are global: accepted after any command too (fallthrough to the app).
  app.fallthrough();
  std::string progress = "auto";
  bool quiet = false;
  app.add_option("--progress", progress,
                 "progress of long work on stderr: auto (a bar when stderr is a terminal), json (lines for wrappers), "
                 "none");
  app.add_flag("--quiet", quiet, "no progress output (warnings and errors are still printed)");
  app.parse_complete_callback([&] {
    const grassflow::cli::ProgressMode mode = grassflow::cli::parse_progress_mode(progress);
    // Under mpirun only rank 0 reports.
    grassflow::cli::install_progress(quiet || grassflow::cli::mpi_rank() != 0 ? grassflow::cli::ProgressMode::none
                                                                              : mode);
  });
  grassflow::cli::add_version_command(app);
  grassflow::cli::add_hermite_command(app);
  grassflow::cli::add_train_command(app);
  grassflow::cli::add_predict_command(app);
  grassflow::cli::add_loss_command(app);
  grassflow::cli::add_flow_command(app);
  grassflow::cli::add_sweep_command(app);
  grassflow::cli::add_reproduce_command(app);
  grassflow::cli::add_phase_command(app);
  grassflow::cli::add_merge_command(app);
  grassflow::cli::add_keys_command(app);
  int status = 0;
  std::string error;   // printed after the try: under mpirun, once for the job
  bool alone = false;  // under mpirun, a command that rank 0 runs alone
  try {
    grassflow::cli::start_mpi();
    const std::string command = named_command(app, argc, argv);
    // Under mpirun, the commands that share their work over the ranks run on every rank; any other (help too) runs
    // on rank 0 alone, saying so, while the other ranks leave at once.
    if (grassflow::cli::mpi_active() && !grassflow::cli::uses_mpi(command)) {
      if (grassflow::cli::mpi_rank() != 0) {
        grassflow::cli::finish_mpi();
        return 0;
      }
      std::fprintf(stderr, "grassflow: warning: %s does not share its work over mpirun's ranks; rank 0 runs it alone\n",
                   command.empty() ? "grassflow" : command.c_str());
      alone = true;
    }
    app.parse(argc, argv);
    status = grassflow::cli::command_exit_status();
  } catch (const CLI::CallForHelp& e) {
    status = app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    status = app.exit(e);
  } catch (const CLI::ParseError& e) {
    error = "grassflow: error: " + usage_message(e, app, argc, argv);
    status = 2;
  } catch (const grassflow::InputError& e) {
    error = "grassflow: error: " + grassflow::user_message(e, grassflow::Surface::cli);
    status = 2;
  } catch (const grassflow::LimitError& e) {
    error = "grassflow: error: " + grassflow::user_message(e, grassflow::Surface::cli);
    status = 2;
  } catch (const std::exception& e) {
    error = std::string("grassflow: internal error: ") + e.what();
    status = 1;
  }
  // Under mpirun, an error on one rank ends every rank (the others may be waiting for it). Bad input fails alike on
  // every rank: rank 0 reports it and ends the job at once, while the others wait, so that it is printed once; an
  // error of another rank's own (rank 0 waiting for it) is printed by that rank after the wait. The wait is long
  // enough for a rank 0 slowed by a loaded machine (half a second was not, once, on 2 busy cores).
  const bool shared = grassflow::cli::mpi_active() && !alone;
  if (status != 0 && shared && grassflow::cli::mpi_rank() != 0) std::this_thread::sleep_for(std::chrono::seconds(5));
  if (!error.empty()) std::fprintf(stderr, "%s\n", error.c_str());
  if (status != 0 && shared) {
    std::fflush(stderr);
    grassflow::cli::abort_mpi(status);
  }
  grassflow::cli::finish_mpi();
  return status;
}
