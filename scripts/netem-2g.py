#!/usr/bin/env python3
"""A 2G link in user space, for scripts/netem-2g.sh (the kernel here has no sch_netem).

Runs inside a network namespace that has tun0 = 10.9.0.1/24. A TCP packet the kernel routes
to 10.9.0.2 (the "server over 2G" address) comes out of tun0; it is written back as coming
from 10.9.0.3 to 10.9.0.1, where the server listens; the server's answer to 10.9.0.3 comes out
of tun0 and is written back as from 10.9.0.2. Each direction is a link of RATE bit/s with
DELAY seconds one way and LOSS probability per packet, as netem would do it: a packet waits
for the link to be free, takes len*8/RATE to send, arrives DELAY later, or is lost.
"""
import fcntl, heapq, os, random, select, signal, struct, sys, time

RATE = float(os.environ.get("RATE_BPS", 100_000))
DELAY = float(os.environ.get("DELAY_S", 0.25))
LOSS = float(os.environ.get("LOSS", 0.10))
random.seed(int(os.environ.get("SEED", 1)))

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", b"tun0", IFF_TUN | IFF_NO_PI))

ME, FAKE, PEER = bytes([10, 9, 0, 1]), bytes([10, 9, 0, 2]), bytes([10, 9, 0, 3])


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def rewrite(p):
    p = bytearray(p)
    if len(p) < 20 or p[0] >> 4 != 4:
        return None
    dst = bytes(p[16:20])
    if dst == FAKE:
        src, dst = PEER, ME
    elif dst == PEER:
        src, dst = FAKE, ME
    else:
        return None
    p[12:16], p[16:20] = src, dst
    ihl = (p[0] & 15) * 4
    p[10:12] = b"\0\0"
    p[10:12] = struct.pack("!H", csum(bytes(p[:ihl])))
    total = struct.unpack("!H", p[2:4])[0]
    proto = p[9]
    seg = p[ihl:total]
    off = {6: 16, 17: 6}.get(proto)
    if off is not None and len(seg) > off + 1:
        seg[off:off + 2] = b"\0\0"
        pseudo = src + dst + struct.pack("!BBH", 0, proto, len(seg))
        seg[off:off + 2] = struct.pack("!H", csum(pseudo + bytes(seg)))
        p[ihl:total] = seg
    return bytes(p), dst == ME and src == PEER


# Pass-through until SIGUSR1 (the device's first contact is not timed); shaped after it.
shaping = [False]
signal.signal(signal.SIGUSR1, lambda *_: shaping.__setitem__(0, True))
free = {True: 0.0, False: 0.0}  # when each direction's link is next free
queue, n = [], 0
stats = {"packets": 0, "lost": 0}
while True:
    now = time.monotonic()
    while queue and queue[0][0] <= now:
        _, _, pkt = heapq.heappop(queue)
        os.write(fd, pkt)
    timeout = max(0.0, queue[0][0] - now) if queue else 1.0
    try:
        r, _, _ = select.select([fd], [], [], timeout)
    except InterruptedError:
        continue
    if not r:
        continue
    raw = os.read(fd, 65536)
    out = rewrite(raw)
    if out is None:
        continue
    pkt, up = out
    if not shaping[0]:
        os.write(fd, pkt)
        continue
    stats["packets"] += 1
    now = time.monotonic()
    start = max(now, free[up])
    free[up] = start + len(pkt) * 8 / RATE
    if random.random() < LOSS:
        stats["lost"] += 1
        continue
    n += 1
    heapq.heappush(queue, (free[up] + DELAY, n, pkt))
