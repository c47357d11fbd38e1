#!/bin/sh
# soak-watch.sh PID LOG: run in the soak VM beside the test (PID). Every
# minute, writes where each thread of it and of its subtest processes (same
# command name) is (state, wait channel, kernel stack) to
# /out/soak-watch.log. When LOG has not grown for STALL seconds,
# asks the kernel once for backtraces of all CPUs and of blocked tasks
# (sysrq l and w, to the console), so that a stalled soak says where it
# stalled: a hang in the kernel, a livelock, or a vCPU that stopped running.
pid=$1 log=$2 stall=${SOAK_STALL:-900}
comm=$(cat /proc/"$pid"/comm)
last_size=-1 still=0 dumped=0
while kill -0 "$pid" 2>/dev/null; do
	sleep 60
	{
		echo "== $(cut -d' ' -f1 /proc/uptime) s, $log: $(wc -c <"$log") bytes"
		for p in /proc/[0-9]*; do
			[ "$(cat "$p/comm" 2>/dev/null)" = "$comm" ] || continue
			for t in "$p"/task/*; do
				echo "-- ${p##*/}/${t##*/} $(cut -d' ' -f2-3 "$t/stat") wchan $(cat "$t/wchan" 2>/dev/null)"
				cat "$t/stack" 2>/dev/null
			done
		done
		grep -E '^(nr_free_pages|nr_shmem|nr_zspages|nr_gpu_active|nr_gpu_reclaim) ' /proc/vmstat
	} >/out/soak-watch.tmp 2>&1
	mv /out/soak-watch.tmp /out/soak-watch.log
	size=$(wc -c <"$log")
	if [ "$size" = "$last_size" ]; then
		still=$((still + 60))
	else
		still=0 last_size=$size
	fi
	if [ "$still" -ge "$stall" ] && [ "$dumped" = 0 ]; then
		echo "soak-watch: no progress for ${still} s: sysrq l, w" >/dev/kmsg
		echo l >/proc/sysrq-trigger
		echo w >/proc/sysrq-trigger
		cp /out/soak-watch.log /out/soak-watch.stall.log
		dumped=1
	fi
done
