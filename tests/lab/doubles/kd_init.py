# TEST DOUBLE of `kubeadm init --config F` (kubeadm 1.31), for acpctl's lab tests only.
# Imitates: config and token checks, the FileAvailable preflight error for kube-apiserver.yaml,
# external-CA mode (nothing is signed; every certificate and kubeconfig must be there), the
# static Pod manifests and kubelet files, wait-control-plane, the token and cluster-info uploads
# (into the external etcd) and kubeadm's output, join command included.
# Does not imitate: certificate or kubeconfig generation (a missing file is an error even with
# ca.key present), local etcd, addons, RBAC objects, marking the node, --upload-certs.
import kd_checks as checks
import kd_phases as phases
import kd_render as render
from kd_util import read_file, spki_sha256

SUCCESS = """
Your Kubernetes control-plane has initialized successfully!

To start using your cluster, you need to run the following as a regular user:

  mkdir -p $HOME/.kube
  sudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config
  sudo chown $(id -u):$(id -g) $HOME/.kube/config

Alternatively, if you are the root user, you can run:

  export KUBECONFIG=/etc/kubernetes/admin.conf

You should now deploy a pod network to the cluster.
Run "kubectl apply -f [podnetwork].yaml" with one of the options listed at:
  https://kubernetes.io/docs/concepts/cluster-administration/addons/

You can now join any number of control-plane nodes by copying certificate authorities
and service account keys on each node and then running the following as root:

  kubeadm join {endpoint} --token {token} \\
\t--discovery-token-ca-cert-hash {hash} \\
\t--control-plane

Then you can join any number of worker nodes by running the following on each as root:

kubeadm join {endpoint} --token {token} \\
\t--discovery-token-ca-cert-hash {hash}"""


def run(opts, argv):
    docs = checks.load_config(opts.get("config"))
    init, cluster = docs.get("InitConfiguration"), docs.get("ClusterConfiguration")
    if init is None or cluster is None:
        checks.fail("kube double: --config must hold an InitConfiguration and a ClusterConfiguration")
    tokens = init.get("bootstrapTokens") or []
    if not tokens:
        checks.fail("kube double: InitConfiguration.bootstrapTokens[0].token is required")
    token_id, secret = checks.check_token(tokens[0].get("token"))
    local = init.get("localAPIEndpoint") or {}
    address, port = local.get("advertiseAddress", ""), int(local.get("bindPort", 6443))
    endpoint = cluster.get("controlPlaneEndpoint") or "%s:%d" % (address, port)
    etcd = phases.etcd_from_cluster(cluster)

    print("[init] Using Kubernetes version: %s" % cluster.get("kubernetesVersion", "v1.31.6"))
    checks.preflight([("port", port), ("port", checks.kubelet_port())] +
                     [("file", m) for m in render.MANIFEST_FILES], opts.get("ignore", ""))
    print("[preflight] Pulling images required for setting up a Kubernetes cluster")
    checks.external_ca("certs")
    print('[kubeconfig] Using kubeconfig folder "/etc/kubernetes"')
    for name in ("admin", "super-admin", "kubelet", "controller-manager", "scheduler"):
        print('[kubeconfig] Using existing kubeconfig file: "/etc/kubernetes/%s.conf"' % name)
    print("[etcd] External etcd mode: Skipping etcd static Pod manifest generation")
    render.write_manifests(cluster, address, port)
    phases.pause_hook(argv)
    render.write_kubelet_files(init.get("nodeRegistration") or {}, address,
                               docs["_raw"].get("KubeletConfiguration"))
    print("[kubelet-start] Starting the kubelet")
    print('[wait-control-plane] Waiting for the kubelet to boot up the control plane as static '
          'Pods from directory "/etc/kubernetes/manifests"')
    phases.wait_kubelet()
    phases.wait_apiserver(address, port)

    ca_pem = read_file("/etc/kubernetes/pki/ca.crt")
    phases.upload_cluster(etcd, endpoint, ca_pem, docs["_raw"])
    print("[upload-certs] Skipping phase. Please see --upload-certs")
    name = (init.get("nodeRegistration") or {}).get("name", "")
    print("[mark-control-plane] Marking the node %s as control-plane by adding the labels: "
          "[node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]" % name)
    print("[mark-control-plane] Marking the node %s as control-plane by adding the taints "
          "[node-role.kubernetes.io/control-plane:NoSchedule]" % name)
    print("[bootstrap-token] Using token: %s.%s" % (token_id, secret))
    print("[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles")
    phases.upload_token(etcd, token_id, secret, tokens[0].get("ttl"), tokens[0].get("description", ""))
    print('[kubelet-finalize] Updating "/etc/kubernetes/kubelet.conf" to point to a rotatable '
          'kubelet client certificate and key')
    print("[addons] Applied essential addon: CoreDNS")
    print("[addons] Applied essential addon: kube-proxy")
    print(SUCCESS.format(endpoint=endpoint, token="%s.%s" % (token_id, secret),
                         hash=spki_sha256(ca_pem)))
