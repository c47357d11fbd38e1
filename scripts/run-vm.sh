#!/usr/bin/env bash
# run-vm.sh [options] -- COMMAND...
# Boot a built kernel under QEMU TCG (-cpu max: the guest sees SVM, so KVM
# works inside it) on the sid rootfs over 9p, run COMMAND in the guest as root
# with /out as its working directory, and exit with COMMAND's status.
#
#   --kernel KIND    patched (default), baseline or debug
#   --vmm VMM        host: this machine's QEMU (default); sid: QEMU 11 from
#                    the VMM root (make vmm-rootfs), needed by virtio-gpu-gl
#   --out DIR        host directory shared as /out (default: a new temp dir)
#   --device DEV     virtio-gpu | virtio-gpu-gl | qxl | ivshmem[=SIZE]
#                    (repeatable). virtio-gpu-gl: virgl, blob resources and a
#                    256 MiB hostmem region, for host-visible blobs (--vmm sid)
#   --append ARGS    extra kernel command line
#   --mem SIZE       guest memory (default 3G)
#   --timeout SECS   hard limit for the whole VM (default 900)
#   --monitor SOCK   QEMU's monitor on the unix socket SOCK (--vmm host), to
#                    look at a VM that stopped making progress
#   --icount         -icount shift=0 (one vCPU thread): guest time counts
#                    guest instructions, 1 ns each, whatever the host load
#   --shell          interactive: serial console on this terminal, no COMMAND
#
# KUnit tests are built in but not run at boot (kunit.autorun=0); the kunit
# suite runs them through debugfs.
#
# In the guest: /out (rw, host --out), /lib/modules (the kernel's modules),
# /ttm-kvm/tests (the built project tests), /ttm-kvm/guest (scripts/guest of
# this checkout, read-only: setup-vttm.sh and the suites' guest scripts).
# console.log, cmd.log, dmesg.log and status land in --out, and with --vmm
# sid QEMU's stderr in qemu.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kind=patched vmm=host out= mem=3G timeout=900 append= shell=0 monitor=none
accel=(-accel tcg,thread=multi)
devices=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kind=$2; shift ;;
	--vmm) vmm=$2; shift ;;
	--out) out=$2; shift ;;
	--device) devices+=("$2"); shift ;;
	--append) append="$append $2"; shift ;;
	--mem) mem=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--monitor) monitor=unix:$2,server=on,wait=off; shift ;;
	--shell) shell=1 ;;
	--icount) accel=(-accel tcg,thread=single -icount shift=0) ;;
	--) shift && break ;;
	*) die "unknown option $1 (see the header of $0)" ;;
	esac
	shift
done
[ "$shell" = 1 ] || [ $# -gt 0 ] || die "no guest command given"

kout=$(kernel_out "$kind")
case "$TARGET_ARCH" in
x86_64) image=bzImage console=ttyS0 ;;
arm64) image=Image console=ttyAMA0 ;;
esac
[ -f "$kout/$image" ] || die "no $TARGET_ARCH $kind kernel built (make [ARCH=...] kernel / baseline)"
[ -x "$ROOTFS/bin/sh" ] || die "no rootfs at $ROOTFS (make rootfs)"
tests=$TESTS_OUT
mkdir -p "$tests"
[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/ttm-kvm-vm.XXXXXX")
mkdir -p "$out"
rm -f "$out/status" "$out/console.log" "$out/cmd.log" "$out/dmesg.log" "$out/kmemleak.log" \
	"$out/qemu.log"

install -m 0755 "$REPO/scripts/guest-init.sh" "$ROOTFS/sbin/ttm-kvm-init"
# The command mounts scripts/guest first: the init in the (shared) rootfs
# stays the same for every checkout.
guestdir=/ttm-kvm/guest
{
	echo "mkdir -p $guestdir && mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro guest $guestdir ||"
	echo "	echo 'run-vm: cannot mount $guestdir' >&2"
	if [ "$shell" = 1 ]; then
		printf '%s\n' 'exec setsid sh -c "exec sh </dev/'"$console"' >/dev/'"$console"' 2>&1"'
	else
		printf '%q ' "$@"
		echo
	fi
} >"$out/cmd"

qdev=()
for d in "${devices[@]}"; do
	case "$d" in
	virtio-gpu) qdev+=(-device virtio-gpu-pci) ;;
	virtio-gpu-gl)
		[ "$vmm" = sid ] || die "virtio-gpu-gl needs --vmm sid (QEMU 7.2 has no virgl)"
		qdev+=(-device "virtio-gpu-gl-pci,hostmem=256M,blob=true")
		;;
	qxl) qdev+=(-device qxl) ;;
	ivshmem | ivshmem=*)
		size=256M
		[ "$d" = ivshmem ] || size=${d#ivshmem=}
		qdev+=(-object "memory-backend-memfd,id=vram,size=$size,share=on"
			-device ivshmem-plain,memdev=vram)
		;;
	*) die "unknown device $d (virtio-gpu, virtio-gpu-gl, qxl, ivshmem[=SIZE])" ;;
	esac
