// fa-bench's peers (issues 7, 12, 23): the same FA steps, whole runs and deep-network steps in
// numpy (OpenBLAS one thread / all cores, the reference BLAS), PyTorch and the BLAS rooflines
// (OpenBLAS's and BLIS's GEMM), each in its own /usr/bin/python3 process (bench/peers.py) on an
// instance written here; and the Python user-claim rows (python/bench/user_claim_bench.py).
#pragma once

#include "bench/table.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fa::bench {

struct PeerOptions {
  std::string python = "/usr/bin/python3";
  std::string peer_filter;  // run only the peer rows whose "SHAPE PEER" contains it
  std::filesystem::path work_dir = std::filesystem::temp_directory_path() / "fa-bench";
  /// Pass OPENBLAS_CORETYPE from our environment to the peers (--openblas-coretype-from-env);
  /// by default the peers run with OpenBLAS's own kernel choice.
  bool openblas_coretype_from_env = false;
};

/// Runs every selected peer beside our side and appends their rows. Returns false when a peer's
/// final factors disagree with ours (the row's note says DISAGREES).
bool add_peer_rows(const PeerOptions& options, std::vector<Row>& rows);

/// The user-claim rows of python/bench/user_claim_bench.py (run against fa-user-twin), printed
/// and appended to `out` as the script wrote them; a failure of the script goes to `errors`.
void add_user_claim_rows(const std::string& python, nlohmann::json& out,
                         std::vector<std::string>& errors);

}  // namespace fa::bench
