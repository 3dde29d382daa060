// faverify._core: the Python module over fa-verify's C++ (python/faverify/__init__.py is the
// package users import). A layer, not a second implementation: a run is run::run_problem, the
// same function `fa-check run` calls; an instance is fa::materialise, as the claims and fa-check
// draw it. The claims are run by the fa-claims executable (python/faverify/__init__.py says why).
//
// Threads and signals: every run releases the GIL. A progress hook runs during the run; at most
// every 50 ms it takes the GIL back, calls PyErr_CheckSignals (Ctrl-C: the run stops and
// KeyboardInterrupt is raised) and the user's progress callback (at most every 100 ms).
// MPFR's working precision is process-wide in Boost 1.74 (not thread-local), so MPFR runs hold
// one lock while they run; they wait for it without the GIL.
#include "python/src/arrays.hpp"
#include "python/src/bindings.hpp"

#include "certify/certificates.hpp"
#include "run/deep_run.hpp"
#include "run/inputs.hpp"
#include "run/run.hpp"
#include "core/linalg.hpp"
#include "generators/instance.hpp"
#include "regimes/lillicrap.hpp"

#include <pybind11/eigen.h>
#include <pybind11/stl.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <optional>

namespace fa::py_module {

using namespace pybind11::literals;

// ---- errors -----------------------------------------------------------------------------------

namespace {

/// faverify.InputError, kept as a raw, never-released reference: a static py::object would be
/// released after the interpreter has shut down.
PyObject*& input_error_type() {
  static PyObject* type = nullptr;
  return type;
}

[[noreturn]] void type_error(const std::string& msg) {
  throw py::type_error(msg);
}

}  // namespace

[[noreturn]] void input_error(const std::string& msg) {
  throw run::UsageError(msg);
}

std::mutex& mpfr_mutex() {
  static std::mutex mutex;
  return mutex;
}

// ---- arrays -----------------------------------------------------------------------------------

ArrayInput check_array(const py::object& obj, const std::string& name, int bits) {
  py::array arr;
  if (py::isinstance<py::array>(obj)) {
    arr = py::reinterpret_borrow<py::array>(obj);
  } else {
    // Lists and other sequences: numpy makes the array (a copy of the Python objects' values).
    arr = py::module_::import("numpy").attr("asarray")(obj);
  }
  const py::dtype dt = arr.dtype();
  const char kind = dt.kind();
  const int itemsize = static_cast<int>(dt.itemsize());
  const std::string dtype_name = text_of(dt);
  const bool ok = (kind == 'f' && (itemsize == 8 || itemsize == 4)) ||
                  ((kind == 'i' || kind == 'u') &&
                   (itemsize == 1 || itemsize == 2 || itemsize == 4 || itemsize == 8));
  if (!ok)
    type_error(name + ": dtype " + dtype_name +
               " is not accepted (float64, float32 or an integer type; convert with "
               "numpy.asarray(" +
               name + ", dtype=float)" +
               (kind == 'O' || kind == 'U' || kind == 'S'
                    ? "; for exact decimal text at high precision give a CSV file path instead)"
                    : ")"));
  if (arr.ndim() != 1 && arr.ndim() != 2)
    input_error(name + ": expected a 2-D array (or 1-D, read as a column), got " +
                std::to_string(arr.ndim()) + " dimensions");
  ArrayInput a;
  a.name = name;
  a.kind = kind;
  a.itemsize = itemsize;
  a.swap = !dt.attr("isnative").cast<bool>();
  a.rows = arr.shape(0);
  a.cols = arr.ndim() == 2 ? arr.shape(1) : 1;
  a.row_stride = arr.strides(0);
  a.col_stride = arr.ndim() == 2 ? arr.strides(1) : 0;
  a.data = static_cast<const char*>(arr.data());
  if (a.rows == 0 || a.cols == 0)
    input_error(name + ": array is empty (" + std::to_string(a.rows) + "x" +
                std::to_string(a.cols) + ")");
  const std::int64_t limit = run::entry_limit(bits);
  if (a.rows > limit / a.cols)
    input_error(name + ": " + std::to_string(a.rows) + "x" + std::to_string(a.cols) +
                " is more than " + std::to_string(limit) + " entries at this precision; refused");
  a.keep = std::move(arr);
  return a;
}

namespace {

/// A matrix argument: absent, a file (read by fa-check's readers) or an array.
struct MatrixArg {
  std::optional<std::string> path;
  std::optional<ArrayInput> array;
};

MatrixArg matrix_arg(const py::object& obj, const std::string& name, int bits) {
  MatrixArg arg;
  if (obj.is_none()) return arg;
  const py::object os_path = py::module_::import("os").attr("PathLike");
  if (py::isinstance<py::str>(obj) || py::isinstance(obj, os_path)) {
    arg.path = text_of(py::module_::import("os").attr("fspath")(obj));
  } else {
    arg.array = check_array(obj, name, bits);
  }
  return arg;
}

template <class T>
run::MatrixSource<T> source_of(const MatrixArg& arg, const std::string& name, int bits) {
  run::MatrixSource<T> s;
  if (arg.path) {
    s = run::file_source<T>(*arg.path, bits);  // fa-check's readers
  } else if (arg.array) {
    s.name = "(array " + name + ")";
    const ArrayInput* a = &*arg.array;
    s.load = [a] { return to_matrix<T>(*a); };
  }
  return s;
}

// ---- numbers from Python ------------------------------------------------------------------------

bool is_given(const py::object& o) {
  return !o.is_none();
}

std::string type_name(const py::object& o) {
  return text_of(py::type::of(o).attr("__name__"));
}

long long as_integer(const py::object& o, const std::string& name) {
  if (py::isinstance<py::bool_>(o) || !PyIndex_Check(o.ptr()))
    type_error(name + ": expected an integer, got " + type_name(o));
  const py::int_ v(o);
  if (v < py::int_(std::numeric_limits<long long>::min()) ||
      v > py::int_(std::numeric_limits<long long>::max()))
    input_error(name + "=" + text_of(v) + ": out of range");
  return v.cast<long long>();
}

/// An option fa-check holds as an int: values outside int's range are refused, not wrapped.
int as_int32(const py::object& o, const std::string& name) {
  const long long v = as_integer(o, name);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    input_error(name + "=" + std::to_string(v) + ": out of range");
  return static_cast<int>(v);
}

std::uint64_t as_seed(const py::object& o) {
  if (py::isinstance<py::bool_>(o) || !PyIndex_Check(o.ptr()))
    type_error("seed: expected an integer, got " + type_name(o));
  const py::int_ v(o);
  if (v < py::int_(0) || v > py::int_(std::numeric_limits<std::uint64_t>::max()))
    input_error("seed=" + text_of(v) + ": must be in [0, 2^64 - 1]");
  return v.cast<std::uint64_t>();
}

double as_real(const py::object& o, const std::string& name) {
  if (py::isinstance<py::str>(o) || py::isinstance<py::bytes>(o) || !PyNumber_Check(o.ptr()) ||
      PyComplex_Check(o.ptr()))
    type_error(name + ": expected a real number, got " + type_name(o));
  return py::float_(o).cast<double>();
}

std::string as_text(const py::object& o, const std::string& name) {
  if (!py::isinstance<py::str>(o)) type_error(name + ": expected a string, got " + type_name(o));
  return o.cast<std::string>();
}

/// precision: "double", or a number of bits as an int or a string, checked by fa-check's rule.
int as_bits(const py::object& o) {
  std::string text;
  if (py::isinstance<py::str>(o))
    text = o.cast<std::string>();
  else if (!py::isinstance<py::bool_>(o) && PyIndex_Check(o.ptr()))
    text = text_of(py::int_(o));
  else
    type_error("precision: expected 'double' or a number of bits, got " + type_name(o));
  return run::parse_precision(text, run::Spelling::python);
}

// ---- MPFR's precision
// -----------------------------------------------------------------------------

/// Holds the MPFR lock and sets MpVar's precision to `bits` for its lifetime (restoring the
/// previous one). Construct it without the GIL.
class MpfrPrecision {
 public:
  explicit MpfrPrecision(int bits) : lock_(mpfr_mutex()), saved_(MpVar::default_precision()) {
    bits_ = set_mpvar_bits(bits);
  }
  ~MpfrPrecision() { MpVar::default_precision(saved_); }
  MpfrPrecision(const MpfrPrecision&) = delete;
  MpfrPrecision& operator=(const MpfrPrecision&) = delete;
  int bits() const { return bits_; }

