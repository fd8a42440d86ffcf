# Which flavour of HART Studio to run (the rule of dev.hartstudio.engine.Flavour.choose); sourced by
# ./hart-studio and installer/build-installer.

# hart_driver_found [ROOT]: succeeds when an NVIDIA driver looks usable: a device node (/dev/nvidiactl,
# /dev/nvidia0, or WSL 2's /dev/dxg) and libcuda.so.1 in LD_LIBRARY_PATH or a system library folder.
# ROOT (tests) is put before every path.
hart_driver_found() {
    local root=${1:-} dir
    [[ -e $root/dev/nvidiactl || -e $root/dev/nvidia0 || -e $root/dev/dxg ]] || return 1
    local IFS=:
    for dir in ${LD_LIBRARY_PATH:-} /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib64 /usr/lib \
            /lib/x86_64-linux-gnu /lib64 /usr/lib/wsl/lib /usr/local/nvidia/lib64 /usr/local/cuda/compat; do
        [[ -n $dir && -e $root$dir/libcuda.so.1 ]] && return 0
    done
    return 1
}

# hart_flavour REQUESTED [ROOT]: prints cpu or gpu: the one requested (cpu, gpu), else (empty or auto)
# gpu when an NVIDIA driver is found, else cpu. A bad value: one line on stderr, status 2.
hart_flavour() {
    local requested
    requested=$(printf '%s' "${1:-}" | tr '[:upper:]' '[:lower:]' | tr -d '[:space:]')
    case "$requested" in
        cpu | gpu) echo "$requested" ;;
        "" | auto) if hart_driver_found "${2:-}"; then echo gpu; else echo cpu; fi ;;
        *)
            echo "hart-studio: HART_FLAVOUR is \"$1\": use cpu, gpu or auto." >&2
            return 2
            ;;
    esac
}
