// Open MPI as the engine of grids (`phase`, `sweep`): `mpirun -np K grassflow phase ...` spreads the configurations
// over the ranks through a dynamic work queue (on rank 0 a service thread hands units out on request while the main
// thread computes units itself and records every result). MPI is initialised only when mpirun started the process
// (OMPI_COMM_WORLD_SIZE set: a singleton MPI_Init forks a daemon), and each rank dies with its parent
// (PR_SET_PDEATHSIG), so no orphan keeps computing when mpirun is killed. Built without MPI (GRASSFLOW_MPI off, the
// WebAssembly build), one process runs everything and a start by mpirun is refused with one line saying how to
// build with MPI. docs/cli.md, "Open MPI".
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace grassflow::cli {

/// Initialises MPI when mpirun started this process (else does nothing). Throws InputError when mpirun started a
/// build without MPI support.
void start_mpi();
/// Finalises MPI (when started).
void finish_mpi();
/// Ends the whole MPI job with `status` (MPI_Abort) after an error on one rank; does nothing outside MPI.
void abort_mpi(int status);

/// Whether `command` spreads its work over mpirun's ranks (train, phase, sweep, reproduce); under mpirun any other
/// command runs on rank 0 alone.
bool uses_mpi(const std::string& command);

/// Whether this process is one rank of an MPI job of more than one process.
bool mpi_active();
/// This process's rank (0 outside MPI): only rank 0 writes results and prints.
int mpi_rank();
/// The number of ranks (1 outside MPI).
int mpi_size();

/// Sums `count` doubles in place over the ranks, every rank receiving the same bits (a reduce to rank 0 then a
/// broadcast: an allreduce may associate the sum differently on different ranks). Collective: every rank calls it
/// alike. Outside MPI it leaves the values as they are.
void sum_over_ranks(double* values, std::size_t count);

/// Computes every unit and records its result: outside MPI, compute(u) then record(result) for each u of `units`
/// in order. Under MPI, a service thread of rank 0 hands the units of `units` out from the front (the other ranks'
/// `units` are ignored: they receive indices from rank 0) while rank 0's thread computes units from the back (give
/// `units` costliest first: the cheap ones keep rank 0's results flowing), and calls record() on rank 0 for every
/// result as it arrives (in no fixed order); the other ranks only compute, each asking for its next unit before it
/// computes the current one (one unit in reserve, so rank 0's answer is never waited for). Returns on every rank once
/// every unit is recorded. An exception in compute() on another rank ends the job (its message printed by rank 0,
/// MPI_Abort with status 2).
void run_units(const std::vector<std::size_t>& units, const std::function<nlohmann::json(std::size_t)>& compute,
               const std::function<void(const nlohmann::json&)>& record);

}  // namespace grassflow::cli
