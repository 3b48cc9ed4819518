// Node removal: cordon, evict, drain, delete, as kubectl drain --ignore-daemonsets does them.

#include "acpctl/kube/nodes.hpp"

#include "acpctl/util/log.hpp"
#include "session.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <thread>

namespace acp::kube {

namespace {

using Clock = std::chrono::steady_clock;

// The checked path of a core object (a Node or a Pod), through the same rules as apply's.
Result<ObjectRef> core_ref(const ApiTarget& target, std::string_view kind, std::string_view ns,
                           std::string_view name) {
  nlohmann::json object{{"apiVersion", "v1"}, {"kind", kind}, {"metadata", {{"name", name}}}};
  if (!ns.empty())
    object["metadata"]["namespace"] = ns;
  return detail::target_ref(target, object, KindTable());
}

PodRef pod_of(const nlohmann::json& item) {
  PodRef pod;
  const auto& meta = item.contains("metadata") ? item["metadata"] : nlohmann::json::object();
  pod.ns = meta.value("namespace", "");
  pod.name = meta.value("name", "");
  pod.uid = meta.value("uid", "");
  if (meta.contains("annotations") && meta["annotations"].is_object())
    pod.mirror = meta["annotations"].contains("kubernetes.io/config.mirror");
  if (meta.contains("ownerReferences") && meta["ownerReferences"].is_array())
    for (const auto& owner : meta["ownerReferences"])
      if (owner.is_object() && owner.value("kind", "") == "DaemonSet" &&
          owner.value("controller", false))
        pod.daemonset = true;
  return pod;
}

std::string names_of(const std::vector<PodRef>& pods) {
  std::string text;
  for (const auto& p : pods)
    text += (text.empty() ? "" : ", ") + p.ns + "/" + p.name;
  return text;
}

// The evicted pods that are still on the node (same name and uid).
std::vector<PodRef> left_of(const std::vector<PodRef>& evicted, const std::vector<PodRef>& now) {
  std::vector<PodRef> left;
  for (const auto& p : evicted)
    if (std::any_of(now.begin(), now.end(), [&](const PodRef& q) {
          return q.ns == p.ns && q.name == p.name && q.uid == p.uid;
        }))
      left.push_back(p);
  return left;
}

std::chrono::seconds seconds_left(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::seconds>(deadline - Clock::now());
  return std::max(left, std::chrono::seconds(0));
}

} // namespace

Status cordon(const ApiTarget& target, std::string_view node) {
  auto ref = core_ref(target, "Node", {}, node);
  if (!ref)
    return std::move(ref).error();
  detail::Session session(target);
  const std::string doing = "cordoning node " + ref->name;
  auto answer = session.send(
      {"PATCH", ref->path, R"({"spec":{"unschedulable":true}})", "application/merge-patch+json"});
  if (!answer)
    return std::move(answer).error().context(doing);
  if (answer->status == 404)
    return session.error(Errc::failed,
                         fmt::format("node {} does not exist on {}", ref->name, session.name()));
  if (answer->status != 200)
    return session.answer_error(*answer, "PATCH " + ref->path).context(doing);
  return {};
}

Result<std::vector<PodRef>> list_pods_on(const ApiTarget& target, std::string_view node) {
  const std::string path =
      "/api/v1/pods?fieldSelector=" + url_escape("spec.nodeName=") + url_escape(node);
  auto list = get(target, path);
  if (!list)
    return std::move(list).error().context(fmt::format("listing the pods on node {}", node));
  std::vector<PodRef> pods;
  if (*list && (*list)->contains("items") && (**list)["items"].is_array())
    for (const auto& item : (**list)["items"])
      if (item.is_object())
        pods.push_back(pod_of(item));
  return pods;
}

Status evict(const ApiTarget& target, std::string_view ns, std::string_view pod,
             std::chrono::seconds timeout) {
  auto ref = core_ref(target, "Pod", ns, pod);
  if (!ref)
    return std::move(ref).error();
  const nlohmann::json eviction{{"apiVersion", "policy/v1"},
                                {"kind", "Eviction"},
                                {"metadata", {{"name", ref->name}, {"namespace", ref->ns}}}};
  detail::Session session(target);
  const detail::Call call{"POST", ref->path + "/eviction", eviction.dump(), "application/json",
                          false};
  const std::string doing = "evicting pod " + ref->ns + "/" + ref->name;
  const auto deadline = Clock::now() + timeout;
  while (true) {
    auto answer = session.send(call);
    if (!answer)
      return std::move(answer).error().context(doing);
    if (answer->status == 200 || answer->status == 201 || answer->status == 404)
      return {};
    if (answer->status != 429)
      return session.answer_error(*answer, "POST " + call.path).context(doing);
    if (Clock::now() >= deadline)
      return session
          .error(Errc::timeout,
                 fmt::format("{}: a PodDisruptionBudget still forbids it on {} after "
                             "{}s",
                             doing, session.name(), timeout.count()))
          .with_hint("let the budget's other pods become ready, or relax the budget");
    log::debug(fmt::format("kube: {}: a PodDisruptionBudget forbids it for now", doing));
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
}

Status drain(const ApiTarget& target, std::string_view node, std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  if (auto st = cordon(target, node); !st)
    return st;
  auto pods = list_pods_on(target, node);
  if (!pods)
    return std::move(pods).error();
  std::vector<PodRef> evicted;
  for (const auto& pod : *pods) {
    if (pod.daemonset || pod.mirror)
      continue;
    if (auto st = evict(target, pod.ns, pod.name, seconds_left(deadline)); !st)
      return std::move(st).error().context("draining node " + std::string(node));
    evicted.push_back(pod);
  }
  auto pause = std::chrono::milliseconds(200);
  while (!evicted.empty()) {
    auto now = list_pods_on(target, node);
    if (!now)
      return std::move(now).error();
    evicted = left_of(evicted, *now);
    if (evicted.empty())
      break;
    if (Clock::now() >= deadline)
      return Error(Errc::timeout,
                   fmt::format("node {} is not drained on {} after {}s: pods "
                               "left: {}",
                               node, describe(target), timeout.count(), names_of(evicted)))
          .with_host(host_of(target))
          .with_hint("see why those pods do not stop (kubectl describe pod), or allow more time");
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(2000));
  }
  return {};
}

Status delete_node(const ApiTarget& target, std::string_view node) {
  auto ref = core_ref(target, "Node", {}, node);
  if (!ref)
    return std::move(ref).error();
  detail::Session session(target);
  auto answer = session.send({"DELETE", ref->path});
  if (!answer)
    return std::move(answer).error().context("deleting node " + ref->name);
  if (answer->status == 200 || answer->status == 202 || answer->status == 404)
    return {};
  return session.answer_error(*answer, "DELETE " + ref->path).context("deleting node " + ref->name);
}

} // namespace acp::kube
