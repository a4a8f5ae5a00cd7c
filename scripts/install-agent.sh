#!/usr/bin/env bash
# Installs a Steward agent as a systemd service, or removes it. README "Install an agent".
#   install-agent.sh install --binary FILE --node NAME --broker URLS --central NAME --central-key KEY [options]
#   install-agent.sh uninstall [--purge]
set -euo pipefail

usage() {
  cat <<'EOF'
Usage:
  install-agent.sh install --binary FILE --node NAME --broker URLS --central NAME --central-key KEY
                   [--ca FILE] [--set Key=Value]... [--root DIR] [--no-start]
  install-agent.sh uninstall [--purge] [--root DIR]

install   puts FILE (the published agent, with the native libraries published beside it, if any) in
          /usr/local/lib/steward-agent/, makes the system user 'steward', writes /etc/steward/agent.env (its settings, mode 0640) and the hardened unit
          /etc/systemd/system/steward-agent.service, then enables and starts it.
            --broker URLS        the broker, or a cluster's servers comma-separated (Steward:Broker)
            --central NAME       central's node name; --central-key KEY its public key (central: --print-public-key)
            --ca FILE            the CA the agent trusts for a tls:// broker; copied to /etc/steward/broker-ca.pem
            --set Key=Value      any other Steward setting (e.g. --set Labels=role=web,site=north); repeatable
            --root DIR           write everything under DIR instead of / and start nothing (to inspect or package)
            --no-start           install, but neither enable nor start the service
uninstall stops and disables the service and removes the unit and /usr/local/lib/steward-agent; --purge also removes
          /etc/steward, the agent's data (/var/lib/steward: its key and its queue) and the user.
EOF
}

root=""; binary=""; node=""; broker=""; central=""; central_key=""; ca=""; start=1; purge=0; settings=()
action="${1:-}"; [ $# -gt 0 ] && shift
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --node) node="$2"; shift 2 ;;
    --broker) broker="$2"; shift 2 ;;
    --central) central="$2"; shift 2 ;;
    --central-key) central_key="$2"; shift 2 ;;
    --ca) ca="$2"; shift 2 ;;
    --set) settings+=("$2"); shift 2 ;;
    --root) root="${2%/}"; start=0; shift 2 ;;
    --no-start) start=0; shift ;;
    --purge) purge=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install-agent.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

lib="$root/usr/local/lib/steward-agent"
etc="$root/etc/steward"
unit="$root/etc/systemd/system/steward-agent.service"
data=/var/lib/steward

fail() { echo "install-agent.sh: $*" >&2; exit 2; }

install_agent() {
  [ -n "$binary" ] && [ -f "$binary" ] || fail "--binary must name the published agent file"
  [ -n "$node" ] || fail "--node is required"
  [ -n "$broker" ] || fail "--broker is required"
  [ -n "$central" ] || fail "--central is required"
  [ -n "$central_key" ] || fail "--central-key is required (on central: Steward.Gateway --data <its data> --print-public-key)"
  [ -z "$ca" ] || [ -f "$ca" ] || fail "--ca $ca: no such file"
  for setting in "${settings[@]}"; do [[ "$setting" == *=* ]] || fail "--set $setting: expected Key=Value"; done
  if [ -z "$root" ]; then
    [ "$(id -u)" -eq 0 ] || fail "run as root (it writes /usr/local/lib, /etc and the unit)"
    id steward >/dev/null 2>&1 || useradd --system --home-dir "$data" --no-create-home --shell /usr/sbin/nologin steward
  fi
  install -d -m 0755 "$lib"
  install -m 0755 "$binary" "$lib/steward-agent"
  # NSec's libsodium and SQLite's e_sqlite3 are native libraries that a publish leaves beside the executable.
  find "$(dirname "$binary")" -maxdepth 1 -name '*.so' -exec install -m 0644 {} "$lib/" \;
  install -d -m 0750 "$etc" "$(dirname "$unit")"
  [ -z "$ca" ] || install -m 0644 "$ca" "$etc/broker-ca.pem"
  {
    echo "# Steward agent settings (Steward:Key as Steward__Key). Restart the service after a change."
    echo "Steward__NodeName=$node"
    echo "Steward__Broker=$broker"
    echo "Steward__CentralNodeName=$central"
    echo "Steward__TrustedKeys__$central=$central_key"
    echo "Steward__DataFolder=$data/$node"
    [ -z "$ca" ] || echo "Steward__BrokerCaFile=/etc/steward/broker-ca.pem"
    for setting in "${settings[@]}"; do key="${setting%%=*}"; echo "Steward__${key//:/__}=${setting#*=}"; done
  } > "$etc/agent.env.new"
  chmod 0640 "$etc/agent.env.new"
  mv "$etc/agent.env.new" "$etc/agent.env"
  [ -n "$root" ] || chgrp steward "$etc" "$etc/agent.env"
  write_unit > "$unit"
  if [ "$start" -eq 1 ]; then
    systemctl daemon-reload
    systemctl enable --now steward-agent.service
    systemctl --no-pager --lines=5 status steward-agent.service || true
  fi
  echo "installed: $lib/steward-agent, $etc/agent.env, $unit"
}

# The unit: its own user, a read-only system but for its data, and KillMode=mixed: a stop sends SIGTERM to the agent
# alone (it finishes or hands back its work and exits 0), then SIGKILL to every process left in the unit, the commands
# it ran included. Type=notify: systemd counts it started when the node runs (READY=1). The commands an operator sends
# run under the same rules: loosen them in a drop-in (systemctl edit steward-agent) for what those commands need.
write_unit() {
  cat <<EOF
[Unit]
Description=Steward agent (node $node)
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
ExecStart=/usr/local/lib/steward-agent/steward-agent
EnvironmentFile=/etc/steward/agent.env
User=steward
Group=steward
StateDirectory=steward
StateDirectoryMode=0700
UMask=0077
Restart=on-failure
RestartSec=5
# Exit code 2 is a setting the agent refuses (it names it in the journal): starting again cannot help.
RestartPreventExitStatus=2
KillMode=mixed
TimeoutStopSec=15
ProtectSystem=strict
ReadWritePaths=$data
ProtectHome=read-only
PrivateTmp=true
NoNewPrivileges=true
ProtectKernelTunables=true
ProtectKernelModules=true
ProtectControlGroups=true
RestrictSUIDSGID=true
LockPersonality=true
CapabilityBoundingSet=
ProtectKernelLogs=true
ProtectClock=true
ProtectHostname=true
RestrictRealtime=true
RestrictNamespaces=true
SystemCallArchitectures=native
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK

[Install]
WantedBy=multi-user.target
EOF
}

uninstall_agent() {
  if [ -z "$root" ]; then
    [ "$(id -u)" -eq 0 ] || fail "run as root"
    systemctl disable --now steward-agent.service 2>/dev/null || true
  fi
  rm -f "$unit"
  rm -rf "$lib"
  [ -n "$root" ] || systemctl daemon-reload
  if [ "$purge" -eq 1 ]; then
    rm -rf "$etc" "$root$data"
    [ -n "$root" ] || ! id steward >/dev/null 2>&1 || userdel steward
  fi
  echo "removed: $lib, $unit$([ "$purge" -eq 1 ] && echo ", $etc, $root$data")"
}

case "$action" in
  install) install_agent ;;
  uninstall) uninstall_agent ;;
  -h|--help|"") usage; [ -n "$action" ] ;;
  *) echo "install-agent.sh: unknown command $action" >&2; usage >&2; exit 2 ;;
esac