 private:
  std::lock_guard<std::mutex> lock_;
  unsigned saved_;
  int bits_ = 0;
};

/// The MPFR state a computation in T needs, held for its scope: MpVar at `bits` (MpfrPrecision);
/// Mp, fa-claims' fixed-precision type, under the MPFR lock alone; nothing for double. Construct
/// it without the GIL.
template <class T>
class ScalarPrecision {
 public:
  explicit ScalarPrecision(int bits) {
    if constexpr (std::is_same_v<T, MpVar>) {
      bits_ = precision_.emplace(bits).bits();
    } else if constexpr (std::is_same_v<T, Mp>) {
      lock_.emplace(mpfr_mutex());
      bits_ = precision_bits<Mp>();
    }
  }
  int bits() const { return bits_; }

 private:
  std::optional<MpfrPrecision> precision_;
  std::optional<std::lock_guard<std::mutex>> lock_;
  int bits_ = 53;
};

// ---- progress and Ctrl-C
// --------------------------------------------------------------------------

/// The run's progress hook: called without the GIL (see the file comment).
class Watch {
 public:
  explicit Watch(py::object callback) : callback_(std::move(callback)) {}
  void operator()(double done, double total, double loss) {
    // Small steps take well under a microsecond: reading the clock at every one would cost
    // several percent. Read it every `stride_` calls, the stride adapted so that that is about
    // once a millisecond (doubling while calls come faster, halving when slower).
    if (--countdown_ > 0) return;
    const auto now = Clock::now();
    const bool fast = now - last_look_ < std::chrono::milliseconds(1);
    stride_ = fast ? std::min(2 * stride_, 1L << 20) : std::max(stride_ / 2, 1L);
    countdown_ = stride_;
    last_look_ = now;
    if (now - last_check_ < std::chrono::milliseconds(50)) return;
    last_check_ = now;
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (!callback_.is_none() && now - last_call_ >= std::chrono::milliseconds(100)) {
      last_call_ = now;
      callback_(done, total, loss);
    }
  }
  /// The final state, with the GIL held.
  void finish(double done, double total, double loss) {
    if (!callback_.is_none()) callback_(done, total, loss);
  }

 private:
  using Clock = std::chrono::steady_clock;
  py::object callback_;
  long stride_ = 1, countdown_ = 1;
  Clock::time_point last_look_ = Clock::now();
  Clock::time_point last_check_ = Clock::now();
  Clock::time_point last_call_ = Clock::now() - std::chrono::seconds(1);
};

// ---- results
// --------------------------------------------------------------------------------------

/// A run's outcome with every number as double (and, for MPFR, as decimal text), made while the
/// precision is still set; turned into Python objects afterwards, with the GIL.
struct PlainRun {
  run::RunOutcome<double> meta;  // the double outcome itself, or the MPFR one's descriptive part
  std::vector<std::pair<std::string, std::vector<double>>> trace;
  std::vector<std::pair<std::string, std::vector<std::string>>> trace_text;
  std::vector<std::pair<std::string, std::vector<std::string>>> matrix_text;  // column-major
  std::vector<std::pair<std::string, std::string>> number_text;
  std::string summary;
};

template <class T>
std::vector<std::string> texts(const Mat<T>& M) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(M.size()));
  for (Eigen::Index j = 0; j < M.cols(); ++j)
    for (Eigen::Index i = 0; i < M.rows(); ++i) out.push_back(to_text(M(i, j)));
  return out;
}

