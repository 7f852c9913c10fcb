#!/bin/sh
# tests/cli/test_cli_playground.sh - `backprop playground`, the page
# server, against hostile clients: a symbolic link planted in the page
# directory, a client that sends its request one byte at a time, more
# connections than the server takes at once, and running out of file
# descriptors. A Python client (any python3) plays the clients. Each
# check waits for an event (a reply, a closed connection, a line in the
# server's log), with bounds far above what the server needs, so a busy
# machine cannot fail it.
. "$(dirname "$0")/lib.sh"

PY=$(command -v python3 || echo /usr/bin/python3)
if ! [ -x "$PY" ]; then
    skip "the playground server tests: no python3 (apt-get install python3)"
    summary cli_playground
    exit
fi

# the page, a secret beside it, and links pointing in and out
mkdir -p "$TMP/page"
printf '<!doctype html><title>backprop page</title>\n' >"$TMP/page/index.html"
printf '\0asm\1\0\0\0' >"$TMP/page/backprop.wasm"
printf 'console.log(1);\n' >"$TMP/page/app.js"
printf 'TOP SECRET\n' >"$TMP/secret.txt"
ln -s ../secret.txt "$TMP/page/leak.txt"
ln -s "$TMP" "$TMP/page/up"
ln -s /etc "$TMP/page/etc"
ln -s app.js "$TMP/page/alias.js"

cat >"$TMP/client.py" <<'EOF'
import socket, sys, time

def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=30)

def get(port, path, tries=1):
    """status and body of GET path; retried (a second apart) while refused or busy"""
    for i in range(tries):
        try:
            s = connect(port)
            s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path).encode())
            data = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                data += b
            s.close()
            head, _, body = data.partition(b"\r\n\r\n")
            status = int(head.split()[1])
            if status != 503 or i == tries - 1:
                return status, body
        except (OSError, IndexError, ValueError):
            if i == tries - 1:
                return 0, b""
        time.sleep(1)

def wait_for(path, text, seconds):
    end = time.time() + seconds
    while time.time() < end:
        try:
            if text in open(path).read():
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False

cmd, port = sys.argv[1], int(sys.argv[2])
if cmd == "get":
    status, body = get(port, sys.argv[3])
    print(status, body.decode("latin-1").replace("\n", " ")[:60])
elif cmd == "dribble":
    # one byte every 0.25 s, never finishing the headers: the server must
    # close the connection, however the bytes keep coming
    s = connect(port)
    s.settimeout(0.25)
    msg = b"GET / HTTP/1.1\r\nX-Pad: " + b"a" * 400
    start, closed = time.time(), False
    for i in range(len(msg)):
        try:
            s.send(msg[i:i + 1])
            if s.recv(1) == b"":
                closed = True
                break
        except socket.timeout:
            continue
        except OSError:
            closed = True
            break
    print("closed" if closed else "open", "%.1f" % (time.time() - start), i)
elif cmd == "bound":
    # n idle connections fill the server; one more gets 503 at once;
    # when they go, a request is served again
    n = int(sys.argv[3])
    idle = [connect(port) for _ in range(n)]
    t = time.time()
    status, _ = get(port, "/")
    waited = time.time() - t
    for c in idle:
        c.close()
    after, _ = get(port, "/", tries=60)
    print(status, "%.1f" % waited, after)
elif cmd == "emfile":
    # more connections than the server has descriptors: it must wait for
    # them to end, not exit
    n, log = int(sys.argv[3]), sys.argv[4]
    held = []
    try:
        for _ in range(n):
            held.append(connect(port))
    except OSError as e:
        print("refused after", len(held), e)
        sys.exit(0)
    saw = wait_for(log, "Too many open files", 60)
    for c in held:
        c.close()
    status, _ = get(port, "/", tries=60)
    print("said" if saw else "silent", status)
EOF

# start ARGS...: a server on a free port, in the background (its PID in
# $srv, its port in $port); stop: end it
start() {
    # emptied here, not by the background job's redirection, which may
    # run after the loop below has read the previous server's port
    : >"$TMP/srv.out"
    : >"$TMP/srv.err"
    "$@" >>"$TMP/srv.out" 2>>"$TMP/srv.err" &
    srv=$!
    port=
    i=0
    while [ -z "$port" ] && [ $i -lt 300 ] && kill -0 $srv 2>/dev/null; do
        port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$TMP/srv.out")
        [ -n "$port" ] || sleep 0.1
        i=$((i + 1))
    done
    [ -n "$port" ] || { fail "the server did not start: $(cat "$TMP/srv.err")"; return 1; }
}
stop() {
    kill $srv 2>/dev/null
    wait $srv 2>/dev/null
}
trap 'kill $srv 2>/dev/null; rm -rf "$TMP"' EXIT

echo "files: nothing that resolves outside the page directory"
if start $BP playground --dir "$TMP/page" --port 0 --timeout 2; then
    expect() { # WANT-STATUS PATH DESCRIPTION
        got=$("$PY" "$TMP/client.py" get $port "$2")
        case "$got" in
        "$1 "*) case "$got" in *SECRET*|*root:*) fail "$3: leaked: $got" ;; *) ok "$3: $got" ;; esac ;;
        *) fail "$3: got '$got', want $1" ;;
        esac
    }
    expect 200 / "the page"
    expect 200 /alias.js "a link to a file inside"
    expect 404 /leak.txt "a planted link to a file outside"
    expect 404 /up/secret.txt "a planted link to a directory outside"
    expect 404 /etc/passwd "a planted link to /etc"
    expect 404 /../secret.txt "a path with .."

    echo "a whole-request deadline (--timeout 2), not one renewed by each byte"
    got=$("$PY" "$TMP/client.py" dribble $port)
    secs=$(echo "$got" | cut -d' ' -f2)
    case "$got" in
    closed*) ok "a client sending a byte every 0.25 s is cut off after ${secs} s" ;;
    *) fail "the dribbling client was never cut off: $got" ;;
    esac
    expect 200 / "and the server still serves"
    stop
fi

echo "bounded connections (--max-connections 4)"
if start $BP playground --dir "$TMP/page" --port 0 --max-connections 4 --timeout 120; then
    got=$("$PY" "$TMP/client.py" bound $port 4)
    set -- $got
    [ "$1" = 503 ] && ok "4 idle connections held: a fifth gets 503 at once (${2} s)" ||
        fail "a fifth connection got '$1' (want 503) after ${2} s"
    [ "$3" = 200 ] && ok "when they close, requests are served again" ||
        fail "after the idle connections closed: '$3'"
    stop
fi

echo "out of file descriptors (ulimit -n 24): wait, do not exit"
if start sh -c "ulimit -n 24 && exec $BP playground --dir '$TMP/page' --port 0 --timeout 120 --max-connections 1000"; then
    got=$("$PY" "$TMP/client.py" emfile $port 40 "$TMP/srv.err")
    set -- $got
    [ "$1" = said ] && ok "40 idle connections: accept fails with EMFILE ($(grep -m1 accept "$TMP/srv.err"))" ||
        fail "the server never ran out of descriptors: client said '$got'; server said: $(cat "$TMP/srv.err")"
    kill -0 $srv 2>/dev/null && ok "the server is still running" || fail "the server exited: $(cat "$TMP/srv.err")"
    [ "$2" = 200 ] && ok "and serves again once they close" || fail "after the connections closed: '$2'"
    stop
fi

summary cli_playground
