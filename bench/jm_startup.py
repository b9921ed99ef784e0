#!/usr/bin/env python3
"""JobManager start-up cost under different JVM flags (wall and CPU seconds until the REST
endpoint listens). The JM is infrastructure in tmfault, not the subject, so its flags are ours
to choose; the TaskManager's never are.

    bench/jm_startup.py <a stored variant dir, e.g. out/latest/heap-space/faulty> [runs]
"""
import os, subprocess, sys, time

FLAGSETS = {
    "as-is": [],
    "c1-only": ["-XX:TieredStopAtLevel=1"],
    "c1+serial": ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"],
    "c1+serial+1cpu-gc": ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:CICompilerCount=1"],
}

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

def main():
    d, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    argv = open(os.path.join(d, "jm.cmd")).read().split()
    home = os.path.join(d, "flink-home")
    env = {"PATH": os.environ["PATH"], "HOME": os.environ["HOME"], "FLINK_HOME": home,
           "FLINK_LIB_DIR": os.path.join(home, "lib"), "FLINK_CONF_DIR": os.path.join(d, "jm-conf")}
    base = None
    for name, flags in FLAGSETS.items():
        samples = [one([argv[0]] + flags + argv[1:], env) for _ in range(runs)]
        wall = sorted(s[0] for s in samples)[runs // 2]
        cpu = sorted(s[1] for s in samples)[runs // 2]
        base = base or cpu
        print(f"{name:<20} wall {wall:5.2f}s  cpu {cpu:5.2f}s  cpu ratio {cpu / base:4.2f}")

main()