template <class T>
PlainRun flatten(run::RunOutcome<T>&& o) {
  PlainRun p;
  p.summary = run::summary_text<T>(o);
  using Column = T TraceRow<T>::*;
  std::vector<std::pair<std::string, Column>> columns = {
      {"loss", &TraceRow<T>::loss},
      {"feedback_residual", &TraceRow<T>::feedback_residual},
      {"alignment", &TraceRow<T>::alignment},
      {"half_w_norm_sq", &TraceRow<T>::half_w_norm_sq},
      {"cos_z_b", &TraceRow<T>::cos_z_b},
      {"cos_fa_gd_update", &TraceRow<T>::cos_fa_gd_update}};
  if (o.flow) {  // the conservation laws F1/F3 (discrete runs do not track them)
    columns.push_back({"q_residual", &TraceRow<T>::q_residual});
    columns.push_back({"d_residual", &TraceRow<T>::d_residual});
  }
  for (const auto& [name, member] : columns) {
    std::vector<double> values;
    values.reserve(o.rows.size());
    for (const auto& row : o.rows) values.push_back(to_double(row.*member));
    p.trace.emplace_back(name, std::move(values));
  }
  std::vector<double> index;
  for (std::size_t i = 0; i < o.rows.size(); ++i)
    index.push_back(o.flow ? to_double(o.times[i]) : static_cast<double>(o.rows[i].step));
  p.trace.emplace(p.trace.begin(), o.flow ? "time" : "step", std::move(index));

  run::RunOutcome<double>& m = p.meta;
  if constexpr (std::is_same_v<T, double>) {
    m = std::move(o);
  } else {
    for (const auto& [name, member] : columns) {
      std::vector<std::string> values;
      for (const auto& row : o.rows) values.push_back(to_text(row.*member));
      p.trace_text.emplace_back(name, std::move(values));
    }
    if (o.flow) {
      std::vector<std::string> values;
      for (const T& t : o.times) values.push_back(to_text(t));
      p.trace_text.emplace(p.trace_text.begin(), "time", std::move(values));
    }
    const std::pair<const char*, const Mat<T>*> mats[] = {{"Z", &o.final.Z},  {"W", &o.final.W},
                                                          {"B", &o.B},        {"Y", &o.Y},
                                                          {"Z0", &o.start.Z}, {"W0", &o.start.W}};
    for (const auto& [name, M] : mats) p.matrix_text.emplace_back(name, texts(*M));
    if (o.X.size()) p.matrix_text.emplace_back("X", texts(o.X));  // a network's data
    p.number_text = {{"final_loss", to_text(o.final_loss)},
                     {"opt_r", to_text(o.opt_r)},
                     {"ratio", o.have_ratio ? to_text(o.ratio) : std::string()},
                     {"converged_loss", to_text(o.converged_loss)}};
    static_cast<run::RunDescription&>(m) = o;
    m.Y = cast_matrix<double>(o.Y);
    m.B = cast_matrix<double>(o.B);
    m.start = {cast_matrix<double>(o.start.Z), cast_matrix<double>(o.start.W)};
    m.final = {cast_matrix<double>(o.final.Z), cast_matrix<double>(o.final.W)};
    m.X = cast_matrix<double>(o.X);
    m.final_loss = to_double(o.final_loss);
    m.opt_r = to_double(o.opt_r);
    m.converged_loss = to_double(o.converged_loss);
    m.ratio = to_double(o.ratio);
  }
  return p;
}

/// A double matrix handed to numpy without a copy: the array owns the moved buffer.
py::object take(Mat<double>&& M) {
  return py::cast(std::move(M));
}

py::array text_array(const std::vector<std::string>& column_major, Eigen::Index rows,
                     Eigen::Index cols) {
  py::list out;
  for (Eigen::Index i = 0; i < rows; ++i) {
    py::list row;
    for (Eigen::Index j = 0; j < cols; ++j)
      row.append(column_major[static_cast<std::size_t>(j * rows + i)]);
    out.append(row);
  }
  return py::module_::import("numpy").attr("array")(out, "dtype"_a = "U");
}

/// summary.json's fields (run::summary_fields) as Python numbers, None where it writes "" or -1.
struct PythonFields {
  py::dict& d;
  void text(const char* key, const std::string& v) { d[key] = v; }
  template <class I>
  void integer(const char* key, I v) {
    d[key] = v;
  }
  void step(const char* key, long v) {
    d[key] = v >= 0 ? py::object(py::int_(v)) : py::object(py::none());
  }
  void number(const char* key, double v, bool present) {
    d[key] = present ? py::object(py::float_(v)) : py::object(py::none());
  }
};

py::dict to_python(PlainRun&& p) {
  run::RunOutcome<double>& o = p.meta;
  py::dict d;
  // The keys of fa-check's summary.json, with numbers as numbers (None where it writes "" / -1).
  PythonFields fields{d};
  run::summary_fields(o, fields);
  // More than summary.json has.
  d["algorithm_name"] = o.algorithm_name;
  d["generated"] = o.generated;
  d["time"] = o.flow ? py::object(py::float_(o.time)) : py::none();
  d["summary"] = p.summary;
  // W is r x m, or r x d for a network on data X (d x N, with Y n x N).
  const Eigen::Index n = o.n, m = o.m, r = o.r, w_cols = o.final.W.cols();
  const Eigen::Index x_rows = o.X.rows(), x_cols = o.X.cols();
  if (o.X.size()) d["X"] = take(std::move(o.X));
  d["Z"] = take(std::move(o.final.Z));
  d["W"] = take(std::move(o.final.W));
  d["B"] = take(std::move(o.B));
  d["Y"] = take(std::move(o.Y));
  d["Z0"] = take(std::move(o.start.Z));
  d["W0"] = take(std::move(o.start.W));
  py::dict trace;
  for (auto& [name, values] : p.trace) {
    if (name == "step") {
      py::array_t<std::int64_t> a(static_cast<py::ssize_t>(values.size()));
      auto w = a.mutable_unchecked<1>();
      for (std::size_t i = 0; i < values.size(); ++i)
        w(static_cast<py::ssize_t>(i)) = static_cast<std::int64_t>(values[i]);
      trace[py::str(name)] = a;
    } else {
      py::array_t<double> a(static_cast<py::ssize_t>(values.size()));
      std::copy(values.begin(), values.end(), a.mutable_data());
      trace[py::str(name)] = a;
    }
  }
  d["trace"] = trace;
  if (!p.matrix_text.empty()) {
    py::dict text;
    const std::map<std::string, std::pair<Eigen::Index, Eigen::Index>> shapes = {
        {"Z", {n, r}},  {"W", {r, w_cols}},  {"B", {n, r}},          {"Y", {n, m}},
        {"Z0", {n, r}}, {"W0", {r, w_cols}}, {"X", {x_rows, x_cols}}};
    for (const auto& [name, values] : p.matrix_text) {
      const auto [rows, cols] = shapes.at(name);
      text[py::str(name)] = text_array(values, rows, cols);
    }
    for (const auto& [name, value] : p.number_text)
      text[py::str(name)] = value.empty() ? py::object(py::none()) : py::object(py::str(value));
    py::dict trace_text;
    for (const auto& [name, values] : p.trace_text)
      trace_text[py::str(name)] =
          py::module_::import("numpy").attr("array")(py::cast(values), "dtype"_a = "U");
    text["trace"] = trace_text;
    d["text"] = text;
  }
  return d;
}

