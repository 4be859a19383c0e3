#include "mpi_job.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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

bool uses_mpi(const std::string& command) {
  return command == "train" || command == "phase" || command == "sweep" || command == "reproduce";
}

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
  // All ranks on this machine (Open MPI's local size = world size): its shared-memory transport (pml ob1 over the
  // vader btl) is the one used anyway, and choosing it skips the probing of network transports, which takes most
  // of MPI_Init. Every rank sees the same variables, so all choose alike; a pml the user chose is kept.
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  const char* world = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (local && world && std::string(local) == world) setenv("OMPI_MCA_pml", "ob1", /*overwrite=*/0);
  // Rank 0 answers the other ranks from a service thread while its main thread computes (run_units); only one
  // thread calls MPI at a time.
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
  if (provided < MPI_THREAD_SERIALIZED) {
    MPI_Finalize();
    throw InputError(
        "this MPI library does not allow MPI calls from a second thread (MPI_THREAD_SERIALIZED), "
        "which grassflow's dispatcher needs; use Open MPI as Debian ships it");
  }
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

void sum_over_ranks(double* values, std::size_t count) {
  if (!mpi_active()) return;
  std::vector<double> total(rank == 0 ? count : 0);
  for (std::size_t done = 0; done < count;) {  // MPI counts are ints
    const int part = static_cast<int>(std::min<std::size_t>(count - done, 1u << 30));
    MPI_Reduce(values + done, rank == 0 ? total.data() + done : nullptr, part, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    done += static_cast<std::size_t>(part);
  }
  if (rank == 0) std::copy(total.begin(), total.end(), values);
  for (std::size_t done = 0; done < count;) {
    const int part = static_cast<int>(std::min<std::size_t>(count - done, 1u << 30));
    MPI_Bcast(values + done, part, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    done += static_cast<std::size_t>(part);
  }
}

void run_units(const std::vector<std::size_t>& units, const std::function<nlohmann::json(std::size_t)>& compute,
               const std::function<void(const nlohmann::json&)>& record) {
  if (!mpi_active()) {
    for (std::size_t u : units) record(compute(u));
    return;
  }
  if (rank != 0) {
    // One unit in reserve: the request for the next unit goes out before this one is computed, so rank 0's answer
    // (from a thread that naps between polls) arrives while this rank computes, and it never waits for it.
    send_text("", 0, kReady);
    for (;;) {
      long long unit = -1;
      MPI_Recv(&unit, 1, MPI_LONG_LONG, 0, kWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (unit < 0) return;
      send_text("", 0, kReady);  // the reserve: answered while this unit is computed
      std::string result;
      try {
        result = compute(static_cast<std::size_t>(unit)).dump();
      } catch (const std::exception& e) {
        result = nlohmann::json{{"error", e.what()}}.dump();
      }
      send_text(result, 0, kResult);
    }
  }
  // Rank 0: a service thread answers the other ranks (the only thread that calls MPI meanwhile: the job runs
  // MPI_THREAD_SERIALIZED) while this thread computes units itself, the cheapest left first, so that nobody waits
  // for rank 0 to finish a unit before getting the next. Results reach record() on this thread only (it writes
  // files and reports progress), after each of its own units and as they arrive once the queue is empty.
  std::mutex lock;  // guards queue, inbox, failure, done
  std::condition_variable arrived;
  std::deque<std::size_t> queue(units.begin(), units.end());
  std::vector<nlohmann::json> inbox;
  std::string failure;
  bool done = false;
  // Rank 0's own cost of dispatching (receive, parse, send), for the benchmark (GRASSFLOW_MPI_STATS=1).
  double dispatch_seconds = 0.0;
  long dispatched = 0;
  std::thread service([&] {
    int working = size - 1;  // ranks that have not been told to stop
    long in_flight = 0;      // units handed out whose results have not arrived
    // Open MPI's blocking probe spins a core, which this rank's computing thread needs: poll, then nap, the naps
    // growing while nothing arrives (the other ranks hold a unit in reserve, so a late answer costs them nothing).
    auto nap = std::chrono::microseconds(50);
    while (working > 0 || in_flight > 0) {
      int waiting = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, &status);
      if (!waiting) {
        std::this_thread::sleep_for(nap);
        nap = std::min(nap * 2, std::chrono::microseconds(3200));
        continue;
      }
      nap = std::chrono::microseconds(50);
      const std::string text = receive_text(status);
      const double begin = MPI_Wtime();
      if (status.MPI_TAG == kResult) {
        nlohmann::json result = nlohmann::json::parse(text);
        --in_flight;
        ++dispatched;
        {
          const std::lock_guard<std::mutex> guard(lock);
          if (result.contains("error")) {
            failure = "rank " + std::to_string(status.MPI_SOURCE) + ": " + result.at("error").get<std::string>();
            queue.clear();
          } else {
            inbox.push_back(std::move(result));
          }
        }
        arrived.notify_one();
      } else {  // kReady: a request for a unit
        long long next = -1;
        {
          const std::lock_guard<std::mutex> guard(lock);
          if (!queue.empty()) {
            next = static_cast<long long>(queue.front());
            queue.pop_front();
          }
        }
        if (next < 0)
          --working;
        else
          ++in_flight;
        MPI_Send(&next, 1, MPI_LONG_LONG, status.MPI_SOURCE, kWork, MPI_COMM_WORLD);
      }
      dispatch_seconds += MPI_Wtime() - begin;
    }
    const std::lock_guard<std::mutex> guard(lock);
    done = true;
    arrived.notify_one();
  });
  const auto drain = [&](std::unique_lock<std::mutex>& held) {
    std::vector<nlohmann::json> results;
    results.swap(inbox);
    held.unlock();
    for (const nlohmann::json& result : results) record(result);
    held.lock();
  };
  std::unique_lock<std::mutex> held(lock);
  while (!queue.empty()) {
    const std::size_t unit = queue.back();
    queue.pop_back();
    held.unlock();
    nlohmann::json result;
    try {
      result = compute(unit);
    } catch (...) {
      held.lock();
      queue.clear();  // the other ranks are told to stop; the error is this rank's to report
      held.unlock();
      service.join();
      throw;
    }
    record(result);
    held.lock();
    drain(held);
  }
  while (!done || !inbox.empty()) {
    arrived.wait(held, [&] { return done || !inbox.empty(); });
    drain(held);
  }
  held.unlock();
  service.join();
  if (!failure.empty()) {
    std::fprintf(stderr, "grassflow: error: %s\n", failure.c_str());
    MPI_Abort(MPI_COMM_WORLD, 2);
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

void sum_over_ranks(double*, std::size_t) {}

void run_units(const std::vector<std::size_t>& units, const std::function<nlohmann::json(std::size_t)>& compute,
               const std::function<void(const nlohmann::json&)>& record) {
  for (std::size_t u : units) record(compute(u));
}

#endif

}  // namespace grassflow::cli
