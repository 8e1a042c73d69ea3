#!/usr/bin/env bash
# compare-nginx.sh: request rate of cmd/flagserver (no delay) against nginx,
# the server the book used for LOCAL, on the same files over loopback, with
# wrk and keep-alive. Not part of `make test`: it needs Debian's nginx-light
# and wrk (apt-get install nginx-light wrk). Prints one line per file and the
# ratio flagserver/nginx. Knobs: DURATION (default 10s), CONNS (default 50).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNS=${CONNS:-50}
FS_PORT=18081
NGINX_PORT=18082

for tool in nginx wrk; do
	if ! command -v "$tool" >/dev/null; then
		echo "compare-nginx: $tool not found; install it with: apt-get install nginx-light wrk" >&2
		exit 1
	fi
done

work=$(mktemp -d)
fs_pid=""
cleanup() {
	[ -n "$fs_pid" ] && kill "$fs_pid" 2>/dev/null && wait "$fs_pid" 2>/dev/null || true
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
	sleep 0.2
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/flagserver" ./cmd/flagserver
"$work/flagserver" -addr "127.0.0.1:$FS_PORT" >"$work/flagserver.out" &
fs_pid=$!

mkdir -p "$work/www"
ln -s "$PWD/flags/dataset/flags" "$work/www/flags"
cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/error.log;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $work/www;
        location /flags/ { }
    }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"

# Wait for both to answer.
for port in $FS_PORT $NGINX_PORT; do
	for _ in $(seq 50); do
		curl -fs -o /dev/null "http://127.0.0.1:$port/flags/br/metadata.json" && break
		sleep 0.1
	done
done

rate() { # URL -> requests per second
	wrk -t2 -c"$CONNS" -d"$DURATION" "$1" | awk '/^Requests\/sec:/ {print $2}'
}

printf '%-18s %14s %14s %8s\n' file 'nginx req/s' 'flagserver' ratio
for f in br/metadata.json us/us.gif; do
	n=$(rate "http://127.0.0.1:$NGINX_PORT/flags/$f")
	g=$(rate "http://127.0.0.1:$FS_PORT/flags/$f")
	awk -v f="$f" -v n="$n" -v g="$g" 'BEGIN { printf "%-18s %14.0f %14.0f %7.2fx\n", f, n, g, g / n }'
done