// ---- run
// --------------------------------------------------------------------------------------------

template <class T>
PlainRun run_with(run::RunInputs<T>& in, const MatrixArg& y, const MatrixArg& b,
                  const MatrixArg& z0, const MatrixArg& w0, const MatrixArg& x, Watch& watch) {
  const int bits = in.opt.bits;
  in.x = source_of<T>(x, "x", bits);
  in.y = source_of<T>(y, "y", bits);
  in.b = source_of<T>(b, "b", bits);
  in.z0 = source_of<T>(z0, "z0", bits);
  in.w0 = source_of<T>(w0, "w0", bits);
  const run::ProgressHook hook = [&watch](double done, double total, double loss) {
    watch(done, total, loss);
  };
  return flatten<T>(run::run_problem<T>(in, hook));
}

/// fa-check's defaults (RunOptions' initialisers), for the docstrings of python/faverify.
py::dict run_defaults() {
  const run::RunOptions d;
  return py::dict("algo"_a = d.algo, "init"_a = d.init, "init_log2"_a = d.init_log2,
                  "step_log2"_a = d.step_log2, "steps"_a = d.steps, "time"_a = d.time,
                  "tol"_a = d.tol, "flow_tol"_a = d.flow_tol, "record_every"_a = d.record_every,
                  "observations"_a = d.observations, "seed"_a = d.seed, "precision"_a = "double",
                  "spectrum"_a = d.spectrum, "spread"_a = d.spread);
}

// ---- the literature's options (issue 21) ---------------------------------------------------

/// faverify.run's weight_decay, feedback_gains, x, data_dim and samples, passed as one dict
/// `literature` (None: none given), into run::RunOptions as fa-check's parser puts them. Returns
/// x (a matrix argument, read during the run like y). The values are checked by run_problem,
/// with fa-check's messages in Python's spelling.
MatrixArg literature_options(run::RunOptions& opt, const py::object& literature, int bits) {
  MatrixArg x;
  if (literature.is_none()) return x;
  const py::dict kw = literature;
  auto has = [&](const char* key) { return kw.contains(key) && !kw[key].is_none(); };
  auto get = [&](const char* key) { return py::reinterpret_borrow<py::object>(kw[key]); };
  if ((opt.weight_decay_given = has("weight_decay")))
    opt.weight_decay = as_real(get("weight_decay"), "weight_decay");
  if (has("feedback_gains")) {
    const py::object g = get("feedback_gains");
    if (py::isinstance<py::str>(g)) {
      opt.feedback_gains = as_text(g, "feedback_gains");
    } else {
      if (!py::isinstance<py::iterable>(g))
        type_error("feedback_gains: expected a list of numbers or a string 'g1,...,gk', got " +
                   type_name(g));
      std::string text;
      for (const py::handle item : g)
        text += (text.empty() ? "" : ",") +
                to_text(as_real(py::reinterpret_borrow<py::object>(item), "feedback_gains"));
      opt.feedback_gains = text.empty() ? std::string(",") : text;  // [] is refused as bad text
    }
  }
  if (has("data_dim")) opt.data_dim = as_integer(get("data_dim"), "data_dim");
  if (has("samples")) opt.samples = as_integer(get("samples"), "samples");
  if (has("x")) x = matrix_arg(get("x"), "x", bits);
  return x;
}

/// Every option left as None keeps fa-check's default (run::RunOptions).
py::dict run(const py::object& y, const py::object& r, const py::object& algo, const py::object& b,
             const py::object& z0, const py::object& w0, const py::object& init,
             const py::object& init_log2, const py::object& eta, const py::object& step_log2,
             const py::object& steps, const py::object& time, const py::object& tol,
             const py::object& flow_tol, const py::object& record_every,
             const py::object& observations, const py::object& seed, const py::object& precision,
             const py::object& n, const py::object& m, const py::object& rank_of_y,
             const py::object& spectrum, const py::object& spread, const py::object& b_scale_log2,
             const py::object& progress, const py::object& literature) {
  run::RunOptions opt;
  if (is_given(algo)) opt.algo = as_text(algo, "algo");
  if ((opt.r_given = is_given(r))) opt.r = as_integer(r, "r");
  if ((opt.init_given = is_given(init))) opt.init = as_text(init, "init");
  if (is_given(init_log2)) opt.init_log2 = as_int32(init_log2, "init_log2");
  if ((opt.eta_given = is_given(eta))) opt.eta = as_real(eta, "eta");
  if (is_given(step_log2)) opt.step_log2 = as_int32(step_log2, "step_log2");
  if ((opt.steps_given = is_given(steps))) opt.steps = as_integer(steps, "steps");
  if ((opt.time_given = is_given(time))) opt.time = as_real(time, "time");
  if (is_given(tol)) opt.tol = as_real(tol, "tol");
  if (is_given(flow_tol)) opt.flow_tol = as_real(flow_tol, "flow_tol");
  if (is_given(record_every)) opt.record_every = as_integer(record_every, "record_every");
  if (is_given(observations)) opt.observations = as_int32(observations, "observations");
  if (is_given(seed)) opt.seed = as_seed(seed);
  if (is_given(n)) opt.n = as_integer(n, "n");
  if (is_given(m)) opt.m = as_integer(m, "m");
  if (is_given(rank_of_y)) opt.rank_of_y = as_integer(rank_of_y, "rank_of_y");
  if (is_given(spectrum)) opt.spectrum = as_text(spectrum, "spectrum");
  if (is_given(spread)) opt.spread = as_int32(spread, "spread");
  if (is_given(b_scale_log2)) opt.b_scale_log2 = as_int32(b_scale_log2, "b_scale_log2");
  opt.bits_asked = is_given(precision) ? as_bits(precision) : 0;
  if (!progress.is_none() && !PyCallable_Check(progress.ptr()))
    type_error("progress: expected a callable progress(done, total, loss) or None");
  // The matrices are checked now (type, shape, size), read during the run (values).
  const int limit_bits = opt.bits_asked;
  const MatrixArg ya = matrix_arg(y, "y", limit_bits), ba = matrix_arg(b, "b", limit_bits),
                  z0a = matrix_arg(z0, "z0", limit_bits), w0a = matrix_arg(w0, "w0", limit_bits);
  const MatrixArg xa = literature_options(opt, literature, limit_bits);

  Watch watch(progress);
  PlainRun plain;
  {
    py::gil_scoped_release no_gil;
    if (opt.bits_asked == 0) {
      run::RunInputs<double> in;
      in.opt = opt;
      in.spelling = run::Spelling::python;
      plain = run_with<double>(in, ya, ba, z0a, w0a, xa, watch);
    } else {
      MpfrPrecision precision_lock(opt.bits_asked);
      run::RunInputs<MpVar> in;
      in.opt = opt;
      in.opt.bits = precision_lock.bits();
      in.spelling = run::Spelling::python;
      plain = run_with<MpVar>(in, ya, ba, z0a, w0a, xa, watch);
    }
  }
  const run::RunOutcome<double>& o = plain.meta;
  if (o.flow)
    watch.finish(o.time, o.time, o.final_loss);
  else
    watch.finish(static_cast<double>(o.steps), static_cast<double>(opt.steps), o.final_loss);
  return to_python(std::move(plain));
}

