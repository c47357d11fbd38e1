#!/bin/sh
# PID 1 of the test VM (copied into the rootfs as /sbin/ttm-kvm-init).
# Mounts the shares the host passed, runs /out/cmd, records its exit status
# and the kernel log in /out, and powers off.
# The arm64 root is busybox alone (scripts/rootfs.sh): link its applets once.
if [ ! -e /bin/mount ]; then
	/bin/busybox mount -t proc proc /proc
	/bin/busybox --install -s
	umount /proc
fi
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
mkdir -p /out /lib/modules /ttm-kvm/tests
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out /out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro mods /lib/modules
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro tests /ttm-kvm/tests
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
hostname ttm-kvm-vm
# Swap on zram in every VM: TTM backs buffer objects up (and its KUnit
# backup tests run) only when there is swap space.
if [ -e /sys/block/zram0/disksize ]; then
	echo 256M >/sys/block/zram0/disksize &&
		mkswap /dev/zram0 >/dev/null && swapon /dev/zram0 ||
		echo "ttm-kvm: no swap on zram0"
fi

# On a kernel with kmemleak (make check-debug), forget what boot allocated,
# so that the scan after the command reports what the command leaked.
kmemleak=/sys/kernel/debug/kmemleak
if [ -w $kmemleak ]; then
	echo scan >$kmemleak
	echo clear >$kmemleak
fi

echo "ttm-kvm: running /out/cmd on $(uname -r)"
cd /out && sh /out/cmd >/out/cmd.log 2>&1
echo $? >/out/status.tmp
if [ -w $kmemleak ]; then
	# Two scans: an object must look unreferenced twice to be reported.
	echo scan >$kmemleak
	sleep 1
	echo scan >$kmemleak
	cat $kmemleak >/out/kmemleak.log
fi
dmesg >/out/dmesg.log
mv /out/status.tmp /out/status
sync
echo "ttm-kvm: guest command exited $(cat /out/status)"
busybox reboot -f
