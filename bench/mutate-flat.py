#!/usr/bin/env python3
"""bench/mutate-flat.py OUTDIR [PER_FILE] [SEED]: inputs for bench/compare-binaries.sh (issue 13). From every
scenario of scenarios/ and tests/, mutants of its flat elements (the trace's steps, <process>, <cgroup>: the ones
scenarios/scenario-flat-elements.c vouches for): an attribute removed, an unknown or another element's attribute
added, a value replaced by an odd one (signs, blanks, 23 and 25 digits, booleans, choice values), content added,
a namespace. Seeded: same arguments, same files."""
import glob, os, random, re, sys

out = sys.argv[1]
per_file = int(sys.argv[2]) if len(sys.argv) > 2 else 12
random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
os.makedirs(out, exist_ok=True)
flat = ('mmap|touch|malloc|free|munmap|file-read|shmem-write|fork|exit|set|sysctl|cgroup-set|move|process|cgroup')
element_re = re.compile(r'<(' + flat + r')((?:\s+[A-Za-z_:.\-]+="[^"]*")*)\s*/>')
attr_re = re.compile(r'([A-Za-z_:.\-]+)="([^"]*)"')
values = ['', ' 5', '5 ', '+5', '-5', '007', '5x', 'true', 'yes', '1', '0', 'false', ' 1', '-0',
          '99999999999999999999999', '9999999999999999999999999', '999999999999999999', '1000000000000000000',
          'first', 'all', 'none', 'memory.max', 'memory.oom.group', 'vm.swappiness', ' vm.swappiness',
          '&#32;1', '1&#10;', '64MiB', '1 pages', 'max']
extras = ['bogus="1"', 'repeat="2"', 'comm="x"', 'size="4KiB"', 'pid="1"', 'xml:lang="en"',
          'xmlns:a="urn:a" a:pid="1"', 'xmlns="urn:x"', 'id="#1"', 'at="1s"', 'cgroup="/"']
files = sorted(glob.glob('scenarios/**/*.xml', recursive=True) + glob.glob('tests/**/*.xml', recursive=True))
count = 0
for path in files:
    try:
        src = open(path, encoding='utf-8').read()
    except (UnicodeDecodeError, OSError):
        continue
    elements = list(element_re.finditer(src))
    if not elements:
        continue
    for k in range(per_file):
        m = random.choice(elements)
        name, attrs = m.group(1), attr_re.findall(m.group(2))
        kind = random.randrange(5)
        if kind == 0 and attrs:      # an attribute removed
            drop = random.randrange(len(attrs))
            attrs = attrs[:drop] + attrs[drop + 1:]
            text = '<%s%s/>' % (name, ''.join(' %s="%s"' % a for a in attrs))
        elif kind == 1:              # an attribute added
            text = '<%s%s %s/>' % (name, ''.join(' %s="%s"' % a for a in attrs), random.choice(extras))
        elif kind == 2 and attrs:    # a value replaced
            i = random.randrange(len(attrs))
            attrs = attrs[:i] + [(attrs[i][0], random.choice(values))] + attrs[i + 1:]
            text = '<%s%s/>' % (name, ''.join(' %s="%s"' % a for a in attrs))
        elif kind == 3:              # content
            body = random.choice(['', ' ', '\n  ', 'x', '<x/>', '<!-- c -->', '<![CDATA[ ]]>'])
            text = '<%s%s>%s</%s>' % (name, m.group(2), body, name)
        else:                        # the element's name in another place
            text = '<%s%s/>' % (random.choice(flat.split('|')), m.group(2))
        mutant = src[:m.start()] + text + src[m.end():]
        count += 1
        with open(os.path.join(out, '%05d.xml' % count), 'w', encoding='utf-8') as f:
            f.write(mutant)
print('%d mutants in %s' % (count, out))
