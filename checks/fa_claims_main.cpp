// fa-claims: the command line over the claim registry (checks/claim_runner.hpp).
#include "checks/claim_runner.hpp"
#include "checks/schwartz_zippel.hpp"
#include "core/child_process.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  using namespace fa;
  die_with_parent_if_asked("fa-claims");
  CLI::App app{"fa-claims: check the claims of docs/claims.md"};
  app.require_subcommand(1);

  auto* list = app.add_subcommand("list", "list the claims, their scalars and falsifiers");
  bool list_json = false;
  list->add_flag("--json", list_json, "as a JSON array (id, title, source, statement, ...)");

  std::string id, scalar = "double", falsifier, reproduce;
  std::uint64_t seed = 0;
  int cases = 0;
  bool no_report = false;
  auto* run = app.add_subcommand("run", "check one claim in one scalar type");
  run->add_option("id", id, "claim id, e.g. A4")->required();
  run->add_option("--scalar", scalar, "double, mp or exact")->capture_default_str();
  run->add_option("--falsifier", falsifier, "run a falsifier instead (the check must flip)");
  auto* seed_opt = run->add_option("--seed", seed, "RapidCheck seed (default: from the id)");
  run->add_option("--cases", cases, "number of cases (default: the claim's, times FA_DEPTH)");
  run->add_option("--reproduce", reproduce, "RapidCheck reproduce string from a failure");
  run->add_flag("--no-report", no_report, "do not write report/parts/");
  std::string json_out;
  run->add_option("--json", json_out,
                  "also write the run's report fragment, plus as_expected, to this file (for any "
                  "run, falsifiers included)");

  auto* ladder = app.add_subcommand("ladder", "precision ladder of an exact identity");
  ladder->add_option("id", id)->required();
  ladder->add_option("--falsifier", falsifier, "ladder of a falsified (approximate) identity");
  ladder->add_flag("--no-report", no_report, "do not write report/parts/");
  ladder->add_option("--json", json_out, "also write the ladder's fragment to this file");

  auto* proof = app.add_subcommand("proof", "the claim's symbolic proof (SymPy, every shape)");
  proof->add_option("id", id)->required();
  proof->add_flag("--no-report", no_report, "do not write report/parts/");

  int points = 0;
  auto* sz = app.add_subcommand(
      "sz",
      "Schwartz-Zippel check of the implementation on a polynomial identity, all shapes "
      "n, m <= 4 (deep claims: depth <= 5, widths <= 3), in exact rationals");
  sz->add_option("id", id)->required();
  sz->add_option("--falsifier", falsifier, "run a falsifier (a non-zero residual must be found)");
  auto* sz_seed = sz->add_option("--seed", seed, "seed of the points (default: from the id)");
  sz->add_option("--points", points, "points per shape (default: enough for 2^-1000)");
  sz->add_flag("--no-report", no_report, "do not write report/parts/");

  auto* ties = app.add_subcommand(
      "ties", "tie the double and MPFR steps to the proved Rational step (exact points)");
  auto* ties_seed = ties->add_option("--seed", seed, "seed of the points");
  ties->add_flag("--no-report", no_report, "do not write report/parts/");

  auto* proof_index = app.add_subcommand(
      "proof-index", "check that every proof script and its claim name each other");

  long power_cases = 1010;
  double power_level = 0.99;
  auto* power = app.add_subcommand(
      "power",
      "measure the probability that one random case refutes: draw --cases cases as the property "
      "draws them, count the refuting ones (no stopping, no shrinking)");
  power->add_option("id", id)->required();
  power->add_option("--scalar", scalar, "double, mp or exact")->capture_default_str();
  power->add_option("--cases", power_cases, "cases to draw (a multiple of 101)")
      ->capture_default_str();
  power->add_option("--level", power_level, "two-sided level of the Clopper-Pearson interval")
      ->capture_default_str();
  power->add_option("--falsifier", falsifier, "measure a falsifier's variant instead");
  auto* power_seed = power->add_option("--seed", seed, "seed (default: the property's)");
  power->add_option("--json", json_out, "also write the tally to this file");

  auto* pinned = app.add_subcommand("pinned", "replay the claim's pinned cases (fixed recipes)");
  pinned->add_option("id", id)->required();
  pinned->add_option("--falsifier", falsifier,
                     "with a falsifier (a pinned case must stop behaving)");
  pinned->add_flag("--no-report", no_report, "do not write report/parts/");

  auto* power_index = app.add_subcommand(
      "power-index", "check that every conjecture records the measured power its budget needs");

  std::uint64_t sweep_seed = 0;
  auto* sweep = app.add_subcommand(
      "sweep", "every FA_SEED-dependent job with FA_SEED=SEED (one seed of the seed sweep)");
  sweep->add_option("seed", sweep_seed, "the FA_SEED value")->required();
  sweep->add_flag("--no-report", no_report, "do not write report/parts/");

  RunAllOptions all;
  std::string shard_text;
  auto* run_all_cmd = app.add_subcommand(
      "run-all", "run every claim in every scalar and every precision ladder (or a shard of them)");
  run_all_cmd
      ->add_option("--shard", shard_text,
                   "i/n: run only jobs j with j mod n = i (default: $FA_SHARD, else 0/1); for "
                   "job arrays, e.g. --shard $SLURM_ARRAY_TASK_ID/16")
      ->envname("FA_SHARD");
  run_all_cmd->add_option("--scalar", all.scalars, "only these: double, mp, exact, ladder");
  run_all_cmd->add_option("--only", all.ids, "only these claim ids (e.g. --only A4 R1)");
  run_all_cmd->add_flag("--quick", all.quick_only, "leave out the slow claims");
  run_all_cmd->add_flag("--dry-run", all.dry_run, "list this shard's jobs, run nothing");

  std::string include_file, binary;
  auto* ctest = app.add_subcommand("ctest-include", "write ctest registrations (build step)");
  ctest->add_option("file", include_file)->required();
  ctest->add_option("binary", binary)->required();

  CLI11_PARSE(app, argc, argv);
  try {
    if (*list && list_json) {
      nlohmann::json all = nlohmann::json::array();
      for (const auto& c : claim_registry()) {
        const ClaimSpec& spec = c.spec;
        nlohmann::json scalars = nlohmann::json::array(), falsifiers = nlohmann::json::array();
        for (const auto& [name, runner] : c.scalars) scalars.push_back(name);
        for (const auto& f : spec.falsifiers)
          falsifiers.push_back({{"name", f.name}, {"description", f.description}});
        all.push_back({{"id", spec.id},
                       {"title", spec.title},
                       {"source", source_name(spec.source)},
                       {"statement", spec.statement},
                       {"hypotheses", spec.hypotheses},
                       {"recipe", spec.recipe},
                       {"scalars", scalars},
                       {"falsifiers", falsifiers},
                       {"ladder", spec.ladder},
                       {"slow", spec.slow},
                       {"expected", spec.expected_to_hold() ? "holds" : "refuted"},
                       {"proof", spec.proof.empty() ? nlohmann::json(nullptr)
                                                    : nlohmann::json(spec.proof)},
                       {"polynomial",
                        spec.polynomial ? nlohmann::json{{"degree", spec.polynomial->degree},
                                                         {"residual", spec.polynomial->residual}}
                                        : nlohmann::json(nullptr)},
                       {"cases",
                        {{"double", spec.cases_double},
                         {"mp", spec.cases_mp},
                         {"exact", spec.cases_exact}}}});
      }
      std::cout << all.dump(2) << "\n";
      return 0;
    }
    if (*list) {
      for (const auto& c : claim_registry()) {
        std::cout << c.spec.id << "\t" << source_name(c.spec.source) << "\t" << c.spec.title
                  << "\n  scalars:";
        for (const auto& [name, runner] : c.scalars) std::cout << " " << name;
        std::cout << "\n";
        for (const auto& f : c.spec.falsifiers)
          std::cout << "  falsifier " << f.name << ": " << f.description << "\n";
        if (!c.spec.proof.empty()) std::cout << "  symbolic proof: " << c.spec.proof << "\n";
        if (c.spec.polynomial)
          std::cout << "  polynomial identity (Schwartz-Zippel): " << c.spec.polynomial->residual
                    << ", degree " << c.spec.polynomial->degree << "\n";
      }
      return 0;
    }
    if (*run) {
      std::optional<std::uint64_t> s;
      if (seed_opt->count()) s = seed;
      return run_claim(id, scalar, falsifier, s, cases, reproduce, !no_report, json_out);
    }
    if (*ladder) return run_ladder(id, falsifier, !no_report, json_out);
    if (*proof) return run_proof(id, !no_report);
    if (*sz) {
      std::optional<std::uint64_t> s;
      if (sz_seed->count()) s = seed;
      return run_schwartz_zippel(id, falsifier, s, points, !no_report && falsifier.empty());
    }
    if (*ties) {
      std::optional<std::uint64_t> s;
      if (ties_seed->count()) s = seed;
      return run_ties(s, !no_report);
    }
    if (*proof_index) return check_proof_index();
    if (*power) {
      std::optional<std::uint64_t> s;
      if (power_seed->count()) s = seed;
      return run_power(id, scalar, falsifier, power_cases, s, power_level, json_out);
    }
    if (*pinned) return run_pinned(id, falsifier, !no_report);
    if (*power_index) return check_power_index();
    if (*sweep) return run_sweep(sweep_seed, !no_report);
    if (*run_all_cmd) {
      if (!shard_text.empty()) all.shard = parse_shard(shard_text);
      return run_all(all);
    }
    if (*ctest) {
      write_ctest_include(include_file, binary);
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "fa-claims: error: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
