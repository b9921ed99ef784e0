#!/usr/bin/env python3
"""A session JobManager's start-up cost under different JVM flags (wall and CPU seconds until the
REST endpoint listens). The JobManager is infrastructure in tmfault, not the subject, so its flags
are ours to choose; the TaskManager's never are.

    bench/jm_startup.py <a lane directory of a stored run, e.g. out/latest/lanes/0> [runs]

It starts the lane's JobManager again from its jm-*.cmd, first with Flink's own JVM defaults (our
C1/Serial and class-data flags taken out), then with C1 and Serial GC, then also mapping the
lane's class-data archive (when a jm-*.cmd of the lane mapped or recorded one that exists).
"""
import glob, os, subprocess, sys, time

OURS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
CLASS_DATA = ("-Xlog:cds", "-XX:SharedArchiveFile=", "-XX:ArchiveClassesAtExit=")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one(argv, env):
    start = time.monotonic()
    p = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in p.stdout:
        if "Rest endpoint listening at" in line:
            wall, cpu = time.monotonic() - start, cpu_seconds(p.pid)
            p.kill(); p.wait()
            return wall, cpu
    raise SystemExit("JM exited before its REST endpoint listened")


def archive_of(cmds):
    for cmd in cmds:
        for word in open(cmd).read().split():
            for prefix in ("-XX:SharedArchiveFile=", "-XX:ArchiveClassesAtExit="):
                path = word[len(prefix):] if word.startswith(prefix) else ""
                path = path.rsplit(".", 2)[0] + ".jsa" if path.endswith(".part") else path
                if path and os.path.exists(path):
                    return path
    return None


def main():
    d, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    cmds = sorted(glob.glob(os.path.join(d, "jm-*.cmd")))
    if not cmds:
        sys.exit(f"jm_startup: no jm-*.cmd in {d} (give a lane directory: <run>/lanes/<n>)")
    argv = [w for w in open(cmds[-1]).read().split() if w not in OURS and not w.startswith(CLASS_DATA)]
    home = os.path.join(d, "flink-home")
    env = {"PATH": os.environ["PATH"], "HOME": os.environ["HOME"], "FLINK_HOME": home,
           "FLINK_LIB_DIR": os.path.join(home, "lib"), "FLINK_CONF_DIR": os.path.join(d, "jm-conf")}
    flagsets = {"flink defaults": [], "c1+serial": list(OURS)}
    archive = archive_of(cmds)
    if archive:
        flagsets["c1+serial+archive"] = list(OURS) + ["-Xlog:cds=off", "-XX:SharedArchiveFile=" + archive]
    base = None
    for name, flags in flagsets.items():
        samples = [one([argv[0]] + flags + argv[1:], env) for _ in range(runs)]
        wall = sorted(s[0] for s in samples)[runs // 2]
        cpu = sorted(s[1] for s in samples)[runs // 2]
        base = base or cpu
        print(f"{name:<20} wall {wall:5.2f}s  cpu {cpu:5.2f}s  cpu ratio {cpu / base:4.2f}  (median of {runs})")
    if not archive:
        print("no class-data archive of this lane's JobManager exists (a run records it first)")


main()
