#!/usr/bin/env bash
# A teacher's day synced over a simulated 2G link: 100 kbit/s each way, 500 ms round trip,
# 10 % packet loss. A manual benchmark (not part of CI): needs unshare(1), ip(8) and tc(8)
# (iproute2), python3, and permission to create a network namespace and a TUN device.
#
#   scripts/netem-2g.sh            # builds the bench, prints the day's sync time
#   RATE_BPS=100000 DELAY_S=0.25 LOSS=0.1 SEED=1 scripts/netem-2g.sh
#
# The link is `tc qdisc … netem` when the kernel has it; where it does not (this machine's
# kernel has no sch_netem: "Specified qdisc kind is unknown"), scripts/netem-2g.py does the same
# in user space over a TUN device. Everything runs in a private network namespace.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
RATE_BPS="${RATE_BPS:-100000}" DELAY_S="${DELAY_S:-0.25}" LOSS="${LOSS:-0.10}"
export RATE_BPS DELAY_S LOSS

bin=$(cargo bench --locked -p zhurnal-server --bench link --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for l in sys.stdin:
    m=json.loads(l)
    if m.get("reason")=="compiler-artifact" and m["target"]["name"]=="link" and m.get("executable"): print(m["executable"])' | tail -1)
[ -x "$bin" ] || { echo "the link bench did not build" >&2; exit 1; }

exec unshare -rn bash -s "$bin" <<'INNER'
set -euo pipefail
bin=$1
ip link set lo up
rate_kbit=$(python3 -c "print(int($RATE_BPS/1000))")
delay_ms=$(python3 -c "print(int($DELAY_S*1000))")
loss_pct=$(python3 -c "print($LOSS*100)")
if tc qdisc add dev lo root netem delay "${delay_ms}ms" 2>/dev/null; then
  tc qdisc del dev lo root
  echo "link: kernel netem on lo (${rate_kbit} kbit/s, ${delay_ms} ms each way, ${loss_pct} % loss)"
  # Both ends on loopback: every packet crosses netem once, so each way gets the delay.
  export ZHURNAL_LINK_LISTEN=127.0.0.1 ZHURNAL_LINK_CONNECT=127.0.0.1
  export ZHURNAL_LINK_SLOW_CMD="tc qdisc add dev lo root netem delay ${delay_ms}ms rate ${rate_kbit}kbit loss ${loss_pct}%"
  exec "$bin"
fi
echo "link: no netem in this kernel; user-space emulator over tun0 (${rate_kbit} kbit/s, ${delay_ms} ms each way, ${loss_pct} % loss)"
ip tuntap add dev tun0 mode tun
ip addr add 10.9.0.1/24 dev tun0
ip link set tun0 up
sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tun0.rp_filter=0 2>/dev/null || true
python3 scripts/netem-2g.py &
emu=$!
trap 'kill $emu 2>/dev/null' EXIT
sleep 0.5
# The server listens on 10.9.0.1; the device reaches it as 10.9.0.2, through the emulator,
# which passes packets untouched until the bench has made first contact and sends SIGUSR1.
ZHURNAL_LINK_LISTEN=10.9.0.1 ZHURNAL_LINK_CONNECT=10.9.0.2 ZHURNAL_LINK_SLOW_CMD="kill -USR1 $emu" "$bin"
INNER
