#pragma once
// What `acpctl upgrade plan` shows: per node, its release before and after, and each
// component's change (replace + restart, relabel only, unchanged, new, remove).

#include "acpctl/config/model.hpp"
#include "acpctl/facts/host_facts.hpp"
#include "acpctl/plan/desired.hpp"
#include "acpctl/plan/plan.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

namespace acp::cli {

/// {"nodes":[{"node","release":{"from","to"},"components":[{"name","from","to","change"}]}]};
/// change is "replace+restart", "replace" (files only), "relabel", "reuse+restart"
/// (back to a version kept on the node), "reuse" (the same, same bytes),
/// "unchanged", "new" or "remove".
nlohmann::json upgrade_view(const config::Cluster& cluster,
                            const std::map<std::string, facts::HostFacts>& facts,
                            std::span<const plan::DesiredComponent> desired,
                            const state::Release* target, const plan::Plan& plan);

/// The view as text, one block per node.
std::string render_upgrade_view(const nlohmann::json& view);

/// Per node: release, previous release, history and the last upgrade's journal, as
/// `acpctl upgrade status` and `acpctl history` show them.
nlohmann::json releases_view(const config::Cluster& cluster,
                             const std::map<std::string, facts::HostFacts>& facts);
/// `acpctl upgrade status` as text: releases and the last upgrade's steps.
std::string render_upgrade_status(const nlohmann::json& view);
/// `acpctl history` as text: each node's release changes, oldest first.
std::string render_history(const nlohmann::json& view);

} // namespace acp::cli
