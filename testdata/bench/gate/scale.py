import sys,re
# NEW = OLD with every arcfour time 30% slower (ns/op and cpu-sec/op x1.3; MB/s and jobs/s /1.3); the canary left alone.
f=1.3
pkg=None
out=[]
for line in open(sys.argv[1]):
    if line.startswith("pkg: "):
        pkg=line.split()[1]
    if line.startswith("Benchmark") and pkg and pkg.endswith("/arcfour"):
        toks=line.rstrip("\n").split("\t")
        # fields after name and iterations: "value unit"
        new=[]
        for t in toks:
            m=re.match(r"^(\s*)([0-9.e+-]+) (ns/op|cpu-sec/op|MB/s|jobs/s)$", t)
            if m:
                v=float(m.group(2))
                v = v*f if m.group(3) in ("ns/op","cpu-sec/op") else v/f
                s=("%.0f" % v) if m.group(3)=="ns/op" else ("%.4g" % v)
                t=m.group(1)+s+" "+m.group(3)
            new.append(t)
        line="\t".join(new)+"\n"
    out.append(line)
sys.stdout.write("".join(out))
