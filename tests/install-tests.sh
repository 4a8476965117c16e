#!/usr/bin/env bash
# tests/install-tests.sh: `make install DESTDIR=... PREFIX=/usr` gives a tree that works (issue 15): the staged
# oomsim runs the staged scenarios, man finds and formats the staged page without a warning, the bash completion
# loaded in a fresh bash completes commands, options, --kernel values and files, zsh loads its completion, and
# `make uninstall` removes every file again.
. "$(dirname "$0")/tap.sh"
build=$(dirname "$OOMSIM")
stage=$tmp/stage
make -s --no-print-directory install DESTDIR="$stage" PREFIX=/usr BUILD="$build" >"$tmp/install.log" 2>&1
check "make install DESTDIR=\$tmp/stage PREFIX=/usr succeeds" [ $? -eq 0 ]
bin=$stage/usr/bin/oomsim
share=$stage/usr/share
check "the binary, man page, schema, completions are installed" \
  bash -c "[ -x '$bin' ] && [ -f '$share/man/man1/oomsim.1' ] && [ -f '$share/oomsim/oomsim.rng' ] && [ -f '$share/bash-completion/completions/oomsim' ] && [ -f '$share/zsh/site-functions/_oomsim' ]"
for d in library versions validation; do
  check "scenarios/$d: every scenario installed" \
    [ "$(ls "$share/oomsim/scenarios/$d"/*.xml | wc -l)" -eq "$(ls scenarios/$d/*.xml | wc -l)" ]
done
check "the installed schema is the one built into the binary" cmp -s scenarios/oomsim.rng "$share/oomsim/oomsim.rng"

# ---- the staged oomsim itself
check "the staged oomsim runs: --version" bash -c "'$bin' --version | head -n 1 | grep -qx 'oomsim [0-9.]*'"
"$bin" check -q "$share/oomsim/scenarios/library" >"$tmp/out" 2>&1
check "the staged oomsim checks the staged library: all pass" \
  [ "$(tail -n 1 "$tmp/out")" = "$(ls scenarios/library/*.xml | wc -l) passed, 0 failed" ]

