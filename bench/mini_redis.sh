#!/usr/bin/env bash
# mini-redis on weir against redis-server, one run, side by side:
# redis-benchmark -t set,get,incr -c 50 at -P 1 and -P 16, each server pinned
# to CPU 0 and redis-benchmark to CPU 1, the order of the two servers
# alternating between rounds; prints requests/s and server CPU per request
# (user + system time of the server process, from /proc, over the requests).
#
#   bench/mini_redis.sh            # from the repository root
#   REQUESTS=200000 PIPELINED_REQUESTS=1000000 ROUNDS=4 bench/mini_redis.sh
#
# CPU time is counted in clock ticks (10 ms): -P 16 runs more requests so
# that each figure spans a few hundred ticks.
#
# Needs redis-server and redis-benchmark (Debian: apt-get install -y
# redis-tools redis-server), taskset and deno (DENO=/path/to/deno, else
# `deno` on PATH, else `npx -y deno@2.9.6`).
set -euo pipefail

for tool in redis-server redis-benchmark redis-cli taskset; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "bench/mini_redis.sh: $tool is not installed (apt-get install -y redis-tools redis-server; taskset is in util-linux); nothing measured."
    exit 0
  fi
done

cd "$(dirname "$0")/.."
REQUESTS=${REQUESTS:-100000}
PIPELINED_REQUESTS=${PIPELINED_REQUESTS:-500000}
ROUNDS=${ROUNDS:-2}
CLIENTS=${CLIENTS:-50}
REDIS_PORT=${REDIS_PORT:-16379}
WEIR_PORT=${WEIR_PORT:-16380}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
if [ -z "${DENO:-}" ]; then
  if command -v deno >/dev/null 2>&1; then DENO=$(command -v deno)
  else DENO=$(npx -y deno@2.9.6 eval 'console.log(Deno.execPath())'); fi
fi
TICKS=$(getconf CLK_TCK)
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

taskset -c "$SERVER_CPU" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' \
  --appendonly no --daemonize no --logfile "$work/redis.log" &
pids+=($!)
redis_pid=$!
taskset -c "$SERVER_CPU" "$DENO" run --allow-net=127.0.0.1 examples/mini_redis/server.ts \
  --port "$WEIR_PORT" --quiet >"$work/weir.log" 2>&1 &
pids+=($!)
weir_pid=$!
for port in "$REDIS_PORT" "$WEIR_PORT"; do
  for _ in $(seq 1 100); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$port" ping >/dev/null || { echo "server on port $port did not start" >&2; cat "$work"/*.log >&2; exit 1; }
done

# CPU ticks (user + system) the process used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# bench PORT PID TEST PIPELINE -> "requests_per_second cpu_microseconds_per_request"
bench() {
  local before after rps n=$REQUESTS
  if [ "$4" -gt 1 ]; then n=$PIPELINED_REQUESTS; fi
  before=$(cpu_ticks "$2")
  rps=$(taskset -c "$CLIENT_CPU" redis-benchmark -p "$1" -t "$3" -c "$CLIENTS" -n "$n" \
    -P "$4" --csv | awk -F'"' 'NR == 2 { print $4 }')
  after=$(cpu_ticks "$2")
  awk -v r="$rps" -v t=$((after - before)) -v hz="$TICKS" -v n="$n" \
    'BEGIN { printf "%s %.3f\n", r, t * 1e6 / hz / n }'
}

echo "redis-benchmark -c $CLIENTS -n $REQUESTS (-P 1) / $PIPELINED_REQUESTS (-P 16), $ROUNDS rounds (order alternating), servers on CPU $SERVER_CPU, client on CPU $CLIENT_CPU"
echo "$(redis-server --version | cut -d' ' -f1-3), Deno $("$DENO" --version | head -1 | cut -d' ' -f2), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
printf '| %-4s | %-3s | %12s | %12s | %6s | %14s | %14s | %6s |\n' test P "redis req/s" "weir req/s" ratio "redis CPU µs" "weir CPU µs" ratio
printf '|------|-----|-------------:|-------------:|-------:|---------------:|---------------:|-------:|\n'
for pipeline in 1 16; do
  for test in set get incr; do
    r_rps=0; r_cpu=0; w_rps=0; w_cpu=0
    for round in $(seq 1 "$ROUNDS"); do
      if [ $((round % 2)) -eq 1 ]; then order="redis weir"; else order="weir redis"; fi
      for server in $order; do
        if [ "$server" = redis ]; then
          read -r rps cpu < <(bench "$REDIS_PORT" "$redis_pid" "$test" "$pipeline")
          r_rps=$(awk -v a="$r_rps" -v b="$rps" 'BEGIN { print a + b }')
          r_cpu=$(awk -v a="$r_cpu" -v b="$cpu" 'BEGIN { print a + b }')
        else
          read -r rps cpu < <(bench "$WEIR_PORT" "$weir_pid" "$test" "$pipeline")
          w_rps=$(awk -v a="$w_rps" -v b="$rps" 'BEGIN { print a + b }')
          w_cpu=$(awk -v a="$w_cpu" -v b="$cpu" 'BEGIN { print a + b }')
        fi
      done
    done
    awk -v t="$test" -v p="$pipeline" -v n="$ROUNDS" -v rr="$r_rps" -v wr="$w_rps" -v rc="$r_cpu" -v wc="$w_cpu" \
      'BEGIN { printf "| %-4s | %-3s | %12.0f | %12.0f | %5.2fx | %14.2f | %14.2f | %5.2fx |\n", t, p, rr / n, wr / n, wr / rr, rc / n, wc / n, wc / rc }'
  done
done
