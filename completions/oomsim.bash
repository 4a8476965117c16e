# completions/oomsim.bash: bash completion for oomsim(1), installed as
# $(PREFIX)/share/bash-completion/completions/oomsim (bash-completion loads it on first use of `oomsim`).
# It completes the commands (read from `oomsim --help`) and each command's options (from `oomsim COMMAND --help`),
# so neither can drift from the binary; the values of --kernel (from `oomsim kernels`, plus `all` and lists where a
# command takes them), --format per command, --kernel-image and --until; the PARAM of --set and --vary, from the
# fixed names and the cgroups, pids and step ids of the scenario on the command line (docs/what-if.md,
# "Addressing"); and scenario files (*.xml) and directories. It needs nothing from the bash-completion package.

# The PARAMs --set and --vary address (docs/what-if.md), with those of the scenario FILE if it is readable: its
# cgroup paths, process pids and step ids are read from the XML with sed (one element a line, as usual).
_oomsim_params()
{
    local file=$1 p
    printf '%s\n' machine.ram machine.swap machine.kernel-reserved machine.cpus
    for p in overcommit_memory overcommit_ratio overcommit_kbytes panic_on_oom oom_kill_allocating_task \
        admin_reserve_kbytes user_reserve_kbytes min_free_kbytes swappiness; do
        printf 'sysctl.vm.%s\n' "$p"
    done
    [[ -r $file ]] || return 0
    for p in $(sed -n 's/.*<cgroup [^>]*path="\([^"]*\)".*/\1/p' "$file"); do
        printf "cgroup[$p].%s\n" memory.max memory.high memory.swap.max memory.oom.group memory.limit_in_bytes \
            memory.memsw.limit_in_bytes memory.oom_control memory.use_hierarchy
    done
    for p in $(sed -n 's/.*<process [^>]*pid="\([0-9]*\)".*/\1/p' "$file"); do
        printf "process[$p].%s\n" oom_score_adj uid threads cap-sys-admin stuck oom-task-origin vfork-child \
            base-rss base-pgtables cgroup comm container
    done
    for p in $(sed -n 's/.*<[a-z-]*\([[:space:]][^>]*\)\{0,1\}[[:space:]]id="\([^"]*\)".*/\2/p' "$file"); do
        printf "step[$p].%s\n" size repeat at oom_score_adj code value cgroup
    done
}

_oomsim()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local prog=${COMP_WORDS[0]} cmd= file= i w
    COMPREPLY=()
    # "--kernel=6.1": bash splits at '=' (COMP_WORDBREAKS): "--kernel" "=" "6.1"
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
        prev=${COMP_WORDS[COMP_CWORD-2]}
    fi
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -*) ;;
            *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    for w in "${COMP_WORDS[@]:i+1}"; do
        [[ $w == *.xml && -z $file ]] && file=$w
    done

    local commands
    commands=$("$prog" --help 2>/dev/null | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
    [[ -n $commands ]] || commands="run check expand kernels validate sweep sweep-merge bisect explain actors"
    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "$commands help --help --version" -- "$cur"))
        return 0
    fi
    if [[ $cmd == help ]]; then
        ((COMP_CWORD == i + 1)) && COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return 0
    fi

    # --until survives:PID: bash splits at ':' too
    if [[ ($prev == : && ${COMP_WORDS[COMP_CWORD-2]} == @(survives|killed)) || $cur == : ]]; then
        [[ $cur == : ]] && cur=
        COMPREPLY=($(compgen -W "$([[ -r $file ]] && sed -n 's/.*<process [^>]*pid="\([0-9]*\)".*/\1/p' "$file")" -- "$cur"))
        return 0
    fi

    case $prev in
        -k|--kernel)
            local profiles
            profiles=$("$prog" kernels 2>/dev/null | cut -d' ' -f1)
            if [[ $cmd == validate ]]; then
                COMPREPLY=($(compgen -W "6.1 6.12" -- "$cur") $(compgen -f -- "$cur"))
            elif [[ $cmd == @(run|check|sweep) ]]; then
                # a list: complete the item after the last comma
                local head=
                [[ $cur == *,* ]] && head=${cur%,*},
                COMPREPLY=($(compgen -P "$head" -W "$profiles" -- "${cur##*,}"))
                [[ -z $head ]] && COMPREPLY+=($(compgen -W all -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$profiles" -- "$cur"))
            fi
            return 0 ;;
        --kernel-image)
            COMPREPLY=($(compgen -W "6.1 6.12" -- "$cur") $(compgen -f -- "$cur"))
            return 0 ;;
        -f|--format)
            case $cmd in
                run) COMPREPLY=($(compgen -W "text dmesg json html" -- "$cur")) ;;
                check) COMPREPLY=($(compgen -W "text tap junit" -- "$cur")) ;;
                explain) COMPREPLY=($(compgen -W "text json html" -- "$cur")) ;;
                validate|actors) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
                sweep|sweep-merge) COMPREPLY=($(compgen -W "text csv json html" -- "$cur")) ;;
            esac
            return 0 ;;
        -s|--set|-V|--vary)
            compopt -o nospace 2>/dev/null
            COMPREPLY=($(compgen -S = -W "$(_oomsim_params "$file")" -- "$cur"))
            return 0 ;;
        -u|--until)
            [[ $cmd == bisect ]] || return 0
            COMPREPLY=($(compgen -W "no-oom no-panic no-enomem" -- "$cur"))
            local c
            for c in survives: killed:; do
                [[ $c == "$cur"* ]] && COMPREPLY+=("$c")
            done
            [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *: ]] && compopt -o nospace 2>/dev/null
            return 0 ;;
        -o|--output|--agent|--jitter)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return 0 ;;
        --work-dir|--vm-cache)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -d -- "$cur"))
            return 0 ;;
        -j|--jobs|--time-limit|--race-runs|--perturb|--trace|--shard|--probes|-r|--report|--max-steps|--max-work)
            return 0 ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$("$prog" "$cmd" --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*' | sort -u)" -- "$cur"))
        return 0
    fi
    compopt -o filenames 2>/dev/null
    case $cmd in
        kernels) ;;
        sweep-merge) COMPREPLY=($(compgen -f -- "$cur")) ;; # shards: text, CSV or JSON files
        explain) COMPREPLY=($(compgen -f -- "$cur") $(compgen -W "-" -- "$cur")) ;; # kernel logs, any name
        *)
            COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.xml' -- "$cur"))
            [[ $cmd == @(run|expand) ]] && COMPREPLY+=($(compgen -W "-" -- "$cur"))
            ;;
    esac
    return 0
}
complete -F _oomsim oomsim
