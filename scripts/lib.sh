# Shared helpers for scripts/*: sourced, not run.
# shellcheck shell=bash

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt-get install, running `apt-get update` once per script run.
apt_install() {
  if [ -z "${_APT_UPDATED:-}" ]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    _APT_UPDATED=1
  fi
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The pulsar crate's build script needs protoc. Debian's package is a few
# seconds to install; building it from source (feature vendored-protoc)
# costs minutes on two cores.
ensure_protoc() {
  if [ -z "${PROTOC:-}" ] && ! command -v protoc >/dev/null 2>&1; then
    apt_install protobuf-compiler
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits up to $2 seconds for TCP port $1 on loopback.
wait_port() {
  local port=$1 timeout=${2:-60} i=0
  while ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -ge $((timeout * 10)) ] && return 1
    sleep 0.1
  done
  exec 3>&- 2>/dev/null || true
}