// ---- deep networks
// --------------------------------------------------------------------------------

/// faverify.run(..., depth=, widths=, algo="gd" | "fa" | "dfa"): run::run_deep, the function
/// `fa-check run --depth` calls. `given` names the keyword arguments the caller set (the ones
/// that do not apply to a deep run are refused with fa-check's message, in Python's spelling).
py::dict run_deep(const py::dict& kw) {
  run::RunOptions opt;
  auto has = [&](const char* key) { return kw.contains(key) && !kw[key].is_none(); };
  auto get = [&](const char* key) { return py::reinterpret_borrow<py::object>(kw[key]); };
  if (has("algo")) opt.algo = as_text(get("algo"), "algo");
  if (has("depth")) opt.depth = as_int32(get("depth"), "depth");
  if (has("widths")) {
    const py::object w = get("widths");
    if (py::isinstance<py::str>(w)) {
      opt.widths = as_text(w, "widths");
    } else {
      std::string text;
      for (const py::handle item : w) {
        text += (text.empty() ? "" : ",") +
                std::to_string(as_integer(py::reinterpret_borrow<py::object>(item), "widths"));
      }
      opt.widths = text;
    }
  }
  if (has("n")) opt.n = as_integer(get("n"), "n");
  if (has("m")) opt.m = as_integer(get("m"), "m");
  if (has("rank_of_y")) opt.rank_of_y = as_integer(get("rank_of_y"), "rank_of_y");
  if (has("spectrum")) opt.spectrum = as_text(get("spectrum"), "spectrum");
  if (has("spread")) opt.spread = as_int32(get("spread"), "spread");
  if (has("seed")) opt.seed = as_seed(get("seed"));
  if (has("init")) opt.init = as_text(get("init"), "init");
  if (has("init_log2")) opt.init_log2 = as_int32(get("init_log2"), "init_log2");
  if ((opt.eta_given = has("eta"))) opt.eta = as_real(get("eta"), "eta");
  if (has("step_log2")) opt.step_log2 = as_int32(get("step_log2"), "step_log2");
  if (has("steps")) opt.steps = as_integer(get("steps"), "steps");
  if (has("tol")) opt.tol = as_real(get("tol"), "tol");
  if (has("record_every")) opt.record_every = as_integer(get("record_every"), "record_every");
  if (has("b_scale_log2")) opt.b_scale_log2 = as_int32(get("b_scale_log2"), "b_scale_log2");
  const int bits = has("precision") ? as_bits(get("precision")) : 0;
  const auto given = [&](const char* flag) {
    const std::string key = run::option_name(run::Spelling::python, flag);
    return has(key.c_str());
  };
  const run::DeepRunSpec spec = run::deep_run_spec(opt, run::Spelling::python, given);
  py::dict d;
  auto fill = [&](const auto& out) {
    py::list W, W0;
    for (int l = 1; l <= out.final.depth(); ++l) {
      W.append(cast_matrix<double>(out.final.W[static_cast<std::size_t>(l)]));
      W0.append(cast_matrix<double>(out.start.W[static_cast<std::size_t>(l)]));
    }
    std::vector<double> loss;
    for (const auto& x : out.trace_loss) loss.push_back(to_double(x));
    d["algorithm"] = deep_algorithm_name(out.spec.algorithm);
    d["recipe"] = out.spec.recipe.describe();
    d["depth"] = out.spec.recipe.depth();
    d["widths"] = out.spec.recipe.widths();
    d["eta"] = out.eta;
    d["status"] = status_name(out.status);
    d["message"] = out.message;
    d["steps"] = out.steps;
    d["final_loss"] = to_double(out.final_loss);
    d["opt_loss"] = to_double(out.opt) / 2;
    d["Y"] = cast_matrix<double>(out.Y);
    d["W"] = W;
    d["W0"] = W0;
    d["trace"] = py::dict("step"_a = out.trace_steps, "loss"_a = loss);
    d["summary"] = run::deep_summary_text(out);
  };
  if (bits == 0) {
    run::DeepRunOutcome<double> out;
    {
      py::gil_scoped_release no_gil;
      out = run::run_deep<double>(spec);
    }
    fill(out);
  } else {
    MpfrPrecision precision_lock(bits);
    run::DeepRunOutcome<MpVar> out;
    {
      py::gil_scoped_release no_gil;
      out = run::run_deep<MpVar>(spec);
    }
    fill(out);
  }
  return d;
}

// ---- instances
// ------------------------------------------------------------------------------------

