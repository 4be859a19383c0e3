#include "mpi_job.h"

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>

#include "grassflow/errors.h"

#ifdef GRASSFLOW_MPI
// The C API only: Open MPI's deprecated C++ bindings would need libmpi_cxx.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#include <sys/prctl.h>

#include <csignal>
#endif

namespace grassflow::cli {

namespace {

bool started = false;
int rank = 0, size = 1;

// Set by mpirun (Open MPI) or another launcher's PMI.
bool launched_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr;
}

}  // namespace

bool mpi_active() {
  return started && size > 1;
}
int mpi_rank() {
  return rank;
}
int mpi_size() {
  return size;
}

#ifdef GRASSFLOW_MPI

namespace {

constexpr int kReady = 1, kResult = 2, kWork = 3;

void send_text(const std::string& text, int to, int tag) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

std::string receive_text(MPI_Status& status) {
  MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  std::string text(static_cast<std::size_t>(count), '\0');
  MPI_Recv(text.data(), count, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}

}  // namespace

void start_mpi() {
  if (!launched_by_mpirun()) return;
  MPI_Init(nullptr, nullptr);
  started = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  // Die with the launcher's daemon (killed with mpirun): no orphan keeps computing or writing.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
}

void finish_mpi() {
  if (started) MPI_Finalize();
  started = false;
}

void abort_mpi(int status) {
  if (mpi_active()) MPI_Abort(MPI_COMM_WORLD, status);
}

void run_units(const std::vector<std::size_t>& units, const std::function<nlohmann::json(std::size_t)>& compute,
               const std::function<void(const nlohmann::json&)>& record) {
  if (!mpi_active()) {
    for (std::size_t u : units) record(compute(u));
    return;
  }
  if (rank != 0) {
    send_text("", 0, kReady);
    for (;;) {
      long long unit = -1;
      MPI_Recv(&unit, 1, MPI_LONG_LONG, 0, kWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (unit < 0) return;
      std::string result;
      try {
        result = compute(static_cast<std::size_t>(unit)).dump();
      } catch (const std::exception& e) {
        result = nlohmann::json{{"error", e.what()}}.dump();
      }
      send_text(result, 0, kResult);
    }
  }
  std::deque<std::size_t> queue(units.begin(), units.end());
  int working = size - 1;  // ranks that have not been told to stop
  // Rank 0's own cost of dispatching (receive, record, send), for the benchmark (GRASSFLOW_MPI_STATS=1).
  double dispatch_seconds = 0.0;
  long dispatched = 0;
  // A message from a rank: a result (recorded) or its first request; either way it gets the next unit or stop.
  const auto serve = [&](MPI_Status& status, const std::string& text) {
    if (status.MPI_TAG == kResult) {
      const nlohmann::json result = nlohmann::json::parse(text);
      if (result.contains("error")) {
        std::fprintf(stderr, "grassflow: error: rank %d: %s\n", status.MPI_SOURCE,
                     result.at("error").get<std::string>().c_str());
        MPI_Abort(MPI_COMM_WORLD, 2);
      }
      record(result);
    }
    long long next = -1;
    if (!queue.empty()) {
      next = static_cast<long long>(queue.front());
      queue.pop_front();
    } else {
      --working;
    }
    MPI_Send(&next, 1, MPI_LONG_LONG, status.MPI_SOURCE, kWork, MPI_COMM_WORLD);
  };
  while (!queue.empty() || working > 0) {
    int waiting = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, &status);
    if (waiting || queue.empty()) {
      const std::string text = receive_text(status);
      const double begin = MPI_Wtime();
      serve(status, text);
      dispatch_seconds += MPI_Wtime() - begin;
      dispatched += status.MPI_TAG == kResult;
      continue;
    }
    const std::size_t unit = queue.front();  // nobody is asking: rank 0 computes one itself
    queue.pop_front();
    record(compute(unit));
  }
  if (std::getenv("GRASSFLOW_MPI_STATS"))
    std::fprintf(stderr, "{\"mpi_dispatched\": %ld, \"mpi_dispatch_seconds\": %.6e}\n", dispatched, dispatch_seconds);
}

#else

void start_mpi() {
  if (launched_by_mpirun())
    throw InputError(
        "this grassflow was built without MPI support, so mpirun would run K copies of the whole job; rebuild "
        "with Open MPI (apt install libopenmpi-dev; cmake -DGRASSFLOW_MPI=ON) or run it without mpirun");
}

void finish_mpi() {}

void abort_mpi(int) {}

void run_units(const std::vector<std::size_t>& units, const std::function<nlohmann::json(std::size_t)>& compute,
               const std::function<void(const nlohmann::json&)>& record) {
  for (std::size_t u : units) record(compute(u));
}

#endif

}  // namespace grassflow::cli
