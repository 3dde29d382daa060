// `fa-check run` (cli/run_command.hpp): files in, run_problem, files and a summary out.
#include "cli/run_command.hpp"

#include "io/matrix_convert.hpp"
#include "run/inputs.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace fa::cli {

namespace {

/// Progress on stderr: only when stderr is a terminal (or when asked), at most ten updates a
/// second.
class Progress {
 public:
  Progress(const std::string& mode, long total) : total_(total) {
    enabled_ = mode == "always" || (mode == "auto" && isatty(STDERR_FILENO) == 1);
  }
  bool enabled() const { return enabled_; }
  void update(long done, double loss) {
    const auto now = std::chrono::steady_clock::now();
    if (shown_ && now - last_ < std::chrono::milliseconds(100) && done != total_) return;
    last_ = now;
    shown_ = true;
    std::fprintf(stderr, "\rfa-check: step %ld/%ld (%3d%%)  loss %.6e   ", done, total_,
                 total_ > 0 ? static_cast<int>(100.0 * static_cast<double>(done) /
                                               static_cast<double>(total_))
                            : 100,
                 loss);
    std::fflush(stderr);
  }
  void finish() {
    if (shown_) {
      std::fprintf(stderr, "\n");
      std::fflush(stderr);
    }
  }

 private:
  long total_;
  bool enabled_ = false;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_;
};

/// summary.json's fields (summary_fields): every number as full-precision text, "" for none.
struct JsonFields {
  nlohmann::json j;
  void text(const char* key, const std::string& v) { j[key] = v; }
  template <class I>
  void integer(const char* key, I v) {
    j[key] = v;
  }
  void step(const char* key, long v) { j[key] = v; }
  template <class U>
  void number(const char* key, const U& v, bool present) {
    j[key] = present ? to_text(v) : std::string();
  }
};

}  // namespace

template <class T>
int run_check(const run::RunOptions& opt) {
    if (opt.progress != "auto" && opt.progress != "always" && opt.progress != "never")
    run::refuse("--progress '" + opt.progress + "': expected auto, always or never");
  if (!opt.format.empty()) io::parse_format(opt.format);  // refuse a bad --format before the run
  run::RunInputs<T> in;
  in.opt = opt;
  in.spelling = run::Spelling::cli;
  in.y = run::file_source<T>(opt.y_file, opt.bits);
  in.b = run::file_source<T>(opt.b_file, opt.bits);
  in.z0 = run::file_source<T>(opt.z0_file, opt.bits);
  in.w0 = run::file_source<T>(opt.w0_file, opt.bits);
  in.x = run::file_source<T>(opt.x_file, opt.bits);

  // Progress (discrete runs only: Odeint integrates between observations in one call).
  Progress bar(opt.progress, static_cast<long>(opt.steps));
  run::ProgressHook hook;
  if (bar.enabled() && !run::is_flow_algo(opt.algo))
    hook = [&bar](double done, double, double loss) { bar.update(static_cast<long>(done), loss); };
  const run::RunOutcome<T> o = run::run_problem<T>(in, hook);
  bar.finish();

  // ---- output files ----
  std::vector<std::string> written;
  if (!opt.out_dir.empty()) {
    io::Format out_format = opt.y_file.empty() ? io::Format::csv : io::format_of_path(opt.y_file);
    if (!opt.format.empty()) out_format = io::parse_format(opt.format);
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(opt.out_dir, ec);
    if (ec || !fs::is_directory(opt.out_dir))
      run::refuse("--out " + opt.out_dir + ": cannot create the directory (" + ec.message() + ")");
    const fs::path dir(opt.out_dir);
    auto save = [&](const char* name, const Mat<T>& M) {
      const std::string path = (dir / (std::string(name) + io::extension(out_format))).string();
      io::write_eigen<T>(path, out_format, M);
      written.push_back(path);
      if (out_format == io::Format::npy && !std::is_same_v<T, double>) {
        // .npy holds float64 only: keep the full-precision values beside it.
        const std::string full = (dir / (std::string(name) + ".csv")).string();
        io::write_eigen<T>(full, io::Format::csv, M);
        written.push_back(full);
      }
    };
    save("Z", o.final.Z);
    save("W", o.final.W);
    save("B", o.B);
    if (opt.save_y) save("Y", o.Y);
    if (opt.save_y && o.X.size()) save("X", o.X);  // a network's (generated) data

    const std::string trace_path = (dir / "trace.csv").string();
    std::ofstream trace(trace_path);
    trace << (o.flow ? "time" : "step") << ",loss,feedback_residual,alignment,cos_z_b,opt_r\n";
    for (std::size_t i = 0; i < o.rows.size(); ++i) {
      const TraceRow<T>& row = o.rows[i];
      trace << (o.flow ? to_text(o.times[i]) : std::to_string(row.step)) << ',' << to_text(row.loss)
            << ',' << to_text(row.feedback_residual) << ',' << to_text(row.alignment) << ','
            << to_text(row.cos_z_b) << ',' << to_text(o.opt_r) << '\n';
    }
    trace.flush();
    if (!trace) throw io::MatrixIoError(trace_path + ": write failed");
    written.push_back(trace_path);

    JsonFields fields;
    run::summary_fields(o, fields);
    const nlohmann::json& j = fields.j;
    const std::string summary_path = (dir / "summary.json").string();
    std::ofstream summary(summary_path);
    summary << j.dump(2) << '\n';
    summary.flush();
    if (!summary) throw io::MatrixIoError(summary_path + ": write failed");
    written.push_back(summary_path);
  }

  // ---- summary ----
  std::ostringstream text;
  text << run::summary_text(o);
  for (const std::string& w : written) text << "wrote       " << w << "\n";
  std::cout << text.str() << std::flush;
  return o.status == RunStatus::diverged ? exit_diverged : exit_ok;
}

template int run_check<double>(const run::RunOptions&);
template int run_check<MpVar>(const run::RunOptions&);

}  // namespace fa::cli