# ---- man
LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$share/man/man1/oomsim.1" >"$tmp/man.txt" 2>"$tmp/man.err"
check "man --warnings -l on the staged page: no warning" [ ! -s "$tmp/man.err" ]
[ -s "$tmp/man.err" ] && cat "$tmp/man.err"
# the commands, as oomsim --help lists them
commands=$("$bin" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
check "oomsim --help lists 10 commands" [ "$(wc -w <<<"$commands")" -eq 10 ]
check "... the page has a section for each, and EXIT STATUS" bash -c \
  "for c in $(echo $commands); do grep -qE \"^   oomsim \$c( |\$)\" '$tmp/man.txt' || { echo \"no section for \$c\"; exit 1; }; done; grep -q '^EXIT STATUS' '$tmp/man.txt'"
check "MANPATH finds the staged page: man -w oomsim" \
  bash -c "[ \"\$(MANPATH='$share/man' man -w oomsim 2>/dev/null)\" = '$share/man/man1/oomsim.1' ]"
check "the page's version is the binary's" \
  bash -c "grep -q \"^\\.TH OOMSIM 1 [0-9-]* \\\"oomsim \$('$bin' --version | head -n 1 | cut -d' ' -f2)\\\"\" '$share/man/man1/oomsim.1'"
check "the page lists every option of every command's --help" bash -c '
  for c in '"$(echo $commands)"'; do
    for o in $("'"$bin"'" $c --help | grep -oE -- "--[a-z][a-z-]*" | sort -u); do
      grep -qF -- "$(printf %s "$o" | sed "s/-/\\\\-/g")" "'"$share/man/man1/oomsim.1"'" || { echo "missing $c $o"; exit 1; }
    done
  done'

# ---- bash completion, loaded in a fresh bash as bash-completion would (the staged bin first on PATH)
complete_words() { # complete_words WORD...: the completions of the last word
  PATH="$stage/usr/bin:$PATH" bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _oomsim; printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$share/bash-completion/completions/oomsim" "$@"
}
check "bash: complete -p oomsim names _oomsim" \
  bash --norc -c "source '$share/bash-completion/completions/oomsim'; complete -p oomsim | grep -q -- '-F _oomsim oomsim'"
check "bash: 'oomsim <TAB>' gives the commands of oomsim --help, and help" \
  [ "$(complete_words oomsim '' | grep -v '^-' | tr '\n' ' ')" = "$(printf '%s\n' $commands help | sort | tr '\n' ' ')" ]
check "bash: 'oomsim ch<TAB>' gives check" [ "$(complete_words oomsim ch)" = check ]
check "bash: 'oomsim run --kernel <TAB>' gives the profiles of oomsim kernels and all" \
  [ "$(complete_words oomsim run --kernel '' | tr '\n' ' ')" = "$( ("$bin" kernels | cut -d' ' -f1; echo all) | sort | tr '\n' ' ')" ]
check "bash: 'oomsim bisect --kernel <TAB>' gives the profiles only (one kernel)" \
  [ "$(complete_words oomsim bisect --kernel '' | tr '\n' ' ')" = "$("$bin" kernels | cut -d' ' -f1 | sort | tr '\n' ' ')" ]
check "bash: 'oomsim check --kernel=4<TAB>' gives 4.14 and 4.19" [ "$(complete_words oomsim check --kernel = 4 | tr '\n' ' ')" = "4.14 4.19 " ]
check "bash: 'oomsim check --kernel=4.19<TAB>' gives 4.19" [ "$(complete_words oomsim check --kernel = 4.19)" = 4.19 ]
check "bash: 'oomsim check --format <TAB>' gives junit tap text" \
  [ "$(complete_words oomsim check --format '' | tr '\n' ' ')" = "junit tap text " ]
check "bash: 'oomsim run --format <TAB>' gives dmesg html json text" \
  [ "$(complete_words oomsim run -f '' | tr '\n' ' ')" = "dmesg html json text " ]
check "bash: 'oomsim check --<TAB>' gives the options of check --help" \
  [ "$(complete_words oomsim check -- | tr '\n' ' ')" = "--format --help --kernel --max-steps --max-work --quiet --set " ]
mkdir -p "$tmp/sc/dir"
touch "$tmp/sc/pod.xml" "$tmp/sc/notes.txt"
check "bash: 'oomsim run DIR/<TAB>' gives scenarios and directories, not other files" \
  [ "$(complete_words oomsim run "$tmp/sc/" | tr '\n' ' ')" = "$tmp/sc/dir $tmp/sc/pod.xml " ]
check "bash: 'oomsim kernels <TAB>' gives nothing" [ -z "$(complete_words oomsim kernels '')" ]
check "bash: 'oomsim help <TAB>' gives the commands" \
  [ "$(complete_words oomsim help '' | tr '\n' ' ')" = "$(printf '%s\n' $commands | sort | tr '\n' ' ')" ]
check "bash: 'oomsim run --kernel 4.19,6.1<TAB>' completes the list's last item" \
  [ "$(complete_words oomsim run --kernel 4.19,6.1 | tr '\n' ' ')" = "4.19,6.1 4.19,6.12 " ]
check "bash: 'oomsim check --kernel a<TAB>' gives all" [ "$(complete_words oomsim check --kernel a)" = all ]
check "bash: 'oomsim sweep --format <TAB>' gives csv html json text" \
  [ "$(complete_words oomsim sweep --format '' | tr '\n' ' ')" = "csv html json text " ]
# --set/--vary PARAMs: the fixed ones, and the scenario's cgroups, pids and step ids (the pod scenario: cgroups
# /kubepods and /kubepods/pod-a, process 4200, step heap)
pod=scenarios/library/k8s-pod-50mi-oomkilled.xml
check "bash: 'oomsim run --set sysctl.vm.o<TAB>' gives the vm.o* sysctls with '='" \
  [ "$(complete_words oomsim run --set sysctl.vm.o | tr '\n' ' ')" = "sysctl.vm.oom_kill_allocating_task= sysctl.vm.overcommit_kbytes= sysctl.vm.overcommit_memory= sysctl.vm.overcommit_ratio= " ]
check "bash: 'oomsim run POD --set cgroup[/kubepods/pod-a].memory.m<TAB>' gives memory.max and memory.memsw.*" \
  [ "$(complete_words oomsim run $pod --set 'cgroup[/kubepods/pod-a].memory.m' | tr '\n' ' ')" = "cgroup[/kubepods/pod-a].memory.max= cgroup[/kubepods/pod-a].memory.memsw.limit_in_bytes= " ]
check "bash: 'oomsim sweep POD --vary p<TAB>' gives process[4200]'s 12 fields" \
  [ "$(complete_words oomsim sweep $pod --vary p | grep -c '^process\[4200\]\.')" -eq 12 ]
check "bash: 'oomsim bisect POD --vary step[<TAB>' gives step[heap]'s 7 fields" \
  [ "$(complete_words oomsim bisect $pod --vary 'step[' | grep -c '^step\[heap\]\.')" -eq 7 ]
check "bash: 'oomsim bisect POD --until <TAB>' gives the conditions" \
  [ "$(complete_words oomsim bisect $pod --until '' | tr '\n' ' ')" = "killed: no-enomem no-oom no-panic survives: " ]
check "bash: 'oomsim bisect POD --until survives:<TAB>' gives the pids" \
  [ "$(complete_words oomsim bisect $pod --until survives : '')" = 4200 ]

# ---- zsh completion: it parses, and compinit registers it for oomsim from the staged fpath
if command -v zsh >/dev/null; then
  check "zsh: _oomsim parses (zsh -n)" zsh -n "$share/zsh/site-functions/_oomsim"
  check "zsh: compinit binds oomsim to _oomsim from the staged site-functions" \
    zsh -f -c "fpath=('$share/zsh/site-functions' \$fpath); autoload -Uz compinit; compinit -u -d '$tmp/zcompdump'; [[ \$_comps[oomsim] == _oomsim ]]"
  # the value helpers, with the completion system's _wanted and _call_program stood in for (the _arguments
  # specifications themselves need an interactive zle, which these tests do not drive)
  zsh_values() { # zsh_values FUNCTION WORD...: what FUNCTION offers with the command line WORD...
    PATH="$stage/usr/bin:$PATH" zsh -f -c '
      eval "$(sed "\$d" "$1")"  # the file without its last line, which runs _oomsim
      _wanted() { local name=${@[-1]}; print -l ${(P)name} }
      _call_program() { shift; eval "$*" }
      f=$2; shift 2; words=("$@"); $f' _ "$share/zsh/site-functions/_oomsim" "$@" | sort | tr '\n' ' '
  }
  check "zsh: _oomsim_kernels gives the profiles of oomsim kernels" \
    [ "$(zsh_values _oomsim_kernels oomsim run --kernel '')" = "$("$bin" kernels | cut -d' ' -f1 | sort | tr '\n' ' ')" ]
  check "zsh: _oomsim_params gives the pod scenario's 12 process[4200] fields" \
    [ "$(zsh_values _oomsim_params oomsim run $pod --set '' | tr ' ' '\n' | grep -c '^process\[4200\]\.')" -eq 12 ]
  check "zsh: _oomsim_params gives step[heap].size, cgroup[/kubepods/pod-a].memory.max, machine.ram" bash -c \
    "v=' $(zsh_values _oomsim_params oomsim run $pod --set '') '; for p in 'step[heap].size' 'cgroup[/kubepods/pod-a].memory.max' machine.ram; do [[ \$v == *\" \$p \"* ]] || exit 1; done"
  # the whole completion as a user's interactive zsh runs it: zle, compinit, _arguments (tests/zsh-complete.zsh)
  zsh_tab() { # zsh_tab LINE: the command line after LINE<TAB> in an interactive zsh with the staged install
    timeout 30 zsh -f "$(dirname "$0")/zsh-complete.zsh" "$share/zsh/site-functions" "$stage/usr/bin" "$tmp" "$1"
  }
  check "zsh tty: 'oomsim expl<TAB>' completes the command" [ "$(zsh_tab 'oomsim expl')" = "oomsim explain " ]
  check "zsh tty: 'oomsim run --kernel 4.19<TAB>' completes the profile (from the oomsim on the line, not its command)" \
    [ "$(zsh_tab 'oomsim run --kernel 4.19')" = "oomsim run --kernel 4.19 " ]
  check "zsh tty: 'oomsim run --kernel 4.<TAB>' completes the prefix 4.14 and 4.19 share" \
    [ "$(zsh_tab 'oomsim run --kernel 4.')" = "oomsim run --kernel 4.1" ]
  check "zsh tty: 'oomsim sweep F --kernel 3.10-r<TAB>' completes the profile" \
    [ "$(zsh_tab 'oomsim sweep x.xml --kernel 3.10-r')" = "oomsim sweep x.xml --kernel 3.10-rhel7 " ]
  check "zsh tty: 'oomsim check --format j<TAB>' completes junit" \
    [ "$(zsh_tab 'oomsim check --format j')" = "oomsim check --format junit " ]
  # zsh globs an unquoted [...] (NOMATCH), so the completion inserts the brackets quoted, and the line runs
  check "zsh tty: 'oomsim run POD --set proc<TAB>' completes the pod's only pid, brackets quoted" \
    [ "$(zsh_tab "oomsim run $pod --set proc")" = "oomsim run $pod --set process\\[4200\\]." ]
  zline=$(zsh_tab "oomsim run $pod --set process\\[4200\\].oom_s")
  check "zsh tty: '--set process\\[4200\\].oom_s<TAB>' completes oom_score_adj=" \
    [ "$zline" = "oomsim run $pod --set process\\[4200\\].oom_score_adj=" ]
  check "zsh tty: the completed line, with a value typed after it, runs in zsh (no 'no matches found')" \
    env PATH="$stage/usr/bin:$PATH" zsh -f -c "${zline}-500 >/dev/null"
  check "zsh tty: 'oomsim run scenarios/library/k8s-pod-50<TAB>' completes the scenario file" \
    [ "$(zsh_tab 'oomsim run scenarios/library/k8s-pod-50')" = "oomsim run $pod " ]
else
  nok "zsh is not installed (make deps installs it)"
fi

# ---- uninstall
make -s --no-print-directory uninstall DESTDIR="$stage" PREFIX=/usr BUILD="$build" >>"$tmp/install.log" 2>&1
check "make uninstall succeeds" [ $? -eq 0 ]
check "... and leaves no file behind" [ -z "$(find "$stage" -type f)" ]
check "... nor the share/oomsim directory" [ ! -e "$share/oomsim" ]
