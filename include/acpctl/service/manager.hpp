#pragma once
// The service manager seam: systemd on production nodes, runit on lab hosts. Stages ask this
// interface for files and commands and never branch on the supervisor themselves. It is an
// interface because the choice is made per host from facts at run time.

#include "acpctl/service/kind.hpp"
#include "acpctl/service/spec.hpp"
#include "acpctl/util/error.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace acp::service {

/// A file to upload (atomically) to a node.
struct FileToWrite {
  std::string path;
  std::string content;
  int mode = 0644;
};

/// What installing or updating a service takes: files to write first, then commands to run
/// in order (reload the supervisor, enable, or move a prepared directory into place).
struct Installation {
  std::vector<FileToWrite> files;
  std::vector<Argv> commands;
};

/// A service's state as its supervisor reports it.
struct ServiceStatus {
  bool exists = false; ///< the supervisor knows the service
  bool running = false;
  int pid = 0;        ///< main process; 0 when not running
  std::string detail; ///< the supervisor's own words, for messages
};

class ServiceManager {
public:
  virtual ~ServiceManager() = default;

  /// "systemd" or "runit".
  virtual std::string_view kind() const = 0;
  /// Files and commands that put `spec` in place. `exists`: the service is installed already
  /// (an update rewrites its files in place). Fails if the spec cannot be expressed safely.
  virtual Result<Installation> install(const ServiceSpec& spec, bool exists) const = 0;
  /// Commands that stop the service and delete everything install() wrote.
  virtual std::vector<Argv> uninstall(const std::string& name) const = 0;
  virtual Argv start(const std::string& name) const = 0;
  virtual Argv stop(const std::string& name) const = 0;
  virtual Argv restart(const std::string& name) const = 0;
  virtual Argv status(const std::string& name) const = 0;
  /// Reads the output of status(). Output it does not recognise is an Errc::remote error.
  virtual Result<ServiceStatus> parse_status(std::string_view output) const = 0;
};

/// The systemd implementation (units in /etc/systemd/system).
std::unique_ptr<ServiceManager> make_systemd();
/// The runit implementation (service directories in /etc/service, scanned by runsvdir).
std::unique_ptr<ServiceManager> make_runit();
/// The manager for a host whose facts show `kind`; fails naming `host` for neither.
Result<std::unique_ptr<ServiceManager>> for_host(ManagerKind kind, const std::string& host);
/// Checks a spec before any manager renders it: name, absolute argv[0], environment names.
Status validate(const ServiceSpec& spec);

} // namespace acp::service