done

share() { # TAG DIR [ro]
	local opt=
	[ "${3:-}" = ro ] && opt=,readonly=on
	echo "-virtfs local,path=$2,mount_tag=$1,security_model=passthrough,id=$1$opt"
}

# What QEMU sees: these host paths, or where the sid VMM root has them.
root=$ROOTFS vout=$out mods=$kout/modules/lib/modules vtests=$tests kimg=$kout
vguest=$REPO/scripts/guest
launch=() x_display=() display=(-display none)
case "$vmm" in
host) ;;
sid)
	[ -x "$VMM_ROOT/usr/bin/qemu-system-x86_64" ] &&
		[ -x "$VMM_ROOT/usr/bin/qemu-system-aarch64" ] ||
		die "no VMM root at $VMM_ROOT, or an old one (make vmm-rootfs)"
	launch=(unshare -m --propagation private "$REPO/scripts/vmm-chroot.sh"
		"$VMM_ROOT" "$root:/mnt/root" "$vout:/mnt/out" "$mods:/mnt/mods"
		"$vtests:/mnt/tests" "$kimg:/mnt/kernel" "$vguest:/mnt/guest" --)
	x_display=(env XDG_RUNTIME_DIR=/tmp LIBGL_ALWAYS_SOFTWARE=1
		xvfb-run -a -s "-screen 0 1024x768x24")
	root=/mnt/root vout=/mnt/out mods=/mnt/mods vtests=/mnt/tests kimg=/mnt/kernel
	vguest=/mnt/guest
	# virgl renders with llvmpipe into an X server that only exists in
	# memory: QEMU's GL displays other than SDL and GTK need a DRM device.
	display=(-display sdl,gl=on)
	;;
*) die "unknown VMM $vmm (host or sid)" ;;
esac

# arm64: QEMU's virt machine with EL2 (virtualization=on), so that KVM runs
# inside it under TCG; GICv3 for KVM's vGIC.
case "$TARGET_ARCH" in
x86_64) machine=(qemu-system-x86_64) ;;
arm64)
	machine=(qemu-system-aarch64 -M virt,virtualization=on,gic-version=3)
	;;
esac
# An X server for virgl only: no other device here draws anything.
case " ${devices[*]} " in
*" virtio-gpu-gl "*) ;;
*) x_display=() display=(-display none) ;;
esac
launch+=("${x_display[@]}")
# shellcheck disable=SC2046 # share() output is meant to split into words
qemu=("${machine[@]}" "${accel[@]}" -cpu max -smp 2 -m "$mem"
	-kernel "$kimg/$image"
	-append "console=$console root=root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000 rw init=/sbin/ttm-kvm-init panic=-1 kunit.autorun=0 $append"
	$(share root "$root") $(share out "$vout") $(share mods "$mods" ro)
	$(share tests "$vtests" ro) $(share guest "$vguest" ro)
	"${display[@]}" -vga none -no-reboot "${qdev[@]}")

if [ "$shell" = 1 ]; then
	exec "${launch[@]}" "${qemu[@]}" -serial mon:stdio
fi
rc=0
# virglrenderer reports guest mistakes (IGT provokes some) on stderr.
errlog=/dev/stderr
[ "$vmm" = host ] || errlog=$out/qemu.log
# The limit applies inside the VMM root too, so that no QEMU outlives it.
timeout --foreground -k 20 $((timeout + 30)) "${launch[@]}" \
	timeout -k 10 "$timeout" "${qemu[@]}" -serial "file:$vout/console.log" \
	-monitor "$monitor" </dev/null 2>"$errlog" || rc=$?
if [ ! -f "$out/status" ]; then
	[ "$rc" = 124 ] && log "VM timed out after ${timeout}s" || log "VM ended (qemu rc $rc) without a guest status"
	tail -n 30 "$out/console.log" >&2 || true
	[ ! -s "$out/qemu.log" ] || tail -n 10 "$out/qemu.log" >&2
	exit 125
fi
exit "$(cat "$out/status")"
