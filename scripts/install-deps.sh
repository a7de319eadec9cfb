#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test tokenpath. Idempotent: installs only what is
# missing, runs `apt-get update` once, and only when something must be installed.
set -euo pipefail

need=()
command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])' || need+=(openjdk-17-jdk-headless)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
# Debian's own interpreter, whatever else is first on PATH (pyenv, say): its packages are what apt installs.
py=/usr/bin/python3
[ -x "$py" ] || need+=(python3)
"$py" -c 'import numpy' >/dev/null 2>&1 || need+=(python3-numpy)
# The Python reader example decodes LZ4 / Zstd payloads with these (Debian packages both).
"$py" -c 'import lz4.block' >/dev/null 2>&1 || need+=(python3-lz4)
"$py" -c 'import zstandard' >/dev/null 2>&1 || need+=(python3-zstandard)
"$py" -c 'import crc32c' >/dev/null 2>&1 || need+=(python3-crc32c)
command -v mount >/dev/null 2>&1 || need+=(mount)
# ebpf-helper: the BPF toolchain (clang/llvm, bpftool for skeletons and vmlinux.h), libbpf/libelf/zlib static
# libraries for the static binary; bpftrace for the one-liners' test; setcap for the secure-exec test.
for c in clang llvm-strip bpftool make gcc bpftrace setcap setpriv unshare; do
  command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || case "$c" in
    llvm-strip) need+=(llvm) ;; setcap) need+=(libcap2-bin) ;; setpriv|unshare) need+=(util-linux) ;; *) need+=("$c") ;;
  esac
done
for lib in libbpf libelf libz; do
  [ -f "/usr/lib/$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)/$lib.a" ] || case "$lib" in
    libbpf) need+=(libbpf-dev) ;; libelf) need+=(libelf-dev) ;; libz) need+=(zlib1g-dev) ;;
  esac
done
# dashboards/ tests: the real Prometheus and promtool (package prometheus), amtool (prometheus-alertmanager);
# the compose linter (dclint, npm ci in compose/lint) needs Node.js >= 20.19 with npm, as these machines have.
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)

if [ ${#need[@]} -gt 0 ]; then
  # shellcheck disable=SC2207
  uniq=($(printf '%s\n' "${need[@]}" | sort -u))
  echo "[install-deps] installing: ${uniq[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${uniq[@]}" >/dev/null
fi

# Per-syscall tracepoints need tracefs, which a fresh machine does not mount (the helper falls back to raw
# sys_enter/sys_exit without it, and its tests check both modes).
if [ "$(id -u)" = 0 ] && [ ! -e /sys/kernel/tracing/events ]; then
  mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || echo "[install-deps] could not mount tracefs at /sys/kernel/tracing"
fi
