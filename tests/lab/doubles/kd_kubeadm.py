# TEST DOUBLE of kubeadm 1.31 (entry point; tests/lab/doubles/kubeadm runs it), for acpctl's lab
# tests only; never packaged. Imitates `kubeadm version -o short`, `init --config`, `join
# [ENDPOINT] --config`, `reset -f [--cleanup-tmp-dir]` and `token create [TOKEN] [--config F]
# [--ttl D] [--print-join-command]` closely enough for acpctl's bootstrap stage: flags, files,
# output wording and exit codes (see kd_init.py, kd_join.py). Every invocation appends one JSON
# line {"time", "argv", "pid"} to $ROOT/var/log/kube-double/kubeadm.log with token values masked.
# Does not imitate: other subcommands (certs, upgrade, config, phase ...), flags other than
# those above (accepted and ignored when they take no value), dry-run, interactive prompts
# beyond reset's confirmation.
import glob
import json
import os
import re
import secrets
import shutil
import sys

import kd_checks as checks
import kd_phases as phases
import kd_render as render
from kd_util import log_line, read_file, read_setting, rp, spki_sha256

SECRET_FLAGS = {"--token", "--certificate-key", "--discovery-token", "--tls-bootstrap-token"}
TOKEN_TEXT = re.compile(r"[a-z0-9]{6}\.[a-z0-9]{16}")
RESET_DIRS = ["/etc/kubernetes/manifests", "/var/lib/kubelet", "/etc/kubernetes/pki"]
RESET_FILES = ["/etc/kubernetes/%s.conf" % n for n in
               ("admin", "super-admin", "kubelet", "bootstrap-kubelet", "controller-manager", "scheduler")]


def masked(argv):
    out, hide_next = [], False
    for arg in argv:
        name = arg.split("=", 1)[0]
        if hide_next:
            out.append("<token>")
        elif name in SECRET_FLAGS and "=" in arg:
            out.append(name + "=<token>")
        else:
            out.append(TOKEN_TEXT.sub("<token>", arg))
        hide_next = not hide_next and arg in SECRET_FLAGS
    return out


def parse(argv):
    """{'args': positionals, 'config', 'ignore', 'force', ...} of kubeadm's flags."""
    opts, args, i = {"args": []}, [], 0
    valued = {"--config": "config", "--ignore-preflight-errors": "ignore", "--ttl": "ttl",
              "-o": "output", "--output": "output", "--v": "v", "--cri-socket": "cri", "--node-name": "node"}
    while i < len(argv):
        name, eq, value = argv[i].partition("=")
        if name in valued:
            if not eq:
                i += 1
                value = argv[i] if i < len(argv) else ""
            key = valued[name]
            opts[key] = opts[key] + "," + value if key == "ignore" and key in opts else value
        elif name in ("-f", "--force", "--cleanup-tmp-dir", "--print-join-command"):
            opts["force" if name == "-f" else name.lstrip("-")] = True
        elif not name.startswith("-"):
            args.append(argv[i])
        i += 1
    opts["args"] = args
    return opts


def version(opts):
    v = read_setting("version", "v1.31.6")
    if opts.get("output") == "short":
        print(v)
    else:
        print('kubeadm version: &version.Info{Major:"1", Minor:"31", GitVersion:"%s", '
              'GoVersion:"go1.22.12", Compiler:"gc", Platform:"linux/amd64"}' % v)


def _clear(path):
    for entry in glob.glob(rp(path) + "/*") + glob.glob(rp(path) + "/.*"):
        if os.path.isdir(entry) and not os.path.islink(entry):
            shutil.rmtree(entry, ignore_errors=True)
        else:
            os.remove(entry)


