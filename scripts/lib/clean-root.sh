# Clean Debian roots for the fresh-machine checks (scripts/clean-root-check, installer/test-deb); sourced.
# A root is a fresh `debootstrap --variant=minbase bookworm` (about 200 MB, 1-2 min), copied from a
# pristine one kept in $HART_CLEAN_CACHE (default /var/tmp/hart-clean/base) so that each check
# starts from the same untouched system. Needs root, debootstrap (installed with apt-get when missing).

clean_root_fail() {
    echo "clean-root: $*" >&2
    exit 2
}

# clean_root_make DIR: a fresh Debian root in DIR with /proc, /sys, /dev and DNS, unmounted on exit.
clean_root_make() {
    local dir=$1 base=${HART_CLEAN_CACHE:-/var/tmp/hart-clean/base}
    [[ $(id -u) -eq 0 ]] || clean_root_fail "needs root (chroot and mounts)."
    if [[ ! -x "$base/bin/bash" ]]; then
        command -v debootstrap >/dev/null 2>&1 || {
            command -v apt-get >/dev/null 2>&1 || clean_root_fail "needs debootstrap (not found, and no apt-get to install it)."
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
        }
        echo "clean-root: debootstrap bookworm into $base (once) ..." >&2
        rm -rf "$base.part" && mkdir -p "$(dirname "$base")"
        debootstrap --variant=minbase bookworm "$base.part" http://deb.debian.org/debian >"$base.log" 2>&1 \
            || { tail -n 20 "$base.log" >&2; clean_root_fail "debootstrap failed (log: $base.log)."; }
        mv "$base.part" "$base"
    fi
    rm -rf "$dir" && mkdir -p "$dir" && cp -a "$base/." "$dir/"
    cp /etc/resolv.conf "$dir/etc/resolv.conf"
    # This network's own certificate authorities (a TLS-inspecting egress proxy, say): part of the
    # network, not of the machine's setup; ca-certificates picks them up when Java's trust store is made.
    if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
        mkdir -p "$dir/usr/local/share/ca-certificates"
        cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/"
    fi
    mount -t proc proc "$dir/proc"
    mount --rbind /sys "$dir/sys" && mount --make-rslave "$dir/sys"
    mount --rbind /dev "$dir/dev" && mount --make-rslave "$dir/dev"
    mkdir -p "$dir/dev/shm"
    CLEAN_ROOT=$dir
    trap clean_root_unmount EXIT
}

clean_root_unmount() {
    [[ -n "${CLEAN_ROOT:-}" ]] || return 0
    umount -R "$CLEAN_ROOT/dev" 2>/dev/null || true
    umount -R "$CLEAN_ROOT/sys" 2>/dev/null || true
    umount "$CLEAN_ROOT/proc" 2>/dev/null || true
}

# clean_root_run CMD...: runs CMD in the root as root, with a plain environment.
clean_root_run() {
    # The network's settings pass through (proxy, CA bundle), as they would on any machine here;
    # nothing of this machine's tools or packages does.
    local net=() v
    for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY SSL_CERT_FILE PIP_CERT REQUESTS_CA_BUNDLE; do
        if [[ -n "${!v:-}" ]]; then net+=("$v=${!v}"); fi
    done
    chroot "$CLEAN_ROOT" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive TERM=dumb ${net[@]+"${net[@]}"} "$@"
}

# clean_root_apt PACKAGE...: apt-get update (once) and install PACKAGEs without recommends.
clean_root_apt() {
    [[ -f "$CLEAN_ROOT/var/lib/apt/lists/lock" ]] || clean_root_run apt-get update -qq
    clean_root_run apt-get install -y -qq --no-install-recommends "$@"
}
