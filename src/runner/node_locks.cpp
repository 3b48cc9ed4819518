// The apply lock held on several nodes by one command other than apply.

#include "acpctl/runner/lock.hpp"

namespace acp::runner {

Result<NodeLocks> NodeLocks::take(std::vector<transport::Transport*> nodes, LockOwner me,
                                  bool force_unlock) {
  NodeLocks locks({}, std::move(me));
  for (auto* node : nodes) {
    if (auto ok = acquire_lock(*node, locks.m_me, force_unlock); !ok)
      return Error(std::move(ok).error()).with_host(node->host());
    locks.m_held.push_back(node);
  }
  return locks;
}

NodeLocks::NodeLocks(NodeLocks&& other) noexcept
    : m_held(std::move(other.m_held)), m_me(std::move(other.m_me)) {
  other.m_held.clear();
}

NodeLocks::~NodeLocks() {
  for (auto* node : m_held)
    (void)release_lock(*node, m_me);
}

} // namespace acp::runner
