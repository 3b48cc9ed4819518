// The apply lock on a node: created with the shell's noclobber (O_EXCL), so exactly one of
// two racing applies wins; a stale lock is removed only if it still holds what we judged.

#include "acpctl/runner/lock.hpp"

#include "acpctl/util/log.hpp"
#include "lock_owner.hpp"

#include <fmt/format.h>
#include <sstream>

namespace acp::runner {

namespace {

// Fixed scripts; the lock path and old content arrive as positional arguments, the owner
// record on stdin. Exit 3 means "someone else's lock is there" (its content on stdout).
// umask 077: the lock is 0600 (it holds nothing secret, but nothing on a node should be
// readable by every user that need not be).
constexpr const char* k_create_script =
    "umask 022; mkdir -p -- \"$(dirname -- \"$1\")\" || exit 1; "
    "umask 077; if (set -C; cat > \"$1\"); then exit 0; fi; "
    "if [ -e \"$1\" ]; then cat -- \"$1\"; exit 3; fi; exit 1";
constexpr const char* k_remove_if_script =
    "[ -e \"$1\" ] || exit 0; [ \"$(cat -- \"$1\")\" = \"$2\" ] || exit 3; rm -f -- \"$1\"";
constexpr const char* k_read_script = "[ -e \"$1\" ] || exit 3; cat -- \"$1\"";

Result<transport::CommandResult> run_script(transport::Transport& node, const char* script,
                                            std::vector<std::string> args,
                                            std::istream* input = nullptr) {
  transport::Command command;
  command.argv = {"sh", "-c", script, "sh"};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.sudo = true;
  command.stdin_stream = input;
  return node.run(command);
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

Error remote_error(const transport::CommandResult& r, const std::string& what) {
  return Error(Errc::remote, fmt::format("{} (exit {}): {}", what, r.exit_code, trimmed(r.err)));
}

/// Removes the lock if it still holds `content`. True if removed (or gone), false if changed.
Result<bool> remove_if(transport::Transport& node, const std::string& path,
                       const std::string& content) {
  auto r = run_script(node, k_remove_if_script, {path, content});
  if (!r)
    return std::move(r).error();
  if (r->exit_code == 3)
    return false;
  if (!r->ok())
    return remote_error(*r, "cannot remove " + path);
  return true;
}

Error locked(const transport::Transport& node, const LockOwner& holder) {
  return Error(Errc::conflict, fmt::format("{} is locked by {}", node.host(), describe(holder)))
      .with_hint("wait for it to finish, or pass --force-unlock if it is dead");
}

} // namespace

Status acquire_lock(transport::Transport& node, const LockOwner& me, bool force_unlock,
                    const std::string& path) {
  const auto record = owner_to_json(me);
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::istringstream in(record);
    auto r = run_script(node, k_create_script, {path}, &in);
    if (!r)
      return std::move(r).error().context("taking the apply lock");
    if (r->ok())
      return {};
    if (r->exit_code != 3)
      return remote_error(*r, "cannot create the apply lock " + path);
    const auto content = trimmed(r->out);
    const auto holder = owner_from_json(content);
    std::string reason;
    if (holder && same_owner(*holder, me))
      return {};
    if (force_unlock)
      reason = "--force-unlock was given";
    else if (!holder)
      return Error(Errc::conflict,
                   fmt::format("{} has an apply lock {} that is not an owner record", node.host(),
                               path))
          .with_hint("if no apply is running, pass --force-unlock");
    else if (auto stale = stale_reason(*holder, StaleCheck::local()))
      reason = *stale;
    else
      return locked(node, *holder);
    log::write(log::Level::warn, node.host(),
               fmt::format("taking over the apply lock of {}: {}",
                           holder ? describe(*holder) : std::string("an unknown owner"), reason));
    auto removed = remove_if(node, path, content);
    if (!removed)
      return std::move(removed).error();
  }
  return Error(Errc::conflict,
               fmt::format("{}: the apply lock kept changing while taking it", node.host()))
      .with_hint("another apply is starting; wait for it to finish");
}

Status release_lock(transport::Transport& node, const LockOwner& me, const std::string& path) {
  auto r = run_script(node, k_read_script, {path});
  if (!r)
    return std::move(r).error().context("releasing the apply lock");
  if (r->exit_code == 3)
    return {};
  if (!r->ok())
    return remote_error(*r, "cannot read the apply lock " + path);
  const auto content = trimmed(r->out);
  const auto holder = owner_from_json(content);
  if (!holder || !same_owner(*holder, me))
    return Error(Errc::conflict,
                 fmt::format("{}: not releasing the apply lock: it is held by {}", node.host(),
                             holder ? describe(*holder) : std::string("an unknown owner")));
  auto removed = remove_if(node, path, content);
  if (!removed)
    return std::move(removed).error();
  if (!*removed)
    return Error(Errc::conflict, node.host() + ": the apply lock changed while releasing it");
  return {};
}

Result<std::optional<LockOwner>> read_lock(transport::Transport& node, const std::string& path) {
  auto r = run_script(node, k_read_script, {path});
  if (!r)
    return std::move(r).error();
  if (r->exit_code == 3)
    return std::optional<LockOwner>{};
  if (!r->ok())
    return remote_error(*r, "cannot read the apply lock " + path);
  auto holder = owner_from_json(trimmed(r->out));
  if (!holder)
    return Error(Errc::invalid_input, path + " is not an apply lock owner record")
        .with_host(node.host());
  return std::optional<LockOwner>{std::move(*holder)};
}

} // namespace acp::runner
