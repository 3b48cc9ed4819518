#pragma once
// The one error model of acpctl: leaf code returns Result<T>; the CLI's single top-level
// catch turns a thrown Failure into a message and a documented exit code.

#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace acp {

/// What kind of failure an Error is; decides the process exit code.
enum class Errc {
  failed,        ///< something went wrong at run time (exit 1)
  usage,         ///< bad command line (exit 2)
  invalid_input, ///< a config, plan or package the user gave is wrong (exit 2)
  io,            ///< a local file could not be read or written (exit 1)
  verify,        ///< a checksum or signature did not match (exit 1)
  connect,       ///< a host could not be reached; transient (exit 1)
  auth,          ///< authentication was refused; never retried (exit 1)
  timeout,       ///< an operation ran out of time; transient (exit 1)
  remote,        ///< a remote command failed (exit 1)
  conflict,      ///< a lock is held or a plan is stale (exit 1)
  cancelled,     ///< the user interrupted (exit 1)
};

/// Process exit codes, documented in the README.
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failed = 1;
inline constexpr int k_exit_usage = 2;

/// Where in a file an error is. line and column are 1-based; 0 means unknown.
struct Location {
  std::string file;
  int line = 0;
  int column = 0;

  /// "file:line:col", "file:line" or "file", as much as is known; empty when nothing is.
  std::string to_string() const;
};

/// A failure with a code, a message, and where known the host, the place in a file and a
/// hint that tells the user what to do next.
class Error {
public:
  Error(Errc code, std::string message) : m_code(code), m_message(std::move(message)) {}

  Errc code() const { return m_code; }
  const std::string& message() const { return m_message; }
  const std::string& host() const { return m_host; }
  const Location& location() const { return m_location; }
  const std::string& hint() const { return m_hint; }

  Error& with_host(std::string host) & {
    m_host = std::move(host);
    return *this;
  }
  Error&& with_host(std::string host) && { return std::move(with_host(std::move(host))); }
  Error& at(Location location) & {
    m_location = std::move(location);
    return *this;
  }
  Error&& at(Location location) && { return std::move(at(std::move(location))); }
  Error& with_hint(std::string hint) & {
    m_hint = std::move(hint);
    return *this;
  }
  Error&& with_hint(std::string hint) && { return std::move(with_hint(std::move(hint))); }
  /// Prefixes the message with what was being done ("reading cluster.yaml: ...").
  Error& context(const std::string& doing) & {
    m_message = doing + ": " + m_message;
    return *this;
  }
  Error&& context(const std::string& doing) && { return std::move(context(doing)); }

  /// The exit code this error maps to (1 or 2).
  int exit_code() const;
  /// One line: "host: file:line:col: message", then the hint on its own line if any.
  std::string describe() const;

private:
  Errc m_code;
  std::string m_message;
  std::string m_host;
  Location m_location;
  std::string m_hint;
};

/// The only exception acpctl throws on purpose; caught once in main.
class Failure : public std::exception {
public:
  explicit Failure(Error error) : m_error(std::move(error)), m_what(m_error.describe()) {}
  const Error& error() const { return m_error; }
  const char* what() const noexcept override { return m_what.c_str(); }

private:
  Error m_error;
  std::string m_what;
};

/// Either a value or an Error (std::expected is C++23; this is the part we need).
template <class T> class [[nodiscard]] Result {
public:
  Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(m_v); }
  const T& value() const& { return std::get<0>(m_v); }
  T&& value() && { return std::get<0>(std::move(m_v)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(m_v); }
  Error&& error() && { return std::get<1>(std::move(m_v)); }

  /// The value, or throws Failure with the error.
  T take() && {
    if (!ok())
      throw Failure(std::get<1>(std::move(m_v)));
    return std::get<0>(std::move(m_v));
  }

private:
  std::variant<T, Error> m_v;
};

template <> class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)) {}

  bool ok() const { return !m_error.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return *m_error; }
  Error&& error() && { return std::move(*m_error); }
  /// Throws Failure if this holds an error.
  void take() && {
    if (m_error)
      throw Failure(std::move(*m_error));
  }

private:
  std::optional<Error> m_error;
};

using Status = Result<void>;

} // namespace acp