/// fa::materialise<T>(rec), as the claims and fa-check build it; `bits` for MpVar.
template <class T>
py::dict instance_dict(const Recipe& rec, int bits) {
  std::vector<std::pair<std::string, std::vector<std::string>>> text;
  Mat<double> U, V, Y, B, Z0, W0, s;
  double opt_r = 0;
  std::string opt_r_text;
  int got_bits = 53;
  {
    py::gil_scoped_release no_gil;
    const ScalarPrecision<T> precision(bits);
    got_bits = precision.bits();
    Instance<T> inst = materialise<T>(rec);
    if constexpr (std::is_same_v<T, double>) {
      U = std::move(inst.U), V = std::move(inst.V), Y = std::move(inst.Y), B = std::move(inst.B);
      Z0 = std::move(inst.start.Z), W0 = std::move(inst.start.W), s = Mat<double>(inst.s);
      opt_r = inst.opt_r;
    } else {
      const Mat<T> sv = inst.s;
      text = {{"U", texts(inst.U)}, {"V", texts(inst.V)},        {"Y", texts(inst.Y)},
              {"B", texts(inst.B)}, {"Z0", texts(inst.start.Z)}, {"W0", texts(inst.start.W)},
              {"s", texts(sv)}};
      U = cast_matrix<double>(inst.U), V = cast_matrix<double>(inst.V);
      Y = cast_matrix<double>(inst.Y), B = cast_matrix<double>(inst.B);
      Z0 = cast_matrix<double>(inst.start.Z), W0 = cast_matrix<double>(inst.start.W);
      s = cast_matrix<double>(sv);
      opt_r = to_double(inst.opt_r);
      opt_r_text = to_text(inst.opt_r);
    }
  }
  py::dict d;
  d["recipe"] = rec.describe();
  d["n"] = rec.n, d["m"] = rec.m, d["rank_of_y"] = rec.k, d["r"] = rec.r;
  d["spectrum"] = spectrum_name(rec.spectrum);
  d["spread"] = rec.spread;
  d["seed"] = rec.seed;
  d["step_log2"] = rec.step_log2;
  d["init"] = init_name(rec.init);
  d["init_log2"] = rec.init_log2;
  d["b_scale_log2"] = rec.b_scale_log2;
  d["precision_bits"] = got_bits;
  d["eta"] = recipe_step_size(rec);
  d["opt_r"] = opt_r;
  const Eigen::Index k = s.rows();
  d["Y"] = take(std::move(Y));
  d["B"] = take(std::move(B));
  d["U"] = take(std::move(U));
  d["V"] = take(std::move(V));
  d["s"] = take(std::move(s)).attr("reshape")(k);
  d["Z0"] = take(std::move(Z0));
  d["W0"] = take(std::move(W0));
  if (!text.empty()) {
    py::dict t;
    const std::map<std::string, std::pair<Eigen::Index, Eigen::Index>> shapes = {
        {"U", {rec.n, k}},     {"V", {rec.m, k}},      {"Y", {rec.n, rec.m}},
        {"B", {rec.n, rec.r}}, {"Z0", {rec.n, rec.r}}, {"W0", {rec.r, rec.m}},
        {"s", {k, 1}}};
    for (const auto& [name, values] : text) {
      const auto [rows, cols] = shapes.at(name);
      py::array a = text_array(values, rows, cols);
      t[py::str(name)] = name == "s" ? py::object(a.attr("reshape")(k)) : py::object(a);
    }
    t["opt_r"] = opt_r_text;
    d["text"] = t;
  }
  return d;
}

py::dict instance(const py::object& n, const py::object& m, const py::object& rank_of_y,
                  const py::object& r, const std::string& spectrum, const py::object& spread,
                  const py::object& seed, const py::object& step_log2, const std::string& init,
                  const py::object& init_log2, const py::object& singular_values,
                  const py::object& b_scale_log2, const py::object& precision) {
  Recipe rec;
  rec.n = as_int32(n, "n");
  rec.m = as_int32(m, "m");
  rec.k = as_int32(rank_of_y, "rank_of_y");
  rec.r = is_given(r) ? as_int32(r, "r") : rec.k;
  if (!singular_values.is_none()) {
    if (spectrum != "flat" && spectrum != "explicit")
      input_error("singular_values is given: spectrum must be 'explicit' (or left out), not '" +
                  spectrum + "'");
    rec.spectrum = Spectrum::explicit_values;
    for (const py::handle v : singular_values)
      rec.singular_values.push_back(
          as_real(py::reinterpret_borrow<py::object>(v), "singular_values"));
  } else {
    rec.spectrum = parse_spectrum(spectrum);
  }
  rec.spread = as_int32(spread, "spread");
  rec.seed = as_seed(seed);
  rec.step_log2 = as_int32(step_log2, "step_log2");
  if (init != "zero" && init != "small") input_error("init='" + init + "': expected zero or small");
  rec.init = init == "small" ? Init::small : Init::zero;
  rec.init_log2 = as_int32(init_log2, "init_log2");
  rec.b_scale_log2 = as_int32(b_scale_log2, "b_scale_log2");
  rec.validate();
  if (py::isinstance<py::str>(precision) && precision.cast<std::string>() == "mp")
    return instance_dict<Mp>(rec, 0);  // fa-claims' mp scalar (faverify.user at 168 bits)
  const int bits = as_bits(precision);
  return bits == 0 ? instance_dict<double>(rec, 0) : instance_dict<MpVar>(rec, bits);
}

// ---- a recipe's run as the claims run it (faverify.user)
// -----------------------------------------

