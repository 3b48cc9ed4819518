#include "acpctl/stages/outputs.hpp"

#include "acpctl/util/log.hpp"

namespace acp::stages {

void Outputs::put(const std::string& key, std::string value, Kind kind) {
  if (kind == Kind::secret)
    log::add_secret(value);
  std::lock_guard lock(m_mutex);
  m_values[key] = {std::move(value), kind};
}

std::optional<std::string> Outputs::get(const std::string& key) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_values.find(key);
  if (it == m_values.end())
    return std::nullopt;
  return it->second.first;
}

std::map<std::string, Outputs::Kind> Outputs::keys() const {
  std::lock_guard lock(m_mutex);
  std::map<std::string, Kind> out;
  for (const auto& [key, value] : m_values)
    out[key] = value.second;
  return out;
}

} // namespace acp::stages
