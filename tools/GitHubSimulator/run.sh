#!/usr/bin/env bash
# Plays actions/runner's run.sh for RunnerHub's GitHub simulator. The local stack starts it as
#
#   run.sh --jitconfig <encoded_jit_config>
#
# in place of a real runner. It asks the simulator to run the runner that JIT config registered:
# the simulator hands it the oldest queued job whose labels are all among the runner's, sends
# in_progress, waits the job's duration, sends completed, and answers. This script blocks until
# then, prints the answer ({"jobId": …|null, "conclusion": …}) and exits 0; with no matching job
# within the wait, it exits 0 with "jobId": null, like a runner that got no job.
# Non-zero when the simulator refuses the config (404 unknown, 409 already used, 400 malformed)
# or cannot be reached. SIGTERM ends the runner: the simulator fails its job, as GitHub does.
#
# Environment:
#   GITHUB_SIMULATOR_URL          simulator base URL (default http://127.0.0.1:${SIMULATOR_PORT:-9000})
#   SIMULATOR_PORT                port when GITHUB_SIMULATOR_URL is not set (default 9000)
#   GITHUB_SIMULATOR_JOB_WAIT_MS  how long to wait for a job (default: the simulator's Simulator:RunnerJobWait, 60 s)
# The JIT config is a credential: it is never printed.
set -euo pipefail

usage() {
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
}

jitconfig=""
while (($#)); do
  case $1 in
    --jitconfig)
      (($# >= 2)) || { echo "run.sh: --jitconfig needs a value" >&2; exit 2; }
      jitconfig=$2
      shift 2
      ;;
    --jitconfig=*) jitconfig=${1#--jitconfig=}; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
    *) echo "run.sh: unexpected argument (not printed); usage: run.sh --jitconfig <encoded>" >&2; exit 2 ;;
  esac
done

[[ -n $jitconfig ]] || { echo "run.sh: --jitconfig is required" >&2; exit 2; }
# A JIT config is base64; anything else would not survive being put into JSON below.
[[ $jitconfig =~ ^[A-Za-z0-9+/=]+$ ]] || { echo "run.sh: the JIT config is not base64" >&2; exit 2; }

url=${GITHUB_SIMULATOR_URL:-http://127.0.0.1:${SIMULATOR_PORT:-9000}}
url=${url%/}
wait_ms=${GITHUB_SIMULATOR_JOB_WAIT_MS:-}
body="{\"jitconfig\":\"$jitconfig\""
if [[ -n $wait_ms ]]; then
  [[ $wait_ms =~ ^[0-9]+$ ]] || { echo "run.sh: GITHUB_SIMULATOR_JOB_WAIT_MS must be a number of milliseconds" >&2; exit 2; }
  body+=",\"waitMs\":$wait_ms"
fi
body+="}"

# Plain HTTP over bash's /dev/tcp, not curl: this script runs once per job, and at a few hundred
# jobs a second curl's start-up (it loads dozens of shared libraries) cost more CPU than the whole
# orchestrator, so a benchmark measured the simulated runner instead of RunnerHub. The simulator
# is on 127.0.0.1 or another plain-HTTP address (no TLS).
[[ $url =~ ^http://([^/:]+)(:([0-9]+))?$ ]] || { echo "run.sh: the simulator URL must be http://HOST[:PORT] (got '$url')" >&2; exit 2; }
host=${BASH_REMATCH[1]} port=${BASH_REMATCH[3]:-80}

echo "√ Connected to GitHub (simulator at $url)"
echo "Listening for Jobs"
# HTTP/1.0: the answer ends when the simulator closes the connection (no chunked encoding to
# undo). While this script waits, a SIGTERM ends it and closes the connection, and the simulator
# sees the runner go away, as it would a real runner's. The config goes in the body, never on a
# command line.
exec 3<>"/dev/tcp/$host/$port" || { echo "run.sh: cannot connect to the simulator at $url" >&2; exit 7; }
printf 'POST /_simulator/runner/run HTTP/1.0\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
  "$host:$port" "${#body}" "$body" >&3
IFS=' ' read -r _ status _ <&3 || { echo "run.sh: the simulator at $url closed the connection without an answer" >&2; exit 52; }
while IFS= read -r line <&3 && [[ $line != $'\r' && -n $line ]]; do :; done
answer=''
while IFS= read -r line <&3 || [[ -n $line ]]; do answer+=$line; done
exec 3<&-
echo "$answer"
# As curl --fail-with-body did: the body on stdout, exit 22 on an HTTP error.
if [[ ! $status =~ ^2[0-9][0-9]$ ]]; then
  echo "run.sh: the simulator answered HTTP $status" >&2
  exit 22
fi