/// fa::materialise and run_dynamics with the C++ claims' settings (checks/claim_helpers.hpp,
/// run_or_fail: the loss checked every 10 steps, not at each step as `fa-check run` does), so that
/// a user claim's case computes what a C++ claim's case computes. T: double, Mp (fa-claims' mp
/// scalar, fixed 168 bits on the stack) or MpVar at `bits`. tol as faverify.run's (negative: the
/// whole budget). Matrices and the loss trace as float64, plus decimal text in MPFR.
template <class T>
py::dict claim_run(const Recipe& rec, Algorithm alg, long steps, long record_every, double tol,
                   int bits) {
  std::vector<long> step_index;
  std::vector<double> loss;
  std::vector<std::string> loss_text;
  std::vector<std::pair<std::string, std::vector<std::string>>> text;
  Mat<double> Z, W, Y, B, Z0, W0;
  double final_loss = 0, eta = 0;
  std::string final_text, status, message;
  long steps_taken = 0;
  int got_bits = 53;
  {
    py::gil_scoped_release no_gil;
    const ScalarPrecision<T> precision(bits);
    got_bits = precision.bits();
    const Instance<T> inst = materialise<T>(rec);
    RunConfig<T> cfg;
    cfg.algorithm = alg;
    cfg.eta = T(inst.eta);
    cfg.max_steps = steps;
    cfg.record_every = record_every;
    cfg.check_every = 10;
    const T half_y_sq = T(inst.Y.squaredNorm() / 2);
    cfg.converged_loss = tol >= 0 ? T(inst.opt_r / 2 + T(tol) * half_y_sq) : T(-1);
    const Trajectory<T> run =
        run_dynamics<T>(reference_dynamics<T>(), inst.Y, inst.B, inst.start, cfg);
    for (const auto& row : run.rows) {
      step_index.push_back(row.step);
      loss.push_back(to_double(row.loss));
      if constexpr (!std::is_same_v<T, double>) loss_text.push_back(to_text(row.loss));
    }
    Z = cast_matrix<double>(run.final.Z), W = cast_matrix<double>(run.final.W);
    Y = cast_matrix<double>(inst.Y), B = cast_matrix<double>(inst.B);
    Z0 = cast_matrix<double>(inst.start.Z), W0 = cast_matrix<double>(inst.start.W);
    if constexpr (!std::is_same_v<T, double>) {
      text = {{"Z", texts(run.final.Z)}, {"W", texts(run.final.W)},   {"Y", texts(inst.Y)},
              {"B", texts(inst.B)},      {"Z0", texts(inst.start.Z)}, {"W0", texts(inst.start.W)}};
      final_text = to_text(run.final_loss);
    }
    final_loss = to_double(run.final_loss);
    eta = inst.eta;
    status = status_name(run.status);
    message = run.message;
    steps_taken = run.steps_taken;
  }
  py::dict d;
  d["recipe"] = rec.describe();
  d["algorithm"] = algorithm_name(alg);
  d["precision_bits"] = got_bits;
  d["eta"] = eta;
  d["status"] = status;
  d["message"] = message;
  d["steps"] = steps_taken;
  d["final_loss"] = final_loss;
  const std::map<std::string, std::pair<Eigen::Index, Eigen::Index>> shapes = {
      {"Z", {rec.n, rec.r}}, {"W", {rec.r, rec.m}},  {"Y", {rec.n, rec.m}},
      {"B", {rec.n, rec.r}}, {"Z0", {rec.n, rec.r}}, {"W0", {rec.r, rec.m}}};
  d["Z"] = take(std::move(Z)), d["W"] = take(std::move(W)), d["Y"] = take(std::move(Y));
  d["B"] = take(std::move(B)), d["Z0"] = take(std::move(Z0)), d["W0"] = take(std::move(W0));
  py::dict trace;
  trace["step"] = py::cast(step_index);
  trace["loss"] = py::module_::import("numpy").attr("asarray")(py::cast(loss));
  d["trace"] = trace;
  if (!text.empty()) {
    py::dict t;
    for (const auto& [name, values] : text) {
      const auto [rows, cols] = shapes.at(name);
      t[py::str(name)] = text_array(values, rows, cols);
    }
    t["final_loss"] = final_text;
    py::dict trace_text;
    trace_text["loss"] =
        py::module_::import("numpy").attr("array")(py::cast(loss_text), "dtype"_a = "U");
    t["trace"] = trace_text;
    d["text"] = t;
  }
  return d;
}

/// recipe: the dict of faverify.strategies.Recipe.instance_kwargs(); precision "double", "mp"
/// (fa-claims' Mp) or a number of bits (MpVar).
py::dict run_recipe(const py::dict& recipe, const std::string& algo, const py::object& steps,
                    const py::object& record_every, const py::object& tol,
                    const py::object& precision) {
  Recipe rec;
  auto get = [&](const char* key) { return py::reinterpret_borrow<py::object>(recipe[key]); };
  rec.n = as_int32(get("n"), "n");
  rec.m = as_int32(get("m"), "m");
  rec.k = as_int32(get("rank_of_y"), "rank_of_y");
  rec.r = as_int32(get("r"), "r");
  rec.spectrum = parse_spectrum(as_text(get("spectrum"), "spectrum"));
  rec.spread = as_int32(get("spread"), "spread");
  rec.seed = as_seed(get("seed"));
  rec.step_log2 = as_int32(get("step_log2"), "step_log2");
  const std::string init = as_text(get("init"), "init");
  if (init != "zero" && init != "small") input_error("init='" + init + "': expected zero or small");
  rec.init = init == "small" ? Init::small : Init::zero;
  rec.init_log2 = as_int32(get("init_log2"), "init_log2");
  rec.b_scale_log2 = as_int32(get("b_scale_log2"), "b_scale_log2");
  rec.validate();
  const Algorithm alg = parse_algorithm(algo);
  const long n_steps = static_cast<long>(as_integer(steps, "steps"));
  const long every = static_cast<long>(as_integer(record_every, "record_every"));
  if (n_steps < 0) input_error("steps must be >= 0");
  if (every < 0) input_error("record_every must be >= 0");
  const double tolerance = as_real(tol, "tol");
  if (py::isinstance<py::str>(precision) && precision.cast<std::string>() == "mp")
    return claim_run<Mp>(rec, alg, n_steps, every, tolerance, 0);
  const int bits = as_bits(precision);
  return bits == 0 ? claim_run<double>(rec, alg, n_steps, every, tolerance, 0)
                   : claim_run<MpVar>(rec, alg, n_steps, every, tolerance, bits);
}

// ---- FA's predicted limit (not certified)
// -----------------------------------------------------------

template <class T>
py::dict limit_dict(const ArrayInput& y, const ArrayInput& b, int bits) {
  double err_star = 0, opt_r = 0;
  std::string err_text, opt_text;
  int rank = 0, got_bits = 53;
  bool defined = false;
  {
    py::gil_scoped_release no_gil;
    std::optional<MpfrPrecision> lock;
    if constexpr (!std::is_same_v<T, double>) {
      lock.emplace(bits);
      got_bits = lock->bits();
    }
    const run::LimitEstimate<T> est = run::limit_estimate<T>(to_matrix<T>(y), to_matrix<T>(b));
    err_star = to_double(est.err_star);
    opt_r = to_double(est.opt_r);
    err_text = to_text(est.err_star);
    opt_text = to_text(est.opt_r);
    rank = est.rank_of_bty;
    defined = est.defined;
  }
  py::dict d;
  d["err_star"] = defined ? py::object(py::float_(err_star)) : py::none();
  d["opt_r"] = opt_r;
  d["gap"] = defined ? py::object(py::float_(err_star - opt_r)) : py::none();
  d["r"] = b.cols;
  d["rank_of_bty"] = rank;
  d["defined"] = defined;
  d["certified"] = false;
  d["precision_bits"] = got_bits;
  if constexpr (!std::is_same_v<T, double>) {
    d["text"] = py::dict("err_star"_a = defined ? py::object(py::str(err_text)) : py::none(),
                         "opt_r"_a = opt_text);
  }
  d["note"] =
      std::string("computed in ") + (bits == 0 ? "double" : "MPFR") +
      ", NOT certified: err* = ||Y(I-P)||_F^2 (P the projector onto row(B^T Y)) and opt_r = "
      "sum_{i>r} sigma_i(Y)^2, each with its rounding error" +
      (defined ? std::string()
               : std::string("; err* is undefined here: B^T Y has numerical rank ") +
                     std::to_string(rank) + " < r = " + std::to_string(b.cols));
  return d;
}

