// The admin kubeconfig: one cluster, one user with an embedded client certificate, one
// context.

#include "acpctl/components/kubernetes/render.hpp"
#include "acpctl/util/strings.hpp"
#include "yaml_out.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fmt/format.h>

namespace acp::kubernetes {

namespace {

std::string base64(std::string_view bytes) {
  static constexpr std::string_view k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 3; ++k)
      v = (v << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0U);
    for (std::size_t k = 0; k < 4; ++k)
      out += k <= n ? k_alphabet[(v >> (18 - 6 * k)) & 0x3f] : '=';
  }
  return out;
}

Status check(const KubeconfigInput& in) {
  const std::array<std::pair<const char*, const std::string*>, 6> fields{{
      {"cluster name", &in.cluster_name},
      {"server", &in.server},
      {"CA certificate", &in.ca_pem},
      {"client certificate", &in.client_cert_pem},
      {"client key", &in.client_key_pem},
      {"user", &in.user},
  }};
  for (const auto& [what, value] : fields)
    if (value->empty())
      return Error(Errc::invalid_input, fmt::format("the kubeconfig's {} is empty", what));
  if (!in.server.starts_with("https://"))
    return Error(Errc::invalid_input, fmt::format("the kubeconfig's server {} is not an https URL",
                                                  util::quoted(in.server)));
  return {};
}

} // namespace

Result<std::string> render_kubeconfig(const KubeconfigInput& in) {
  if (auto ok = check(in); !ok)
    return std::move(ok).error();
  using detail::open_map;
  using detail::put;
  const auto context = fmt::format("{}@{}", in.user, in.cluster_name);
  YAML::Emitter out;
  out << YAML::BeginMap;
  put(out, "apiVersion", "v1");
  put(out, "kind", "Config");
  out << YAML::Key << "clusters" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  put(out, "name", in.cluster_name);
  open_map(out, "cluster");
  put(out, "server", in.server);
  put(out, "certificate-authority-data", base64(in.ca_pem));
  out << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
  out << YAML::Key << "users" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  put(out, "name", in.user);
  open_map(out, "user");
  put(out, "client-certificate-data", base64(in.client_cert_pem));
  put(out, "client-key-data", base64(in.client_key_pem));
  out << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
  out << YAML::Key << "contexts" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  put(out, "name", context);
  open_map(out, "context");
  put(out, "cluster", in.cluster_name);
  put(out, "user", in.user);
  out << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
  put(out, "current-context", context);
  out << YAML::EndMap;
  return detail::document(out);
}

} // namespace acp::kubernetes
