// kubeadm init's documents: InitConfiguration (this node), ClusterConfiguration (the cluster:
// endpoint, images, networks, external etcd, certificate names) and KubeletConfiguration.

#include "acpctl/util/strings.hpp"
#include "kubeadm_docs.hpp"
#include "yaml_out.hpp"

namespace acp::kubernetes::detail {

namespace {

// The first release whose KubeletConfiguration has containerRuntimeEndpoint; before it the
// kubelet takes the socket only as a flag, which kubeadm sets from nodeRegistration.criSocket.
constexpr int k_runtime_endpoint_minor = 27;

void head(YAML::Emitter& out, std::string_view api_version, std::string_view kind) {
  put(out, "apiVersion", api_version);
  put(out, "kind", kind);
}

} // namespace

void node_registration(YAML::Emitter& out, const DocInput& in) {
  open_map(out, "nodeRegistration");
  put(out, "name", in.node.name);
  put(out, "criSocket", k_cri_socket);
  // The kubelet registers the address the cluster knows the node by, not whichever
  // interface holds the default route.
  put_args(out, "kubeletExtraArgs", {{"node-ip", in.node.address}}, in.api == KubeadmApi::v1beta4);
  out << YAML::EndMap;
}

void local_api_endpoint(YAML::Emitter& out, const DocInput& in) {
  open_map(out, "localAPIEndpoint");
  put(out, "advertiseAddress", in.node.address);
  put(out, "bindPort", k_api_port);
  out << YAML::EndMap;
}

std::string init_configuration(const DocInput& in) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  head(out, api_version(in.api), "InitConfiguration");
  out << YAML::Key << "bootstrapTokens" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  put(out, "token", secret_placeholder(k_bootstrap_token));
  put(out, "description", "acpctl: joins of the cluster's nodes");
  put(out, "ttl", "24h0m0s");
  out << YAML::EndMap << YAML::EndSeq;
  node_registration(out, in);
  local_api_endpoint(out, in);
  if (in.api == KubeadmApi::v1beta4) {
    open_map(out, "timeouts");
    put(out, "controlPlaneComponentHealthCheck", k_control_plane_timeout);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return document(out);
}

std::string cluster_configuration(const DocInput& in) {
  const auto& c = in.cluster;
  YAML::Emitter out;
  out << YAML::BeginMap;
  head(out, api_version(in.api), "ClusterConfiguration");
  put(out, "clusterName", c.name);
  put(out, "kubernetesVersion", in.version.to_string());
  put(out, "controlPlaneEndpoint", in.endpoint);
  put(out, "certificatesDir", k_pki_dir);
  if (const auto repository = image_repository(c); !repository.empty())
    put(out, "imageRepository", repository);
  open_map(out, "networking");
  put(out, "podSubnet", util::join(c.network.pod_cidrs, ","));
  put(out, "serviceSubnet", util::join(c.network.service_cidrs, ","));
  put(out, "dnsDomain", "cluster.local");
  out << YAML::EndMap;
  open_map(out, "etcd");
  open_map(out, "external");
  put_list(out, "endpoints", etcd_endpoints(c));
  put(out, "caFile", k_etcd_ca);
  put(out, "certFile", k_etcd_client_cert);
  put(out, "keyFile", k_etcd_client_key);
  out << YAML::EndMap << YAML::EndMap;
  open_map(out, "apiServer");
  put_list(out, "certSANs", cert_sans(c));
  if (in.api == KubeadmApi::v1beta3)
    put(out, "timeoutForControlPlane", k_control_plane_timeout);
  out << YAML::EndMap;
  out << YAML::EndMap;
  return document(out);
}

std::string kubelet_configuration(const DocInput& in) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  head(out, "kubelet.config.k8s.io/v1beta1", "KubeletConfiguration");
  put(out, "cgroupDriver", in.options.cgroup_driver);
  if (in.version.minor >= k_runtime_endpoint_minor)
    put(out, "containerRuntimeEndpoint", k_cri_socket);
  out << YAML::EndMap;
  return document(out);
}

} // namespace acp::kubernetes::detail