py::dict limit_estimate(const py::object& y, const py::object& b, const py::object& precision) {
  const int bits = as_bits(precision);
  const ArrayInput ya = check_array(y, "y", bits), ba = check_array(b, "b", bits);
  if (ba.rows != ya.rows)
    input_error("B (array b) is " + std::to_string(ba.rows) + "x" + std::to_string(ba.cols) +
                ", expected " + std::to_string(ya.rows) + "x" + std::to_string(ba.cols) +
                " (n x r: n = rows of Y)");
  if (ba.cols > std::min(ya.rows, ya.cols))
    input_error("r = " + std::to_string(ba.cols) +
                " (columns of b): r must be at most min(n, m) = " +
                std::to_string(std::min(ya.rows, ya.cols)) + " for Y (array y) (" +
                std::to_string(ya.rows) + "x" + std::to_string(ya.cols) + ")");
  return bits == 0 ? limit_dict<double>(ya, ba, 0) : limit_dict<MpVar>(ya, ba, bits);
}

// ---- certificates (fa-check certify)
// ------------------------------------------------------------------
//
// The same C++ as `fa-check certify` (certify/certificates.hpp): the arrays' doubles are exact
// binary fractions, so the certificate is about exactly the numbers the caller holds. The same
// checks and words as the CLI (run::certify_problem), the same JSON (certify::to_json), returned
// as a dict.
py::dict certify(const py::object& y, const py::object& b, const py::object& r_arg,
                 std::uint64_t seed) {
  const ArrayInput ya = check_array(y, "y", 0);
  std::optional<ArrayInput> ba;
  if (!b.is_none()) ba = check_array(b, "b", 0);
  run::CertifyInputs in;
  in.spelling = run::Spelling::python;
  in.y.name = "(array y)";
  in.y.load = [&ya] { return to_matrix<double>(ya); };
  if (ba) {
    in.b.name = "(array b)";
    in.b.load = [&ba] { return to_matrix<double>(*ba); };
  }
  if (!r_arg.is_none()) in.r = r_arg.cast<long long>();
  in.seed = seed;
  nlohmann::json j;
  double seconds = 0;
  {
    py::gil_scoped_release no_gil;
    const auto start = std::chrono::steady_clock::now();
    const run::CertifyProblem p = run::certify_problem(in);
    j = certify::to_json(certify::certify_separation(p.Y, p.B));
    j["b"] = p.b_desc;
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  j["certified"] = true;
  j["seconds"] = seconds;
  return py::module_::import("json").attr("loads")(j.dump()).cast<py::dict>();
}

/// Lillicrap et al.'s 30-20-10 experiment (regimes/lillicrap.hpp), as fa-report's figure runs it.
py::dict lillicrap_experiment(std::uint64_t seed, long steps, int batch, double eta, long every) {
  regimes::LillicrapSettings s;
  s.seed = seed;
  s.steps = steps;
  s.batch = batch;
  s.eta = eta;
  s.every = every;
  nlohmann::json j;
  {
    py::gil_scoped_release no_gil;
    j = regimes::lillicrap_json(regimes::lillicrap_experiment(s));
  }
  return py::module_::import("json").attr("loads")(j.dump()).cast<py::dict>();
}

}  // namespace

}  // namespace fa::py_module

// ---- the module
// -------------------------------------------------------------------------------------

PYBIND11_MODULE(_core, m) {
  namespace py = pybind11;
  using namespace pybind11::literals;
  using namespace fa::py_module;
  m.doc() = "fa-verify's C++ core (use the faverify package, python/faverify/__init__.py)";

  // Bad input: one exception type, a ValueError, carrying the CLI's message.
  input_error_type() =
      py::register_exception<fa::run::UsageError>(m, "InputError", PyExc_ValueError).ptr();
  Py_INCREF(input_error_type());
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const fa::io::MatrixIoError& e) {
      PyErr_SetString(input_error_type(), e.what());
    } catch (const std::invalid_argument& e) {
      PyErr_SetString(input_error_type(), e.what());
    }
  });

  m.attr("__version__") = FA_VERSION;
  m.def("run_defaults", &run_defaults);
  m.def("run", &run, "y"_a = py::none(), py::kw_only(), "r"_a = py::none(), "algo"_a = py::none(),
        "b"_a = py::none(), "z0"_a = py::none(), "w0"_a = py::none(), "init"_a = py::none(),
        "init_log2"_a = py::none(), "eta"_a = py::none(), "step_log2"_a = py::none(),
        "steps"_a = py::none(), "time"_a = py::none(), "tol"_a = py::none(),
        "flow_tol"_a = py::none(), "record_every"_a = py::none(), "observations"_a = py::none(),
        "seed"_a = py::none(), "precision"_a = py::none(), "n"_a = py::none(), "m"_a = py::none(),
        "rank_of_y"_a = py::none(), "spectrum"_a = py::none(), "spread"_a = py::none(),
        "b_scale_log2"_a = py::none(), "progress"_a = py::none(), "literature"_a = py::none());
  m.def("run_deep", &run_deep, "kwargs"_a);
  m.def("instance", &instance, py::kw_only(), "n"_a, "m"_a, "rank_of_y"_a, "r"_a = py::none(),
        "spectrum"_a = "flat", "spread"_a = 0, "seed"_a = 0, "step_log2"_a = -3, "init"_a = "zero",
        "init_log2"_a = -8, "singular_values"_a = py::none(), "b_scale_log2"_a = 0,
        "precision"_a = "double");
  m.def("run_recipe", &run_recipe, "recipe"_a, py::kw_only(), "algo"_a = "fa", "steps"_a,
        "record_every"_a = 1, "tol"_a = 1e-10, "precision"_a = "double");
  m.def("mp_bits", [] { return fa::precision_bits<fa::Mp>(); });
  m.def("limit_estimate", &limit_estimate, "y"_a, "b"_a, py::kw_only(), "precision"_a = "double");
  m.def("certify", &certify, "y"_a, "b"_a = py::none(), py::kw_only(), "r"_a = py::none(),
        "seed"_a = 0);
  m.def("lillicrap_experiment", &lillicrap_experiment, py::kw_only(), "seed"_a = 1,
        "steps"_a = 3000, "batch"_a = 20, "eta"_a = 0.002, "every"_a = 10);
}
