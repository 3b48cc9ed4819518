#!/usr/bin/env bash
# Manual lab check of the kube TEST DOUBLES (not registered with ctest): on a 3-host lab,
# etcd (TLS) on n1, the doubles installed with lab_install_kube_doubles, a PKI from make_pki.sh,
# the kubelet double started by hand, `kubeadm init` with a hand-written config, readyz through
# n1's address from this machine, then `kubeadm join` of n3 as a worker and `kubeadm reset -f`.
#   usage: sudo bash tests/lab/doubles/lab_check.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lab/lib.sh
source "$here/../lib.sh"
# shellcheck source=tests/lab/doubles/selftest_configs.sh
source "$here/selftest_configs.sh"
lab_require_root
work=$(mktemp -d)
lab_cleanup_hook() { rm -rf "$work"; }
lab_up 3
n1=$(lab_ip 1)
KUBE_DOUBLE_SERVER=$n1:6443 bash "$here/make_pki.sh" "$work/pki" n1 "$n1"
KUBE_DOUBLE_SERVER=$n1:6443 bash "$here/make_pki.sh" "$work/pki" --kubelet n3 "$work/kubelet-n3.conf"
tar -C "$work/pki" -cf "$work/pki.tar" etc
lab_install_kube_doubles n1 n3
lab_ssh n1 tar -C / -xf - <"$work/pki.tar"
lab_ssh n1 sh -c "setsid etcd --name n1 --data-dir /var/lib/etcd-double --logger=zap --log-level=error \
  --listen-client-urls https://$n1:2379 --advertise-client-urls https://$n1:2379 \
  --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster n1=http://127.0.0.1:2380 --cert-file /etc/kubernetes/pki/apiserver.crt \
  --key-file /etc/kubernetes/pki/apiserver.key --client-cert-auth \
  --trusted-ca-file /etc/kubernetes/pki/ca.crt >/var/log/etcd-double.log 2>&1 </dev/null &"
kubelet_svc() { # HOST: the kubelet as acpctl's wrapper runs it, once config.yaml is there
  # shellcheck disable=SC2016  # expanded on the host
  lab_ssh "$1" sh -c 'setsid sh -c "until [ -f /var/lib/kubelet/config.yaml ]; do sleep 0.2; done
    . /var/lib/kubelet/kubeadm-flags.env; exec kubelet --config=/var/lib/kubelet/config.yaml \
    --kubeconfig=/etc/kubernetes/kubelet.conf --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf \
    \$KUBELET_KUBEADM_ARGS" >/var/log/kube-double/kubelet.out 2>&1 </dev/null &'
}
kubelet_svc n1
init_config "$work/init.yaml" abcdef.0123456789abcdef 6443 "$n1:2379"
sed -i "s/127.0.0.1/$n1/g" "$work/init.yaml"
lab_ssh n1 sh -c 'cat >/root/init.yaml' <"$work/init.yaml"
lab_ssh n1 kubeadm init --config /root/init.yaml >"$work/init.out" 2>&1 || lab_fail "init: $(cat "$work/init.out")"
has "$work/init.out" "Your Kubernetes control-plane has initialized successfully!"
ok "kubeadm init on n1"
curl -sS --cacert "$work/pki/etc/kubernetes/pki/ca.crt" "https://$n1:6443/readyz" >"$work/readyz"
has "$work/readyz" ok
ok "readyz through $n1:6443 from this machine"
hash=$(grep -o 'sha256:[0-9a-f]*' "$work/init.out" | head -1)
join_config "$work/join.yaml" abcdef.0123456789abcdef "$n1:6443" "$hash"
sed -i "s/\"n2\"/\"n3\"/; s/127.0.0.1/$(lab_ip 3)/" "$work/join.yaml"
lab_ssh n3 sh -c 'cat >/root/join.yaml' <"$work/join.yaml"
kubelet_svc n3
lab_ssh n3 sh -c 'cat >/root/kubelet.conf' <"$work/kubelet-n3.conf"
lab_ssh n3 sh -c 'setsid sh -c "until [ -f /var/lib/kubelet/config.yaml ]; do sleep 0.2; done
  cp /root/kubelet.conf /etc/kubernetes/kubelet.conf" </dev/null >/dev/null 2>&1 &'
lab_ssh n3 kubeadm join --config /root/join.yaml >"$work/join.out" 2>&1 || lab_fail "join: $(cat "$work/join.out")"
has "$work/join.out" "This node has joined the cluster:"
ok "kubeadm join of n3"
sleep 3
admin=(--cert "$work/pki/ca-private/admin-client.crt" --key "$work/pki/ca-private/admin-client.key")
curl -sS --cacert "$work/pki/etc/kubernetes/pki/ca.crt" "${admin[@]}" "https://$n1:6443/api/v1/nodes" >"$work/nodes"
has "$work/nodes" '"name": "n1"'
has "$work/nodes" '"name": "n3"'
ok "Nodes n1 and n3 registered"
lab_ssh n1 kubeadm reset -f >"$work/reset.out" 2>&1 || lab_fail "reset: $(cat "$work/reset.out")"
[ -z "$(lab_ssh n1 ls -A /etc/kubernetes/pki)" ] || lab_fail "reset left files in /etc/kubernetes/pki"
ok "kubeadm reset -f on n1"
