#!/usr/bin/env bash
# The trust material and broker configurations of docker-compose.yml: a fleet as README "Running at scale" runs one.
#   - a hub of three nats-servers joined by routes (nats-a, nats-b, nats-c): nats/hub.conf, each with a cluster block,
#     and instead of its example users every enrolled node's nkey user (broker-config) plus the site's leaf node login;
#   - one site, site1, whose own nats-server (site1-nats) is a leaf node of the hub: nats/leaf-site.conf with the site's
#     keys, its listening address, and a remote that knows all three hub servers;
#   - central and the agents <hub agent>... on the hub; ship1 and ship2 (the nodes nats/leaf-site.conf names) on the site.
# Only keys, passwords, addresses and certificate paths are changed in the two files (each change fails when its text
# is not there), as the tests run them (LeafSiteTests). Everything else comes from scripts/secure-setup.sh.
# Usage: [STEWARD_OWNER=user:group] cluster-setup.sh <folder> <central> <hub agent>...
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 <folder> <central> <hub agent>..." >&2; exit 2; }
root=$(mkdir -p "$1" && cd "$1" && pwd)
central=$2; shift 2
hub_agents=("$@")
site_agents=(ship1 ship2)
hubs=(nats-a nats-b nats-c)
repo=$(cd "$(dirname "$0")/.." && pwd)
umask 077

# Keys, the CA and a server certificate for every broker name, each node's steward.env, auth.conf: one least-privilege
# nkey user per node.
NATS_LISTEN=0.0.0.0 "$repo/scripts/secure-setup.sh" "$root" "$(IFS=,; echo "${hubs[*]},site1-nats")" 4222 "$central" \
  "${hub_agents[@]}" "${site_agents[@]}" >/dev/null
nats=$root/nats
cp "$root/certs/ca.pem" "$nats/ca.pem"
secret() { [ -s "$nats/$1" ] || openssl rand -hex 24 >"$nats/$1"; cat "$nats/$1"; }
site_password=$(secret site1-password)
route_password=$(secret route-password)
key() { sed -n 's/^Steward__TrustedKeys__'"$1"'=//p' "$root/$central/steward.env"; }

# replace <file> <text> <with>: every occurrence, and fails when the text is not in the file.
replace() {
  grep -qF -- "$2" "$1" || { echo "$1 has no '$2' to replace" >&2; exit 1; }
  FROM=$2 TO=$3 perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/g' "$1"
}

# The hub: every node's user from auth.conf, and the site's leaf node login as nats/hub.conf writes it.
site_user=$(awk '/^    \{ user: site1,/ { on = 1 } on { print } on && /^    \} \}$/ { exit }' "$repo/nats/hub.conf")
[ -n "$site_user" ] || { echo "nats/hub.conf has no site1 user" >&2; exit 1; }
awk -v user="$site_user" '/^  \]$/ && !done { print user; done = 1 } { print }' "$nats/auth.conf" >"$nats/hub-auth.conf"
replace "$nats/hub-auth.conf" '"site1-secret"' "\"$site_password\""
for i in "${!hubs[@]}"; do
  conf=$nats/${hubs[$i]}.conf
  # nats/hub.conf up to its example users, which hub-auth.conf replaces.
  sed '/^authorization {/,$d; /^CENTRAL_KEY:/d' "$repo/nats/hub.conf" >"$conf"
  replace "$conf" 'host: 127.0.0.1' 'host: 0.0.0.0'
  replace "$conf" 'var/certs/' "$nats/"
  routes=()
  for other in "${hubs[@]}"; do [ "$other" = "${hubs[$i]}" ] || routes+=("\"nats-route://route:$route_password@$other:6222\""); done
  cat >>"$conf" <<CONF
# Added by scripts/cluster-setup.sh: this server's name, its routes to the other two (on the compose network, with a
# password), and the users.
server_name: ${hubs[$i]}
cluster {
  name: "steward-hub"
  listen: "0.0.0.0:6222"
  # Clients use the servers they are given (names the certificate holds), not the addresses the cluster would gossip.
  no_advertise: true
  authorization { user: "route", password: "$route_password" }
  routes: [$(IFS=,; echo "${routes[*]}")]
}
include hub-auth.conf
CONF
done

# The site: nats/leaf-site.conf with the keys of ship1 and ship2, and the hub's three servers as its remote.
conf=$nats/site1-nats.conf
cp "$repo/nats/leaf-site.conf" "$conf"
perl -pi -e 's/^SHIP1_KEY: ".*"$/SHIP1_KEY: "'"$(key ship1)"'"/; s/^SHIP2_KEY: ".*"$/SHIP2_KEY: "'"$(key ship2)"'"/' "$conf"
replace "$conf" 'host: 127.0.0.1' 'host: 0.0.0.0'
replace "$conf" 'var/certs/' "$nats/"
leaf_urls=()
for hub in "${hubs[@]}"; do leaf_urls+=("\"nats-leaf://site1:$site_password@$hub:7422\""); done
replace "$conf" 'url: "nats-leaf://site1:site1-secret@127.0.0.1:7422"' "urls: [$(IFS=,; echo "${leaf_urls[*]}")]"
grep -qF "$(key ship1)" "$conf" && grep -qF "$(key ship2)" "$conf" || { echo "$conf: the site's keys were not set" >&2; exit 1; }

# STEWARD_OWNER (user:group): who runs the hosts, when not the user running this (the container images' app user).
if [ -n "${STEWARD_OWNER:-}" ]; then
  for node in "$central" "${hub_agents[@]}" "${site_agents[@]}"; do chown -R "$STEWARD_OWNER" "$root/$node"; done
fi

echo "$root"
