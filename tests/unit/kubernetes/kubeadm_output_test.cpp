// kubeadm's output read back, against recorded upstream output (fixtures/kubeadm-output/, each
// naming its source); no token survives into an outcome or an Error.

#include "acpctl/components/kubernetes/kubeadm_output.hpp"
#include "fixtures.hpp"

#include <algorithm>

using namespace acp::kubernetes;
using namespace kubernetes_fixtures;

namespace {

constexpr const char* k_token = "abcdef.0123456789abcdef";

// A recorded output without its "#" header lines.
std::string output(const std::string& name) {
  const auto text = read_fixture("kubeadm-output/" + name);
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = text.find('\n', at);
    end = end == std::string::npos ? text.size() : end + 1;
    if (text[at] != '#')
      out += text.substr(at, end - at);
    at = end;
  }
  return out;
}

std::vector<std::string> checks(const std::vector<PreflightError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors)
    out.push_back(e.check);
  return out;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_SUITE("kubernetes::kubeadm_output") {
  TEST_CASE("redact_tokens hides flag values and token-shaped text, nothing else") {
    CHECK(redact_tokens("kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef \\") ==
          "kubeadm join 10.0.0.1:6443 --token <redacted> \\");
    CHECK(redact_tokens("--token=s3cr3t --certificate-key 0a1b --tls-bootstrap-token\tx") ==
          "--token=<redacted> --certificate-key <redacted> --tls-bootstrap-token\t<redacted>");
    CHECK(redact_tokens("[bootstrap-token] Using token: 9a08jv.c0izixklcxtmnze7\n") ==
          "[bootstrap-token] Using token: <redacted>\n");
    CHECK(redact_tokens("xx783bde.3f89s0fje9f38fhfyy") == "xx<redacted>yy");
    const std::string pin =
        "--discovery-token-ca-cert-hash sha256:2a90b282463778fb08687c1fc0f5838e70d5236f547ba6752d";
    CHECK(redact_tokens(pin) == pin);
    CHECK(redact_tokens("ABCDEF.0123456789ABCDEF abcde.0123456789abcdef") ==
          "ABCDEF.0123456789ABCDEF abcde.0123456789abcdef");
    CHECK(redact_tokens("--token") == "--token");
  }

  TEST_CASE("init's closing message gives the endpoint and the CA pin, never the token") {
    const auto out = parse_init_output(output("init-success.stdout"), "");
    CHECK(out.succeeded);
    CHECK(out.join_endpoint == "10.88.0.100:6443");
    CHECK(out.ca_cert_hash == k_hash);
    CHECK(out.token_printed);
    CHECK(out.control_plane_join);
    CHECK(out.failed_phase.empty());
    CHECK(out.errors.empty());
  }

  TEST_CASE("the guide's placeholders are no endpoint, pin or token") {
    const auto out = parse_init_output(output("init-success-docs.stdout"), "");
    CHECK(out.succeeded);
    CHECK(out.join_endpoint.empty());
    CHECK(out.ca_cert_hash.empty());
    CHECK_FALSE(out.token_printed);
    CHECK_FALSE(out.control_plane_join);
  }

  TEST_CASE("a withheld token (--skip-token-print) is not a printed one") {
    const auto out =
        parse_init_output("Your Kubernetes control-plane has initialized successfully!\n"
                          "kubeadm join 10.0.0.1:6443 --token <value withheld> \\\n"
                          "    --discovery-token-ca-cert-hash sha256:" +
                              std::string(64, 'a') + " \n",
                          "");
    CHECK(out.join_endpoint == "10.0.0.1:6443");
    CHECK(out.ca_cert_hash == "sha256:" + std::string(64, 'a'));
    CHECK_FALSE(out.token_printed);
  }

  TEST_CASE("preflight errors and the failed phase, before and after the error: prefix") {
    const auto v127 = parse_init_output("", output("init-preflight-v1.27.stderr"));
    CHECK_FALSE(v127.succeeded);
    CHECK(v127.failed_phase == "preflight");
    CHECK(v127.failure == "[preflight] Some fatal errors occurred:");
    REQUIRE(v127.errors.size() == 1);
    CHECK(v127.errors[0].check == "NumCPU");
    CHECK(v127.errors[0].message == "the number of available CPUs 1 is less than the required 2");
    const auto v131 = parse_init_output("", output("init-preflight-v1.31.stderr"));
    CHECK(v131.failed_phase == "preflight");
    CHECK(checks(v131.errors) == std::vector<std::string>{"FileExisting-conntrack"});
    const auto v134 = output("init-wait-control-plane-v1.34.stderr");
    CHECK(parse_failed_phase(v134) == "wait-control-plane");
    CHECK(parse_preflight_errors(v134).empty()); // a [WARNING] is no error
    CHECK(has(parse_init_output("", v134).failure, "kube-apiserver check failed at https://"));
  }

  TEST_CASE("every [ERROR] line, with or without a phase line, tabs or spaces") {
    const auto old = parse_preflight_errors(output("join-preflight-old.stderr"));
    CHECK(checks(old) == std::vector<std::string>{"Port-10250",
                                                  "DirAvailable--etc-kubernetes-manifests",
                                                  "FileAvailable--etc-kubernetes-pki-ca.crt",
                                                  "FileAvailable--etc-kubernetes-kubelet.conf"});
    CHECK(old[0].message == "Port 10250 is in use");
    CHECK(parse_failed_phase(output("join-preflight-old.stderr")).empty());
    const auto sysctl = parse_preflight_errors(output("preflight-sysctl.stderr"));
    CHECK(checks(sysctl) ==
          std::vector<std::string>{"FileExisting-crictl",
                                   "FileContent--proc-sys-net-bridge-bridge-nf-call-iptables",
                                   "FileContent--proc-sys-net-ipv4-ip_forward", "KubeletVersion"});
    CHECK(sysctl[2].message == "/proc/sys/net/ipv4/ip_forward contents are not set to 1");
  }

  TEST_CASE("a worker's and a control plane's join are told apart") {
    const auto worker = parse_join_output(output("join-worker.stdout"), "");
    CHECK(worker.succeeded);
    CHECK(worker.kind == JoinKind::worker);
    const auto cp = parse_join_output(output("join-control-plane.stdout"), "");
    CHECK(cp.succeeded);
    CHECK(cp.kind == JoinKind::control_plane);
    const auto refused = parse_join_output("", output("join-preflight-v1.24.stderr"));
    CHECK_FALSE(refused.succeeded);
    CHECK(refused.kind == JoinKind::none);
    CHECK(refused.failed_phase == "preflight");
    CHECK(checks(refused.errors) ==
          std::vector<std::string>{"FileAvailable--etc-kubernetes-kubelet.conf"});
  }

  TEST_CASE("an init that timed out waiting is no success and prints no join command") {
    const auto out = parse_init_output(output("init-wait-control-plane-v1.30.stdout"), "");
    CHECK_FALSE(out.succeeded);
    CHECK(out.join_endpoint.empty());
    CHECK_FALSE(out.token_printed);
  }

  TEST_CASE("describe_failure names host, phase and checks, with one hint per problem") {
    const std::vector<PreflightError> errors{
        {"Swap", "running with swap on is not supported. Please disable swap"},
        {"FileContent--proc-sys-net-bridge-bridge-nf-call-iptables", "does not exist"},
        {"Port-6443", "Port 6443 is in use"},
        {"FileAvailable--etc-kubernetes-kubelet.conf", "already exists"},
        {"FileAvailable--etc-kubernetes-pki-ca.crt", "already exists"},
        {"Hostname", "hostname could not be reached"}};
    const auto e = describe_failure("cp-2", "preflight", errors, "[preflight] Some fatal errors");
    CHECK(e.code() == acp::Errc::remote);
    CHECK(e.host() == "cp-2");
    CHECK(e.message() ==
          "kubeadm failed in phase preflight: [preflight] Some fatal errors; failed checks: Swap "
          "(running with swap on is not supported. Please disable swap), "
          "FileContent--proc-sys-net-bridge-bridge-nf-call-iptables (does not exist), Port-6443 "
          "(Port 6443 is in use), FileAvailable--etc-kubernetes-kubelet.conf (already exists), "
          "FileAvailable--etc-kubernetes-pki-ca.crt (already exists), Hostname (hostname could "
          "not be reached)");
    const auto& hint = e.hint();
    CHECK(has(hint, "swapoff -a"));
    CHECK(has(hint, "/etc/fstab"));
    CHECK(has(hint, "modprobe br_netfilter"));
    CHECK(has(hint, "net.bridge.bridge-nf-call-iptables=1"));
    CHECK(has(hint, "ss -ltnp 'sport = :6443'"));
    CHECK(has(hint, "acpctl reset"));
    CHECK(std::count(hint.begin(), hint.end(), '\n') == 3); // 4 hints, the files' one once
  }

  TEST_CASE("a timed-out wait points at the kubelet's log; nothing known, no hint") {
    const auto wait = describe_failure("cp-1", "wait-control-plane", {}, "context deadline");
    CHECK(wait.message() == "kubeadm failed in phase wait-control-plane: context deadline");
    CHECK(has(wait.hint(), "journalctl -u kubelet"));
    CHECK(has(describe_failure("w-1", "kubelet-start", {}).hint(), "journalctl -u kubelet"));
    const auto other = describe_failure("w-1", "", {{"KubeletVersion", "too new"}});
    CHECK(other.message() == "kubeadm failed; failed checks: KubeletVersion (too new)");
    CHECK(other.hint().empty());
  }

  TEST_CASE("no token reaches an outcome or an Error") {
    const std::string leaky = "error execution phase kubelet-start: token abcdef.0123456789abcdef "
                              "--token s3cr3t refused\n"
                              "\t[ERROR Custom]: bad token abcdef.0123456789abcdef\n";
    const auto out = parse_join_output("", leaky);
    CHECK(out.failure == "token <redacted> --token <redacted> refused");
    REQUIRE(out.errors.size() == 1);
    CHECK(out.errors[0].message == "bad token <redacted>");
    const auto e = describe_failure("w-1", out.failed_phase,
                                    {{"X", "--token abcdef.0123456789abcdef"}}, leaky);
    CHECK_FALSE(has(e.describe(), k_token));
    CHECK_FALSE(has(e.describe(), "s3cr3t"));
    const auto init = parse_init_output(output("init-success.stdout"), leaky);
    for (const auto& text : {init.join_endpoint, init.ca_cert_hash, init.failure})
      CHECK_FALSE(has(text, k_token));
  }
}
