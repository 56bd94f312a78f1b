#!/usr/bin/env python3
"""A TCP proxy in front of an S3 server that makes it as far away as a real store: it waits DELAY_MS each time the
conversation turns (the client speaks after the server, or the server after the client), so one request and its
answer cost 2 x DELAY_MS, and a new connection 2 x DELAY_MS more, and it logs each HTTP request's method and path.
  s3-delay-proxy.py LISTEN_PORT UPSTREAM_PORT LOG_FILE DELAY_FILE   (DELAY_FILE holds the delay in ms, read at each turn)
Log lines: "<epoch seconds> <connection> <METHOD> <path>"; "CONNECT" for each new connection."""
import asyncio
import sys
import time

LISTEN, UPSTREAM, LOG, DELAY_FILE = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
log = open(LOG, "a", buffering=1)
connections = 0


def delay():
    try:
        return int(open(DELAY_FILE).read().strip() or 0) / 1000.0
    except (OSError, ValueError):
        return 0.0


async def pump(reader, writer, side, turn, cid):
    head = b""
    body = 0
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if turn[0] != side:
                turn[0] = side
                if delay():
                    await asyncio.sleep(delay())
            if side == "client":  # request lines, for the log; bodies (a PUT's pack) passed over
                rest = data
                while rest:
                    if body > 0:
                        taken = min(body, len(rest))
                        body -= taken
                        rest = rest[taken:]
                        continue
                    head += rest
                    rest = b""
                    end = head.find(b"\r\n\r\n")
                    if end < 0:
                        break
                    lines = head[:end].decode("latin-1").split("\r\n")
                    rest, head = head[end + 4:], b""
                    length = 0
                    for line in lines[1:]:
                        name, _, value = line.partition(":")
                        if name.strip().lower() == "content-length":
                            length = int(value.strip() or 0)
                    body = length
                    method, _, target = lines[0].partition(" ")
                    log.write("%.3f %d %s %s\n" % (time.time(), cid, method, target.split(" ")[0]))
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def handle(client_reader, client_writer):
    global connections
    connections += 1
    cid = connections
    if delay():
        await asyncio.sleep(2 * delay())  # the TCP handshake's round trip
    try:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", UPSTREAM)
    except OSError:
        client_writer.close()
        return
    log.write("%.3f %d CONNECT -\n" % (time.time(), cid))
    turn = [None]
    await asyncio.gather(pump(client_reader, server_writer, "client", turn, cid), pump(server_reader, client_writer, "server", turn, cid))


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", LISTEN)
    async with server:
        await server.serve_forever()


asyncio.run(main())
