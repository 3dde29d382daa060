// Child processes that do not outlive the process that started them (issue 24). A process killed
// hard (SIGKILL from the OOM killer, a test harness or `kill -9`) cannot clean up after itself,
// but the kernel can: a process that has set PR_SET_PDEATHSIG gets that signal when its parent
// dies. fa-claims' symbolic proofs (a Python child) and fa-report's plots (gnuplot) run that way,
// and fa-claims ties itself to the Python module that runs it. Linux only, as the project is.
#pragma once

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace fa {

/// Runs argv (argv[0] looked up in PATH) as a child process that the kernel kills if this
/// process dies first, its stderr into `stderr_path` when one is given, and waits for it.
/// Returns its wait status as std::system does: -1 when it could not be started, exit status
/// 127 when the program could not be run.
inline int run_tied_child(const std::vector<std::string>& argv,
                          const std::string& stderr_path = {}) {
  if (argv.empty()) return -1;
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) return -1;
  if (child == 0) {  // only async-signal-safe calls from here to exec
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before the tie was made
    if (!stderr_path.empty()) {
      const int fd = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd >= 0) ::dup2(fd, STDERR_FILENO);
    }
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

/// FA_DIE_WITH_PARENT=PID in the environment (set by the Python module for the fa-claims it runs):
/// this process asks the kernel for SIGKILL when its parent dies, and exits at once (status 1) if
/// its parent is no longer PID, i.e. died before the tie was made. The variable is removed so that
/// this process's own children do not read it (they are tied by run_tied_child). A value that is
/// not a pid is an error (exit 2).
inline void die_with_parent_if_asked(const char* tool) {
  const char* env = std::getenv("FA_DIE_WITH_PARENT");
  if (!env) return;
  char* end = nullptr;
  const long pid = std::strtol(env, &end, 10);
  if (pid <= 0 || *end != '\0') {
    std::cerr << tool << ": FA_DIE_WITH_PARENT must be the parent's pid, not '" << env << "'\n";
    std::exit(2);
  }
  ::unsetenv("FA_DIE_WITH_PARENT");
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != static_cast<pid_t>(pid)) {
    std::cerr << tool << ": the process that started it (pid " << pid << ") has ended\n";
    std::exit(1);
  }
}

}  // namespace fa