def reset(opts):
    print("[reset] Reading configuration from the cluster...")
    print("[reset] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'")
    if not opts.get("force"):
        sys.stdout.write("[reset] Are you sure you want to proceed? [y/N]: ")
        sys.stdout.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            checks.fail("error execution phase preflight: aborted reset operation")
    print("[preflight] Running pre-flight checks")
    print("[reset] Deleted contents of the etcd data directory: skipped (external etcd)")
    print("[reset] Stopping the kubelet service")
    print('[reset] Unmounting mounted directories in "/var/lib/kubelet"')
    dirs = RESET_DIRS + (["/etc/kubernetes/tmp"] if opts.get("cleanup-tmp-dir") else [])
    print("[reset] Deleting contents of directories: [%s]" % " ".join(dirs))
    for path in dirs:
        _clear(path)
    print("[reset] Deleting files: [%s]" % " ".join(RESET_FILES))
    for path in RESET_FILES:
        if os.path.lexists(rp(path)):
            os.remove(rp(path))
    print("\nThe reset process does not clean CNI configuration. To do so, you must remove /etc/cni/net.d\n\n"
          "The reset process does not reset or clean up iptables rules or IPVS tables.\n"
          "If you wish to reset iptables, you must do so manually by using the \"iptables\" command.\n\n"
          "The reset process does not clean your kubeconfig files and you must remove them manually.\n"
          "Please, check the contents of the $HOME/.kube/config file.")


def token_create(opts):
    token, ttl = (opts["args"][2] if len(opts["args"]) > 2 else None), opts.get("ttl", "24h0m0s")
    if opts.get("config"):
        init = checks.load_config(opts["config"]).get("InitConfiguration") or {}
        first = (init.get("bootstrapTokens") or [{}])[0]
        token, ttl = first.get("token") or token, first.get("ttl") or ttl
    if not token:
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        token = "".join(secrets.choice(alphabet) for _ in range(6)) + "." + \
            "".join(secrets.choice(alphabet) for _ in range(16))
    token_id, secret = checks.check_token(token)
    manifest = render.MANIFESTS + "/kube-apiserver.yaml"
    if not os.path.exists(rp(manifest)):
        checks.fail("kube double: token create runs on a control-plane node (%s is missing)" % manifest)
    etcd = phases.etcd_from_manifest(render.manifest_flags(manifest))
    phases.upload_token(etcd, token_id, secret, ttl)
    if not opts.get("print-join-command"):
        print(token)
        return
    info = json.loads(etcd.get_prefix("/registry/configmaps/kube-public/cluster-info")
                      .get("/registry/configmaps/kube-public/cluster-info", "{}"))
    endpoint = info.get("data", {}).get("controlPlaneEndpoint", "")
    print("kubeadm join %s --token %s --discovery-token-ca-cert-hash %s " % (
        endpoint, token, spki_sha256(read_file("/etc/kubernetes/pki/ca.crt"))))


def main(argv):
    log_line("kubeadm", {"argv": ["kubeadm"] + masked(argv)})
    opts = parse(argv)
    cmd = opts["args"][:2]
    if cmd[:1] == ["version"]:
        return version(opts)
    if cmd[:1] == ["init"]:
        import kd_init
        return kd_init.run(opts, ["kubeadm"] + masked(argv))
    if cmd[:1] == ["join"]:
        import kd_join
        opts["endpoint"] = opts["args"][1] if len(opts["args"]) > 1 else ""
        return kd_join.run(opts, ["kubeadm"] + masked(argv))
    if cmd[:1] == ["reset"]:
        return reset(opts)
    if cmd == ["token", "create"]:
        return token_create(opts)
    checks.fail('unknown command "%s" for "kubeadm" (kube double: only version, init, join, reset '
                "and token create are imitated)" % " ".join(cmd), hint=False)


def name_process():
    # The real kubeadm is a binary named kubeadm: /proc/PID/comm says so, and acpctl's facts
    # and reset find a kubeadm an interrupted run left by that name (PR_SET_NAME is 15).
    try:
        import ctypes
        ctypes.CDLL(None).prctl(15, b"kubeadm", 0, 0, 0)
    except (OSError, AttributeError):
        pass


if __name__ == "__main__":
    name_process()
    main(sys.argv[1:])
